import { call, client } from '../api';

/** The audit log's filters as the screen holds them; dates are whole local days (YYYY-MM-DD). */
export type AuditFilters = { actorId: string | null; targetId: string | null; action: string | null; from: string; to: string };

export const NO_FILTERS: AuditFilters = { actorId: null, targetId: null, action: null, from: '', to: '' };

/** The filters as the server reads them: the same for the list and the CSV export. */
export function auditQuery(f: AuditFilters) {
  return {
    ...(f.actorId ? { actorId: f.actorId } : {}),
    ...(f.targetId ? { targetId: f.targetId } : {}),
    ...(f.action ? { action: f.action } : {}),
    ...(f.from ? { since: new Date(`${f.from}T00:00:00`).toISOString() } : {}),
    ...(f.to ? { until: new Date(`${f.to}T23:59:59.999`).toISOString() } : {}),
  };
}

export const listAuditEvents = (filters: AuditFilters, cursor?: string) =>
  call(client.GET('/api/v1/admin/audit-events', { params: { query: { ...auditQuery(filters), cursor } } }));

export const auditExportUrl = (filters: AuditFilters) => `/api/v1/admin/audit-events.csv?${new URLSearchParams(auditQuery(filters))}`;
