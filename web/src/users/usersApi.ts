import { api } from '../api';
import type { AdminUserDetail, BulkAction, BulkResult, Option } from './types';

type Page<T> = { items: T[]; nextCursor: string | null };

async function fetchAll<T>(path: string): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams({ limit: '500' });
    if (cursor) params.set('cursor', cursor);
    const page: Page<T> = await api<Page<T>>('GET', `${path}?${params}`);
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

/** Every role and every group by name, for dropdowns; instances have a handful of each. */
export const fetchRoleOptions = () => fetchAll<Option>('/api/v1/admin/roles');
export const fetchGroupOptions = () => fetchAll<Option>('/api/v1/admin/groups');

export type UserChanges = {
  name?: string;
  email?: string;
  username?: string;
  roleIds?: string[];
  groupIds?: string[];
};

export const updateUser = (id: string, changes: UserChanges) =>
  api<{ user: AdminUserDetail }>('PATCH', `/api/v1/admin/users/${id}`, changes).then((r) => r.user);

export type StatusAction = 'disable' | 'enable' | 'revoke';

export const changeStatus = (id: string, action: StatusAction) =>
  api<{ user: AdminUserDetail }>('POST', `/api/v1/admin/users/${id}/${action}`).then((r) => r.user);

export const deleteUser = (id: string) => api<void>('DELETE', `/api/v1/admin/users/${id}`);

export const runBulkAction = (userIds: string[], action: BulkAction) =>
  api<{ results: BulkResult[] }>('POST', '/api/v1/admin/users/bulk', { userIds, action }).then((r) => r.results);
