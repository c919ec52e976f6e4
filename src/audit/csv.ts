import type { NamedAuditEvent } from './log.js';

const COLUMNS = [
  ['id', (e) => e.id],
  ['occurredAt', (e) => e.occurredAt],
  ['action', (e) => e.action],
  ['actorType', (e) => e.actorType],
  ['actorId', (e) => e.actorId],
  ['actorName', (e) => e.actorName],
  ['actorTokenName', (e) => e.actorTokenName],
  ['targetType', (e) => e.targetType],
  ['targetId', (e) => e.targetId],
  ['targetName', (e) => e.targetName],
  ['ip', (e) => e.ip],
  ['userAgent', (e) => e.userAgent],
  ['details', (e) => JSON.stringify(e.details)],
] as const satisfies readonly (readonly [string, (e: NamedAuditEvent) => string | null])[];

/**
 * One CSV field. Names and user agents are typed by anyone, and a spreadsheet runs a cell that starts with = + - @
 * (or a tab or carriage return before one) as a formula, so such a cell is opened with a quote and read as text.
 */
export function csvField(value: string | null): string {
  if (value === null) return '';
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvHeader = (): string => `${COLUMNS.map(([name]) => name).join(',')}\r\n`;

export const csvRow = (e: NamedAuditEvent): string => `${COLUMNS.map(([, value]) => csvField(value(e))).join(',')}\r\n`;
