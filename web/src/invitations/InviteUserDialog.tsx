import { Alert, Button, Checkbox, CopyButton, Group, Modal, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { inviteUserForm } from '@foyer-fields/users';
import { useState } from 'react';
import { useGroups, useRoles } from '../api/options';
import { toApiError, type ApiError } from '../api';
import { ErrorAlert } from '../ui/ErrorAlert';
import { useFormFields } from '../ui/useFormFields';
import { describeMail, inviteUser } from './invitationsApi';
import { OptionsPicker } from '../ui/OptionsPicker';
import { useMailCaptured } from '../mail/mailWording';

type Props = { onClose: () => void; onInvited: () => void };
type Values = { name: string; email: string; password: string };

/** Invite User (seed 004): creates the account, pre-assigns roles and groups, and emails the set-password link. */
export function InviteUserDialog({ onClose, onInvited }: Props) {
  const form = useFormFields<Values>({ name: '', email: '', password: '' }, inviteUserForm);
  const [roleIds, setRoleIds] = useState<string[]>([]);
  const [groupIds, setGroupIds] = useState<string[]>([]);
  const [sendEmail, setSendEmail] = useState(true);
  const { roles } = useRoles();
  const { groups } = useGroups();
  const [error, setError] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);
  const captured = useMailCaptured();
  const [handOver, setHandOver] = useState<{ email: string; link: string; blocked: string | null } | null>(null);

  async function save() {
    setError(null);
    if (!form.validate()) return;
    const { name, email, password } = form.values;
    setSaving(true);
    try {
      const sent = await inviteUser({
        name: name.trim(),
        email: email.trim(),
        ...(password ? { password } : {}),
        roleIds,
        groupIds,
        sendEmail,
      });
      onInvited();
      if (sent.mail === 'queued') {
        notifications.show(describeMail(email.trim(), sent.mail, sent.mailReason, captured));
        onClose();
        return;
      }
      // No email went out: the link is the only way in, and this is the only time it is shown.
      setHandOver({ email: email.trim(), link: sent.link, blocked: sent.mail === 'blocked' ? sent.mailReason : null });
    } catch (err) {
      const failure = toApiError(err);
      if (!form.showServerErrors(failure.fields)) setError(failure);
      setSaving(false);
    }
  }

  if (handOver) {
    return (
      <Modal opened onClose={onClose} title="Invitation created">
        <Stack>
          {handOver.blocked && (
            <Alert color="orange" title="The invitation email was blocked">
              {handOver.blocked}
            </Alert>
          )}
          <Text size="sm">
            Give {handOver.email} this link to set up their account. It is shown only now and works once.
          </Text>
          <TextInput label="Invitation link" value={handOver.link} readOnly onFocus={(e) => e.currentTarget.select()} />
          <Group justify="flex-end">
            <CopyButton value={handOver.link}>
              {({ copied, copy }) => (
                <Button variant={copied ? 'light' : 'filled'} color={copied ? 'green' : undefined} onClick={copy}>
                  {copied ? 'Copied' : 'Copy link'}
                </Button>
              )}
            </CopyButton>
            <Button variant="default" onClick={onClose}>
              Done
            </Button>
          </Group>
        </Stack>
      </Modal>
    );
  }

  return (
    <Modal opened onClose={onClose} title="Invite user">
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <Stack>
          <TextInput label="Display name" required maxLength={200} autoComplete="off" data-autofocus {...form.field('name')} />
          <TextInput label="Email" type="email" required maxLength={320} autoComplete="off" {...form.field('email')} />
          <PasswordInput
            label="Password"
            autoComplete="new-password"
            description="Optional. Left blank, the person sets their own through the invitation link."
            {...form.field('password')}
          />
          <OptionsPicker
            label="Roles"
            none="No roles"
            options={roles}
            value={roleIds}
            onChange={setRoleIds}
          />
          <OptionsPicker
            label="Groups"
            none="No groups"
            options={groups}
            value={groupIds}
            onChange={setGroupIds}
          />
          <Checkbox label="Send invitation email" checked={sendEmail} onChange={(event) => setSendEmail(event.currentTarget.checked)} />
          {error && <ErrorAlert title="Nobody was invited">{error.message}</ErrorAlert>}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={saving}>
              Invite user
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
