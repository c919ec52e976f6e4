import { Badge, Button, Group, List, Menu, Modal, Paper, Select, Stack, Text } from '@mantine/core';
import { IconChevronDown } from '@tabler/icons-react';
import { useState } from 'react';
import { toApiError, type ApiError } from '../api';
import { ErrorAlert } from '../ui/ErrorAlert';
import { reasonText } from './labels';
import { isAdminRole, type AdminUserDetail, type BulkAction, type BulkActionType, type BulkResult, type Option } from './types';
import { runBulkAction } from './usersApi';

type Props = {
  selected: AdminUserDetail[];
  roles: Option[];
  groups: Option[];
  onDone: () => void;
  onClear: () => void;
};

type Choice = { type: BulkActionType; label: string; needs?: 'role' | 'group'; title: (target?: string) => string };

const CHOICES: Choice[] = [
  { type: 'add_role', label: 'Add a role…', needs: 'role', title: (t) => `Add the role ${t ?? ''}` },
  { type: 'remove_role', label: 'Remove a role…', needs: 'role', title: (t) => `Remove the role ${t ?? ''}` },
  { type: 'add_group', label: 'Add to a group…', needs: 'group', title: (t) => `Add to the group ${t ?? ''}` },
  { type: 'remove_group', label: 'Remove from a group…', needs: 'group', title: (t) => `Remove from the group ${t ?? ''}` },
  { type: 'enable', label: 'Enable', title: () => 'Enable' },
  { type: 'disable', label: 'Disable', title: () => 'Disable' },
  { type: 'set_profile', label: 'Set profile to Member', title: () => 'Set profile to Member' },
];

/** The bar above the table while people are selected: one change for all of them, then what happened to each. */
export function BulkActions({ selected, roles, groups, onDone, onClear }: Props) {
  const [choice, setChoice] = useState<Choice | null>(null);
  const [results, setResults] = useState<{ label: string; results: BulkResult[]; users: AdminUserDetail[] } | null>(null);

  return (
    <>
      <Paper withBorder radius="md" px="md" py="xs" bg="var(--mantine-primary-color-light)">
        <Group justify="space-between">
          <Text size="sm" fw={500}>
            {selected.length} selected
          </Text>
          <Group gap="xs">
            <Button variant="default" size="xs" onClick={onClear}>
              Clear selection
            </Button>
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <Button size="xs" rightSection={<IconChevronDown size={14} />}>
                  Bulk actions
                </Button>
              </Menu.Target>
              <Menu.Dropdown>
                {CHOICES.map((c) => (
                  <Menu.Item key={c.type} onClick={() => setChoice(c)} color={c.type === 'disable' ? 'orange' : undefined}>
                    {c.label}
                  </Menu.Item>
                ))}
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Group>
      </Paper>
      {choice && (
        <BulkDialog
          choice={choice}
          users={selected}
          options={choice.needs === 'role' ? roles : choice.needs === 'group' ? groups : []}
          onClose={() => setChoice(null)}
          onFinished={(label, outcome) => {
            setChoice(null);
            setResults({ label, results: outcome, users: selected });
            onDone();
          }}
        />
      )}
      {results && <BulkSummary {...results} onClose={() => setResults(null)} />}
    </>
  );
}

type DialogProps = {
  choice: Choice;
  users: AdminUserDetail[];
  options: Option[];
  onClose: () => void;
  onFinished: (label: string, results: BulkResult[]) => void;
};

