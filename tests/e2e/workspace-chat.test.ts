// The AI chat panel of the workspace in Chromium against the real server (in process, embedded
// PGlite) with a fake OpenAI-compatible provider on loopback configured as POLZA: a user with a role
// asks and sees the answer stream in with the provider named, and the provider was told only the
// tables that role may read; the database's admin includes an open report and the provider gets its
// result; in Russian, a failing provider gives the Russian message. Every request leaving the
// server's origin is blocked and must not happen. Screenshots: tests/artifacts/screenshots/ws-chat-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumMissing, launchChromium, screenshot } from './support/browser.js';
import { poll } from './support/console.js';
import { createDemoDatabase } from './support/demo-database.js';
import { blockForeignRequests, chooseLocale, signInWorkspace, workspaceMissing, type DemoIds } from './support/workspace.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-ai.js';
import { startInProcessServer, type InProcessServer } from '../support/server.js';

if (workspaceMissing) console.warn(`[e2e] workspace chat tests SKIPPED: ${workspaceMissing}`);

const DB = 'wschat';
const ADMIN = { login: 'admin', password: 'admin-pass-1' };
const USER = { login: 'ivan', password: 'ivan-pass-1' };
const ANSWER = ['Two tables: ', 'Client ', 'and City.'];

function systemPrompt(fake: FakeProvider): string {
  const messages = fake.requests.at(-1)?.body.messages as { role: string; content: string }[] | undefined;
  return messages?.find((m) => m.role === 'system')?.content ?? '';
}

describe.skipIf(chromiumMissing || workspaceMissing !== null)('the AI chat in the workspace', { timeout: 180_000 }, () => {
  let server: InProcessServer;
  let browser: Browser;
  let polza: FakeProvider;
  let ids: DemoIds;
  const contexts: BrowserContext[] = [];
  const foreign: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    polza = await startFakeProvider('openai', { kind: 'answer', parts: ANSWER, delayMs: 300 });
    [server, browser] = await Promise.all([
      startInProcessServer({ prefix: 'integram-ws-chat-', waitForStore: 180_000, env: { POLZA_AI_API_KEY: 'e2e-polza-key', POLZA_AI_BASE_URL: polza.baseUrl, AI_TIMEOUT_MS: '5000' } }),
      launchChromium(),
    ]);
    ({ ids } = await createDemoDatabase(server, DB, ADMIN, USER));
  }, 300_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await server?.close();
    await polza?.close();
  });

  async function newPage(): Promise<{ page: Page; blocked: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    context.setDefaultTimeout(20_000);
    contexts.push(context);
    const blocked = await blockForeignRequests(context, new URL(server.url).origin);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('close', () => foreign.push(...blocked));
    return { page, blocked };
  }

  async function ask(page: Page, question: string): Promise<void> {
    await page.getByTestId('ws-chat-input').fill(question);
    await page.getByTestId('ws-chat-send').click();
  }

  it('a user asks and sees the answer stream in, named by its provider; the provider was told only what the role may read', async () => {
    const { page, blocked } = await newPage();
    await page.goto(`${server.url}/${DB}`);
    await chooseLocale(page, 'en');
    await signInWorkspace(page, USER.login, USER.password);
    await page.getByTestId('ws-chat-toggle').click();
    await page.getByTestId('ws-chat').waitFor();
    await ask(page, 'Which tables can I see?');
    const answer = page.getByTestId('ws-chat-assistant').last().getByTestId('ws-chat-text');
    // the first part shows before the whole answer is there: it streams
    await poll(() => answer.textContent()).toMatch(/^Two tables: (Client )?$/);
    await poll(() => answer.textContent()).toBe(ANSWER.join(''));
    await expect(page.getByTestId('ws-chat-provider').last().textContent()).resolves.toBe('Answered by Polza.ai');
    await screenshot(page, 'ws-chat-en-1-answer');

    const sent = polza.requests.at(-1)!;
    expect(sent.headers.authorization).toBe('Bearer e2e-polza-key');
    expect(sent.body.messages).toEqual([expect.objectContaining({ role: 'system' }), { role: 'user', content: 'Which tables can I see?' }]);
    const prompt = systemPrompt(polza);
    expect(prompt).toMatch(/- City$/m);
    expect(prompt).toMatch(/- Client: Phone \(SHORT\), Amount \(SIGNED\), City \(reference to City\)$/m);
    // the role has no grant on the users, roles or reports tables: the provider never hears of them
    expect(prompt).not.toContain('Пользователь');
    expect(prompt).not.toContain('Запрос');

    // a second question carries the conversation so far
    await ask(page, 'And records?');
    await poll(() => page.getByTestId('ws-chat-assistant').count()).toBe(2);
    await poll(() => page.getByTestId('ws-chat-assistant').last().getByTestId('ws-chat-text').textContent()).toBe(ANSWER.join(''));
    expect(polza.requests.at(-1)!.body.messages).toEqual([
      expect.objectContaining({ role: 'system' }),
      { role: 'user', content: 'Which tables can I see?' },
      { role: 'assistant', content: ANSWER.join('') },
      { role: 'user', content: 'And records?' },
    ]);
    expect(blocked).toEqual([]);
  });

  it("the admin includes the open report: the provider gets the report's result", async () => {
    const { page, blocked } = await newPage();
    await page.goto(`${server.url}/${DB}#/report/${ids.report}`);
    await chooseLocale(page, 'en');
    await signInWorkspace(page, ADMIN.login, ADMIN.password);
    await page.goto(`${server.url}/${DB}#/report/${ids.report}`);
    await poll(() => page.getByTestId('ws-report-row').count()).toBe(2);
    await page.getByTestId('ws-chat-toggle').click();
    await expect(page.getByTestId('ws-chat-with-report').isChecked()).resolves.toBe(true);
    await ask(page, 'Which city sells most?');
    await poll(() => page.getByTestId('ws-chat-assistant').last().getByTestId('ws-chat-text').textContent()).toBe(ANSWER.join(''));
    await screenshot(page, 'ws-chat-en-2-report');
    const prompt = systemPrompt(polza);
    expect(prompt).toContain(`Result of report ${ids.report}`);
    expect(prompt).toMatch(/^city\ttotal$/m);
    expect(prompt).toMatch(/^Moscow\t162\.5/m);
    expect(blocked).toEqual([]);
  });

  it('in Russian: the panel and a failing provider speak Russian', async () => {
    polza.behaviour = { kind: 'status', status: 500 };
    try {
      const { page, blocked } = await newPage();
      await page.goto(`${server.url}/${DB}`);
      await chooseLocale(page, 'ru');
      await signInWorkspace(page, USER.login, USER.password);
      await expect(page.getByTestId('ws-chat-toggle').textContent()).resolves.toBe('Чат с ИИ');
      await page.getByTestId('ws-chat-toggle').click();
      await ask(page, 'Что здесь есть?');
      const answer = page.getByTestId('ws-chat-assistant').last().getByTestId('ws-chat-text');
      await poll(() => answer.textContent()).toBe('Ни один поставщик ИИ не ответил; попробуйте позже.');
      await expect(page.getByTestId('ws-chat-provider').count()).resolves.toBe(0);
      await screenshot(page, 'ws-chat-ru-3-unavailable');
      expect(blocked).toEqual([]);
    } finally {
      polza.behaviour = { kind: 'answer', parts: ANSWER, delayMs: 300 };
    }
  });

  it('no page error and no request outside the server', () => {
    expect(pageErrors).toEqual([]);
    expect(foreign).toEqual([]);
  });
});
