import { Button, Menu, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCheck, IconChevronDown } from '@tabler/icons-react';
import { useState } from 'react';
import { toApiError } from '../api';
import { EMPTY } from '../format';
import { AdminGrantDialog } from './AdminGrantDialog';
import { isAdminRole, type AdminUserDetail, type Option } from './types';
import { updateUser } from './usersApi';

type Props = {
  user: AdminUserDetail;
  roles: Option[];
  canChange: boolean;
  onChanged: (user: AdminUserDetail) => void;
  onEditSeveral: () => void;
};

/**
 * The Role column: picking a role makes it the user's only directly held role (promote to Admin, demote to Member).
 * People holding several roles are edited in the Edit dialog, which the menu offers.
 */
export function RoleMenu({ user, roles, canChange, onChanged, onEditSeveral }: Props) {
  const [saving, setSaving] = useState(false);
  const [confirming, setConfirming] = useState<Option | null>(null);
  const label = user.roles.map((r) => r.name).join(', ') || EMPTY;
  if (!canChange || user.status === 'revoked') {
    return <Text inherit c={user.roles.length ? undefined : 'dimmed'}>{label}</Text>;
  }

  function choose(role: Option) {
    if (user.roles.length === 1 && user.roles[0]!.id === role.id) return;
    if (isAdminRole(role) && !user.roles.some((r) => r.id === role.id)) setConfirming(role);
    else void save(role);
  }

  async function save(role: Option) {
    setSaving(true);
    try {
      const updated = await updateUser(user.id, { roleIds: [role.id] });
      notifications.show({ color: 'green', message: `${user.name} now has the role ${role.name}.` });
      onChanged(updated);
    } catch (err) {
      notifications.show({ color: 'red', title: `${user.name}’s role was not changed`, message: toApiError(err).message });
    } finally {
      setSaving(false);
    }
  }

  /** From the dialog: a refusal stays in the dialog, which shows the server's reason. */
  async function grantAdmin(role: Option) {
    const updated = await updateUser(user.id, { roleIds: [role.id] });
    notifications.show({ color: 'green', message: `${user.name} now has the role ${role.name}.` });
    setConfirming(null);
    onChanged(updated);
  }

  return (
    <>
    {confirming && <AdminGrantDialog personName={user.name} onConfirm={() => grantAdmin(confirming)} onClose={() => setConfirming(null)} />}
    <Menu position="bottom-start" withinPortal>
      <Menu.Target>
        <Button
          variant="subtle"
          color="gray"
          c="var(--mantine-color-text)"
          size="compact-sm"
          fw={400}
          rightSection={<IconChevronDown size={14} />}
          loading={saving}
          aria-label={`Role of ${user.name}: ${label}`}
        >
          {label}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>Set role</Menu.Label>
        {roles.map((role) => {
          const held = user.roles.some((r) => r.id === role.id);
          return (
            <Menu.Item
              key={role.id}
              onClick={() => choose(role)}
              leftSection={<IconCheck size={14} style={{ visibility: held ? 'visible' : 'hidden' }} />}
              aria-checked={held}
            >
              {role.name}
            </Menu.Item>
          );
        })}
        <Menu.Divider />
        <Menu.Item onClick={onEditSeveral}>Several roles…</Menu.Item>
      </Menu.Dropdown>
    </Menu>
    </>
  );
}
