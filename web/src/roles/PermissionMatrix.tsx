import { Checkbox, Code, Fieldset, SimpleGrid, Stack } from '@mantine/core';
import type { PermissionArea } from './types';

type Props = {
  areas: PermissionArea[];
  value: string[];
  onChange: (permissions: string[]) => void;
  /** Permissions the signed-in person holds: only those may be handed out. */
  grantable: ReadonlySet<string>;
  readOnly?: boolean;
};

/** One checkbox per permission, grouped by area, each area with its own "select all". */
export function PermissionMatrix({ areas, value, onChange, grantable, readOnly = false }: Props) {
  const selected = new Set(value);
  const set = (keys: string[], on: boolean) => {
    const next = new Set(selected);
    for (const key of keys) {
      if (on) next.add(key);
      else next.delete(key);
    }
    onChange([...next]);
  };

  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md" data-testid="permission-matrix">
      {areas.map((area) => {
        const keys = area.permissions.map((p) => p.key);
        const changeable = keys.filter((k) => grantable.has(k));
        const chosen = keys.filter((k) => selected.has(k));
        const all = chosen.length === keys.length;
        return (
          <Fieldset key={area.area} legend={area.area} variant="filled" radius="md">
            <Stack gap="sm">
              <Checkbox
                label={`Select all in ${area.area}`}
                fw={600}
                checked={all}
                indeterminate={chosen.length > 0 && !all}
                disabled={readOnly || changeable.length === 0}
                onChange={(event) => set(changeable, event.currentTarget.checked)}
              />
              {area.permissions.map((permission) => {
                const held = grantable.has(permission.key);
                return (
                  <Checkbox
                    key={permission.key}
                    ml="lg"
                    label={permission.description}
                    description={
                      <>
                        <Code>{permission.key}</Code>
                        {!held && !readOnly && ' · you do not hold this permission, so you cannot grant it'}
                      </>
                    }
                    checked={selected.has(permission.key)}
                    disabled={readOnly || !held}
                    onChange={(event) => set([permission.key], event.currentTarget.checked)}
                  />
                );
              })}
            </Stack>
          </Fieldset>
        );
      })}
    </SimpleGrid>
  );
}
