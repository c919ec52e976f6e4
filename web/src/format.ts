const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'long' });

export const EMPTY = '—';

export function formatDateTime(iso: string | null): string {
  return iso ? dateTime.format(new Date(iso)) : EMPTY;
}

export function formatDate(iso: string): string {
  return dateOnly.format(new Date(iso));
}
