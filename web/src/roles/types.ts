import type { Schemas } from '../api';
import type { paths } from '../api/schema';

export type Role = Schemas['Role'];

export type PermissionArea = paths['/api/v1/admin/permissions']['get']['responses'][200]['content']['application/json']['areas'][number];
export type PermissionInfo = PermissionArea['permissions'][number];
