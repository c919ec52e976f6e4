import type { Permission } from '../accounts/index.js';
import type { TemplateName } from '../mail/index.js';

/**
 * The events administrators can be emailed about. Each goes only to people who hold `permission` (the right to act
 * on it) and whose preference for it is on; `enabledByDefault` applies until they choose.
 */
export const NOTIFICATION_EVENTS = {
  'access_request.created': {
    label: 'New access request',
    description: 'Email me when someone asks for access, so I can approve or decline it.',
    permission: 'users.create',
    template: 'access_request_notice',
    enabledByDefault: true,
  },
} as const satisfies Record<
  string,
  { label: string; description: string; permission: Permission; template: TemplateName; enabledByDefault: boolean }
>;

export type NotificationEvent = keyof typeof NOTIFICATION_EVENTS;
export type NotificationTemplate<E extends NotificationEvent> = (typeof NOTIFICATION_EVENTS)[E]['template'];

export const NOTIFICATION_EVENT_KEYS = Object.keys(NOTIFICATION_EVENTS) as NotificationEvent[];

export const isNotificationEvent = (value: string): value is NotificationEvent => Object.hasOwn(NOTIFICATION_EVENTS, value);
