import { Alert, Anchor, Text } from '@mantine/core';
import { IconMailOff } from '@tabler/icons-react';
import { Link } from 'react-router-dom';
import { useSession } from '../session';
import { useMailCaptured } from './mailWording';

/**
 * Shown on every page to those who can fix it while no SMTP server is configured: nothing Foyer "sends" reaches
 * anyone, and that must not go unnoticed.
 */
export function MailDeliveryBanner() {
  const { user } = useSession();
  const canManage = user?.permissions.includes('settings.manage') ?? false;
  // Saving the email settings invalidates the status, so the banner goes away as soon as SMTP is set up.
  const captured = useMailCaptured();

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
