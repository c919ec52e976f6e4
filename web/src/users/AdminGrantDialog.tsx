import { ConfirmDialog } from '../ui/ConfirmDialog';

type Props = { personName: string; onConfirm: () => Promise<void>; onClose: () => void };

/** Asks before someone becomes an administrator, naming them: Admin holds every permission there is. */
export function AdminGrantDialog({ personName, onConfirm, onClose }: Props) {
  return (
    <ConfirmDialog title={`Make ${personName} an administrator?`} confirmLabel="Grant Admin" color="red" onConfirm={onConfirm} onClose={onClose}>
      {personName} gets the Admin role: every permission, including managing roles, settings, API tokens and other
      administrators. Only grant it to someone you trust with the whole instance.
    </ConfirmDialog>
  );
}
