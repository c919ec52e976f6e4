import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Rules compare error codes, never messages.
const noMessageBranching = {
  selector: "MemberExpression[property.name='message'][parent.callee.property.name=/^(includes|startsWith|endsWith|match)$/]",
  message: 'Branch on FoyerError.code, not on messages.',
};

// Rule account-tables-written-by-accounts (docs/architecture.md): the account tables change only through the functions
// src/accounts/index.ts exports. Other features may read and join them. Caught: drizzle's insert/update/delete on a
// table's export, and raw SQL that writes one by name or by interpolating its export (`update ${users}`).
const accountTableExports = 'users|roles|groups|userRoles|groupRoles|groupMembers';
const accountTableNames = 'users|roles|groups|user_roles|group_roles|group_members';
const sqlWrite = String.raw`\b(insert\s+into|update|delete\s+from)\s+`;
const sqlWriteByName = String.raw`${sqlWrite}"?(${accountTableNames})\b`;
const accountTablesMessage =
  'account-tables-written-by-accounts: only src/accounts writes the account tables; call the function src/accounts/index.ts exports for this change.';
// A template's n-th text is followed by its n-th interpolation. esquery cannot pair the two arrays by index, so each of
// the first 16 positions gets its own selector (more interpolations than any statement here has before its write).
const interpolatedWrites = Array.from({ length: 16 }, (_, i) =>
  `TemplateLiteral:has(> TemplateElement.quasis:nth-child(${i + 1})[value.raw=/${sqlWrite}"?$/i]):has(> Identifier.expressions:nth-child(${i + 1})[name=/^(${accountTableExports})$/])`,
);
const accountTableWrites = [
  `CallExpression[callee.property.name=/^(insert|update|delete)$/] > Identifier.arguments:first-child[name=/^(${accountTableExports})$/]`,
  `TemplateElement[value.raw=/${sqlWriteByName}/i]`,
  `Literal[value=/${sqlWriteByName}/i]`,
  ...interpolatedWrites,
].map((selector) => ({ selector, message: accountTablesMessage }));

export default tseslint.config(
  { ignores: ['dist/', 'web/dist/', 'node_modules/', 'data/', 'test-results/', 'drizzle/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-warning-comments': ['error', { terms: ['todo', 'fixme', 'xxx'] }],
      'no-restricted-syntax': ['error', noMessageBranching],
    },
  },
  {
    // Tests and test support may set up any table (as for the boundary rules).
    files: ['src/**/*.ts'],
    ignores: ['src/accounts/**', 'src/**/*.test.ts', 'src/**/testing.ts'],
    rules: { 'no-restricted-syntax': ['error', noMessageBranching, ...accountTableWrites] },
  },
  { files: ['web/**/*.{ts,tsx}'], languageOptions: { globals: { ...globals.browser } } },
);
