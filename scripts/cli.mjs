#!/usr/bin/env node
// `npm run db|admin|verify-env|generate-jwt-secret -- …`: runs the compiled command-line tool from
// dist/server/cli/ (building first when a source changed), the same file a production install or
// the Docker image runs, without TypeScript at run time.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureBuilt, root } from './build-if-stale.mjs';

const TOOLS = new Set(['db', 'admin', 'verify-env', 'generate-secret']);
const tool = process.argv[2];
if (!TOOLS.has(tool)) {
  console.error(`usage: node scripts/cli.mjs <${[...TOOLS].join('|')}> [arguments]`);
  process.exit(2);
}
ensureBuilt(`npm run ${tool}`);
// the tool reads its arguments from process.argv.slice(2), as when it is run directly
process.argv.splice(2, 1);
await import(pathToFileURL(path.join(root, 'dist/server/cli', `${tool}.js`)).href);
