import { Button, Menu } from '@mantine/core';
import { IconChevronDown, IconLink, IconMailPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { InviteUserDialog } from './InviteUserDialog';

/** "Invite" at the top of the Users page: an email invitation for one person, or a sign-up link for several. */
export function InviteButton({ onInvited }: { onInvited: () => void }) {
  const [inviting, setInviting] = useState(false);
  return (
    <>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <Button rightSection={<IconChevronDown size={16} />} leftSection={<IconMailPlus size={16} />}>
            Invite
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item leftSection={<IconMailPlus size={16} />} onClick={() => setInviting(true)}>
            Invite user by email…
          </Menu.Item>
          <Menu.Item leftSection={<IconLink size={16} />} component={Link} to="/admin/signup-links">
            Sign-up links
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      {inviting && <InviteUserDialog onClose={() => setInviting(false)} onInvited={onInvited} />}
    </>
  );
}
