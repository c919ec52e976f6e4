import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { toApiError, type ApiError } from '../api';
import { ErrorAlert } from './ErrorAlert';

type Props = {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  color?: string;
  /** Irreversible actions say so in the dialog itself, not only in the button. */
  irreversible?: boolean;
  onConfirm: () => Promise<void>;
  onClose: () => void;
};

/** Asks before an account action, runs it, and keeps the dialog open with the server's reason when it fails. */
export function ConfirmDialog({ title, children, confirmLabel, color = 'indigo', irreversible, onConfirm, onClose }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  }

  return (
    <Modal opened onClose={onClose} title={title} centered>
      <Stack>
        <Text size="sm" component="div">
          {children}
        </Text>
        {irreversible && (
          <Text size="sm" fw={700} c="red">
            This cannot be undone.
          </Text>
        )}
        {error && <ErrorAlert title="Nothing was changed">{error.message}</ErrorAlert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button color={color} loading={busy} onClick={() => void confirm()} data-autofocus={irreversible ? undefined : true}>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
