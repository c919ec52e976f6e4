import { em, px, useMantineTheme } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';

/** True below the breakpoint where the navigation folds away: there, no table of several columns fits. */
export function usePhone(): boolean {
  const theme = useMantineTheme();
  return useMediaQuery(`(max-width: ${em((px(theme.breakpoints.sm) as number) - 0.1)})`, false, { getInitialValueInEffect: false });
}
