import type { AuthMethod, Schemas, UserProfile, UserStatus } from '../api';

/** A user as the admin list and dialogs see them: the promised shape plus groups and email validation. */
export type AdminUserDetail = Schemas['AdminUserDetail'];
export type GroupRef = AdminUserDetail['groups'][number];

export type UserSort = 'name' | 'email' | 'createdAt' | 'lastLoginAt';
export type SortOrder = 'asc' | 'desc';

export type UserFilters = {
  q: string;
  status: UserStatus | null;
  role: string | null;
  group: string | null;
  authMethod: AuthMethod | null;
};

export type Sorting = { sort: UserSort; order: SortOrder };

/** A role or group the console can offer, with what it grants (so a dialog can say why something is refused). */
export type Option = { id: string; name: string; builtinKey?: string | null };

/** Granting the built-in Admin role gives every permission, so the console asks first. */
export const isAdminRole = (role: Option | undefined) => role?.builtinKey === 'admin';

export type BulkActionType = 'add_role' | 'remove_role' | 'add_group' | 'remove_group' | 'disable' | 'enable' | 'set_profile';

export type BulkAction =
  | { type: 'add_role' | 'remove_role'; roleId: string }
  | { type: 'add_group' | 'remove_group'; groupId: string }
  | { type: 'disable' | 'enable' }
  | { type: 'set_profile'; profile: UserProfile };

export type BulkResult = { userId: string; outcome: 'applied' | 'skipped' | 'failed'; reason?: string };
