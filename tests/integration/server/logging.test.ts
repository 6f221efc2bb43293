/** The log system (real pino, real files), request counters and database error wording. */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RequestMetrics } from '../../../server/http/health/request-metrics.js';
import { createLogSystem, formatPretty, type LogSettings } from '../../../server/log/logger.js';
import { redactUrl } from '../../../server/log/request-context.js';
import { CENSOR, redactSecrets } from '../../../server/log/redact.js';
import type { LogLine } from '../../../server/log/ring.js';
import { databaseErrorReason, isConnectionError } from '../../../server/storage/connection-errors.js';
import { StoreError } from '../../../server/storage/errors.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'integram-log-test-'));
  dirs.push(dir);
  return dir;
}

function captureStdout() {
  let text = '';
  const stream = { write: (chunk: string) => ((text += chunk), true) } as unknown as NodeJS.WritableStream;
  return { stream, text: () => text };
}

const settings = (overrides: Partial<LogSettings>): LogSettings => ({
  LOG_LEVEL: 'info', LOG_FILE: null, LOG_MAX_SIZE: '10m', LOG_KEEP: 3, LOG_FORMAT: 'pretty', DISABLE_LOGGING: false, ...overrides,
});

describe('log system', () => {
  it('redacts secrets everywhere: stdout, file and ring', async () => {
    const dir = tempDir();
    const out = captureStdout();
    const logs = await createLogSystem(settings({ LOG_FILE: path.join(dir, 'server.log') }), { stdout: out.stream });
    logs.logger.info(
      { password: 'p1', body: { pwd: 'p2', _xsrf: 'p3', login: 'anna' }, req: { headers: { authorization: 'Bearer p4', cookie: 'idb_my=p5' } }, token: 'p6', secret: 'p7' },
      'login attempt',
    );
    await logs.close();
    const file = readdirSync(dir).map((name) => readFileSync(path.join(dir, name), 'utf8')).join('');
    const ring = JSON.stringify(logs.ring.recent());
    for (const text of [out.text(), file, ring]) {
      expect(text).toContain('login attempt');
      expect(text).toContain('anna');
      for (const secret of ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7']) expect(text).not.toMatch(new RegExp(`\\b${secret}\\b`));
      expect(text).toContain('[redacted]');
    }
  });

  it('redacts by key name at any depth and in arrays, without touching the caller\'s objects', () => {
    const clean = { method: 'GET', url: '/my/xsrf', nested: { list: [1, { a: 'b' }] } };
    expect(redactSecrets(clean)).toBe(clean); // nothing to hide: no copy
    const input = {
      Authorization: 'Bearer t1',
      deep: { a: { b: { c: { PASSWORD: 't2', keep: 'visible' } } } },
      list: [{ token: 't3' }, 'plain'],
      headers: { 'set-cookie': ['idb_my=t4'], 'X-Authorization': 't5' },
      err: Object.assign(new Error('boom'), { note: 'left to the err serializer' }),
    };
    const out = redactSecrets(input);
    expect(out).toMatchObject({
      Authorization: CENSOR,
      deep: { a: { b: { c: { PASSWORD: CENSOR, keep: 'visible' } } } },
      list: [{ token: CENSOR }, 'plain'],
      headers: { 'set-cookie': CENSOR, 'X-Authorization': CENSOR },
    });
    expect(out.err).toBe(input.err);
    expect(input.deep.a.b.c.PASSWORD).toBe('t2');
    expect(input.list[0]).toEqual({ token: 't3' });
  });

  it('keeps the recent lines in a bounded ring with level/text filters and live subscribers', async () => {
    const logs = await createLogSystem(settings({ LOG_LEVEL: 'debug' }), { stdout: captureStdout().stream, ringCapacity: 5 });
    const seen: LogLine[] = [];
    const unsubscribe = logs.ring.subscribe((line) => seen.push(line));
    for (let i = 0; i < 8; i++) logs.logger.info(`line ${i}`);
    logs.logger.child({ reqId: 'r-1' }).warn('careful');
    unsubscribe();
    logs.logger.error('after unsubscribe');
    expect(seen.map((line) => line.msg)).toEqual([...Array.from({ length: 8 }, (_, i) => `line ${i}`), 'careful']);
    const recent = logs.ring.recent();
    expect(recent).toHaveLength(5);
    expect(recent.at(-1)?.msg).toBe('after unsubscribe');
    expect(logs.ring.recent({ level: 'warn' }).map((line) => line.msg)).toEqual(['careful', 'after unsubscribe']);
    expect(logs.ring.recent({ q: 'R-1' })).toMatchObject([{ msg: 'careful', reqId: 'r-1', level: 'warn' }]);
    expect(Date.parse(recent[0].time)).not.toBeNaN();
    await logs.close();
  });

  it('rotates the file by size and keeps LOG_KEEP old files', async () => {
    const dir = tempDir();
    const logs = await createLogSystem(settings({ LOG_FILE: path.join(dir, 'server.log'), LOG_MAX_SIZE: '1k', LOG_KEEP: 2 }), { stdout: captureStdout().stream });
    for (let i = 0; i < 120; i++) {
      logs.logger.info({ i, filler: 'x'.repeat(40) }, 'filling the log');
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    const current = logs.currentFile();
    await logs.close();
    const files = readdirSync(dir).filter((name) => /^server\.\d{4}-\d\d-\d\d\.\d+\.log$/.test(name));
    expect(files.length).toBeGreaterThanOrEqual(2);
    expect(files.length).toBeLessThanOrEqual(3); // 2 kept + the current one
    expect(current && path.basename(current)).toMatch(/^server\.\d{4}-\d\d-\d\d\.\d+\.log$/);
  });

  it('DISABLE_LOGGING writes nothing but still prints the announced startup lines', async () => {
    const dir = tempDir();
    const out = captureStdout();
    const logs = await createLogSystem(settings({ DISABLE_LOGGING: true, LOG_FILE: path.join(dir, 'server.log') }), { stdout: out.stream });
    logs.logger.error('not written');
    logs.announce('Integram server listening on http://127.0.0.1:8081');
    await logs.close();
    expect(out.text()).toBe('Integram server listening on http://127.0.0.1:8081\n');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a readiness probe answered 503 is not logged as a failed request; any other 503 is', async () => {
    const express = (await import('express')).default;
    const { requestContext } = await import('../../../server/log/request-context.js');
    const { listen } = await import('../../support/server.js');
    const out = captureStdout();
    const logs = await createLogSystem(settings({ LOG_FORMAT: 'json', LOG_LEVEL: 'info' }), { stdout: out.stream });
    const app = express();
    app.use(requestContext(logs.logger));
    app.get(['/health/ready', '/api/things'], (_req, res) => { res.status(503).json({ status: 'starting' }); });
    const server = await listen(app);
    try {
      expect((await fetch(`${server.url}/health/ready`)).status).toBe(503);
      expect((await fetch(`${server.url}/api/things`)).status).toBe(503);
    } finally {
      await server.close();
      await logs.close();
    }
    const records = out.text().trim().split('\n').map((line) => JSON.parse(line) as { level: string; url?: string });
    expect(records.filter((r) => r.level === 'error').map((r) => r.url)).toEqual(['/api/things']);
  });

  it('LOG_FORMAT=json writes pino JSON lines on stdout; pretty lines are one per record', async () => {
    const out = captureStdout();
    const logs = await createLogSystem(settings({ LOG_FORMAT: 'json' }), { stdout: out.stream });
    logs.logger.info({ status: 200 }, 'hello');
    await logs.close();
    const record = JSON.parse(out.text().trim()) as Record<string, unknown>;
    expect(record).toMatchObject({ level: 'info', msg: 'hello', status: 200 });
    expect(formatPretty(out.text().trim())).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}hello status=200\n$/);
  });

  it('hides credential-like query parameters in logged URLs', () => {
    expect(redactUrl('/my/object/18?JSON&token=abc&_xsrf=def&F_U=1&secret=x')).toBe('/my/object/18?JSON&token=[redacted]&_xsrf=[redacted]&F_U=1&secret=[redacted]');
    expect(redactUrl('/plain')).toBe('/plain');
    // the OAuth callback's code and anything token-like a provider could send back
    expect(redactUrl('/auth.asp?code=4%2F0Ab&state=yandex%3Ashop&id_token=x&client_secret=y')).toBe('/auth.asp?code=[redacted]&state=yandex%3Ashop&id_token=[redacted]&client_secret=[redacted]');
    expect(redactSecrets({ provider: { client_secret: 's', access_token: 'a', id_token: 'i', refresh_token: 'r', error: 'invalid_grant' } })).toEqual({
      provider: { client_secret: CENSOR, access_token: CENSOR, id_token: CENSOR, refresh_token: CENSOR, error: 'invalid_grant' },
    });
  });
});

