import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { toApiError, type ApiError } from '../api';
import { useGroups, useRoles } from '../api/options';
import { ErrorAlert } from '../ui/ErrorAlert';
import { OptionsPicker } from '../ui/OptionsPicker';
import type { AccessRequest } from './accessRequestsApi';

export type Grant = { roleIds: string[]; groupIds: string[] };

type Props = { requests: AccessRequest[]; onApprove: (grant: Grant) => Promise<void>; onClose: () => void };

const who = (requests: AccessRequest[]) => (requests.length === 1 ? `${requests[0]!.name} <${requests[0]!.email}>` : `${requests.length} people`);

/** Names who is approved and lets the administrator give them roles and groups in the same step. */
export function ApproveDialog({ requests, onApprove, onClose }: Props) {
  const { roles } = useRoles();
  const { groups } = useGroups();
  const [grant, setGrant] = useState<Grant>({ roleIds: [], groupIds: [] });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  async function approve() {
    setBusy(true);
    setError(null);
    try {
      await onApprove(grant);
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  }

  return (
    <Modal opened onClose={onClose} title={`Approve ${who(requests)}?`} centered>
      <Stack>
        <Text size="sm">
          Each gets an account and an invitation to set it up; someone who already has an account is told it is approved.
          {requests.length > 1 && ` Approving: ${requests.map((r) => r.name).join(', ')}.`}
        </Text>
        <OptionsPicker label="Roles" none="No roles" options={roles} value={grant.roleIds} onChange={(roleIds) => setGrant({ ...grant, roleIds })} error={error?.fields.roleIds} />
        <OptionsPicker label="Groups" none="No groups" options={groups} value={grant.groupIds} onChange={(groupIds) => setGrant({ ...grant, groupIds })} error={error?.fields.groupIds} />
        {error && !error.fields.roleIds && !error.fields.groupIds && <ErrorAlert title="Nothing was changed">{error.message}</ErrorAlert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button loading={busy} onClick={() => void approve()} data-autofocus>
            Approve
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
