/**
 * `node dist/server/launch.js` (what `npm start` runs): the server under a tiny parent that starts
 * it again after a restart requested from the console (runtime/launcher.ts).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLauncher } from './runtime/launcher.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const entry = path.join(here, fileURLToPath(import.meta.url).endsWith('.ts') ? 'index.ts' : 'index.js');
const nodeArgs = entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
process.exitCode = await runLauncher({ entry, args: process.argv.slice(2), nodeArgs });
