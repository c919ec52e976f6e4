import { Button, Group as Row, Modal, Stack, Textarea, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { groupForm } from '@foyer-fields/groups';
import { useState } from 'react';
import { call, client, toApiError, type ApiError } from '../api';
import { GROUPS, useRoles } from '../api/options';
import { queryClient } from '../api/queries';
import { ErrorAlert } from '../ui/ErrorAlert';
import { useFormFields } from '../ui/useFormFields';
import type { Group } from './types';
import { OptionsPicker } from '../ui/OptionsPicker';

type Props = { group?: Group; onClose: () => void; onSaved: (group: Group) => void };

/** Creates a group, or renames, describes and sets the roles of an existing one. */
export function GroupDialog({ group, onClose, onSaved }: Props) {
  const form = useFormFields(
    { name: group?.name ?? '', description: group?.description ?? '', roleIds: group?.roles.map((r) => r.id) ?? [] },
    groupForm,
  );
  const rolesQuery = useRoles();
  const { roles } = rolesQuery;
  const [saveError, setError] = useState<ApiError | null>(null);
  const error = saveError ?? (rolesQuery.error ? toApiError(rolesQuery.error) : null);
  const [saving, setSaving] = useState(false);

  async function save() {
    setError(null);
    if (!form.validate()) return;
    setSaving(true);
    try {
      const body = form.values;
      const saved = group
        ? await call(client.PATCH('/api/v1/admin/groups/{id}', { params: { path: { id: group.id } }, body }))
        : await call(client.POST('/api/v1/admin/groups', { body }));
      notifications.show({ color: 'green', message: group ? 'Group saved.' : `Group “${saved.name}” created.` });
      void queryClient.invalidateQueries({ queryKey: GROUPS });
      onSaved(saved);
    } catch (err) {
      const failure = toApiError(err);
      if (!form.showServerErrors(failure.fields)) setError(failure);
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal opened onClose={onClose} title={group ? `Edit ${group.name}` : 'New group'} size="lg">
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <Stack>
          <TextInput label="Name" required maxLength={100} data-autofocus {...form.field('name')} />
          <Textarea label="Description" maxLength={500} autosize minRows={2} {...form.field('description')} />
          <OptionsPicker
            label="Roles members inherit"
            description="Everyone in the group gets the permissions of these roles."
            none="No roles"
            options={roles}
            value={form.values.roleIds}
            onChange={(ids) => form.setValue('roleIds', ids)}
            error={form.field('roleIds').error}
          />
          {error && <ErrorAlert title="The group was not saved">{error.message}</ErrorAlert>}
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
