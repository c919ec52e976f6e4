import { Button, Group as Row } from '@mantine/core';
import { useState } from 'react';
import { PersonSelect } from '../ui/PersonSelect';

type Props = { onAdd: (userId: string) => Promise<void> };

/** Finds people by name, email or username through the user directory and adds the chosen one. */
export function AddMemberForm({ onAdd }: Props) {
  const [chosen, setChosen] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);

  async function add() {
    if (!chosen) return;
    setAdding(true);
    try {
      await onAdd(chosen);
      setChosen(null);
    } finally {
      setAdding(false);
    }
  }

  return (
    <Row align="flex-end" gap="sm">
      <PersonSelect label="Add a member" value={chosen} onChange={setChosen} w={420} maw="100%" />
      <Button onClick={() => void add()} disabled={!chosen} loading={adding}>
        Add
      </Button>
    </Row>
  );
}
