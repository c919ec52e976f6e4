import { call, client } from '../api';

export const fetchPermissionAreas = async () => (await call(client.GET('/api/v1/admin/permissions'))).areas;
