import { Button, Group as Row } from '@mantine/core';
import { useState } from 'react';
import { PersonSearch } from '../users/PersonSearch';

type Props = { onAdd: (userId: string) => Promise<void> };

/** Finds people by name, email or username through the user directory and adds the chosen one. */
export function AddMemberForm({ onAdd }: Props) {
  const [chosen, setChosen] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  // Remounting the search after an add clears what was typed, ready for the next person.
  const [added, setAdded] = useState(0);

  async function add() {
    if (!chosen) return;
    setAdding(true);
    try {
      await onAdd(chosen);
      setChosen(null);
      setAdded((n) => n + 1);
    } finally {
      setAdding(false);
    }
  }

  return (
    <Row align="flex-end" gap="sm">
      <PersonSearch key={added} label="Add a member" value={chosen} onChange={setChosen} />
      <Button onClick={() => void add()} disabled={!chosen} loading={adding}>
        Add
      </Button>
    </Row>
  );
}
