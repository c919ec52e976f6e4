import { Badge, Button, Text, VisuallyHidden } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { formatDateTime } from '../format';
import { PageHeader } from '../ui/PageHeader';
import { PagedTable, type Column } from '../ui/PagedTable';
import { usePagedList } from '../ui/usePagedList';
import { RoleBadges } from '../ui/RoleBadges';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { CreateSignupLinkDialog } from './CreateSignupLinkDialog';
import { listSignupLinks, revokeSignupLink, type SignupLink, type SignupLinkStatus } from './signupLinksApi';

const STATUS: Record<SignupLinkStatus, { label: string; color: string }> = {
  active: { label: 'Active', color: 'green' },
  expired: { label: 'Expired', color: 'gray' },
  used_up: { label: 'Used up', color: 'blue' },
  revoked: { label: 'Revoked', color: 'red' },
};

function columns(revoke: (link: SignupLink) => void): Column<SignupLink>[] {
  return [
    {
      header: 'Link',
      cell: (link) => (
        <div>
          <Text size="sm" fw={500}>
            {link.name || 'Unnamed link'}
          </Text>
          {link.note && (
            <Text size="xs" c="dimmed" lineClamp={2} title={link.note}>
              {link.note}
            </Text>
          )}
        </div>
      ),
    },
    { header: 'Created', cell: (link) => formatDateTime(link.createdAt) },
    { header: 'Created by', cell: (link) => link.createdBy?.name ?? '—' },
    { header: 'Expires', cell: (link) => formatDateTime(link.expiresAt) },
    { header: 'Uses', cell: (link) => `${link.uses} / ${link.maxUses ?? '∞'}` },
    {
      header: 'Gives',
      cell: (link) =>
        link.groups.length + link.roles.length === 0 ? (
          <Text size="sm" c="dimmed">
            Nothing extra
          </Text>
        ) : (
          <RoleBadges roles={[...link.groups, ...link.roles]} />
        ),
    },
    {
      header: 'Status',
      cell: (link) => (
        <Badge variant="light" color={STATUS[link.status].color} tt="none">
          {STATUS[link.status].label}
        </Badge>
      ),
    },
    {
      header: <VisuallyHidden>Actions</VisuallyHidden>,
      cell: (link) =>
        link.status !== 'revoked' && (
          <Button variant="subtle" color="red" size="xs" onClick={() => revoke(link)}>
            Revoke
          </Button>
        ),
    },
  ];
}

/** Users → Invite → Sign-up links: links that let people create their own account (seed 000). */
export function SignupLinksPage() {
  const list = usePagedList(['signup-links'], listSignupLinks);
  const { reload } = list;
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<SignupLink | null>(null);

  return (
    <>
      <PageHeader
        title="Sign-up links"
        description="Share a link and whoever follows it creates their own account and registers a passkey. Links are not tied to an email address."
        actions={
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
            Create link
          </Button>
        }
      />
      <PagedTable
        list={list}
        columns={columns(setRevoking)}
        rowKey={(link) => link.id}
        label="Sign-up links"
        errorTitle="Could not load the sign-up links"
        empty="No sign-up links yet."
        minWidth={820}
      />
      {creating && <CreateSignupLinkDialog onClose={() => setCreating(false)} onCreated={reload} />}
      {revoking && (
        <ConfirmDialog
          title={revoking.name ? `Revoke the sign-up link “${revoking.name}”?` : 'Revoke this unnamed sign-up link?'}
          confirmLabel="Revoke link"
          color="red"
          onConfirm={async () => {
            await revokeSignupLink(revoking.id);
            setRevoking(null);
            notifications.show({ color: 'green', message: 'The sign-up link was revoked. It stops working at once.' });
            reload();
          }}
          onClose={() => setRevoking(null)}
        >
          Nobody can sign up with it any more ({revoking.uses} {revoking.uses === 1 ? 'person has' : 'people have'} joined through it, and their
          accounts stay as they are).
        </ConfirmDialog>
      )}
    </>
  );
}
