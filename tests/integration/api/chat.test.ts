/**
 * POST /api/chat on a real server (PGlite, and MariaDB when TEST_MYSQL_URL is set) with fake
 * providers on loopback (tests/support/fake-ai.ts): who may call, the SSE and JSON answers, the
 * fallback seen from HTTP, the clear errors, /api/health's provider, and the grounding: the
 * provider is told the tables and columns the caller may read and a report's result run with the
 * caller's grants, and a column BARRED to the caller's role never reaches the provider.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../../server/appliance/databases.js';
import { DbUsers } from '../../../server/appliance/db-users.js';
import { defaultTemplatesDir } from '../../../server/appliance/templates.js';
import type { Row } from '../../../server/storage/types.js';
import { goldenFixture } from '../../support/fixtures.js';
import { readSse } from '../../../server/appliance/ai/sse.js';
import { startFakeProvider, type FakeProvider } from '../../support/fake-ai.js';
import { addUser, http, login, skipReason, startApiHarness, STORE_KINDS, type ApiHarness, type LoginData } from './harness.js';

/** a database with the report tables (the PHP tenant the reports recording starts from) */
const DB = 'staff';
const SALARY_VALUE = 'SALARY-7731-SECRET';
const PHONE_VALUE = 'PHONE-555-0101';

interface ChatJson { success: boolean; data: { provider: string; model: string; text: string; passedOver: { provider: string; failure: string; status?: number }[] } }
interface ErrorJson { success: false; error: string; code: string; params?: Record<string, string> }

