import { Alert } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import type { ReactNode } from 'react';

type Props = { title: string; children: ReactNode };

export function ErrorAlert({ title, children }: Props) {
  return (
    <Alert color="red" icon={<IconAlertCircle />} title={title}>
      {children}
    </Alert>
  );
}
