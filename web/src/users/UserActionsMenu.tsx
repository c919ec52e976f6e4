import { ActionIcon, Menu } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconBan, IconDots, IconEye, IconPencil, IconPlayerPlay, IconTrash, IconUserX } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useSession } from '../session';
import { JoiningMenuItems } from '../login-links/JoiningMenuItems';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import type { AdminUserDetail } from './types';
import { changeStatus, deleteUser, type StatusAction } from './usersApi';
import { DANGER_MENU_ITEM } from '../theme';

type Props = {
  user: AdminUserDetail;
  onEdit: () => void;
  onChanged: (user: AdminUserDetail) => void;
  onDeleted: (id: string) => void;
  /** Hidden on the detail page, which is where it leads. */
  showDetailsLink?: boolean;
};

type Pending = StatusAction | 'delete' | null;

/**
 * One toast per person at a time: each account action replaces the one before it. Showing with the same id alone is
 * not enough, as Mantine then keeps the earlier toast, so disabling and at once enabling again would still say
 * "disabled"; without an id, the toasts of quick successive actions stack up.
 */
function announce(userId: string, message: string) {
  const id = `account-${userId}`;
  notifications.hide(id);
  notifications.show({ id, color: 'green', message });
}

/** Edit, enable or disable, revoke and delete one account, each confirmed where it matters. */
export function UserActionsMenu({ user, onEdit, onChanged, onDeleted, showDetailsLink = true }: Props) {
  const { user: me } = useSession();
  const [pending, setPending] = useState<Pending>(null);
  const can = (permission: string) => me?.permissions.includes(permission) ?? false;
  const self = me?.id === user.id;
  const revoked = user.status === 'revoked';

  async function run(action: StatusAction) {
    const updated = await changeStatus(user.id, action);
    const done = { disable: 'disabled', enable: 'enabled again', revoke: 'revoked' }[action];
    announce(user.id, `${user.name}’s account was ${done}.`);
    setPending(null);
    onChanged(updated);
  }

  async function remove() {
    await deleteUser(user.id);
    announce(user.id, `${user.name} was deleted.`);
    setPending(null);
    onDeleted(user.id);
  }

  return (
    <>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${user.name}`}>
            <IconDots size={18} />
          </ActionIcon>
        </Menu.Target>
        <Menu.Dropdown>
          {showDetailsLink && (
            <Menu.Item component={Link} to={`/admin/users/${user.id}`} leftSection={<IconEye size={16} />}>
              View details
            </Menu.Item>
          )}
          {can('users.update') && (
            <>
              <Menu.Item leftSection={<IconPencil size={16} />} onClick={onEdit} disabled={revoked}>
                Edit
              </Menu.Item>
              {user.status === 'active' && (
                <Menu.Item leftSection={<IconBan size={16} />} onClick={() => setPending('disable')} disabled={self}>
                  Disable
                </Menu.Item>
              )}
              {user.status === 'disabled' && (
                <Menu.Item leftSection={<IconPlayerPlay size={16} />} onClick={() => setPending('enable')}>
                  Enable
                </Menu.Item>
              )}
              {!revoked && (
                <Menu.Item color={DANGER_MENU_ITEM} leftSection={<IconUserX size={16} />} onClick={() => setPending('revoke')} disabled={self}>
                  Revoke…
                </Menu.Item>
              )}
            </>
          )}
          <JoiningMenuItems user={user} />
          {can('users.delete') && (
            <Menu.Item color={DANGER_MENU_ITEM} leftSection={<IconTrash size={16} />} onClick={() => setPending('delete')} disabled={self}>
              Delete…
            </Menu.Item>
          )}
        </Menu.Dropdown>
      </Menu>

      {pending === 'disable' && (
        <ConfirmDialog title={`Disable ${user.name}?`} confirmLabel="Disable" color="orange" onConfirm={() => run('disable')} onClose={() => setPending(null)}>
          They are signed out everywhere now and cannot sign in, and their API tokens stop working. Their account, data and
          history are kept, and you can enable them again at any time.
        </ConfirmDialog>
      )}
      {pending === 'enable' && (
        <ConfirmDialog title={`Enable ${user.name}?`} confirmLabel="Enable" onConfirm={() => run('enable')} onClose={() => setPending(null)}>
          They can sign in again. Sessions that ended when they were disabled stay ended.
        </ConfirmDialog>
      )}
      {pending === 'revoke' && (
        <ConfirmDialog
          title={`Revoke ${user.name}’s access?`}
          confirmLabel="Revoke access"
          color="red"
          irreversible
          onConfirm={() => run('revoke')}
          onClose={() => setPending(null)}
        >
          They are signed out everywhere, can never sign in with this account again, and it can never be enabled again. Their
          email address and username are released, so they can later join again as a new account. Their name and history stay
          in the audit log.
        </ConfirmDialog>
      )}
      {pending === 'delete' && (
        <ConfirmDialog
          title={`Delete ${user.name}?`}
          confirmLabel="Delete user"
          color="red"
          irreversible
          onConfirm={remove}
          onClose={() => setPending(null)}
        >
          Their name, email address, username and password are erased, and their sessions, roles, groups and API tokens
          removed. The audit log keeps its events, showing them as “Deleted user”.
        </ConfirmDialog>
      )}
    </>
  );
}
