// Test helper: opens a PGlite store in the folder given as argv[2], says "ready", holds it until killed.
import { openPgliteStore } from '../../../server/storage/pglite/index.js';

const store = await openPgliteStore(process.argv[2]);
process.stdout.write('ready\n');
const stop = () => { void store.close().finally(() => process.exit(0)); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
setInterval(() => undefined, 1 << 30);
