#!/usr/bin/env node
// `npm start`: builds only when a source is newer than the build (the first start after a clone or
// a pull), then runs the server under its launcher (dist/server/launch.js), which starts it again
// after a restart requested from the console. Plain JavaScript: it must run before anything is built.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureBuilt, root } from './build-if-stale.mjs';

// `npm run start:high-mem`: a 4 GB JavaScript heap for large imports and reports; NODE_OPTIONS
// reaches the server process the launcher starts (and every restart of it)
if (process.argv.includes('--high-mem')) {
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=4096`.trim();
}

ensureBuilt('the server');
await import(pathToFileURL(path.join(root, 'dist/server/launch.js')).href);
