import { createTheme, NavLink, PasswordInput } from '@mantine/core';

export const theme = createTheme({
  primaryColor: 'indigo',
  defaultRadius: 'md',
  components: {
    PasswordInput: PasswordInput.extend({
      defaultProps: {
        // Mantine's default label "Toggle password visibility" also matches a label query for "Password".
        visibilityToggleButtonProps: { 'aria-label': 'Show characters' },
      },
    }),
    NavLink: NavLink.extend({
      styles: { root: { borderRadius: 'var(--mantine-radius-sm)' } },
    }),
  },
});
