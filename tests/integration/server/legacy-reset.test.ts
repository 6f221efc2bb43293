/**
 * The PHP engine's own password reset on the URL API, on the product as composed (runtime/compose.ts:
 * the engine's mail port is the server's mailer) with a real SMTP server on loopback, on both
 * stores: `/{db}/auth` with `reset` mails a new password and a `/{db}/confirm` link that sets it
 * (once: the second use is `obsolete`); a user without a password gets one at once (NEW_PWD); an
 * unknown login answers WRONG_CONT and nothing is mailed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultTemplatesDir, loadTemplate } from '../../../server/appliance/templates.js';
import { insertUser } from '../../../server/engine/index.js';
import { startInProcessServer, type InProcessServer } from '../../support/server.js';
import { dropServerStore, serverStores } from '../../support/stores.js';
import { startTestSmtp, type TestSmtp } from '../../support/smtp.js';

const PUBLIC = 'http://integram.example.test';
const FORM = 'application/x-www-form-urlencoded';

for (const kind of serverStores('reset')) {
  describe.skipIf(!kind.enabled)(`the PHP engine's reset on ${kind.name}`, () => {
    let server: InProcessServer;
    let smtp: TestSmtp;

    async function legacy(path: string, form?: Record<string, string>): Promise<{ status: number; body: Record<string, string> }> {
      const res = await fetch(`${server.url}${path}`, form
        ? { method: 'POST', headers: { 'Content-Type': FORM }, body: new URLSearchParams(form).toString(), redirect: 'manual' }
        : { redirect: 'manual' });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) as Record<string, string> : {} };
    }

    beforeAll(async () => {
      smtp = await startTestSmtp();
      server = await startInProcessServer({
        prefix: 'integram-legacy-reset-',
        env: { LOG_LEVEL: 'fatal', PUBLIC_URL: PUBLIC, ...smtp.env() },
        mysqlUrl: kind.databaseUrl,
      });
      const store = server.booted.storeHandle.current()!;
      await store.createDatabase('shop', await loadTemplate(defaultTemplatesDir(), 'ru'));
      const salt = server.config.AUTH_SALT;
      const now = Date.now();
      await store.transaction('shop', async (tx) => {
        await insertUser(tx, { db: 'shop', salt, login: 'ivan', password: 'Old-pass-1', email: 'ivan@example.test', roleName: 'user', now });
        await insertUser(tx, { db: 'shop', salt, login: 'fresh', email: 'fresh@example.test', roleName: 'user', now });
      });
    }, 120_000);
    afterAll(async () => {
      await server?.close();
      await smtp?.close();
      await dropServerStore(kind);
    });

    it('mails a new password with a confirmation link; the link sets it once', async () => {
      const r = await legacy('/shop/auth?JSON', { login: 'Ivan', reset: '1' });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ message: 'MAIL', db: 'shop', login: 'ivan', details: 'Пароль отправлен по почте, подтвердите его смену по ссылке из письма' });
      const mail = await smtp.waitForMail(1);
      expect(mail.envelopeTo).toEqual(['ivan@example.test']);
      expect(mail.parsed.subject).toBe('Сброс пароля shop');
      const text = mail.parsed.text ?? '';
      const password = /Ваш новый пароль ([0-9a-f]{6})/.exec(text)?.[1];
      expect(password).toBeDefined();
      const link = /(http\S+\/shop\/confirm\?\S+)/.exec(text)?.[1];
      expect(link).toBeDefined();
      expect(link!.startsWith(`${PUBLIC}/shop/confirm?u=ivan&p=`)).toBe(true);

      // nothing changes before the link is followed
      expect((await legacy('/shop/auth?JSON', { login: 'ivan', pwd: 'Old-pass-1' })).status).toBe(200);
      expect((await legacy('/shop/auth?JSON', { login: 'ivan', pwd: password! })).status).toBe(401);

      const path = link!.slice(PUBLIC.length);
      const confirmed = await legacy(`${path}&JSON`);
      expect(confirmed.body).toEqual({ message: 'confirm', db: 'shop', login: 'ivan', details: '' });
      expect((await legacy('/shop/auth?JSON', { login: 'ivan', pwd: password! })).status).toBe(200);
      expect((await legacy('/shop/auth?JSON', { login: 'ivan', pwd: 'Old-pass-1' })).status).toBe(401);
      // the old hash the link names is gone: a second use changes nothing
      const again = await legacy(`${path}&JSON`);
      expect(again.body.message).toBe('obsolete');
      // a browser following the link goes to the database's page
      const browserRes = await fetch(`${server.url}${path}`, { redirect: 'manual' });
      expect(browserRes.status).toBe(302);
      expect(browserRes.headers.get('location')).toMatch(/^\/start\.html\?db=shop&login=ivan&r=obsolete/);
    });

    it('a user without a password gets one at once (NEW_PWD); an unknown login is WRONG_CONT without mail', async () => {
      const before = smtp.received.length;
      const r = await legacy('/shop/auth?JSON', { login: 'fresh@example.test', reset: '1' });
      expect(r.body).toEqual({ message: 'NEW_PWD', db: 'shop', login: 'fresh', details: 'Пароль отправлен по почте' });
      const mail = await smtp.waitForMail(before + 1);
      expect(mail.envelopeTo).toEqual(['fresh@example.test']);
      const password = /Ваш новый пароль ([0-9a-f]{6})/.exec(mail.parsed.text ?? '')?.[1];
      expect((await legacy('/shop/auth?JSON', { login: 'fresh', pwd: password! })).status).toBe(200);

      const unknown = await legacy('/shop/auth?JSON', { login: 'nobody', reset: '1' });
      expect(unknown.body).toEqual({ message: 'WRONG_CONT', db: 'shop', login: 'nobody', details: 'Неверное имя, email или телефон в ЛК' });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(smtp.received).toHaveLength(before + 1);
    });
  });
}
