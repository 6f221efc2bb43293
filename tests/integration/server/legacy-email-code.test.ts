/**
 * Login by an e-mail code on the URL API (`getcode`, `checkcode`; server/engine/email-code.ts), on the
 * product as composed (the engine's mail port is the server's mailer) with a real SMTP server on
 * loopback, on both stores: the mail carries the start of the user's token, the right code rotates
 * the token (the old one stops working, the new one works), a used code does not work twice, and a
 * getcode counts as a failed login of that address (no mail flood). The answers that send no mail are
 * replayed from the engine's recording (email-code.jsonl).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultTemplatesDir, loadTemplate } from '../../../server/appliance/templates.js';
import { insertUser } from '../../../server/engine/index.js';
import { startInProcessServer, type InProcessServer } from '../../support/server.js';
import { dropServerStore, serverStores } from '../../support/stores.js';
import { startTestSmtp, type TestSmtp } from '../../support/smtp.js';

const PUBLIC = 'http://integram.example.test';
const FORM = 'application/x-www-form-urlencoded';

for (const kind of serverStores('emailcode')) {
  describe.skipIf(!kind.enabled)(`e-mail code login on ${kind.name}`, () => {
    let server: InProcessServer;
    let smtp: TestSmtp;

    async function legacy(path: string, form?: Record<string, string>, token?: string): Promise<{ status: number; body: Record<string, string> }> {
      const headers: Record<string, string> = token ? { 'X-Authorization': token } : {};
      const res = await fetch(`${server.url}${path}`, form
        ? { method: 'POST', headers: { ...headers, 'Content-Type': FORM }, body: new URLSearchParams(form).toString(), redirect: 'manual' }
        : { headers, redirect: 'manual' });
      const text = await res.text();
      let body: Record<string, string> = {};
      try {
        body = JSON.parse(text) as Record<string, string>;
      } catch {
        body = { text };
      }
      return { status: res.status, body };
    }

    beforeAll(async () => {
      smtp = await startTestSmtp();
      server = await startInProcessServer({
        prefix: 'integram-legacy-code-',
        env: { LOG_LEVEL: 'fatal', PUBLIC_URL: PUBLIC, ...smtp.env() },
        mysqlUrl: kind.databaseUrl,
      });
      const store = server.booted.storeHandle.current()!;
      await store.createDatabase('shop', await loadTemplate(defaultTemplatesDir(), 'ru'));
      const salt = server.config.AUTH_SALT;
      await store.transaction('shop', async (tx) => {
        await insertUser(tx, { db: 'shop', salt, login: 'ivan', password: 'Old-pass-1', email: 'Ivan@Example.test', roleName: 'user', now: Date.now() });
      });
    }, 120_000);
    afterAll(async () => {
      await server?.close();
      await smtp?.close();
      await dropServerStore(kind);
    });

    it('mails the start of the token; the right code gives a new token, once', async () => {
      const login = await legacy('/shop/auth?JSON', { login: 'ivan', pwd: 'Old-pass-1' });
      const oldToken = login.body.token;
      expect(oldToken).toMatch(/^[0-9a-f]{64}$/);

      const r = await legacy('/shop/getcode', { u: 'IVAN@example.test' });
      expect(r).toEqual({ status: 200, body: { msg: 'ok' } });
      const mail = await smtp.waitForMail(1);
      expect(mail.envelopeTo).toEqual(['ivan@example.test']);
      expect(mail.parsed.subject).toBe('Одноразовый пароль ivan@example.test');
      const code = /Ваш код для входа: (\S+)/.exec(mail.parsed.text ?? '')?.[1];
      expect(code).toBe(oldToken.slice(0, 4).toUpperCase());
      expect(mail.parsed.text).toContain(`${PUBLIC}/my/register?optout=ivan@example.test`);

      const ok = await legacy(`/shop/checkcode?u=ivan@example.test&c=${code!}`);
      expect(ok.status).toBe(200);
      expect(Object.keys(ok.body).sort()).toEqual(['_xsrf', 'token']);
      const newToken = ok.body.token;
      expect(newToken).toMatch(/^[0-9a-f]{64}$/);
      expect(newToken).not.toBe(oldToken);
      // the new token is the user's session; the old one is gone
      expect((await legacy('/shop/xsrf?JSON', undefined, newToken)).body).toMatchObject({ user: 'ivan' });
      expect((await legacy('/shop/xsrf?JSON', undefined, oldToken)).status).not.toBe(200);
      // the code was the old token's start: used once
      const again = await legacy(`/shop/checkcode?u=ivan@example.test&c=${code!}`);
      expect(again.body.error ?? '').not.toBe('');
    });

    it('a getcode counts as a failed login of the address: the mails stop', async () => {
      const before = smtp.received.length;
      let answers = 0;
      let throttled: { status: number; body: Record<string, string> } | null = null;
      for (let i = 0; i < 15 && !throttled; i++) {
        const r = await legacy('/shop/getcode', { u: 'ivan@example.test' });
        if (r.status === 429) throttled = r;
        else answers++;
      }
      expect(throttled?.body.error).toMatch(/^Слишком много попыток\. Повторите через \d+ с\.$/);
      expect(answers).toBeLessThanOrEqual(10);
      await smtp.waitForMail(before + answers);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(smtp.received).toHaveLength(before + answers);
    });
  });
}