function BulkDialog({ choice, users, options, onClose, onFinished }: DialogProps) {
  const [target, setTarget] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const chosen = options.find((o) => o.id === target);
  const label = choice.title(chosen?.name).trim();
  const grantsAdmin = choice.type === 'add_role' && isAdminRole(chosen);

  function action(): BulkAction | null {
    switch (choice.type) {
      case 'add_role':
      case 'remove_role':
        return target ? { type: choice.type, roleId: target } : null;
      case 'add_group':
      case 'remove_group':
        return target ? { type: choice.type, groupId: target } : null;
      case 'set_profile':
        return { type: 'set_profile', profile: 'member' };
      default:
        return { type: choice.type as 'enable' | 'disable' };
    }
  }

  async function run() {
    const chosen = action();
    if (!chosen) return;
    setBusy(true);
    setError(null);
    try {
      onFinished(label, await runBulkAction(users.map((u) => u.id), chosen));
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  }

  return (
    <Modal opened onClose={onClose} title={`${choice.label.replace('…', '')}: ${users.length} ${users.length === 1 ? 'person' : 'people'}`} centered>
      <Stack>
        {choice.needs && (
          <Select
            label={choice.needs === 'role' ? 'Role' : 'Group'}
            placeholder={`Choose a ${choice.needs}`}
            data={options.map((o) => ({ value: o.id, label: o.name }))}
            value={target}
            onChange={setTarget}
            searchable
            data-autofocus
          />
        )}
        {grantsAdmin && (
          <Text size="sm" fw={500} c="red" data-testid="bulk-admin-warning">
            {namesOf(users)} {users.length === 1 ? 'gets' : 'get'} the Admin role: every permission, including managing roles,
            settings, API tokens and other administrators. Only grant it to people you trust with the whole instance.
          </Text>
        )}
        {choice.type === 'disable' && (
          <Text size="sm">Each of them is signed out everywhere at once and cannot sign in until enabled again.</Text>
        )}
        {choice.type === 'set_profile' && (
          <Text size="sm">External profiles never change: selected External people are skipped and reported.</Text>
        )}
        <Text size="sm" c="dimmed">
          Each person is changed on their own: if one cannot be changed, the others still are.
        </Text>
        {error && <ErrorAlert title="Nobody was changed">{error.message}</ErrorAlert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            onClick={() => void run()}
            loading={busy}
            disabled={Boolean(choice.needs) && !target}
            color={grantsAdmin ? 'red' : choice.type === 'disable' ? 'orange' : undefined}
          >
            {grantsAdmin ? 'Grant Admin' : 'Apply'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

const NAMED = 3;

/** "Ann, Bo and Cy" or "Ann, Bo, Cy and 4 others": the dialog names who a grant reaches. */
function namesOf(users: AdminUserDetail[]) {
  const names = users.slice(0, NAMED).map((u) => u.name);
  const others = users.length - names.length;
  if (others > 0) return `${names.join(', ')} and ${others} ${others === 1 ? 'other' : 'others'}`;
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : (names[0] ?? '');
}

type SummaryProps = { label: string; results: BulkResult[]; users: AdminUserDetail[]; onClose: () => void };

function BulkSummary({ label, results, users, onClose }: SummaryProps) {
  const nameOf = (id: string) => users.find((u) => u.id === id)?.name ?? id;
  const count = (outcome: BulkResult['outcome']) => results.filter((r) => r.outcome === outcome).length;
  const notApplied = results.filter((r) => r.outcome !== 'applied');
  return (
    <Modal opened onClose={onClose} title={`${label}: results`} centered>
      <Stack data-testid="bulk-results">
        <Group gap="xs">
          <Badge color="green" variant="light" tt="none">
            {count('applied')} applied
          </Badge>
          <Badge color="gray" variant="light" tt="none">
            {count('skipped')} skipped
          </Badge>
          <Badge color="red" variant="light" tt="none">
            {count('failed')} failed
          </Badge>
        </Group>
        {notApplied.length > 0 && (
          <List size="sm" spacing={4}>
            {notApplied.map((r) => (
              <List.Item key={r.userId}>
                <Text span fw={500} size="sm">
                  {nameOf(r.userId)}
                </Text>
                {` — ${r.outcome}: ${reasonText(r.reason)}`}
              </List.Item>
            ))}
          </List>
        )}
        <Group justify="flex-end">
          <Button onClick={onClose} data-autofocus>
            Done
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
