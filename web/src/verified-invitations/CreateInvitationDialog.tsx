import { Alert, Button, CopyButton, Group, Modal, NumberInput, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useGroups, useRoles } from '../api/options';
import { toApiError, type ApiError } from '../api';
import { ErrorAlert } from '../ui/ErrorAlert';
import { createInvitation } from './invitationsApi';
import type { HostInvitation } from './types';
import { OptionsPicker } from '../ui/OptionsPicker';

type Props = { onClose: () => void; onCreated: (invitation: HostInvitation) => void };

/** Creates the invitation, then shows its link once, to hand to the guest. */
export function CreateInvitationDialog({ onClose, onCreated }: Props) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [roleIds, setRoleIds] = useState<string[]>([]);
  const [groupIds, setGroupIds] = useState<string[]>([]);
  const [hours, setHours] = useState<number | string>(24);
  const { roles } = useRoles();
  const { groups } = useGroups();
  const [error, setError] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);
  const [created, setCreated] = useState<{ invitation: HostInvitation; url: string } | null>(null);

  async function submit() {
    setError(null);
    setSaving(true);
    try {
      const reply = await createInvitation({
        name: name.trim() || undefined,
        email: email.trim() || undefined,
        roleIds,
        groupIds,
        expiresInMinutes: Math.round(Number(hours) * 60),
      });
      setCreated({ invitation: reply.invitation, url: reply.url });
      onCreated(reply.invitation);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal opened onClose={onClose} title="New verified invitation" size="lg">
      {created ? (
        <Stack>
          <Alert color="blue" title="Give this link to the guest">
            It is shown only now. When the guest opens it, greet them from the invitation page while you are on a call
            together.
          </Alert>
          <TextInput label="Invitation link" value={created.url} readOnly onFocus={(e) => e.currentTarget.select()} />
          <Group justify="flex-end">
            <CopyButton value={created.url}>
              {({ copied, copy }) => (
                <Button variant="default" onClick={copy}>
                  {copied ? 'Copied' : 'Copy link'}
                </Button>
              )}
            </CopyButton>
            <Button component={Link} to={`/admin/verified-invitations/${created.invitation.id}`}>
              Open invitation
            </Button>
          </Group>
        </Stack>
      ) : (
        <Stack>
          <Text size="sm" c="dimmed">
            The guest opens the link, you greet them, and you both confirm a code the other reads out. Only then do you
            confirm their details and the account is created.
          </Text>
          {error && <ErrorAlert title="Could not create the invitation">{error.message}</ErrorAlert>}
          <TextInput label="Name (optional)" value={name} onChange={(e) => setName(e.currentTarget.value)} error={error?.fields.name} />
          <TextInput label="Email (optional)" value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={error?.fields.email} />
          <OptionsPicker label="Roles" options={roles} value={roleIds} onChange={setRoleIds} />
          <OptionsPicker label="Groups" options={groups} value={groupIds} onChange={setGroupIds} />
          <NumberInput
            label="Link valid for (hours)"
            min={1}
            max={168}
            value={hours}
            onChange={setHours}
            error={error?.fields.expiresInMinutes}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button onClick={() => void submit()} loading={saving}>
              Create invitation
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
