/**
 * What the benchmarks send: the legacy API scenarios on the seeded schema, and one autocannon run
 * (keep-alive, the same connections and duration for every row of a run).
 */
import autocannon from 'autocannon';
import { request as httpsRequest } from 'node:https';
import type { LegacyClient } from '../support/bench-app.js';
import { sleep } from '../support/net.mjs';
import { BENCH_DB, type BenchSchema } from './seed.js';

export interface Scenario {
  name: string;
  what: string;
  method: 'GET' | 'POST';
  path: string;
  body?: string;
}

export function benchScenarios(schema: BenchSchema, xsrf: string): Scenario[] {
  const { item, itemCols, order, orderCols, report } = schema;
  return [
    { name: 'list', what: `object/{order}?JSON_KV&LIMIT=20 (50,000 records, a reference column)`, method: 'GET', path: `object/${order}?JSON_KV&LIMIT=20` },
    { name: 'filtered', what: `object/{order}?JSON_KV&LIMIT=0,100&F_{comment}=%abc%`, method: 'GET', path: `object/${order}?JSON_KV&LIMIT=0,100&F_${orderCols.comment}=%25abc%25` },
    { name: 'list-items', what: `object/{item}?JSON_KV&LIMIT=20 (10,000 records, 5 columns)`, method: 'GET', path: `object/${item}?JSON_KV&LIMIT=20` },
    { name: 'filtered-items', what: `object/{item}?JSON_KV&LIMIT=0,100&F_{code}=%abc%`, method: 'GET', path: `object/${item}?JSON_KV&LIMIT=0,100&F_${itemCols.code}=%25abc%25` },
    { name: 'dict', what: 'dict?JSON', method: 'GET', path: 'dict?JSON' },
    { name: 'metadata', what: 'metadata/{order}?JSON', method: 'GET', path: `metadata/${order}?JSON` },
    {
      name: '_m_new', what: `_m_new/{item}?JSON (POST, _xsrf, 2 cells)`, method: 'POST', path: `_m_new/${item}?JSON`,
      body: new URLSearchParams({ _xsrf: xsrf, up: '1', [`t${item}`]: 'bench new', [`t${itemCols.code}`]: 'new-code' }).toString(),
    },
    { name: 'xsrf', what: 'xsrf?JSON', method: 'GET', path: 'xsrf?JSON' },
    { name: 'report', what: 'report/{id}?JSON_KV&LIMIT=100 (50,000 orders joined to their 10,000 items, SUM per item)', method: 'GET', path: `report/${report}?JSON_KV&LIMIT=100` },
  ];
}

/** the headers a scenario is sent with: the session, and the form type for a body */
export function scenarioHeaders(s: Scenario, token: string): Record<string, string> {
  return { 'X-Authorization': token, ...(s.body ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}) };
}

export async function cannon(url: string, scenario: { method: 'GET' | 'POST'; body?: string }, headers: Record<string, string>,
  load: { connections: number; durationSeconds: number }): Promise<autocannon.Result> {
  // https URLs (nginx on loopback with its self-signed certificate): autocannon does not verify certificates
  return autocannon({
    url, connections: load.connections, duration: load.durationSeconds, pipelining: 1, timeout: 30, method: scenario.method, headers,
    body: scenario.body,
  });
}

/**
 * Waits until the server has worked off the requests still queued when the load generator
 * stopped (a slow scenario can leave a backlog that would otherwise be charged to the next one).
 */
export async function drain(c: LegacyClient): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const started = Date.now();
    await c.get('xsrf?JSON').catch(() => undefined);
    if (Date.now() - started < 200) return;
    await sleep(500);
  }
}

/**
 * A benchmark of error answers would be worthless: the scenario must answer 200 at `base` (an
 * instance, nginx on loopback with its certificate made for the run, or the PHP engine) first.
 */
export async function mustAnswer(base: string, s: Scenario, token: string): Promise<void> {
  const url = new URL(`${base}/${BENCH_DB}/${s.path}`);
  const headers = scenarioHeaders(s, token);
  const answer = url.protocol === 'https:'
    ? await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpsRequest(url, { method: s.method, headers, rejectUnauthorized: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      req.end(s.body);
    })
    : await fetch(url, { method: s.method, headers, body: s.body }).then(async (r) => ({ status: r.status, text: await r.text() }));
  if (answer.status !== 200) throw new Error(`${s.name} at ${base}: ${answer.status} ${answer.text.slice(0, 200)}`);
}
