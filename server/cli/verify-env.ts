/**
 * `npm run verify-env [-- --env-file <path>] [--json] [--example]`
 *
 * Prints every setting (secrets masked) as ok / default / error with its description and
 * exits 1 when any setting is in error. Reads the data folder's generated secrets but never
 * creates them. `--example` prints a commented .env example generated from the schema.
 */
import { loadConfig, type SettingReport } from '../config/index.js';
import { SETTING_GROUPS } from '../config/schema.js';
import { renderEnvExample } from '../config/env-example.js';

function line(item: SettingReport): string {
  const status = item.status.padEnd(7);
  const shown = item.display === '' ? '(unset)' : item.display;
  const origin = item.source === 'default' ? '' : ` [${item.source}]`;
  const text = `  ${status} ${item.key}=${shown}${origin}`;
  const detail = item.message ? `\n            ${item.status === 'error' ? 'ERROR: ' : ''}${item.message}` : '';
  return `${text}\n            ${item.description}${detail}`;
}

function main(argv: string[]): number {
  if (argv.includes('--example')) {
    process.stdout.write(renderEnvExample());
    return 0;
  }
  const loaded = loadConfig({ argv, persistSecrets: false });

  if (argv.includes('--json')) {
    const report = loaded.report.map((item) => ({ ...item, value: item.secret ? item.display : item.value }));
    process.stdout.write(`${JSON.stringify({ ok: loaded.ok, envFile: loaded.envFile, errors: loaded.errors, unknownFileKeys: loaded.unknownFileKeys, settings: report }, null, 2)}\n`);
    return loaded.ok ? 0 : 1;
  }

  const out: string[] = [];
  out.push(loaded.envFile ? `Settings from the environment and ${loaded.envFile} (the environment wins)` : 'Settings from the environment (no .env file found)');
  for (const group of SETTING_GROUPS) {
    out.push('', `[${group}]`);
    for (const item of loaded.report.filter((entry) => entry.group === group)) out.push(line(item));
  }
  for (const name of loaded.unknownFileKeys) out.push('', `warning: ${name} in the .env file is not a known setting (ignored)`);

  const count = (status: string) => loaded.report.filter((item) => item.status === status).length;
  out.push('', `${loaded.report.length} settings: ${count('ok')} ok, ${count('default')} default, ${count('error')} error`);
  if (!loaded.ok) {
    out.push('', 'Configuration errors:');
    for (const error of loaded.errors) out.push(`  ${error}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
  return loaded.ok ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
