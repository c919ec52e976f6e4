/**
 * The permission catalogue, declared as data. Every admin route names one of these keys; roles are sets of them.
 * Later features add their keys here, and the built-in roles follow automatically at the next start.
 */
export const PERMISSION_AREAS = [
  {
    area: 'Users',
    permissions: [
      {
        key: 'users.read',
        description: 'See users and their details',
        explanation: 'Lists everyone who has an account with their roles, groups, sessions and sign-in methods.',
        requires: [],
      },
      {
        key: 'users.create',
        description: 'Create users and approve access',
        explanation: 'Adds people directly or from a CSV file; approving an access request also needs it.',
        requires: ['users.read'],
      },
      {
        key: 'users.update',
        description: 'Edit users, their roles, groups and status',
        explanation: 'Changes names, roles and groups, and disables, enables or revokes accounts.',
        requires: ['users.read'],
      },
      {
        key: 'users.delete',
        description: 'Delete users',
        explanation: 'Erases an account for good; the audit log keeps its events.',
        requires: ['users.read'],
      },
    ],
  },
  {
    area: 'Roles and groups',
    permissions: [
      {
        key: 'roles.manage',
        description: 'Create, edit and delete roles',
        explanation: 'Decides which permissions each role grants; nobody can grant more than they hold.',
        requires: [],
      },
      {
        key: 'groups.manage',
        description: 'Create, edit and delete groups and their members',
        explanation: 'Chooses who belongs to each group and which roles a group carries.',
        requires: ['users.read'],
      },
    ],
  },
  {
    area: 'Joining',
    permissions: [
      {
        key: 'invitations.manage',
        description: 'Create sign-up links and invitations',
        explanation: 'Issues and revokes the links people join with.',
        requires: [],
      },
      {
        key: 'access_requests.read',
        description: 'See access requests',
        explanation: 'Shows who asked to join and what they wrote.',
        requires: [],
      },
      {
        key: 'access_requests.approve',
        description: 'Approve and decline access requests',
        explanation: 'Approving creates the account and invites the person; declining is silent.',
        requires: ['access_requests.read'],
      },
      {
        key: 'access_requests.view_deleted',
        description: 'See declined (deleted) access requests',
        explanation: 'Declined requests are kept out of the main list; this shows them.',
        requires: ['access_requests.read'],
      },
      {
        key: 'access_requests.restore',
        description: 'Restore declined access requests',
        explanation: 'Puts a declined request back in the list so it can be decided again.',
        requires: ['access_requests.view_deleted'],
      },
    ],
  },
  {
    area: 'Apps',
    permissions: [
      {
        key: 'apps.read',
        description: 'See the apps people sign in to and who may open them',
        explanation: 'Shows each app and which groups may open it.',
        requires: [],
      },
      {
        key: 'apps.manage',
        description: 'Create, edit and delete apps and rotate their secrets',
        explanation: 'Changes what people sign in to and who may open it.',
        requires: ['apps.read'],
      },
    ],
  },
  {
    area: 'Instance',
    permissions: [
      {
        key: 'settings.manage',
        description: 'Change instance settings',
        explanation: 'Registration, allowed email domains, passwords, two-factor and mail.',
        requires: [],
      },
      {
        key: 'mail.read',
        description: 'Read the mail outbox; live links and codes show only in the dev mailbox of an instance in development mode',
        explanation: 'Shows what Foyer sent and whether it was delivered.',
        requires: [],
      },
      {
        key: 'audit.read',
        description: 'Read the audit log',
        explanation: 'Shows who did what, and when.',
        requires: [],
      },
      {
        key: 'api_tokens.manage',
        description: 'Create and revoke API tokens',
        explanation: 'Tokens act with their creator’s permissions, never more.',
        requires: [],
      },
      {
        key: 'instance.backup',
        description: 'Download a backup of the embedded database',
        explanation: 'A backup holds everyone’s data: keep it as safe as the server.',
        requires: [],
      },
    ],
  },
] as const satisfies readonly {
  area: string;
  /** `description` labels the permission; `explanation` says in a sentence what it lets its holder do. */
  permissions: readonly { key: string; description: string; explanation: string; requires: readonly string[] }[];
}[];

export type Permission = (typeof PERMISSION_AREAS)[number]['permissions'][number]['key'];

export const ALL_PERMISSIONS: readonly Permission[] = PERMISSION_AREAS.flatMap((a) => a.permissions.map((p) => p.key));

export const isPermission = (value: string): value is Permission => (ALL_PERMISSIONS as readonly string[]).includes(value);

const REQUIRES = new Map<string, readonly string[]>(PERMISSION_AREAS.flatMap((a) => a.permissions.map((p) => [p.key, p.requires])));

/**
 * The permissions these permissions need to be of any use, followed to the end (restoring a declined request needs
 * seeing declined requests, which needs seeing requests). A role holding a permission holds what it requires: the
 * one rule the roles editor shows and the server applies when a role is saved.
 */
export function withRequiredPermissions(permissions: Iterable<string>): string[] {
  const held = new Set<string>();
  const visit = (key: string) => {
    if (held.has(key)) return;
    held.add(key);
    for (const required of REQUIRES.get(key) ?? []) visit(required);
  };
  for (const key of permissions) visit(key);
  return [...held].sort();
}

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
