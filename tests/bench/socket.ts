/**
 * The driver alone, TCP against the unix socket: one throw-away MariaDB, a mysql2 pool (as the
 * store opens it) over each, the same statement many times, alternating. Prints per statement the
 * wall time, this process's CPU (the client side, what the server's thread pays) and mariadbd's
 * CPU (/proc/<pid>/stat), with the load average. `npx tsx tests/bench/socket.ts`
 *
 * Environment: SOCKET_BENCH_QUERIES (20000 per round), SOCKET_BENCH_ROUNDS (3 per transport),
 * SOCKET_BENCH_ROWS (80: the cells of a list page of 20 records with 4 columns), SOCKET_BENCH_CONCURRENCY (8).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { startMariadb } from '../support/start-mariadb.mjs';
import { cpuMs } from './processes.js';
import { loadAverage } from './report.js';

const QUERIES = Number(process.env.SOCKET_BENCH_QUERIES ?? 20_000);
const ROUNDS = Number(process.env.SOCKET_BENCH_ROUNDS ?? 3);
const ROWS = Number(process.env.SOCKET_BENCH_ROWS ?? 80);
const CONCURRENCY = Number(process.env.SOCKET_BENCH_CONCURRENCY ?? 8);

interface Round { transport: string; qps: number; clientUs: number; serverUs: number | null; load: string }

async function round(pool: mysql.Pool, transport: string, mariadbPid: number): Promise<Round> {
  const sql = `SELECT seq AS id, seq AS up, 1 AS ord, 42 AS t, CONCAT('value of cell ', seq) AS val FROM seq_1_to_${ROWS}`;
  let left = QUERIES;
  const started = performance.now();
  const client = process.cpuUsage();
  const server = cpuMs(mariadbPid);
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (left-- > 0) await pool.query(sql);
  }));
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(client);
  const serverAfter = cpuMs(mariadbPid);
  return {
    transport, qps: QUERIES / seconds, clientUs: (used.user + used.system) / QUERIES,
    serverUs: server !== null && serverAfter !== null ? ((serverAfter - server) * 1000) / QUERIES : null, load: loadAverage(),
  };
}

async function main(): Promise<void> {
  const db = await startMariadb({ innodbBufferPoolSize: '64M', prefix: 'integram-socket-bench-' });
  const pid = Number(readFileSync(path.join(db.dir, 'mysqld.pid'), 'utf8').trim());
  const common = { user: db.user, password: db.password, database: 'mysql', connectionLimit: CONCURRENCY, enableKeepAlive: true, supportBigNumbers: true, dateStrings: true };
  const pools = {
    tcp: mysql.createPool({ ...common, host: db.host, port: db.port }),
    socket: mysql.createPool({ ...common, socketPath: db.socket }),
  };
  try {
    for (const pool of Object.values(pools)) await round(pool, 'warm-up', pid);
    const rounds: Round[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      for (const [transport, pool] of Object.entries(pools)) {
        const r = await round(pool, transport, pid);
        rounds.push(r);
        process.stdout.write(`${r.transport.padEnd(6)} ${r.qps.toFixed(0).padStart(6)} statements/s  client CPU ${r.clientUs.toFixed(1).padStart(5)} µs  mariadbd CPU ${r.serverUs?.toFixed(1).padStart(5) ?? '?'} µs per statement  [load ${r.load}]\n`);
      }
    }
  } finally {
    await Promise.all(Object.values(pools).map((p) => p.end()));
    await db.destroy();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`socket bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