async function legacyCommand(h: ApiHarness, session: LoginData, path: string, fields: Record<string, string>): Promise<{ id: unknown; obj: unknown }> {
  const body = new URLSearchParams({ _xsrf: session.legacy!._xsrf, ...fields }).toString();
  const res = await fetch(`${h.url}/${DB}/${path}?JSON`, {
    method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Authorization': session.legacy!.token }, body,
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${text}`);
  try {
    return JSON.parse(text) as { id: unknown; obj: unknown };
  } catch {
    throw new Error(`${path}: ${text}`);
  }
}

/** The system prompt the fake provider received last. */
function lastSystemPrompt(fake: FakeProvider): string {
  const messages = fake.requests.at(-1)?.body.messages as { role: string; content: string }[];
  return messages.find((m) => m.role === 'system')?.content ?? '';
}

for (const kind of STORE_KINDS) {
  const reason = skipReason(kind);
  describe.skipIf(reason !== null)(`/api/chat on ${kind}`, () => {
    let h: ApiHarness;
    let polza: FakeProvider;
    let deepseek: FakeProvider;
    let boss: LoginData;
    let reader: LoginData;
    let report = 0;

    beforeAll(async () => {
      polza = await startFakeProvider('openai', { kind: 'answer', parts: ['The ', 'answer.'] });
      deepseek = await startFakeProvider('openai', { kind: 'answer', parts: ['DeepSeek here.'] });
      h = await startApiHarness({
        kind,
        env: {
          POLZA_AI_API_KEY: 'polza-test-key', POLZA_AI_BASE_URL: polza.baseUrl,
          DEEPSEEK_API_KEY: 'deepseek-test-key', DEEPSEEK_BASE_URL: deepseek.baseUrl, AI_TIMEOUT_MS: '3000',
        },
      });
      const rows = (JSON.parse(readFileSync(goldenFixture('reports-start-rows.json'), 'utf8')) as { rows: Row[] }).rows;
      await createDatabase(
        { store: h.store, templatesDir: defaultTemplatesDir(), salt: h.config.AUTH_SALT, invalidate: (db) => h.engine.invalidate(db) },
        { name: DB, source: { rows }, owner: { login: 'boss', password: 'Secret-123', roleName: 'admin' } },
      );
      await addUser(h, DB, 'reader', 'Secret-123', 'user');
      boss = await login(h, 'boss', 'Secret-123', DB);
      reader = await login(h, 'reader', 'Secret-123', DB);
      // Employee (Phone, Salary) with one record; a report over all three
      const employee = Number((await legacyCommand(h, boss, '_d_new', { val: 'Employee', t: '3' })).obj);
      await legacyCommand(h, boss, '_d_new', { val: 'R&D <lab>', t: '3' });
      const phoneTerm = Number((await legacyCommand(h, boss, '_d_new', { val: 'Phone', t: '3' })).obj);
      const salaryTerm = Number((await legacyCommand(h, boss, '_d_new', { val: 'Salary', t: '3' })).obj);
      const phone = Number((await legacyCommand(h, boss, `_d_req/${employee}`, { t: String(phoneTerm) })).id);
      const salary = Number((await legacyCommand(h, boss, `_d_req/${employee}`, { t: String(salaryTerm) })).id);
      await legacyCommand(h, boss, `_m_new/${employee}`, { up: '1', [`t${employee}`]: 'Ann', [`t${phone}`]: PHONE_VALUE, [`t${salary}`]: SALARY_VALUE });
      report = Number((await legacyCommand(h, boss, '_m_new/22', { t22: 'staff', up: '1' })).id);
      for (const source of [employee, phone, salary]) await legacyCommand(h, boss, '_m_new/28', { t28: String(source), up: String(report) });
      // the role "user" may not see Salary at all
      const users = new DbUsers({ store: () => h.store, operations: h.ops, invalidate: (db) => h.engine.invalidate(db) });
      const role = (await users.listRoles(DB)).find((r) => r.name === 'user')!;
      await users.setGrant(DB, role.id, salary, { level: 'BARRED', export: false, delete: false });
    }, 120_000);
    afterAll(async () => {
      await h?.close();
      await polza?.close();
      await deepseek?.close();
    });

    const chat = (body: unknown, token?: string, headers?: Record<string, string>) => http<ChatJson | ErrorJson>(h.url, 'POST', '/api/chat', { body, token, headers });

    it('streams the answer as Server-Sent Events, naming the provider', async () => {
      const res = await fetch(`${h.url}/api/chat`, {
        method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${boss.accessToken}` },
        body: JSON.stringify({ messages: [{ role: 'user', content: 'Hello?' }] }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      const events = [];
      for await (const e of readSse(res.body!)) events.push({ event: e.event, data: JSON.parse(e.data) as unknown });
      expect(events).toEqual([
        { event: 'start', data: { provider: 'polza', model: 'openai/gpt-4o-mini', passedOver: [] } },
        { event: 'delta', data: { text: 'The ' } },
        { event: 'delta', data: { text: 'answer.' } },
        { event: 'end', data: { provider: 'polza', model: 'openai/gpt-4o-mini' } },
      ]);
      const sent = polza.requests.at(-1)!;
      expect(sent.headers.authorization).toBe('Bearer polza-test-key');
      expect(sent.body.messages).toEqual([expect.objectContaining({ role: 'system' }), { role: 'user', content: 'Hello?' }]);
    });

    it('answers one JSON with stream: false', async () => {
      const r = await chat({ messages: [{ role: 'user', content: 'Hi' }], stream: false }, boss.accessToken);
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ success: true, data: { provider: 'polza', model: 'openai/gpt-4o-mini', text: 'The answer.', passedOver: [] } });
    });

    it('grounds the answer in the tables and columns the caller may read: a BARRED column never reaches the provider', async () => {
      const asBoss = await chat({ messages: [{ role: 'user', content: 'What tables?' }], database: DB, stream: false }, boss.accessToken);
      expect(asBoss.status).toBe(200);
      const bossPrompt = lastSystemPrompt(polza);
      expect(bossPrompt).toContain(`"${DB}"`);
      expect(bossPrompt).toMatch(/- Employee: Phone \(SHORT\), Salary \(SHORT\)/);
      // names as the user wrote them, not HTML-escaped as the engine's terms list carries them
      expect(bossPrompt).toMatch(/^- R&D <lab>$/m);

      // the legacy token works as for /api/v2 (the workspace sends it)
      const asReader = await chat({ messages: [{ role: 'user', content: 'What tables?' }], database: DB, stream: false }, undefined, { 'X-Authorization': reader.legacy!.token });
      expect(asReader.status).toBe(200);
      const readerPrompt = lastSystemPrompt(polza);
      expect(readerPrompt).toMatch(/- Employee: Phone \(SHORT\)$/m);
      expect(readerPrompt).not.toContain('Salary');
    });

    it("adds a report's result run with the caller's grants: the reader's has no Salary column and no salary", async () => {
      const asBoss = await chat({ messages: [{ role: 'user', content: 'Sum up' }], database: DB, report, stream: false }, boss.accessToken);
      expect(asBoss.status).toBe(200);
      const bossPrompt = lastSystemPrompt(polza);
      expect(bossPrompt).toContain(`Result of report ${report}`);
      expect(bossPrompt).toContain(SALARY_VALUE);
      expect(bossPrompt).toContain(PHONE_VALUE);

      const asReader = await chat({ messages: [{ role: 'user', content: 'Sum up' }], database: DB, report, stream: false }, reader.accessToken);
      expect(asReader.status).toBe(200);
      const readerPrompt = lastSystemPrompt(polza);
      expect(readerPrompt).toContain(`Result of report ${report}`);
      expect(readerPrompt).toContain(PHONE_VALUE);
      expect(readerPrompt).not.toContain(SALARY_VALUE);
      expect(readerPrompt).not.toContain('Salary');
      // nothing the reader cannot read was sent in any request to the provider
      for (const request of polza.requests.slice(-1)) expect(JSON.stringify(request.body)).not.toContain(SALARY_VALUE);
    });

    it('a client that leaves midway ends the request to the provider too', async () => {
      polza.behaviour = { kind: 'answer', parts: ['one ', 'two ', 'three ', 'four'], delayMs: 400 };
      const before = polza.abandoned;
      try {
        const controller = new AbortController();
        const res = await fetch(`${h.url}/api/chat`, {
          method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${boss.accessToken}` },
          body: JSON.stringify({ messages: [{ role: 'user', content: 'Long answer please' }] }), signal: controller.signal,
        });
        const seen: string[] = [];
        try {
          for await (const e of readSse(res.body!)) {
            seen.push(e.event);
            if (e.event === 'delta') controller.abort();
          }
        } catch {
          // the abort ends the read
        }
        expect(seen).toEqual(['start', 'delta']);
        await expect.poll(() => polza.abandoned, { timeout: 5000 }).toBe(before + 1);
      } finally {
        polza.behaviour = { kind: 'answer', parts: ['The ', 'answer.'] };
      }
    });

    it('a report that does not exist is a clear refusal, not a server error', async () => {
      const r = await chat({ messages: [{ role: 'user', content: 'x' }], database: DB, report: 999_999, stream: false }, boss.accessToken);
      // the engine's own answer for an id that is no report it may run (as /{db}/report/{id} gives it)
      expect(r.status).toBe(403);
      expect(r.body).toMatchObject({ code: 'forbidden' });
      expect(r.body).toMatchObject({ success: false });
      expect((r.body as ErrorJson).code).not.toBe('internal');
    });

    it('refuses callers without a token, with a foreign database, and bodies that are not a chat', async () => {
      expect((await chat({ messages: [{ role: 'user', content: 'x' }] })).body).toMatchObject({ success: false, code: 'unauthorized' });
      expect((await chat({ messages: [{ role: 'user', content: 'x' }] }, 'not-a-token')).status).toBe(401);
      const other = await chat({ messages: [{ role: 'user', content: 'x' }], database: 'nosuch' }, reader.accessToken);
      expect([403, 404]).toContain(other.status);
      const bad = await chat({ messages: [] }, boss.accessToken);
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ success: false, code: 'validation_failed' });
      const reportAlone = await chat({ messages: [{ role: 'user', content: 'x' }], report: 5 }, boss.accessToken);
      expect(reportAlone.body).toMatchObject({ code: 'validation_failed', details: { report: 'report needs database' } });
    });

    it('falls back to the next provider when the first is rate-limited, and says which answered', async () => {
      polza.behaviour = { kind: 'status', status: 429 };
      try {
        const r = await chat({ messages: [{ role: 'user', content: 'x' }], stream: false }, boss.accessToken);
        expect(r.status).toBe(200);
        expect(r.body).toEqual({
          success: true,
          data: { provider: 'deepseek', model: 'deepseek-chat', text: 'DeepSeek here.', passedOver: [{ provider: 'polza', failure: 'rate_limited', status: 429 }] },
        });
        expect(deepseek.requests.at(-1)!.headers.authorization).toBe('Bearer deepseek-test-key');
      } finally {
        polza.behaviour = { kind: 'answer', parts: ['The ', 'answer.'] };
      }
    });

    it('answers ai_unavailable (502, JSON, no stream) when every provider fails', async () => {
      polza.behaviour = { kind: 'status', status: 500 };
      deepseek.behaviour = { kind: 'status', status: 503 };
      try {
        const r = await chat({ messages: [{ role: 'user', content: 'x' }] }, boss.accessToken);
        expect(r.status).toBe(502);
        expect(r.headers.get('content-type')).toContain('application/json');
        expect(r.body).toMatchObject({ success: false, code: 'ai_unavailable', params: { providers: 'polza, deepseek' } });
        expect(r.text).not.toContain('test-key');
      } finally {
        polza.behaviour = { kind: 'answer', parts: ['The ', 'answer.'] };
        deepseek.behaviour = { kind: 'answer', parts: ['DeepSeek here.'] };
      }
    });

    it('shows the active provider (name only) in /api/health', async () => {
      const r = await http<{ ai: unknown }>(h.url, 'GET', '/api/health');
      expect(r.body.ai).toEqual({ activeProvider: 'polza', providers: ['polza', 'deepseek'] });
      expect(r.text).not.toContain('test-key');
    });
  });
}

describe('/api/chat without a provider', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness();
  }, 60_000);
  afterAll(async () => h?.close());

  it('answers ai_not_configured (503) and /api/health says no provider is active', async () => {
    await addUser(h, 'my', 'solo', 'Secret-123', 'admin');
    const solo = await login(h, 'solo', 'Secret-123');
    const r = await http<ErrorJson>(h.url, 'POST', '/api/chat', { body: { messages: [{ role: 'user', content: 'x' }] }, token: solo.accessToken });
    expect(r.status).toBe(503);
    expect(r.body).toMatchObject({ success: false, code: 'ai_not_configured' });
    expect(r.body.error).toContain('POLZA_AI_API_KEY');
    const health = await http<{ ai: unknown }>(h.url, 'GET', '/api/health');
    expect(health.body.ai).toEqual({ activeProvider: null, providers: [] });
  });
});
