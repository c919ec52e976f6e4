import type { Actor, Permission } from '../accounts/index.js';
import { countPendingAccessRequests } from '../access-requests/index.js';
import { countApps } from '../apps/index.js';
import { invitationCounts } from '../invitations/index.js';
import { mailDeliveryMode } from '../mail/index.js';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db.js';
import { readAllowedDomains, settingsSavedAt } from '../settings/index.js';
import { countDisabledAccounts, recentAuditEvents } from '../users/index.js';

export const CHECKLIST_ITEMS = ['mail', 'allowed_domains', 'sign_in_policy', 'first_app', 'first_invitation'] as const;
export type ChecklistItem = (typeof CHECKLIST_ITEMS)[number];

/** How many events the home shows; the audit log page has the rest. */
export const RECENT_ACTIVITY = 10;

/**
 * The settings areas of Authentication settings (two-step verification and passwords): saving either, even
 * unchanged, is how an administrator says they reviewed the sign-in policy.
 */
const SIGN_IN_POLICY_AREAS = ['mfa', 'passwords'];

interface Gate {
  permission: Permission;
  /** Other people's data behind it (names, counts of accounts): never for External users (seed 003). */
  people: boolean;
}

/** Each checklist item is shown to whoever may do it, with the permission of the page that does it. */
const CHECKLIST_GATES: Record<ChecklistItem, Gate> = {
  mail: { permission: 'settings.manage', people: false },
  allowed_domains: { permission: 'settings.manage', people: false },
  sign_in_policy: { permission: 'settings.manage', people: false },
  first_app: { permission: 'apps.manage', people: true },
  first_invitation: { permission: 'invitations.manage', people: true },
};

const COUNT_GATES = {
  pendingAccessRequests: { permission: 'access_requests.read', people: true },
  pendingInvitations: { permission: 'invitations.manage', people: true },
  disabledAccounts: { permission: 'users.read', people: true },
} satisfies Record<string, Gate>;

const ACTIVITY_GATE: Gate = { permission: 'audit.read', people: true };

const passes = (actor: Actor, gate: Gate) =>
  actor.permissions.has(gate.permission) && !(gate.people && actor.user.profile === 'external');

type Counts = { [K in keyof typeof COUNT_GATES]: number | null };

export interface AdminOverview {
  checklist: { item: ChecklistItem; done: boolean }[];
  counts: Counts;
  recentActivity: Awaited<ReturnType<typeof recentAuditEvents>> | null;
}

/** Whether each setup step is done; only the steps asked for are looked up. */
async function checklistState(db: Database, config: Config, items: ChecklistItem[]): Promise<Record<ChecklistItem, boolean>> {
  const wanted = new Set(items);
  const check = async (item: ChecklistItem, done: () => Promise<boolean>) => (wanted.has(item) ? done() : false);
  const [mail, allowedDomains, signInPolicy, firstApp, firstInvitation] = await Promise.all([
    check('mail', async () => (await mailDeliveryMode(db, config)) === 'smtp'),
    check('allowed_domains', async () => (await readAllowedDomains(db)).length > 0),
    check('sign_in_policy', async () => (await settingsSavedAt(db, SIGN_IN_POLICY_AREAS)) !== null),
    check('first_app', async () => (await countApps(db)) > 0),
    check('first_invitation', async () => (await invitationCounts(db)).ever > 0),
  ]);
  return { mail, allowed_domains: allowedDomains, sign_in_policy: signInPolicy, first_app: firstApp, first_invitation: firstInvitation };
}

/**
 * The administrator's home: what is left to set up, what waits for them, and what happened lately. Every part is
 * there only for someone allowed to see it; the rest answers null (or is left out of the checklist).
 */
export async function loadAdminOverview(db: Database, config: Config, actor: Actor): Promise<AdminOverview> {
  const items = CHECKLIST_ITEMS.filter((item) => passes(actor, CHECKLIST_GATES[item]));
  const gated = <T>(gate: Gate, read: () => Promise<T>) => (passes(actor, gate) ? read() : Promise.resolve(null));
  const [state, pendingAccessRequests, pendingInvitations, disabledAccounts, recentActivity] = await Promise.all([
    checklistState(db, config, items),
    gated(COUNT_GATES.pendingAccessRequests, () => countPendingAccessRequests(db)),
    gated(COUNT_GATES.pendingInvitations, async () => (await invitationCounts(db)).pending),
    gated(COUNT_GATES.disabledAccounts, () => countDisabledAccounts(db)),
    gated(ACTIVITY_GATE, () => recentAuditEvents(db, RECENT_ACTIVITY)),
  ]);
  return {
    checklist: items.map((item) => ({ item, done: state[item] })),
    counts: { pendingAccessRequests, pendingInvitations, disabledAccounts },
    recentActivity,
  };
}
