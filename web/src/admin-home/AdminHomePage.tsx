import { Anchor, Badge, Button, Group, Paper, SimpleGrid, Skeleton, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconCircle, IconCircleCheck } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { call, client, type Schemas } from '../api';
import { fromUserAuditEvent, sentenceText } from '../audit/sentence';
import { formatDateTime } from '../format';
import { ErrorAlert } from '../ui/ErrorAlert';
import { PageHeader } from '../ui/PageHeader';

type Overview = Schemas['AdminOverview'];
type ChecklistItem = Overview['checklist'][number]['item'];
type CountKey = keyof Overview['counts'];

export const ADMIN_OVERVIEW = ['admin', 'overview'];

/** Each setup step and the page that does it. */
const STEPS: Record<ChecklistItem, { label: string; action: string; to: string }> = {
  mail: { label: 'Configure mail delivery', action: 'Set up mail', to: '/admin/settings/email' },
  allowed_domains: { label: 'Set the allowed email domains', action: 'Set domains', to: '/admin/settings/email' },
  sign_in_policy: { label: 'Review the sign-in policy', action: 'Review', to: '/admin/settings/authentication' },
  first_app: { label: 'Register the first app', action: 'Add an app', to: '/admin/apps' },
  first_invitation: { label: 'Send the first invitation', action: 'Invite someone', to: '/admin/users' },
};

const COUNTS: Record<CountKey, { label: string; to: string; color: string }> = {
  pendingAccessRequests: { label: 'Pending access requests', to: '/admin/access-requests', color: 'yellow' },
  pendingInvitations: { label: 'Pending invitations', to: '/admin/users', color: 'indigo' },
  disabledAccounts: { label: 'Disabled accounts', to: '/admin/users', color: 'gray' },
};

/** The administrator's home (`/admin`): what is left to set up, what waits for them, and what happened lately. */
export function AdminHomePage() {
  const overview = useQuery({ queryKey: ADMIN_OVERVIEW, queryFn: () => call(client.GET('/api/v1/admin/overview')) });
  const data = overview.data;
  const counts = data ? (Object.keys(COUNTS) as CountKey[]).filter((key) => data.counts[key] !== null) : [];

  return (
    <>
      <PageHeader title="Administration" description="What is left to set up, what waits for you, and what happened lately." />
      {overview.error && <ErrorAlert title="Could not load the overview">{overview.error.message}</ErrorAlert>}
      {!data && !overview.error && <Skeleton h={200} maw={960} />}
      {data && (
        <Stack gap="xl" maw={960}>
          {counts.length > 0 && (
            <SimpleGrid cols={{ base: 1, xs: 3 }} component="section" aria-label="Waiting for you">
              {counts.map((key) => (
                <Paper key={key} withBorder radius="md" p="md" component={Link} to={COUNTS[key].to} td="none" c="inherit">
                  <Group justify="space-between" wrap="nowrap" gap="xs">
                    <Text size="sm" fw={500}>
                      {COUNTS[key].label}
                    </Text>
                    <Badge size="lg" circle={data.counts[key]! < 10} color={data.counts[key] ? COUNTS[key].color : 'gray'} variant={data.counts[key] ? 'filled' : 'light'}>
                      {data.counts[key]}
                    </Badge>
                  </Group>
                </Paper>
              ))}
            </SimpleGrid>
          )}
          {data.checklist.length > 0 && <Checklist checklist={data.checklist} />}
          {data.recentActivity && <RecentActivity events={data.recentActivity} />}
        </Stack>
      )}
    </>
  );
}

function Checklist({ checklist }: { checklist: Overview['checklist'] }) {
  const done = checklist.filter((c) => c.done).length;
  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="setup-checklist-title">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h3" id="setup-checklist-title">
          Setup checklist
        </Title>
        <Text size="sm" c="dimmed">
          {done} of {checklist.length} done
        </Text>
      </Group>
      <Stack gap="xs" component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
        {checklist.map(({ item, done }) => (
          <Group key={item} component="li" justify="space-between" wrap="wrap" gap="xs" aria-label={`${STEPS[item].label}: ${done ? 'done' : 'not done'}`}>
            <Group gap="sm" wrap="nowrap">
              <ThemeIcon color={done ? 'green' : 'gray'} variant="light" radius="xl" aria-hidden>
                {done ? <IconCircleCheck size={18} /> : <IconCircle size={18} />}
              </ThemeIcon>
              <Text size="sm" td={done ? 'line-through' : undefined} c={done ? 'dimmed' : undefined}>
                {STEPS[item].label}
              </Text>
            </Group>
            {done ? (
              <Badge color="green" variant="light" tt="none">
                Done
              </Badge>
            ) : (
              <Button component={Link} to={STEPS[item].to} size="xs" variant="light">
                {STEPS[item].action}
              </Button>
            )}
          </Group>
        ))}
      </Stack>
    </Paper>
  );
}

function RecentActivity({ events }: { events: NonNullable<Overview['recentActivity']> }) {
  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="recent-activity-title">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h3" id="recent-activity-title">
          Recent activity
        </Title>
        <Anchor component={Link} to="/admin/audit" size="sm">
          The audit log
        </Anchor>
      </Group>
      {events.length === 0 ? (
        <Text size="sm" c="dimmed">
          Nothing has happened yet.
        </Text>
      ) : (
        <Stack gap={6} component="ol" p={0} m={0} style={{ listStyle: 'none' }}>
          {events.map((e) => (
            <Group key={e.id} component="li" justify="space-between" wrap="wrap" gap={4}>
              <Text size="sm">{sentenceText(fromUserAuditEvent(e))}</Text>
              <Text size="xs" c="dimmed">
                {formatDateTime(e.occurredAt)}
              </Text>
            </Group>
          ))}
        </Stack>
      )}
    </Paper>
  );
}
