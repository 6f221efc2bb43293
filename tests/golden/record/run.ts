/**
 * Runs one recording scenario against the PHP engine (the oracle) and writes its fixtures:
 *   tests/golden/fixtures/<scenario>.jsonl              the exchanges
 *   tests/golden/fixtures/<scenario>-start-rows.json    the tenant before the scenario
 *   tests/golden/fixtures/<scenario>-final-rows.json    the tenant after it (compared with ours by the replay)
 *   tests/golden/fixtures/<scenario>.ids.json           names for the ids the run created
 *
 *   ORACLE_DIR=<the oracle's scripts folder> npx tsx tests/golden/record/run.ts <scenario>
 *
 * The oracle must be running (its start-db.sh and start-php.sh). Each scenario has a tenant of its own,
 * recreated by the oracle's reset-tenant.sh (bootstrap + root patch + user tester, next id 1015).
 * Only 127.0.0.1 is contacted. Not part of `npm test`: recording needs the PHP engine.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Recorder } from './recorder.js';

export interface OracleAccess {
  /** runs SQL on the oracle's database (as root over its socket); rows as tab-separated lines */
  sql(query: string): string;
  /** recreates a tenant table (bootstrap + root patch + one admin user) */
  resetTenant(name: string, login?: string, password?: string): void;
  /** every row of a tenant, ordered by id */
  rows(tenant: string): Row[];
}
export interface Row {
  id: number;
  up: number;
  ord: number;
  t: number;
  val: string;
}
export interface Scenario {
  /**
   * the tenant the scenario runs on (2-15 lower-case letters and digits); `my` (the engine's
   * private-space database, needed by `_new_db`) is reset with the oracle's reset-db.sh and the root patch
   */
  tenant: string;
  /** more tenants recreated before the run like the main one; their starting rows are kept (`<scenario>-start-rows.<tenant>.json`) */
  otherTenants?: string[];
  /** tenants whose rows after the run are kept too (`<scenario>-final-rows.<tenant>.json`) */
  alsoCompare?: string[];
  /** changes the fresh tenant before its starting rows are taken (e.g. adds metadata rows real databases have but the bootstrap lacks, with SQL) */
  prepare?(oracle: OracleAccess, tenant: string): void;
  /** the user reset-tenant.sh creates (default tester / tester-pass-1); a login equal to the tenant's name is its owner */
  login?: string;
  password?: string;
  run(rec: Recorder, oracle: OracleAccess): Promise<void>;
}

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

function oracleAccess(): OracleAccess {
  const dir = process.env.ORACLE_DIR;
  if (!dir) throw new Error('set ORACLE_DIR to the folder of the oracle scripts (reset-tenant.sh, env.sh)');
  const socket = process.env.ORACLE_SOCK ?? '/tmp/oracle/run/mysqld.sock';
  const dbName = process.env.ORACLE_DB_NAME ?? 'ideav';
  const sql = (query: string): string => execFileSync('mariadb', [`--socket=${socket}`, '-uroot', '-N', '-B', '-r', dbName, '-e', query], { encoding: 'utf8' });
  return {
    sql,
    resetTenant: (name, login, password) => {
      if (name === 'my') {
        execFileSync(path.join(dir, 'reset-db.sh'), [], { stdio: 'inherit', env: { ...process.env, ORACLE_PATCH_ROOT: '1' } });
        return;
      }
      execFileSync(path.join(dir, 'reset-tenant.sh'), [name, ...(login ? [login] : []), ...(password ? [password] : [])], { stdio: 'inherit' });
    },
    rows: (tenant) => {
      if (!/^[a-z][a-z0-9_]{1,14}$/.test(tenant)) throw new Error(`bad tenant ${tenant}`);
      const out = sql(`SELECT JSON_OBJECT('id',id,'up',up,'ord',ord,'t',t,'val',val) FROM \`${tenant}\` ORDER BY id`);
      return out.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Row);
    },
  };
}

async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name || !/^[a-z0-9-]+$/.test(name)) throw new Error('usage: run.ts <scenario name> (a file in tests/golden/record/scenarios/)');
  const scenario = ((await import(`./scenarios/${name}.js`)) as { default: Scenario }).default;
  const oracle = oracleAccess();
  oracle.resetTenant(scenario.tenant, scenario.login, scenario.password);
  scenario.prepare?.(oracle, scenario.tenant);
  const startRows = oracle.rows(scenario.tenant);
  for (const other of scenario.otherTenants ?? []) {
    oracle.resetTenant(other);
    writeFileSync(path.join(FIXTURES, `${name}-start-rows.${other}.json`), JSON.stringify({ rows: oracle.rows(other) }) + '\n');
  }
  const rec = new Recorder(process.env.ORACLE_BASE ?? 'http://127.0.0.1:8090', scenario.tenant);
  await scenario.run(rec, oracle);
  const finalRows = oracle.rows(scenario.tenant);
  rec.write(path.join(FIXTURES, `${name}.jsonl`));
  writeFileSync(path.join(FIXTURES, `${name}-start-rows.json`), JSON.stringify({ rows: startRows }) + '\n');
  writeFileSync(path.join(FIXTURES, `${name}-final-rows.json`), JSON.stringify({ rows: finalRows }) + '\n');
  for (const other of scenario.alsoCompare ?? []) {
    writeFileSync(path.join(FIXTURES, `${name}-final-rows.${other}.json`), JSON.stringify({ rows: oracle.rows(other) }) + '\n');
  }
  writeFileSync(path.join(FIXTURES, `${name}.ids.json`), JSON.stringify(rec.ids, null, 2) + '\n');
  console.log(`${name}: ${rec.exchanges.length} exchanges, ${startRows.length} → ${finalRows.length} rows`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
