import {
  Alert,
  Anchor,
  createTheme,
  DataList,
  darken,
  DEFAULT_THEME,
  Drawer,
  localStorageColorSchemeManager,
  luminance,
  Menu,
  Modal,
  NavLink,
  PasswordInput,
  type CSSVariablesResolver,
} from '@mantine/core';

/** WCAG AA for normal text. */
const AA = 4.5;

const contrast = (a: string, b: string) => {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
};

/**
 * The darkest shade of a colour, darkened further until it reads at AA on white, on the page background and on
 * the colour's own pale tints (light alerts and badges): Mantine's yellow 9 is only 2.69:1 on yellow 1.
 */
function readableOnLight(shades: readonly string[]): string {
  const backgrounds = ['#ffffff', DEFAULT_THEME.colors.gray[0], shades[0]!, shades[1]!];
  let amount = 0;
  while (Math.min(...backgrounds.map((bg) => contrast(darken(shades[9]!, amount), bg))) < AA + 0.1) amount += 0.02;
  return darken(shades[9]!, amount);
}

// Text in a colour (c="red", light alerts and badges) uses these in the light scheme; the dark scheme's defaults
// (shades 4 and 0 on dark grey) already pass.
const lightSchemeTextColours = Object.fromEntries(
  Object.entries(DEFAULT_THEME.colors).flatMap(([name, shades]) => {
    const readable = readableOnLight(shades);
    return [
      [`--mantine-color-${name}-text`, readable],
      [`--mantine-color-${name}-light-color`, readable],
    ];
  }),
);

export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    ...lightSchemeTextColours,
    // Mantine's gray 6 is 3.15:1 on the page background.
    '--mantine-color-dimmed': '#5c636a',
    '--mantine-color-anchor': 'var(--mantine-color-indigo-text)',
    // Placeholders are read too (a file input shows its hint as one); Mantine's gray 5 is 2.07:1.
    '--mantine-color-placeholder': '#6c757d',
    '--foyer-color-page': 'var(--mantine-color-gray-0)',
  },
  dark: {
    // Mantine's dark 2 is 3.53:1 on cards.
    '--mantine-color-dimmed': '#adadad',
    '--mantine-color-anchor': 'var(--mantine-color-indigo-3)',
    '--mantine-color-placeholder': '#9a9a9a',
    '--foyer-color-page': 'var(--mantine-color-dark-8)',
  },
});

/**
 * The colour of a destructive menu item: Mantine draws `color="red"` items in shade 6 in both schemes (3.28:1 on
 * white), while this follows the scheme's readable red.
 */
export const DANGER_MENU_ITEM = 'var(--mantine-color-red-text)';

/** The visitor's choice of light or dark survives reloads; until they choose, the system's setting applies. */
export const colorSchemeManager = localStorageColorSchemeManager({ key: 'foyer-color-scheme' });

export const theme = createTheme({
  primaryColor: 'indigo',
  // Shade 6 carries white text at only 4.32:1; shade 8 at 5.67:1.
  primaryShade: { light: 8, dark: 8 },
  // Filled buttons and badges pick black or white text, whichever reads at AA on their shade.
  autoContrast: true,
  luminanceThreshold: 0.18,
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
    // Mantine's close buttons are bare icons: without these they have no accessible name.
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
    Drawer: Drawer.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
    Alert: Alert.extend({
      defaultProps: { closeButtonLabel: 'Dismiss' },
      // The link colour does not read on every alert tint (3.86:1 on dark yellow): links there take the alert's text
      // colour, and their underline tells them apart.
      styles: { root: { '--mantine-color-anchor': 'currentColor' } },
    }),
    // The focus placeholder Mantine puts first in a menu is not a menu item, which screen readers stumble on.
    Menu: Menu.extend({ defaultProps: { withInitialFocusPlaceholder: false } }),
    // Links are told apart from the text around them by more than colour (WCAG 1.4.1).
    Anchor: Anchor.extend({ defaultProps: { underline: 'always' } }),
    // A long email address wraps instead of pushing the page wider than a phone.
    DataList: DataList.extend({ styles: { itemValue: { minWidth: 0, overflowWrap: 'anywhere' } } }),
  },
});
