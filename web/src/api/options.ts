import { useQuery } from '@tanstack/react-query';
import { call, client, everyPage } from '.';

/** Every role, following the cursor: instances have a handful, so one request almost always suffices. */
export const fetchAllRoles = () =>
  everyPage((cursor) => call(client.GET('/api/v1/admin/roles', { params: { query: { limit: 500, cursor } } })));

export const fetchAllGroups = () =>
  everyPage((cursor) => call(client.GET('/api/v1/admin/groups', { params: { query: { limit: 500, cursor } } })));

/** Cache keys of the two lists every role and group picker shares; a change to a role or group invalidates them. */
export const ROLES = ['roles'];
export const GROUPS = ['groups'];

/** Every role, for pickers and the Roles page; `[]` until loaded, since a picker without options still works. */
export function useRoles() {
  const query = useQuery({ queryKey: ROLES, queryFn: fetchAllRoles });
  return { ...query, roles: query.data ?? [] };
}

export function useGroups() {
  const query = useQuery({ queryKey: GROUPS, queryFn: fetchAllGroups });
  return { ...query, groups: query.data ?? [] };
}
