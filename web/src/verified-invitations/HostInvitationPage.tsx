import { Alert, Anchor, Badge, Button, Group, Loader, Paper, Stack, Stepper, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { toApiError, type ApiError } from '../api';
import { invalidate, useServerData } from '../api/queries';
import { useSession } from '../session';
import { ErrorAlert } from '../ui/ErrorAlert';
import { PageHeader } from '../ui/PageHeader';
import { CodeChoice, SpokenCode } from './CodeChoice';
import { Countdown } from './Countdown';
import { DetailsForm } from './DetailsForm';
import { cancelInvitation, fetchInvitation, greetGuest, hostChooses, hostEventsUrl, useLiveInvitation } from './invitationsApi';
import { ABORT_REASONS, STATE_COLORS, STATE_LABELS, TERMINAL_STATES, type HostInvitation, type InvitationState } from './types';

const BACK = { to: '/admin/verified-invitations', label: 'Verified invitations' };

const STEP_OF: Record<InvitationState, number> = {
  waiting_for_guest: 0,
  guest_waiting: 1,
  greeted: 2,
  guest_confirmed: 2,
  host_confirmed: 2,
  details: 3,
  completed: 4,
  aborted: 0,
  expired: 0,
};

/** The host's side of one verified invitation, kept current by the server's live updates. */
export function HostInvitationPage() {
  const { id = '' } = useParams();
  const { user } = useSession();
  const invitationKey = ['verified-invitations', id];
  // Not asked again on focus: the server's live updates keep the page current, and a late reply could step back.
  const loaded = useServerData<HostInvitation>(invitationKey, () => fetchInvitation(id), { refetchOnWindowFocus: false });
  const initial = loaded.data;
  const [actionError, setError] = useState<ApiError | null>(null);
  const error = actionError ?? loaded.error;
  const [busy, setBusy] = useState(false);
  const [invitation, setInvitation] = useLiveInvitation<HostInvitation>(initial ? hostEventsUrl(id) : null, initial);

  async function act(action: () => Promise<HostInvitation | void>) {
    setError(null);
    setBusy(true);
    try {
      const next = await action();
      if (next) setInvitation(next);
    } catch (err) {
      const failure = toApiError(err);
      setError(failure);
      // The server has moved on (aborted, timed out, another host): show where it is now.
      void invalidate(invitationKey);
    } finally {
      setBusy(false);
    }
  }

  if (!invitation) {
    return (
      <>
        <PageHeader title="Verified invitation" back={BACK} />
        {error ? <ErrorAlert title="Could not load the invitation">{error.message}</ErrorAlert> : <Loader />}
      </>
    );
  }

  const over = TERMINAL_STATES.includes(invitation.state);
  const isHost = invitation.host?.id === user?.id;
  const inCodes = ['greeted', 'guest_confirmed', 'host_confirmed'].includes(invitation.state);

  return (
    <>
      <PageHeader back={BACK} title="Verified invitation" description={invitation.proposal.name ?? invitation.proposal.email ?? undefined} />
      <Paper withBorder p="lg" maw={720}>
        <Stack>
          <Group justify="space-between">
            <Badge color={STATE_COLORS[invitation.state]} variant="light" size="lg">
              {STATE_LABELS[invitation.state]}
            </Badge>
            {!over && <Countdown deadline={invitation.stepDeadline} />}
          </Group>
          {!over || invitation.state === 'completed' ? (
            <Stepper active={STEP_OF[invitation.state]} size="sm">
              <Stepper.Step label="Link opened" />
              <Stepper.Step label="Greeted" />
              <Stepper.Step label="Codes" />
              <Stepper.Step label="Details" />
            </Stepper>
          ) : null}
          {error && <ErrorAlert title="That did not work">{error.message}</ErrorAlert>}

          {invitation.state === 'waiting_for_guest' && (
            <Text>Waiting for the guest to open the invitation link. Stay on this page: it updates by itself.</Text>
          )}
          {invitation.state === 'guest_waiting' && (
            <Stack align="flex-start">
              <Text>The guest opened the link and is waiting. Call them, then greet them to exchange codes.</Text>
              <Button onClick={() => void act(() => greetGuest(id))} loading={busy}>
                Greet
              </Button>
            </Stack>
          )}
          {inCodes && !isHost && <Text>{invitation.host?.name ?? 'Another administrator'} is greeting this guest.</Text>}
          {inCodes && isHost && (
            <Stack>
              {invitation.code && <SpokenCode code={invitation.code} to="the guest" />}
              <Text size="sm" c={invitation.guestConfirmed ? 'green' : 'dimmed'}>
                {invitation.guestConfirmed ? 'The guest confirmed your code.' : 'Waiting for the guest to pick your code.'}
              </Text>
              {invitation.choices ? (
                <CodeChoice
                  label="Which code does the guest read out?"
                  choices={invitation.choices}
                  busy={busy}
                  onChoose={(code) => void act(() => hostChooses(id, code))}
                />
              ) : (
                <Text size="sm" c="green">
                  You confirmed the guest’s code.
                </Text>
              )}
            </Stack>
          )}
          {invitation.state === 'details' &&
            (isHost ? (
              <DetailsForm invitation={invitation} onDone={setInvitation} />
            ) : (
              <Text>{invitation.host?.name ?? 'Another administrator'} is confirming the details.</Text>
            ))}
          {invitation.state === 'completed' && (
            <Alert color="green" title="Account created">
              The guest is being signed in and asked to register a passkey.{' '}
              {invitation.userId && (
                <Anchor component={Link} to={`/admin/users/${invitation.userId}`}>
                  View the user
                </Anchor>
              )}
            </Alert>
          )}
          {invitation.state === 'aborted' && (
            <Alert color="red" title="This invitation was stopped">
              {ABORT_REASONS[invitation.abortReason ?? ''] ?? 'It can no longer be used.'} Create a new invitation to try again.
            </Alert>
          )}
          {invitation.state === 'expired' && (
            <Alert color="orange" title="This invitation timed out">
              A step took too long. Create a new invitation to try again.
            </Alert>
          )}
          {!over && (
            <Group justify="flex-end">
              <Button
                variant="subtle"
                color="red"
                disabled={busy}
                onClick={() =>
                  void act(async () => {
                    await cancelInvitation(id);
                    notifications.show({ color: 'gray', message: 'The invitation was cancelled.' });
                    return fetchInvitation(id);
                  })
                }
              >
                Cancel invitation
              </Button>
            </Group>
          )}
        </Stack>
      </Paper>
    </>
  );
}
