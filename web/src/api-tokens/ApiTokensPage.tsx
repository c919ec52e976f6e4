import { Badge, Button, Stack, Text, Tooltip, VisuallyHidden } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { AuditTime } from '../audit/AuditSentence';
import { formatDateTime } from '../format';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { PageHeader } from '../ui/PageHeader';
import { PagedTable, type Column } from '../ui/PagedTable';
import { usePagedList } from '../ui/usePagedList';
import { CreateApiTokenDialog } from './CreateApiTokenDialog';
import { listApiTokens, revokeApiToken, type ApiToken } from './apiTokensApi';

function status(token: ApiToken): { label: string; color: string } {
  if (token.revokedAt) return { label: 'Revoked', color: 'red' };
  if (token.expiresAt && new Date(token.expiresAt).getTime() <= Date.now()) return { label: 'Expired', color: 'gray' };
  return { label: 'Active', color: 'green' };
}

function Permissions({ token }: { token: ApiToken }) {
  if (token.permissions.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No admin permissions
      </Text>
    );
  }
  return (
    <Tooltip label={token.permissions.join(', ')} multiline maw={320} withArrow>
      <Text size="sm" tabIndex={0} style={{ textDecoration: 'underline dotted' }}>
        {token.permissions.length} permissions of {token.createdBy.name}
      </Text>
    </Tooltip>
  );
}

function columns(revoke: (token: ApiToken) => void): Column<ApiToken>[] {
  return [
    {
      header: 'Token',
      cell: (t) => (
        <Stack gap={0}>
          <Text size="sm" fw={500}>
            {t.name}
          </Text>
          <Text size="xs" c="dimmed">
            Acts as {t.createdBy.name}
          </Text>
        </Stack>
      ),
    },
    { header: 'May do', cell: (t) => <Permissions token={t} /> },
    { header: 'Created', cell: (t) => <AuditTime at={t.createdAt} /> },
    {
      header: 'Last used',
      cell: (t) =>
        t.lastUsedAt ? (
          <AuditTime at={t.lastUsedAt} />
        ) : (
          <Text size="xs" c="dimmed">
            Never
          </Text>
        ),
    },
    { header: 'Expires', cell: (t) => (t.expiresAt ? formatDateTime(t.expiresAt) : 'Never') },
    {
      header: 'Status',
      cell: (t) => (
        <Badge variant="light" color={status(t).color} tt="none">
          {status(t).label}
        </Badge>
      ),
    },
    {
      header: <VisuallyHidden>Actions</VisuallyHidden>,
      cell: (t) =>
        !t.revokedAt && (
          <Button variant="subtle" color="red" size="xs" onClick={() => revoke(t)} aria-label={`Revoke ${t.name}`}>
            Revoke
          </Button>
        ),
    },
  ];
}

/** Admin → API tokens: tokens that let automation call the API as the person who created them. */
export function ApiTokensPage() {
  const list = usePagedList(['api-tokens'], listApiTokens);
  const { reload } = list;
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);

  return (
    <>
      <PageHeader
        title="API tokens"
        description="Automation calls the Foyer API with a token. Each token acts as the person who created it, with their permissions, never more."
        actions={
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
            Create token
          </Button>
        }
      />
      <PagedTable
        list={list}
        columns={columns(setRevoking)}
        rowKey={(t) => t.id}
        label="API tokens"
        errorTitle="Could not load the API tokens"
        empty="No API tokens yet."
        minWidth={860}
      />
      {creating && <CreateApiTokenDialog onClose={() => setCreating(false)} onCreated={reload} />}
      {revoking && (
        <ConfirmDialog
          title={`Revoke “${revoking.name}”?`}
          confirmLabel="Revoke token"
          color="red"
          irreversible
          onConfirm={async () => {
            await revokeApiToken(revoking.id);
            setRevoking(null);
            notifications.show({ color: 'green', message: 'The API token was revoked. Requests with it are refused from now on.' });
            reload();
          }}
          onClose={() => setRevoking(null)}
        >
          Anything still using it is refused from the next request.
        </ConfirmDialog>
      )}
    </>
  );
}
