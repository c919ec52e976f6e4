import { Button, Group as Row, Modal, Stack, Textarea, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { call, client, toApiError, type ApiError } from '../api';
import { GROUPS, useRoles } from '../api/options';
import { queryClient } from '../api/queries';
import { ErrorAlert } from '../ui/ErrorAlert';
import type { Group } from './types';
import { OptionsPicker } from '../ui/OptionsPicker';

type Props = { group?: Group; onClose: () => void; onSaved: (group: Group) => void };

/** Creates a group, or renames, describes and sets the roles of an existing one. */
export function GroupDialog({ group, onClose, onSaved }: Props) {
  const [name, setName] = useState(group?.name ?? '');
  const [description, setDescription] = useState(group?.description ?? '');
  const [roleIds, setRoleIds] = useState<string[]>(group?.roles.map((r) => r.id) ?? []);
  const rolesQuery = useRoles();
  const { roles } = rolesQuery;
  const [saveError, setError] = useState<ApiError | null>(null);
  const error = saveError ?? (rolesQuery.error ? toApiError(rolesQuery.error) : null);
  const [saving, setSaving] = useState(false);

  async function save() {
    setSaving(true);
    setError(null);
    try {
      const body = { name, description, roleIds };
      const saved = group
        ? await call(client.PATCH('/api/v1/admin/groups/{id}', { params: { path: { id: group.id } }, body }))
        : await call(client.POST('/api/v1/admin/groups', { body }));
      notifications.show({ color: 'green', message: group ? 'Group saved.' : `Group “${saved.name}” created.` });
      void queryClient.invalidateQueries({ queryKey: GROUPS });
      onSaved(saved);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setSaving(false);
    }
  }

  const nameError = error?.fields.name;
  const rolesError = error?.fields.roleIds;
  const otherError = error && !nameError && !rolesError ? error : null;

  return (
    <Modal opened onClose={onClose} title={group ? `Edit ${group.name}` : 'New group'} size="lg">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <Stack>
          <TextInput
            label="Name"
            required
            maxLength={100}
            value={name}
            error={nameError}
            onChange={(event) => setName(event.currentTarget.value)}
            data-autofocus
          />
          <Textarea
            label="Description"
            maxLength={500}
            autosize
            minRows={2}
            value={description}
            onChange={(event) => setDescription(event.currentTarget.value)}
          />
          <OptionsPicker
            label="Roles members inherit"
            description="Everyone in the group gets the permissions of these roles."
            none="No roles"
            options={roles}
            value={roleIds}
            onChange={setRoleIds}
            error={rolesError}
          />
          {otherError && <ErrorAlert title="The group was not saved">{otherError.message}</ErrorAlert>}
          <Row justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={saving}>
              {group ? 'Save changes' : 'Create group'}
            </Button>
          </Row>
        </Stack>
      </form>
    </Modal>
  );
}
