import { call, client } from '../api';
import { useServerData } from '../api/queries';
import { USERS } from '../users/usersApi';

/** A user's authentication method and provider links, shared by their page and the Edit user dialog. */
export const userSsoKey = (userId: string) => [...USERS, userId, 'sso'];

export function useUserSso(userId: string | undefined) {
  return useServerData(
    userSsoKey(userId ?? ''),
    () => call(client.GET('/api/v1/admin/users/{id}/sso', { params: { path: { id: userId ?? '' } } })),
    { enabled: userId !== undefined },
  );
}
