/**
 * The README's API examples, run as written against a fresh server (the product's own composition,
 * no database yet, registration on): every ```bash block marked `<!-- example: name -->` runs in one bash session, in order,
 * with the documented address replaced by the test server's. curl is wrapped to fail on HTTP
 * errors, so an example that stops working fails here. Needs bash, curl and jq (skips visibly
 * without them).
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProduct, type ProductServer } from './harness.js';

const DOC = path.resolve(import.meta.dirname, '../../../README.md');
const DOCUMENTED_BASE = 'http://127.0.0.1:8081';
const tools = ['bash', 'curl', 'jq'].filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
if (tools.length) console.warn(`[api/readme-examples] SKIPPED: missing ${tools.join(', ')}`);

interface Example { name: string; script: string }

function examples(markdown: string): Example[] {
  const found: Example[] = [];
  const pattern = /<!-- example: ([\w-]+) -->\s*```bash\n([\s\S]*?)```/g;
  for (const match of markdown.matchAll(pattern)) found.push({ name: match[1], script: match[2] });
  return found;
}

/** The endpoints of the seed's table, each of which must be shown by an example. */
const SEED_TABLE = [
  'POST http://127.0.0.1:8081/api/auth/login', 'POST http://127.0.0.1:8081/api/auth/register',
  '/api/v2/integram/databases/acme/types/42/objects', 'POST http://127.0.0.1:8081/api/v2/integram/databases/acme/objects',
  'http://127.0.0.1:8081/api/organizations ', 'http://127.0.0.1:8081/api/health', 'http://127.0.0.1:8081/health',
  'http://127.0.0.1:8081/api/deployment-info', 'http://127.0.0.1:8081/api/system-resources', '/api/docs',
];

describe.skipIf(tools.length > 0)('README API examples against a fresh server', () => {
  let h: ProductServer;
  const markdown = readFileSync(DOC, 'utf8');
  const all = examples(markdown);

  beforeAll(async () => {
    // the product exactly as `REGISTRATION_ENABLED=true npm start` composes it, on a fresh data folder
    h = await startProduct({ REGISTRATION_ENABLED: 'true' });
  }, 120_000);
  afterAll(async () => h?.close());

  it('shows every endpoint of the seed table with an example', () => {
    expect(all.length).toBeGreaterThanOrEqual(10);
    const text = all.map((e) => e.script.replace(/\\\n\s*/g, ' ')).join('\n');
    const flat = `${text.replace(/-X (POST|GET) /g, '$1 ').replace(/curl -s /g, '')} `;
    for (const endpoint of SEED_TABLE) expect(flat, endpoint).toContain(endpoint);
    expect(markdown).toContain('http://127.0.0.1:8081/api/docs');
  });

  it('every example runs as written and answers what the text says', async () => {
    const marker = (name: string) => `@@example ${name}@@`;
    const script = [
      'set -euo pipefail',
      // fail the block on an HTTP error, but keep the body for the message
      'curl() { command curl --fail-with-body "$@"; }',
      ...all.map((e) => `echo '${marker(e.name)}'\n${e.script.split(DOCUMENTED_BASE).join(h.url)}`),
    ].join('\n');
    // asynchronously: the server under test runs in this very process
    const run = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn('bash', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8'); });
      child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
      const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
      child.on('close', (status) => {
        clearTimeout(timer);
        resolve({ status, stdout, stderr });
      });
    });
    expect(run.status, `stderr:\n${run.stderr}\nstdout:\n${run.stdout}`).toBe(0);
    const outputs = new Map<string, string>();
    const parts = run.stdout.split(/@@example ([\w-]+)@@\n/);
    for (let i = 1; i < parts.length; i += 2) outputs.set(parts[i], parts[i + 1] ?? '');
    const json = (name: string): Record<string, unknown> => {
      // the last JSON value the block printed (jq pretty-prints: it starts with "{" in column 0)
      const lines = (outputs.get(name) ?? '').split('\n').filter((line) => !line.startsWith('HTTP/'));
      const start = lines.map((line) => line.startsWith('{')).lastIndexOf(true);
      return JSON.parse(lines.slice(start).join('\n')) as Record<string, unknown>;
    };
    expect(json('health')).toEqual({ status: 'ok' });
    expect(json('api-health')).toMatchObject({ status: 'ok', connected: true });
    expect(json('deployment-info')).toHaveProperty('version');
    expect(json('register')).toMatchObject({ login: 'ivan', role: 'user', database: 'my' });
    expect(outputs.get('login')?.trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(json('create-organization')).toMatchObject({ id: 'acme', description: 'Acme Ltd' });
    expect(json('organizations')).toMatchObject({ id: 'acme' });
    expect(json('create-object')).toMatchObject({ type: 'integram-object', attributes: { value: 'manager' } });
    expect(json('list-objects')).toEqual({ total: 3, values: ['admin', 'manager', 'user'] });
    expect(json('system-resources')).toHaveProperty('cores');
    expect(json('docs')).toMatchObject({ openapi: '3.1.0', title: 'Integram Appliance API' });
    expect(outputs.get('docs')).toMatch(/^HTTP\/1\.1 200/m);
  }, 120_000);
});
