import { MultiSelect, type MultiSelectProps } from '@mantine/core';

type Props = Omit<MultiSelectProps, 'data' | 'value' | 'onChange'> & {
  /** Roles or groups, by id and name. */
  options: readonly { id: string; name: string }[];
  value: string[];
  onChange: (ids: string[]) => void;
  /** Shown in the empty field, so "nothing chosen" reads as a choice. */
  none?: string;
};

/** Picks roles or groups by name; every dialog that hands out roles or groups uses it. */
export function OptionsPicker({ options, none, ...props }: Props) {
  return (
    <MultiSelect
      data={options.map((option) => ({ value: option.id, label: option.name }))}
      placeholder={props.value.length === 0 ? none : undefined}
      searchable
      clearable
      {...props}
    />
  );
}