describe('request counters', () => {
  it('counts totals, the last minute, and 5xx errors, forgetting what is older than 60 s', () => {
    let now = 1_000_000;
    const metrics = new RequestMetrics(() => now);
    metrics.record(200);
    metrics.record(500);
    now += 30_000;
    metrics.record(503);
    expect(metrics.snapshot()).toEqual({ total: 3, perMinute: 3, errorsPerMinute: 2 });
    now += 31_000;
    expect(metrics.snapshot()).toEqual({ total: 3, perMinute: 1, errorsPerMinute: 1 });
    now += 120_000;
    expect(metrics.snapshot()).toEqual({ total: 3, perMinute: 0, errorsPerMinute: 0 });
  });
});

describe('database error wording', () => {
  it('gives short public reasons and recognises connection loss', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED' });
    expect(databaseErrorReason(refused)).toBe('connection refused');
    expect(isConnectionError(refused)).toBe(true);
    const wrapped = new StoreError('unreachable', 'ECONNREFUSED 127.0.0.1:3306');
    expect(databaseErrorReason(wrapped)).toBe('connection refused');
    expect(isConnectionError(wrapped)).toBe(true);
    const denied = new StoreError('unreachable', "Access denied for user 'x'@'10.0.0.5' (using password: YES)");
    expect(databaseErrorReason(denied)).toBe('access denied for the configured user');
    const lost = Object.assign(new Error('Connection lost: The server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST', fatal: true });
    expect(databaseErrorReason(lost)).toBe('connection lost');
    expect(isConnectionError(lost)).toBe(true);
    const syntax = Object.assign(new Error('You have an error in your SQL syntax'), { code: 'ER_PARSE_ERROR' });
    expect(isConnectionError(syntax)).toBe(false);
    expect(databaseErrorReason(syntax)).toBe('error ER_PARSE_ERROR');
    expect(databaseErrorReason(new StoreError('in_use', '/home/x/data/pglite is in use by process 42'))).toBe('the data folder is in use by another process');
  });
});
