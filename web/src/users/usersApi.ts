import { call, client } from '../api';
import type { BulkAction, Sorting, UserFilters } from './types';

const PAGE_SIZE = 50;

/** The cache key of every filter and sort of the user directory. */
export const USERS = ['users'];

/** One page of the user directory, filtered and sorted as the Users page asks. */
export const listUsers = ({ q, status, role, group, authMethod }: UserFilters, { sort, order }: Sorting, cursor?: string) =>
  call(
    client.GET('/api/v1/admin/users', {
      params: { query: { limit: PAGE_SIZE, cursor, q: q || undefined, status: status ?? undefined, role: role ?? undefined, group: group ?? undefined, authMethod: authMethod ?? undefined, sort, order } },
    }),
  );

export type UserChanges = {
  name?: string;
  email?: string;
  username?: string;
  roleIds?: string[];
  groupIds?: string[];
};

export const updateUser = (id: string, changes: UserChanges) =>
  call(client.PATCH('/api/v1/admin/users/{id}', { params: { path: { id } }, body: changes })).then((r) => r.user);

export type StatusAction = 'disable' | 'enable' | 'revoke';

const STATUS_PATHS = {
  disable: '/api/v1/admin/users/{id}/disable',
  enable: '/api/v1/admin/users/{id}/enable',
  revoke: '/api/v1/admin/users/{id}/revoke',
} as const;

export const changeStatus = (id: string, action: StatusAction) =>
  call(client.POST(STATUS_PATHS[action], { params: { path: { id } } })).then((r) => r.user);

export const deleteUser = (id: string) => call(client.DELETE('/api/v1/admin/users/{id}', { params: { path: { id } } }));

export const runBulkAction = (userIds: string[], action: BulkAction) =>
  call(client.POST('/api/v1/admin/users/bulk', { body: { userIds, action } })).then((r) => r.results);
