import { api } from '../api';
import type { Page, PermissionArea, Role } from './types';

/** Every role, following the cursor: instances have a handful, so one request almost always suffices. */
export async function fetchAllRoles(): Promise<Role[]> {
  const roles: Role[] = [];
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams({ limit: '500' });
    if (cursor) params.set('cursor', cursor);
    const page: Page<Role> = await api<Page<Role>>('GET', `/api/v1/admin/roles?${params}`);
    roles.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return roles;
}

export async function fetchPermissionAreas(): Promise<PermissionArea[]> {
  return (await api<{ areas: PermissionArea[] }>('GET', '/api/v1/admin/permissions')).areas;
}
