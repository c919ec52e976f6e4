import { Button, Group, Modal, PasswordInput, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { userForm } from '@foyer-fields/users';
import { useState } from 'react';
import { useGroups, useRoles } from '../api/options';
import { call, client, toApiError, type ApiError, type UserProfile } from '../api';
import { ErrorAlert } from '../ui/ErrorAlert';
import { PROFILE_LABELS } from './labels';
import { AdminGrantDialog } from './AdminGrantDialog';
import { isAdminRole, type AdminUserDetail, type Option } from './types';
import { updateUser } from './usersApi';
import { useAuthMethodChoice } from '../sso/useAuthMethodChoice';
import { OptionsPicker } from '../ui/OptionsPicker';
import { useFormFields } from '../ui/useFormFields';

type Props = {
  /** Absent: the "Add user" dialog. */
  user?: AdminUserDetail;
  onClose: () => void;
  onSaved: (user: AdminUserDetail) => void;
};

const usernameFrom = (email: string) =>
  email
    .split('@')[0]!
    .replace(/[^a-zA-Z0-9._-]/g, '')
    .slice(0, 64);

/** Creates an account directly, or edits one: name, email, username, roles and groups. */
export function UserFormDialog({ user, onClose, onSaved }: Props) {
  const editing = user !== undefined;
  const form = useFormFields(
    {
      name: user?.name ?? '',
      email: user?.email ?? '',
      username: user?.username ?? '',
      password: '',
      roleIds: user?.roles.map((r) => r.id) ?? [],
      groupIds: user?.groups.map((g) => g.id) ?? [],
    },
    userForm,
  );
  const { values } = form;
  const { roleIds, groupIds } = values;
  const [usernameTouched, setUsernameTouched] = useState(editing);
  const [profile, setProfile] = useState<UserProfile>(user?.profile ?? 'member');
  const rolesQuery = useRoles();
  // Without permission to list groups the field simply offers none.
  const { groups: allGroups } = useGroups();
  // Until the lists arrive, the user's own roles and groups are the options, so the fields show them.
  const roles: Option[] = rolesQuery.data ?? user?.roles ?? [];
  const groups: Option[] = allGroups.length ? allGroups : (user?.groups ?? []);
  const [saveError, setError] = useState<ApiError | null>(null);
  const error = saveError ?? (rolesQuery.error ? toApiError(rolesQuery.error) : null);
  const [saving, setSaving] = useState(false);
  const [confirmingAdmin, setConfirmingAdmin] = useState(false);
  const authMethod = useAuthMethodChoice(user?.id);

  const email = form.field('email');
  const username = form.field('username');

  const grantsAdmin = roleIds.some((id) => isAdminRole(roles.find((r) => r.id === id)) && !user?.roles.some((r) => r.id === id));

  function submit() {
    if (!form.validate()) return;
    if (grantsAdmin) setConfirmingAdmin(true);
    else void save();
  }

  async function save() {
    setConfirmingAdmin(false);
    setSaving(true);
    setError(null);
    try {
      const { name, password } = values;
      const identity = { name, email: values.email, username: values.username };
      const saved = editing
        ? await updateUser(user.id, { ...identity, roleIds, groupIds }).then(authMethod.save)
        : (
            await call(client.POST('/api/v1/admin/users', { body: {
              ...identity,
              ...(password ? { password } : {}),
              roleIds,
              groupIds,
              profile,
            } }))
          ).user;
      notifications.show({ color: 'green', message: editing ? `${saved.name} was saved.` : `${saved.name}’s account was created.` });
      onSaved(saved);
    } catch (err) {
      const apiError = toApiError(err);
      if (!form.showServerErrors(apiError.fields)) setError(apiError);
      setSaving(false);
    }
  }

  return (
    <Modal opened onClose={onClose} title={editing ? `Edit ${user.name}` : 'Add user'} size="lg">
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <Stack>
          <TextInput label="Name" required maxLength={200} autoComplete="off" data-autofocus {...form.field('name')} />
          <TextInput
            label="Email"
            type="email"
            required
            maxLength={320}
            autoComplete="off"
            description={editing ? 'A new address is unvalidated until its owner confirms it.' : undefined}
            {...email}
            onChange={(event) => {
              const address = event.currentTarget.value;
              email.onChange(address);
              // Until someone types a username, suggest the start of the email address.
              if (!usernameTouched) form.setValue('username', usernameFrom(address));
            }}
          />
          <TextInput
            label="Username"
            required
            maxLength={64}
            autoComplete="off"
            {...username}
            onChange={(event) => {
              username.onChange(event);
              setUsernameTouched(true);
            }}
          />
          {authMethod.field}
          {!editing && (
            <PasswordInput
              label="Password"
              autoComplete="new-password"
              description="Optional. Without one the account is Pending Setup until the person sets their own password."
              {...form.field('password')}
            />
          )}
          <OptionsPicker
            label="Roles"
            none="No roles"
            options={roles}
            value={roleIds}
            onChange={(ids) => form.setValue('roleIds', ids)}
            error={form.field('roleIds').error}
          />
          <OptionsPicker
            label="Groups"
            none="No groups"
            options={groups}
            value={groupIds}
            onChange={(ids) => form.setValue('groupIds', ids)}
            error={form.field('groupIds').error}
          />
          {editing ? (
            <Text size="sm" c="dimmed">
              Profile: {PROFILE_LABELS[user.profile]}. A profile is set when the account is created and cannot change.
            </Text>
          ) : (
            <Stack gap={4}>
              <Text size="sm" fw={500} id="profile-label">
                Profile
              </Text>
              <SegmentedControl
                aria-labelledby="profile-label"
                value={profile}
                onChange={(value) => setProfile(value as UserProfile)}
                data={[
                  { value: 'member', label: PROFILE_LABELS.member },
                  { value: 'external', label: PROFILE_LABELS.external },
                ]}
                w="fit-content"
              />
              <Text size="xs" c="dimmed">
                External people use what they are given but never see other people. The profile cannot change later.
              </Text>
            </Stack>
          )}
          {error && <ErrorAlert title={editing ? 'The changes were not saved' : 'The account was not created'}>{error.message}</ErrorAlert>}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={saving}>
              {editing ? 'Save changes' : 'Create user'}
            </Button>
          </Group>
        </Stack>
      </form>
      {confirmingAdmin && (
        <AdminGrantDialog personName={values.name.trim() || values.email} onConfirm={save} onClose={() => setConfirmingAdmin(false)} />
      )}
    </Modal>
  );
}
