/**
 * How tests run the command-line tools: as `npm run <tool>` does, through scripts/cli.mjs, which runs
 * the compiled tool from dist/ (the test runner builds first; a stale tree is rebuilt by the script).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export type CliTool = 'db' | 'admin' | 'verify-env' | 'generate-secret';

/** the arguments after `node` that run a tool, e.g. spawn(process.execPath, cliArgs('db', 'list')) */
export function cliArgs(tool: CliTool, ...args: string[]): string[] {
  return [path.join(ROOT, 'scripts/cli.mjs'), tool, ...args];
}
