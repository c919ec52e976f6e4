/**
 * The permission catalogue, declared as data. Every admin route names one of these keys; roles are sets of them.
 * Later features add their keys here, and the built-in roles follow automatically at the next start.
 */
export const PERMISSION_AREAS = [
  {
    area: 'Users',
    permissions: [
      { key: 'users.read', description: 'See users and their details' },
      { key: 'users.create', description: 'Create users and approve access' },
      { key: 'users.update', description: 'Edit users, their roles, groups and status' },
      { key: 'users.delete', description: 'Delete users' },
    ],
  },
  {
    area: 'Roles and groups',
    permissions: [
      { key: 'roles.manage', description: 'Create, edit and delete roles' },
      { key: 'groups.manage', description: 'Create, edit and delete groups and their members' },
    ],
  },
  {
    area: 'Joining',
    permissions: [
      { key: 'invitations.manage', description: 'Create sign-up links and invitations' },
      { key: 'access_requests.read', description: 'See access requests' },
      { key: 'access_requests.approve', description: 'Approve and decline access requests' },
      { key: 'access_requests.view_deleted', description: 'See declined (deleted) access requests' },
      { key: 'access_requests.restore', description: 'Restore declined access requests' },
    ],
  },
  {
    area: 'Apps',
    permissions: [
      { key: 'apps.read', description: 'See the apps people sign in to and who may open them' },
      { key: 'apps.manage', description: 'Create, edit and delete apps and rotate their secrets' },
    ],
  },
  {
    area: 'Instance',
    permissions: [
      { key: 'settings.manage', description: 'Change instance settings' },
      {
        key: 'mail.read',
        description: 'Read the mail outbox; live links and codes show only in the dev mailbox of an instance in development mode',
      },
      { key: 'audit.read', description: 'Read the audit log' },
      { key: 'api_tokens.manage', description: 'Create and revoke API tokens' },
      { key: 'instance.backup', description: 'Download a backup of the embedded database' },
    ],
  },
] as const;

export type Permission = (typeof PERMISSION_AREAS)[number]['permissions'][number]['key'];

export const ALL_PERMISSIONS: readonly Permission[] = PERMISSION_AREAS.flatMap((a) => a.permissions.map((p) => p.key));

export const isPermission = (value: string): value is Permission => (ALL_PERMISSIONS as readonly string[]).includes(value);

export interface BuiltinRole {
  key: string;
  name: string;
  description: string;
  permissions: readonly Permission[];
}

export const BUILTIN_ROLES: readonly BuiltinRole[] = [
  { key: 'admin', name: 'Admin', description: 'Full access to all features and administration', permissions: ALL_PERMISSIONS },
  { key: 'member', name: 'Member', description: 'Uses what they are given; no administration', permissions: [] },
  {
    key: 'viewer',
    name: 'Viewer',
    description: 'Read-only access across all areas',
    permissions: ['users.read', 'access_requests.read', 'audit.read'],
  },
  {
    key: 'user_manager',
    name: 'User manager',
    description: 'Manages people, groups, invitations and access requests; no roles, settings, audit log or API tokens',
    permissions: [
      'users.read',
      'users.create',
      'users.update',
      'users.delete',
      'groups.manage',
      'invitations.manage',
      'access_requests.read',
      'access_requests.approve',
      'access_requests.view_deleted',
      'access_requests.restore',
    ],
  },
];
