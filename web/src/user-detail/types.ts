import type { Schemas } from '../api';

export type UserDetail = Schemas['AdminUserDetailPage'];
export type UserSession = UserDetail['sessions'][number];
export type AuditPage = NonNullable<UserDetail['auditTrail']>;
