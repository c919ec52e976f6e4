/**
 * The accounts core: a person's account, what it may do (roles, groups, permissions) and everything that must end
 * with it. Every other feature reaches accounts through this file; accounts depends on no feature.
 */
export {
  ACCESS_END_CAUSES,
  endAccess,
  membershipChanged,
  onMembershipChange,
  registerAccessHolder,
  type AccessEndCause,
  type AccessEndContext,
  type AccessHolder,
  type MembershipListener,
} from './access.js';
export { actorUserColumns, actorUserOf, authorize, authorizeSeeingPeople, type Actor, type ActorUser, type ActorUserRow } from './actor.js';
export { heldCatalogue } from './held-access.js';
export { recordAccountChange, registerAuditTrail, type AuditContext, type AuditEntry, type AuditRecorder } from './audit-trail.js';
export { activeAdminExists, withAdminGuard } from './admin-guard.js';
export { builtinRoleId, syncBuiltinRoles } from './builtin-roles.js';
export { accountBatchCtes } from './bulk.js';
export {
  ALL_PERMISSIONS,
  BUILTIN_ROLES,
  isPermission,
  PERMISSION_AREAS,
  type BuiltinRole,
  type Permission,
  withRequiredPermissions,
} from './catalogue.js';
export {
  addMemberships,
  assignGroups,
  assignRoles,
  authorizeGrants,
  grantRoles,
  removeMemberships,
  type AssignmentContext,
  type Assignment,
  type AssignOptions,
} from './assignments.js';
export {
  findUserByIdentifier,
  groupGrant,
  groupRefSchema,
  groupsByIds,
  groupsOfUsers,
  isForeignKeyViolation,
  rolesByIds,
  roleRefSchema,
  rolesOfGroups,
  rolesOfUsers,
  stillExisting,
  unknownIds,
  type GroupRef,
  type GroupWithRoles,
  type RoleRef,
} from './directory.js';
export { DELETED_USER_NAME, tombstoneOf } from './tombstone.js';
export { authorizeManaging, lockAccount, userNotFound, type LockedAccount } from './lock.js';
export { authorizeGrant, authorizeRoleChange, permissionsOf, userPermissions, type Grantable, type Grantor } from './permissions.js';
// The writes: other features change the account tables only through these (eslint rule account-tables-written-by-accounts).
export { createUser, type NewUser } from './create.js';
export { normaliseEmail } from './identity.js';
export {
  confirmEmailThroughLink,
  markEmailVerified,
  recordSignIn,
  setPasswordHash,
  updateProfile,
  type ProfileChanges,
} from './profile.js';
export { eraseAccount, eraseWaitingAccount, removeHalfMadeAccounts, revokeAccount, setAccountStatus } from './status.js';
export { addRole, changeRole, moveRoleHolders, removeRole } from './roles.js';
export { addGroup, changeGroup, changeGroupRoles, removeGroup } from './groups.js';
// Every account table and its types.
export * from './schema.js';
