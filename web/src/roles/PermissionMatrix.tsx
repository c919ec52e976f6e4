import { Checkbox, Code, Fieldset, SimpleGrid, Stack, Text } from '@mantine/core';
import type { PermissionArea } from './types';

type Props = {
  areas: PermissionArea[];
  value: string[];
  onChange: (permissions: string[]) => void;
  /** Permissions the signed-in person holds: only those may be handed out. */
  grantable: ReadonlySet<string>;
  readOnly?: boolean;
};

/**
 * The permissions the chosen ones require, each with the chosen permissions that need it. The server adds the same
 * ones when the role is saved (src/roles/catalogue.ts), so what the matrix shows ticked is what the role will hold.
 */
export function requiredBy(areas: PermissionArea[], chosen: Iterable<string>): Map<string, string[]> {
  const requires = new Map(areas.flatMap((a) => a.permissions.map((p) => [p.key, p.requires] as const)));
  const needed = new Map<string, string[]>();
  const visit = (key: string, by: string) => {
    for (const required of requires.get(key) ?? []) {
      const list = needed.get(required) ?? [];
      if (list.includes(by)) continue;
      needed.set(required, [...list, by]);
      visit(required, by);
    }
  };
  for (const key of chosen) visit(key, key);
  return needed;
}

/** With the permissions the chosen ones require. */
export const withRequired = (areas: PermissionArea[], chosen: string[]) => [...new Set([...chosen, ...requiredBy(areas, chosen).keys()])];

/** One checkbox per permission, grouped by area, each area with its own "select all"; required ones are ticked and locked. */
export function PermissionMatrix({ areas, value, onChange, grantable, readOnly = false }: Props) {
  const selected = new Set(value);
  const needed = requiredBy(areas, value);
  const set = (keys: string[], on: boolean) => {
    const next = new Set(selected);
    for (const key of keys) {
      if (on) next.add(key);
      else if (!needed.has(key)) next.delete(key);
    }
    onChange(withRequired(areas, [...next]));
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
                const lockedBy = needed.get(permission.key);
                return (
                  <Checkbox
                    key={permission.key}
                    ml="lg"
                    label={permission.description}
                    description={
                      <>
                        <Text span size="xs" display="block">
                          {permission.explanation}
                        </Text>
                        <Code>{permission.key}</Code>
                        {lockedBy && ` · included because ${lockedBy.join(', ')} ${lockedBy.length === 1 ? 'needs' : 'need'} it`}
                        {!held && !readOnly && ' · you do not hold this permission, so you cannot grant it'}
                      </>
                    }
                    checked={selected.has(permission.key) || Boolean(lockedBy)}
                    disabled={readOnly || !held || Boolean(lockedBy)}
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
