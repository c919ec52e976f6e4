import { Alert, Anchor, Badge, Button, List, Paper, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { IconUsers } from '@tabler/icons-react';
import { Link } from 'react-router-dom';
import { EMPTY } from '../format';
import { sentOrCaptured, useMailCaptured } from '../mail/mailWording';
import type { ImportOutcome, RowOutcome, RowResult } from './importApi';
import { SectionCard } from '../ui/SectionCard';

const OUTCOME_COLOR: Record<RowOutcome, string> = { created: 'green', skipped: 'yellow', failed: 'red' };

/** Invitation emails of an import that sends them: how many went to the outbox, and the rows whose domain is not allowed. */
export type InvitationCounts = { queued: number; blocked: RowResult[] };

type Props = { outcome: ImportOutcome; problems: RowResult[]; invitations: InvitationCounts; maxListed: number };

export function ImportResults({ outcome, problems, invitations, maxListed }: Props) {
  const { dryRun, summary } = outcome;
  const captured = useMailCaptured();
  const notCreated = summary.skipped + summary.failed;
  const stats: [string, number, string][] = [
    [dryRun ? 'Would be created' : 'Created', summary.created, 'green'],
    [dryRun ? 'Would be skipped' : 'Skipped', summary.skipped, 'yellow'],
    ['Failed', summary.failed, 'red'],
    ['Rows', summary.total, 'gray'],
  ];

  return (
    <SectionCard
      title={dryRun ? 'Dry run: nothing was written' : 'Import finished'}
      actions={
        !dryRun &&
        summary.created > 0 && (
          <Button component={Link} to="/admin/users" variant="light" leftSection={<IconUsers size={16} />}>
            Go to users
          </Button>
        )
      }
    >
      <Stack gap="md">
        <SimpleGrid cols={{ base: 2, sm: 4 }} role="list" aria-label="Import summary">
          {stats.map(([label, value, color]) => (
            <Paper key={label} withBorder radius="md" p="sm" role="listitem" aria-label={`${label}: ${value}`}>
              <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                {label}
              </Text>
              <Text fz={28} fw={700} c={color === 'gray' ? undefined : color}>
                {value.toLocaleString()}
              </Text>
            </Paper>
          ))}
        </SimpleGrid>
        {invitations.queued > 0 && (
          <Text size="sm" role="status">
            {invitations.queued.toLocaleString()} invitation {invitations.queued === 1 ? 'email' : 'emails'} {sentOrCaptured(captured)}.
            {captured && (
              <>
                {' '}
                <Anchor component={Link} to="/admin/mail" inherit>
                  Open the dev mailbox
                </Anchor>
              </>
            )}
          </Text>
        )}
        {invitations.blocked.length > 0 && (
          <Alert color="orange" title="Some invitations were not sent">
            These people were created, but their email domain is not allowed, so no invitation went out:
            <List size="sm" mt={4}>
              {invitations.blocked.map((r) => (
                <List.Item key={r.row}>
                  Row {r.row}: {r.email}
                </List.Item>
              ))}
            </List>
          </Alert>
        )}
        {problems.length > 0 ? (
          <Table.ScrollContainer minWidth={640}>
            <Table striped verticalSpacing="xs" aria-label="Rows not created">
              <Table.Caption>
                {notCreated > problems.length
                  ? `The first ${problems.length.toLocaleString()} of ${notCreated.toLocaleString()} rows that were skipped or failed.`
                  : 'Rows that were skipped or failed. Row numbers count the header as row 1, as a spreadsheet does.'}
              </Table.Caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={80}>Row</Table.Th>
                  <Table.Th>Email</Table.Th>
                  <Table.Th w={110}>Outcome</Table.Th>
                  <Table.Th>Reason</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {problems.map((r) => (
                  <Table.Tr key={r.row}>
                    <Table.Td>{r.row}</Table.Td>
                    <Table.Td>{r.email || EMPTY}</Table.Td>
                    <Table.Td>
                      <Badge color={OUTCOME_COLOR[r.outcome]} variant="light">
                        {r.outcome}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{r.reason}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        ) : (
          summary.total > 0 && <Text c="dimmed">Every row {dryRun ? 'can be' : 'was'} created.</Text>
        )}
        {maxListed < notCreated && <Text size="sm" c="dimmed">Fix these rows and run the file again: rows already created are skipped.</Text>}
      </Stack>
    </SectionCard>
  );
}
