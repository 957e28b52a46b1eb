/**
 * The house's boundaries, checked by `npm run lint` (docs/architecture.md):
 * the kernel (src/store, src/shared) imports no capability; src/stats and src/access import only the kernel;
 * a capability imports another only through its front door (index.ts) and never the composition
 * above it (server, cli, demo, capabilities.ts); no import cycle anywhere.
 * Tests and test helpers compose the whole app, so only cycles are checked for them.
 */
// Every folder of src/ that is not the kernel, the engine or the composition is a capability, so a new one needs no line here.
const capabilities = '((?!store/|shared/|stats/|server/|cli/|demo/)[^/]+)';
const tests = '(\\.test\\.ts$|/testing\\.ts$|/test-databases\\.ts$)';
const kernel = '^src/(store|shared)/';

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'import cycles make the layers lean on each other', from: {}, to: { circular: true } },
    {
      name: 'kernel-imports-only-kernel',
      severity: 'error',
      comment: 'the kernel (database, migrations, write path, context, errors, CSV, time) imports no capability',
      from: { path: kernel, pathNot: tests },
      to: { path: '^src/', pathNot: kernel },
    },
    {
      name: 'stats-and-access-import-only-kernel',
      severity: 'error',
      comment: 'the statistics engine and the access rules sit just above the kernel',
      from: { path: '^src/(stats|access)/', pathNot: tests },
      to: { path: '^src/', pathNot: ['^src/(store|shared)/', '^src/$1/'] },
    },
    {
      name: 'capability-through-front-door',
      severity: 'error',
      comment: "a capability uses another only through its index.ts",
      from: { path: `^src/${capabilities}/`, pathNot: tests },
      to: { path: `^src/${capabilities}/`, pathNot: ['^src/$1/', `^src/${capabilities}/index\\.ts$`] },
    },
    {
      name: 'capability-not-composition',
      severity: 'error',
      comment: 'capabilities never import the layers that compose them',
      from: { path: `^src/${capabilities}/`, pathNot: tests },
      to: { path: '^src/(server|cli|demo)/|^src/capabilities\\.ts$' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|web/dist)' },
  },
};
