import { Button, Group, Loader, Modal, Select, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { call, client, toApiError, type ApiError } from '../api';
import { ROLES } from '../api/options';
import { queryClient, useServerData } from '../api/queries';
import { ErrorAlert } from '../ui/ErrorAlert';
import type { Role } from './types';

type Props = { role: Role; roles: Role[]; onClose: () => void; onDeleted: () => void };

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Deleting a role nobody holds is one click; otherwise its holders must be given another role in the same step. */
export function DeleteRoleDialog({ role, roles, onClose, onDeleted }: Props) {
  const roleKey = [...ROLES, role.id];
  const loaded = useServerData<Role>(roleKey, () => call(client.GET('/api/v1/admin/roles/{id}', { params: { path: { id: role.id } } })));
  const detail = loaded.data;
  const [reassignTo, setReassignTo] = useState<string | null>(null);
  const [deleteError, setError] = useState<ApiError | null>(null);
  const error = deleteError ?? loaded.error;
  const [deleting, setDeleting] = useState(false);

  const users = detail?.userCount ?? 0;
  const groups = detail?.groupCount ?? 0;
  const held = users + groups > 0;
  const holders = [users && plural(users, 'user', 'users'), groups && plural(groups, 'group', 'groups')].filter(Boolean).join(' and ');

  async function remove() {
    setDeleting(true);
    setError(null);
    try {
      const query = { reassignTo: held && reassignTo ? reassignTo : undefined };
      await call(client.DELETE('/api/v1/admin/roles/{id}', { params: { path: { id: role.id }, query } }));
      notifications.show({ color: 'green', message: `Role “${role.name}” deleted.` });
      onDeleted();
    } catch (err) {
      const apiError = toApiError(err);
      // Someone assigned the role while this dialog was open: show the new counts and ask for a replacement.
      if (apiError.code === 'role_in_use') queryClient.setQueryData<Role>(roleKey, { ...role, ...(apiError.details as Pick<Role, 'userCount' | 'groupCount'>) });
      setError(apiError);
    } finally {
      setDeleting(false);
    }
  }

  return (
    <Modal opened onClose={onClose} title={`Delete ${role.name}`}>
      <Stack>
        {!detail && !error && <Loader size="sm" aria-label="Loading role" />}
        {detail && !held && <Text>Nobody holds this role. Deleting it cannot be undone.</Text>}
        {detail && held && (
          <>
            <Text>
              {role.name} is held by {holders}. Choose the role they get instead; they move over and the role is deleted
              in one step.
            </Text>
            <Select
              label="Move its holders to"
              placeholder="Choose a role"
              required
              data={roles.filter((r) => r.id !== role.id).map((r) => ({ value: r.id, label: r.name }))}
              value={reassignTo}
              onChange={setReassignTo}
            />
          </>
        )}
        {error && <ErrorAlert title="The role was not deleted">{error.message}</ErrorAlert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button color="red" loading={deleting} disabled={!detail || (held && !reassignTo)} onClick={() => void remove()}>
            {held ? 'Move holders and delete' : 'Delete role'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
