import type { Party, UserAuditEvent } from './types';

const isRef = (v: unknown): v is { name: string } => typeof v === 'object' && v !== null && 'name' in v;
const isChange = (v: unknown): v is { from: unknown; to: unknown } => typeof v === 'object' && v !== null && 'from' in v && 'to' in v;

function show(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (Array.isArray(value)) return value.length ? value.map((v) => (isRef(v) ? v.name : show(v))).join(', ') : 'none';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** "name: Old → New; roles: Member → Admin" from the `{field: {from, to}}` details every change records. */
export function describeDetails(details: Record<string, unknown>): string {
  return Object.entries(details)
    .map(([field, value]) => (isChange(value) ? `${field}: ${show(value.from)} → ${show(value.to)}` : `${field}: ${show(value)}`))
    .join('; ');
}

export function describeParty(party: Party | null): string {
  if (!party) return '—';
  if (party.type === 'system') return 'Foyer';
  if (party.type === 'anonymous') return 'Someone not signed in';
  if (party.type === 'api_token') return party.name ? `${party.name} (API token)` : 'API token';
  return party.name ?? party.id ?? '—';
}

export const eventLabel = (event: UserAuditEvent) => event.action.replace(/[._]/g, ' ');
