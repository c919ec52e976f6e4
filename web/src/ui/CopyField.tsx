import { Button, CopyButton, Group, TextInput } from '@mantine/core';

type Props = { label: string; value: string; copyLabel?: string };

/** A value shown once to be pasted elsewhere (a link, a client ID, a secret): selected on focus, with a copy button. */
export function CopyField({ label, value, copyLabel = 'Copy' }: Props) {
  return (
    <Group align="flex-end" wrap="nowrap">
      <TextInput label={label} value={value} readOnly onFocus={(e) => e.currentTarget.select()} style={{ flex: 1 }} />
      <CopyButton value={value}>
        {({ copied, copy }) => (
          <Button color={copied ? 'green' : undefined} onClick={copy} aria-label={`${copyLabel} (${label})`}>
            {copied ? 'Copied' : copyLabel}
          </Button>
        )}
      </CopyButton>
    </Group>
  );
}
