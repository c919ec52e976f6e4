import { Button, Radio, Group, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useGroups, useRoles } from '../api/options';
import { toApiError, type ApiError, type UserProfile } from '../api';
import { ErrorAlert } from '../ui/ErrorAlert';
import { PROFILE_LABELS } from '../users/labels';
import { confirmDetails } from './invitationsApi';
import type { HostInvitation } from './types';
import { OptionsPicker } from '../ui/OptionsPicker';

const usernameFrom = (email: string) =>
  email
    .split('@')[0]!
    .replace(/[^a-zA-Z0-9._-]/g, '')
    .slice(0, 64);

type Props = { invitation: HostInvitation; onDone: (invitation: HostInvitation) => void };

/** The last host step: who the person is and what they may do. Submitting creates the account. */
export function DetailsForm({ invitation, onDone }: Props) {
  const { proposal } = invitation;
  const [name, setName] = useState(proposal.name ?? '');
  const [email, setEmail] = useState(proposal.email ?? '');
  const [username, setUsername] = useState(usernameFrom(proposal.email ?? ''));
  const [usernameTouched, setUsernameTouched] = useState(false);
  const [roleIds, setRoleIds] = useState(proposal.roleIds);
  const [groupIds, setGroupIds] = useState(proposal.groupIds);
  const [profile, setProfile] = useState<UserProfile>('member');
  const { roles } = useRoles();
  const { groups } = useGroups();
  const [error, setError] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);

  async function submit() {
    setError(null);
    setSaving(true);
    try {
      onDone(await confirmDetails(invitation.id, { name, email, username, roleIds, groupIds, profile }));
    } catch (err) {
      setError(toApiError(err));
      setSaving(false);
    }
  }

  const fields = error?.fields ?? {};
  return (
    <Stack>
      <Text>Both codes matched. Confirm who this person is and what they may do; the account is created when you confirm.</Text>
      {error && !Object.keys(fields).length && <ErrorAlert title="Could not create the account">{error.message}</ErrorAlert>}
      <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={fields.name} required />
      <TextInput
        label="Email"
        type="email"
        value={email}
        onChange={(e) => {
          const value = e.currentTarget.value;
          setEmail(value);
          if (!usernameTouched) setUsername(usernameFrom(value));
        }}
        error={fields.email}
        required
      />
      <TextInput
        label="Username"
        value={username}
        onChange={(e) => {
          setUsername(e.currentTarget.value);
          setUsernameTouched(true);
        }}
        error={fields.username}
        required
      />
      <OptionsPicker label="Roles" options={roles} value={roleIds} onChange={setRoleIds} error={fields.roleIds} />
      <OptionsPicker label="Groups" options={groups} value={groupIds} onChange={setGroupIds} error={fields.groupIds} />
      <Radio.Group label="Profile" value={profile} onChange={(value) => setProfile(value as UserProfile)} description="External users never see other people.">
        <Group mt="xs">
          <Radio value="member" label={PROFILE_LABELS.member} />
          <Radio value="external" label={PROFILE_LABELS.external} />
        </Group>
      </Radio.Group>
      <Group justify="flex-end">
        <Button onClick={() => void submit()} loading={saving}>
          Create account
        </Button>
      </Group>
    </Stack>
  );
}
