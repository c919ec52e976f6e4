/**
 * The boundaries between Foyer's folders (docs/architecture.md). `npm run lint:boundaries` fails on any arrow
 * that breaks one, naming the rule.
 *
 * A feature is a folder directly under src/. Tests and test support are not part of the graph the rules guard:
 * a test may set up any table it needs.
 */
const notTests = ['\\.test\\.ts$', '(^|/)testing\\.ts$', '(^|/)test-[^/]+\\.ts$', '^test/', '^e2e/', '^bench/'];

module.exports = {
  forbidden: [
    {
      name: 'platform-is-not-the-product',
      comment: 'src/platform is plumbing (http, db, config, errors): it depends on no product folder.',
      severity: 'error',
      from: { path: '^src/platform/', pathNot: notTests },
      to: { path: '^src/', pathNot: '^src/platform/' },
    },
    {
      name: 'accounts-depends-on-no-feature',
      comment: 'src/accounts is the core every feature builds on: it depends only on platform.',
      severity: 'error',
      from: { path: '^src/accounts/', pathNot: notTests },
      to: { path: '^src/', pathNot: ['^src/accounts/', '^src/platform/'] },
    },
    {
      name: 'features-meet-through-index',
      comment: "A feature reaches another only through that feature's index.ts (and accounts through src/accounts/index.ts).",
      severity: 'error',
      // src/cli is the composition root beside src/app.ts: it starts each feature's background work, so it may.
      from: { path: '^src/([^/]+)/', pathNot: [...notTests, '^src/accounts/', '^src/cli/'] },
      // A feature's fields.ts (zod only, shared with the console) is public like its index.ts.
      to: { path: '^src/[^/]+/', pathNot: ['^src/$1/', '^src/platform/', '^src/[^/]+/index\\.ts$', '^src/[^/]+/fields\\.ts$'] },
    },
    {
      name: 'fields-are-shared-with-the-console',
      comment:
        'src/<feature>/fields.ts is bundled into the web console (@foyer-fields/<feature>): it may import only zod and other fields.ts files.',
      severity: 'error',
      from: { path: '^src/[^/]+/fields\\.ts$' },
      // Unanchored so that a worktree whose node_modules is a link to another checkout's resolves too.
      to: { pathNot: ['(^|/)node_modules/zod/', '^src/[^/]+/fields\\.ts$'] },
    },
    {
      name: 'no-circular-features',
      comment: 'No cycle of imports: a cycle between features means neither can change or be tested without the other.',
      severity: 'error',
      from: { path: '^src/', pathNot: notTests },
      to: { circular: true, viaOnly: { pathNot: notTests } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: notTests },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
