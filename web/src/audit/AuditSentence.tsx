import { Group, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { formatDateTime } from '../format';
import { auditSentence, describeDetails, type AuditEntry } from './sentence';

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** "3 minutes ago", "yesterday", "just now". */
export function timeAgo(iso: string, now: number): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return relative.format(Math.trunc(seconds / size), unit);
  }
  return 'just now';
}

/** Re-renders each minute so "2 minutes ago" does not stay "just now". */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/** When something happened, in human words, with the exact time on hover. */
export function AuditTime({ at }: { at: string }) {
  const now = useNow();
  return (
    <Text component="time" dateTime={at} title={formatDateTime(at)} size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
      {timeAgo(at, now)}
    </Text>
  );
}

type Props = { entry: AuditEntry; occurredAt: string; showDetails?: boolean };

/** One audit event as a sentence ("Ada disabled Grace Hopper"): the one way the console shows an audit entry. */
export function AuditSentence({ entry, occurredAt, showDetails = true }: Props) {
  const details = showDetails ? describeDetails(entry.details) : '';
  return (
    <Stack gap={2} data-testid="audit-sentence" data-action={entry.action}>
      <Group gap="xs" justify="space-between" align="baseline" wrap="nowrap">
        <Text size="sm">
          {auditSentence(entry).map((part, i) =>
            part.kind === 'party' ? (
              <Text key={i} span fw={600} inherit>
                {part.text}
              </Text>
            ) : (
              part.text
            ),
          )}
        </Text>
        <AuditTime at={occurredAt} />
      </Group>
      {details && (
        <Text size="xs" c="dimmed" style={{ wordBreak: 'break-word' }}>
          {details}
        </Text>
      )}
    </Stack>
  );
}
