// The console's Mail section in Chromium against a real headless server and a real SMTP server on
// loopback: "Send test mail" delivers a mail to ADMIN_EMAIL and says so; when the SMTP server stops
// taking the configured password, the same button shows the classified error (the login to check),
// in Russian too, and never the password. Screenshots under tests/artifacts/screenshots/mail-*.png.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumMissing, screenshot } from './support/browser.js';
import { goTo, openConsole, poll, signIn } from './support/console.js';
import { consoleSuite } from './support/console-suite.js';
import { latinWords } from './support/latin.js';
import { serverMissingReason, type TestServer } from './support/server.js';
import { startTestSmtp, type TestSmtp } from '../support/smtp.js';

const serverMissing = serverMissingReason();
if (serverMissing) console.warn(`[e2e] console mail tests SKIPPED: ${serverMissing}`);

const PASSWORD = 'mail office 2026';

describe.skipIf(chromiumMissing || serverMissing !== null)('the Mail section in a browser', { timeout: 180_000 }, () => {
  let smtp: TestSmtp;
  const suite = consoleSuite({
    before: async () => { smtp = await startTestSmtp(); },
    servers: [{
      envFileLines: () => ['HOST=127.0.0.1', ...Object.entries(smtp.env({ ADMIN_EMAIL: 'boss@example.test' })).map(([k, v]) => `${k}=${v}`)],
      password: PASSWORD,
    }],
    viewport: { width: 1280, height: 1000 },
    after: async () => { await smtp?.close(); },
    setupTimeout: 170_000,
  });
  let page: Page;
  let server: TestServer;
  beforeAll(() => { ({ page, server } = suite); });

  it('sends a test mail to the admin\'s address and says where it went', async () => {
    await openConsole(page, server.url);
    await signIn(page, PASSWORD);
    await goTo(page, 'settings');
    await page.getByTestId('settings-task-mail').click();
    await page.getByTestId('task-mail').waitFor();
    expect(await page.getByTestId('task-input-SMTP_HOST').inputValue()).toBe('127.0.0.1');
    expect(await page.getByTestId('task-input-ADMIN_EMAIL').inputValue()).toBe('boss@example.test');
    await page.getByTestId('mail-test-send').click();
    await poll(() => page.getByTestId('mail-test-done').textContent()).toBe(
      'The test mail was sent to boss@example.test. Check that it arrived (also in the spam folder).',
    );
    const mail = await smtp.waitForMail(1);
    expect(mail.envelopeTo).toEqual(['boss@example.test']);
    expect(mail.parsed.from?.value[0]).toMatchObject({ address: 'noreply@example.test', name: 'Integram Test' });
    await screenshot(page, 'mail-test-sent-en');

    await page.getByTestId('mail-test-to').fill('other@example.test');
    await page.getByTestId('mail-test-send').click();
    await poll(() => page.getByTestId('mail-test-done').textContent()).toContain('other@example.test');
    expect((await smtp.waitForMail(2)).envelopeTo).toEqual(['other@example.test']);
  });

  it('a password the SMTP server no longer takes: the error names what to check, in English and Russian', async () => {
    smtp.changePassword('rotated-Password-2027');
    await page.getByTestId('mail-test-to').fill('');
    await page.getByTestId('mail-test-send').click();
    await poll(() => page.getByTestId('mail-test-error').textContent()).toBe(
      `The mail server 127.0.0.1 did not accept the login “${smtp.user}”: check SMTP_USER and SMTP_PASSWORD.`,
    );
    await screenshot(page, 'mail-test-auth-en');
    await page.getByTestId('language').selectOption('ru');
    await page.getByTestId('mail-test-send').click();
    await poll(() => page.getByTestId('mail-test-error').textContent()).toBe(
      `Почтовый сервер 127.0.0.1 не принял логин «${smtp.user}»: проверьте SMTP_USER и SMTP_PASSWORD.`,
    );
    const text = (await page.getByTestId('page-settings').innerText()).replace(/\s+/g, ' ');
    expect(latinWords(text), text).toEqual([]);
    expect(text).not.toContain('smtp-Secret-42');
    await screenshot(page, 'mail-test-auth-ru');
    expect(smtp.received).toHaveLength(2);
  });

  it('the new SMTP password entered in the Mail section is saved, applies after the restart, and the test mail goes out again', async () => {
    expect(await page.getByTestId('task-secret-state-SMTP_PASSWORD').textContent()).not.toContain(smtp.password);
    await page.getByTestId('task-secret-toggle-SMTP_PASSWORD').click();
    await page.getByTestId('task-input-SMTP_PASSWORD').fill('rotated-Password-2027');
    await page.getByTestId('settings-save').click();
    await page.getByTestId('restart-banner').waitFor();
    expect(readFileSync(server.envFile, 'utf8')).toMatch(/^SMTP_PASSWORD=rotated-Password-2027$/m);
    await page.getByTestId('restart-server').click();
    await poll(() => page.getByTestId('restart-banner').count(), 60_000).toBe(0);
    await page.getByTestId('settings-task-mail').click();
    await page.getByTestId('mail-test-send').click();
    await poll(() => page.getByTestId('mail-test-done').textContent(), 30_000).toContain('boss@example.test');
    expect((await smtp.waitForMail(3)).envelopeTo).toEqual(['boss@example.test']);
    await screenshot(page, 'mail-test-after-restart-ru');
  });
});
