import { Anchor, Badge, Box, Group, List, Paper, SimpleGrid, Skeleton, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconAlertCircle, IconShieldCheck } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { call, client, type Schemas } from '../api';
import { MyApps } from '../apps/MyApps';
import { VerifyEmailCard } from '../email-verification/VerifyEmailCard';
import { useSession } from '../session';
import { ErrorAlert } from '../ui/ErrorAlert';
import { PageHeader } from '../ui/PageHeader';

type MyHome = Schemas['MyHome'];
type NextStep = MyHome['security']['nextSteps'][number];
type HeldRole = MyHome['roles'][number];

export const MY_HOME = ['me', 'home'];

/** Where each step is done: My account → Security, or the code box at the top of this page. */
const STEPS: Record<NextStep, { label: string; why: string; to?: string }> = {
  verify_email: { label: 'Verify your email', why: 'Enter the code from the email we sent you, above.' },
  add_passkey: { label: 'Add a passkey', why: 'Sign in with your fingerprint, face or device PIN: it cannot be phished.', to: '/account#security-heading' },
  add_second_passkey: {
    label: 'Add a second passkey',
    why: 'On another device, so losing one does not lock you out.',
    to: '/account#security-heading',
  },
  turn_on_two_factor: {
    label: 'Turn on two-step verification',
    why: 'A code from your phone as well as your password.',
    to: '/account#security-heading',
  },
};

/** "Member — given to you directly and from group Engineering". */
function roleSource(role: HeldRole): string {
  const parts = [...(role.direct ? ['given to you directly'] : []), ...role.groups.map((g) => `from group ${g.name}`)];
  return parts.join(' and ');
}

/** The person's home (`/`): their apps, their groups and roles, and how well their account is protected. */
export function HomePage() {
  const { user } = useSession();
  const home = useQuery({ queryKey: MY_HOME, queryFn: () => call(client.GET('/api/v1/me/home')) });
  if (!user) return null;

  return (
    <>
      <PageHeader title="Home" description={`Welcome, ${user.name}.`} />
      <VerifyEmailCard />
      <Stack gap="xl" maw={960}>
        <MyApps />
        {home.error && <ErrorAlert title="Could not load your home">{home.error.message}</ErrorAlert>}
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
          <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="my-groups-title">
            <Title order={2} size="h3" id="my-groups-title" mb="sm">
              Your groups and roles
            </Title>
            {!home.data ? <Skeleton h={60} /> : <GroupsAndRoles home={home.data} />}
          </Paper>
          <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="my-security-title">
            <Title order={2} size="h3" id="my-security-title" mb="sm">
              Your security
            </Title>
            {!home.data ? <Skeleton h={60} /> : <SecurityStatus security={home.data.security} />}
          </Paper>
        </SimpleGrid>
      </Stack>
    </>
  );
}

function GroupsAndRoles({ home }: { home: MyHome }) {
  return (
    <Stack gap="md">
      <div>
        <Text size="sm" fw={600} mb={4}>
          Groups
        </Text>
        {home.groups.length === 0 ? (
          <Text size="sm" c="dimmed">
            You are not in any group yet.
          </Text>
        ) : (
          <Group gap="xs" aria-label="Your groups" role="list">
            {home.groups.map((g) => (
              <Badge key={g.id} variant="light" tt="none" role="listitem">
                {g.name}
              </Badge>
            ))}
          </Group>
        )}
      </div>
      <div>
        <Text size="sm" fw={600} mb={4}>
          Roles
        </Text>
        {home.roles.length === 0 ? (
          <Text size="sm" c="dimmed">
            You hold no roles.
          </Text>
        ) : (
          <List size="sm" spacing={4} aria-label="Your roles">
            {home.roles.map((r) => (
              <List.Item key={r.id}>
                <Text span fw={500} size="sm">
                  {r.name}
                </Text>{' '}
                — {roleSource(r)}
              </List.Item>
            ))}
          </List>
        )}
      </div>
    </Stack>
  );
}

function SecurityStatus({ security }: { security: MyHome['security'] }) {
  const facts = [
    security.emailVerified ? 'Email verified' : 'Email not verified',
    security.passkeys === 1 ? '1 passkey' : `${security.passkeys} passkeys`,
    security.secondFactors.length > 0 ? 'Two-step verification on' : 'Two-step verification off',
  ];
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        {facts.join(' · ')}
      </Text>
      {security.nextSteps.length === 0 ? (
        <Group gap="xs" wrap="nowrap">
          <ThemeIcon color="green" variant="light" radius="xl" aria-hidden>
            <IconShieldCheck size={18} />
          </ThemeIcon>
          <Text size="sm">Your account is well protected.</Text>
        </Group>
      ) : (
        <Box>
          <Text size="sm" fw={600} mb={4}>
            Next steps
          </Text>
          <List size="sm" spacing="xs" aria-label="Next steps" icon={<IconAlertCircle size={16} color="var(--mantine-color-yellow-7)" />} center>
            {security.nextSteps.map((step) => (
              <List.Item key={step}>
                {STEPS[step].to ? (
                  <Anchor component={Link} to={STEPS[step].to} size="sm" fw={500}>
                    {STEPS[step].label}
                  </Anchor>
                ) : (
                  <Text span size="sm" fw={500}>
                    {STEPS[step].label}
                  </Text>
                )}
                <Text size="xs" c="dimmed">
                  {STEPS[step].why}
                </Text>
              </List.Item>
            ))}
          </List>
        </Box>
      )}
      <Anchor component={Link} to="/account" size="sm">
        Manage your account
      </Anchor>
    </Stack>
  );
}
