import { Alert, Button, Group, Modal, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { roleForm } from '@foyer-fields/roles';
import { useState } from 'react';
import { call, client, toApiError, type ApiError } from '../api';
import { useSession } from '../session';
import { ErrorAlert } from '../ui/ErrorAlert';
import { useFormFields } from '../ui/useFormFields';
import { PermissionMatrix } from './PermissionMatrix';
import type { PermissionArea, Role } from './types';

/** What the dialog opens on: a new role (possibly copied from another), or an existing one to edit or view. */
export type RoleDraft =
  | { mode: 'create'; name: string; description: string; permissions: string[] }
  | { mode: 'edit'; role: Role }
  | { mode: 'view'; role: Role };

type Props = { draft: RoleDraft; areas: PermissionArea[]; onClose: () => void; onSaved: () => void };

export function RoleDialog({ draft, areas, onClose, onSaved }: Props) {
  const { user } = useSession();
  const grantable = new Set(user?.permissions ?? []);
  const initial = draft.mode === 'create' ? draft : draft.role;
  const form = useFormFields(
    { name: initial.name, description: initial.description, permissions: initial.permissions },
    roleForm,
  );
  const { name, permissions } = form.values;
  const [error, setError] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);

  // Editing a role changes what everyone holding it may do, so only someone holding all of it may edit it.
  const beyondActor = draft.mode === 'edit' && draft.role.permissions.some((p) => !grantable.has(p));
  const readOnly = draft.mode === 'view' || beyondActor;
  const title =
    draft.mode === 'create' ? 'New role' : draft.mode === 'edit' && !beyondActor ? `Edit ${draft.role.name}` : draft.role.name;

  async function save() {
    setError(null);
    if (!form.validate()) return;
    setSaving(true);
    try {
      const body = form.values;
      const saved =
        draft.mode === 'create'
          ? await call(client.POST('/api/v1/admin/roles', { body: body }))
          : await call(client.PATCH('/api/v1/admin/roles/{id}', { params: { path: { id: draft.role.id } }, body: body }));
      const added = saved.requiredPermissionsAdded ?? [];
      const done = draft.mode === 'create' ? `Role “${name.trim()}” created.` : 'Role saved.';
      notifications.show({ color: 'green', message: added.length ? `${done} It also got ${added.join(', ')}, which its permissions need.` : done });
      onSaved();
    } catch (err) {
      const failure = toApiError(err);
      if (!form.showServerErrors(failure.fields)) setError(failure);
    } finally {
      setSaving(false);
    }
  }

  // The permission matrix has no error slot of its own, so its field message shows with the dialog's.
  const problem = error?.message ?? (form.field('permissions').error as string | undefined);

  return (
    <Modal opened onClose={onClose} title={title} size="xl">
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <Stack>
          {draft.mode === 'view' && (
            <Alert color="gray" title="Built-in role">
              Built-in roles are fixed. To grant a different set of permissions, copy this role into a custom role.
            </Alert>
          )}
          {beyondActor && (
            <Alert color="yellow" title="You cannot edit this role">
              It grants permissions you do not hold yourself.
            </Alert>
          )}
          <TextInput
            label="Name"
            required={!readOnly}
            maxLength={100}
            readOnly={readOnly}
            data-autofocus={readOnly ? undefined : true}
            {...form.field('name')}
          />
          <Textarea
            label="Description"
            maxLength={500}
            autosize
            minRows={2}
            readOnly={readOnly}
            {...form.field('description')}
          />
          <div>
            <Text fw={500} size="sm" mb={4}>
              Permissions
            </Text>
            <Text c="dimmed" size="sm" mb="sm">
              {permissions.length} selected
            </Text>
            <PermissionMatrix areas={areas} value={permissions} onChange={(keys) => form.setValue('permissions', keys)} grantable={grantable} readOnly={readOnly} />
          </div>
          {problem && <ErrorAlert title="The role was not saved">{problem}</ErrorAlert>}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {readOnly ? 'Close' : 'Cancel'}
            </Button>
            {!readOnly && (
              <Button type="submit" loading={saving}>
                {draft.mode === 'create' ? 'Create role' : 'Save changes'}
              </Button>
            )}
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
