import type { MfaKind } from '../two-factor/mfaApi';
import type { AdminUserDetail } from '../users/types';

export type UserSession = {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
  /** "Firefox on Windows", parsed by the server from the User-Agent header. */
  label: string;
  current: boolean;
};

export type Party = { type: string; id: string | null; name: string | null };

export type UserAuditEvent = {
  id: string;
  occurredAt: string;
  action: string;
  actor: Party;
  target: Party | null;
  ip: string | null;
  details: Record<string, unknown>;
};

export type AuditPage = { items: UserAuditEvent[]; nextCursor: string | null };

export type UserDetail = {
  user: AdminUserDetail & { updatedAt: string; permissions: string[]; passkeyCount: number };
  sessions: UserSession[];
  auditTrail: AuditPage | null;
  mfaMethods: MfaKind[];
};
