/**
 * The import rules of the project, checked by `npm run lint` (dependency-cruiser):
 *
 *   server/index.ts, server/cli/     entry points
 *   server/runtime/                  composition: builds the engine, the appliance services, the adapters
 *   server/http/                     thin HTTP adapters: parse, call, format
 *   server/appliance/                appliance use cases: setup, console admin, databases, backups, jobs ...
 *   server/jobs/                     the job registry (scheduling, locks, progress)
 *   server/engine/                   the Integram engine, no HTTP
 *   server/storage/                  the store interface and its drivers
 *   server/log/, server/config/      logging and configuration, used by every layer
 *
 * A layer imports only layers below it; nothing imports in a circle; main/ (Electron) never
 * imports the server's code, renderer/ (the console) only the wire contracts' types, and
 * workspace/ (the office users' workspace) nothing of the server, main/ or renderer/: it speaks
 * only the legacy URL API over HTTP.
 */
const layers = ['config', 'log', 'storage', 'engine', 'jobs', 'appliance', 'http', 'runtime', 'cli'];
const above = (i) => layers.slice(i + 1);
const layerRules = layers.map((layer, i) => ({
  name: `layer-${layer}`,
  comment: `server/${layer}/ may import only the layers below it (${layers.slice(0, i).join(', ') || 'none'})`,
  severity: 'error',
  from: { path: `^server/${layer}/` },
  to: { path: `^server/(${[...above(i), 'index\\.ts'].join('|')})(/|$)` },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'modules must not import each other in a circle, type imports included',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'engine-and-jobs-apart',
      comment: 'the engine and the job registry are neighbours, not layers of each other',
      severity: 'error',
      from: { path: '^server/(engine|jobs)/' },
      to: { path: '^server/(engine|jobs)/', pathNot: '^server/$1/' },
    },
    {
      name: 'engine-through-its-index',
      comment: 'outside the engine, only server/engine/index.ts is imported',
      severity: 'error',
      from: { path: '^server/', pathNot: '^server/engine/' },
      to: { path: '^server/engine/', pathNot: '^server/engine/index\\.ts$' },
    },
    {
      name: 'engine-without-drivers',
      comment: 'the engine uses the store interface, never a driver',
      severity: 'error',
      from: { path: '^server/engine/' },
      to: { path: '^server/storage/(mysql|pglite|sql)/' },
    },
    {
      name: 'desktop-apart-from-server',
      comment: 'main/ speaks to the server over the process boundary and HTTP, never by import',
      severity: 'error',
      from: { path: '^main/' },
      to: { path: '^(server|renderer)/' },
    },
    {
      name: 'console-apart',
      comment: 'the console bundle imports no server or Electron code, only the two wire contracts (types)',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { path: '^(server|main)/', pathNot: '^(server/http/admin/contract\\.ts|main/ipc-contract\\.ts)$' },
    },
    {
      name: 'workspace-apart',
      comment: 'the workspace bundle talks to the server only through the legacy URL API over HTTP: it imports no server, Electron or console code',
      severity: 'error',
      from: { path: '^workspace/' },
      to: { path: '^(server|main|renderer)/' },
    },
    {
      name: 'nothing-imports-the-workspace',
      comment: 'the workspace is a separate bundle: no other part imports it',
      severity: 'error',
      from: { path: '^(server|main|renderer)/' },
      to: { path: '^workspace/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
  },
};
