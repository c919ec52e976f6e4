import { Badge, Button, Code, CopyButton, Group, Modal, Stack, Text } from '@mantine/core';
import { IconKey } from '@tabler/icons-react';
import { useState } from 'react';
import { call, client } from '../api';
import { formatDateTime } from '../format';
import { useSession } from '../session';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { SectionCard } from '../ui/SectionCard';
import { METHOD_LABELS, type MfaKind } from './mfaApi';

type Props = { userId: string; userName: string; methods: MfaKind[]; canIssue: boolean; onIssued: () => void };

/** A user's page: their second factors, and a one-time recovery code for someone who lost theirs (seed 001). */
export function UserTwoFactorSection({ userId, userName, methods, canIssue, onIssued }: Props) {
  const { user: me } = useSession();
  const [confirming, setConfirming] = useState(false);
  const [issued, setIssued] = useState<{ code: string; expiresAt: string } | null>(null);

  async function issue() {
    setIssued(await call(client.POST('/api/v1/admin/users/{id}/recovery-code', { params: { path: { id: userId } } })));
    setConfirming(false);
    onIssued();
  }

  return (
    <SectionCard
      title="Two-factor authentication"
      actions={
        canIssue &&
        me?.id !== userId && (
          <Button variant="default" leftSection={<IconKey size={16} />} onClick={() => setConfirming(true)}>
            Issue recovery code
          </Button>
        )
      }
    >
      {methods.length === 0 ? (
        <Text size="sm" c="dimmed">
          No second factor set up.
        </Text>
      ) : (
        <Group gap="xs" aria-label="Second factors">
          {methods.map((m) => (
            <Badge key={m} variant="light">
              {METHOD_LABELS[m]}
            </Badge>
          ))}
        </Group>
      )}
      {confirming && (
        <ConfirmDialog
          title={`Issue a recovery code to ${userName}?`}
          confirmLabel="Issue code"
          onConfirm={issue}
          onClose={() => setConfirming(false)}
        >
          The code lets {userName} sign in once without their second factor. Give it to them in person or over a channel you
          trust: whoever holds it, and their password, can get in. Any code issued before stops working.
        </ConfirmDialog>
      )}
      {issued && (
        <Modal opened onClose={() => setIssued(null)} title="One-time recovery code" centered>
          <Stack>
            <Text size="sm">Shown only now. It works once, until {formatDateTime(issued.expiresAt)}.</Text>
            <Code fz="lg" ta="center" p="md" aria-label="Recovery code">
              {issued.code}
            </Code>
            <Group justify="flex-end">
              <CopyButton value={issued.code}>
                {({ copied, copy }) => (
                  <Button variant="default" onClick={copy}>
                    {copied ? 'Copied' : 'Copy'}
                  </Button>
                )}
              </CopyButton>
              <Button onClick={() => setIssued(null)}>Done</Button>
            </Group>
          </Stack>
        </Modal>
      )}
    </SectionCard>
  );
}
