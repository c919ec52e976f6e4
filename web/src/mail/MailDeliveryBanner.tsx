import { Alert, Anchor, Text } from '@mantine/core';
import { IconMailOff } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { Link, useLocation } from 'react-router-dom';
import { call, client } from '../api';
import { useSession } from '../session';

/**
 * Shown on every page to those who can fix it while no SMTP server is configured: nothing Foyer "sends" reaches
 * anyone, and that must not go unnoticed.
 */
export function MailDeliveryBanner() {
  const { user } = useSession();
  const { pathname } = useLocation();
  const [captured, setCaptured] = useState(false);
  const canManage = user?.permissions.includes('settings.manage') ?? false;

  // Checked again on every navigation, so saving SMTP settings makes the banner go away.
  useEffect(() => {
    if (!canManage) return;
    let current = true;
    call(client.GET('/api/v1/admin/mail/status'))
      .then((status) => current && setCaptured(status.mailDelivery === 'captured'))
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [canManage, pathname]);

  if (!canManage || !captured) return null;
  return (
    <Alert color="yellow" icon={<IconMailOff />} title="Mail is not being delivered — messages are captured in the dev mailbox" mb="lg" role="status">
      <Text size="sm">
        No SMTP server is configured, so emails stay on the{' '}
        <Anchor component={Link} to="/admin/mail" inherit>
          Mail page
        </Anchor>{' '}
        instead of reaching people.{' '}
        <Anchor component={Link} to="/admin/settings/email" inherit>
          Set up email
        </Anchor>{' '}
        to deliver them.
      </Text>
    </Alert>
  );
}
