/**
 * Mail for Integram users on a real server and a real SMTP server on loopback, on both stores:
 * forgot-password mails a one-time link (same answer for unknown logins, throttled), the link sets
 * the password once in the engine's hash form so the legacy `POST /{db}/auth` logs in with it;
 * registration with REGISTRATION_REQUIRES_EMAIL_CONFIRMATION waits for its link; the console's
 * test mail arrives, and a wrong SMTP password gives the mail_auth code.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setAdminPassword } from '../../../server/appliance/admin-account.js';
import { ADMIN_CSRF_HEADER, ADMIN_CSRF_VALUE } from '../../../server/http/admin/contract.js';
import { startTestSmtp, type ReceivedMail, type TestSmtp } from '../../support/smtp.js';
import { http, skipReason, startApiHarness, STORE_KINDS, type ApiHarness } from './harness.js';

type Envelope<T = unknown> = { success: boolean; data: T; error?: string; code?: string; details?: Record<string, string> };

const FORM = 'application/x-www-form-urlencoded';

function linkIn(mail: ReceivedMail, page: string): URL {
  const match = new RegExp(`https?://\\S+/${page}\\?token=[A-Za-z0-9_-]+`).exec(mail.parsed.text ?? '');
  if (!match) throw new Error(`no ${page} link in: ${mail.parsed.text}`);
  return new URL(match[0]);
}

async function legacyLogin(h: ApiHarness, login: string, pwd: string) {
  const body = new URLSearchParams({ login, pwd }).toString();
  return http<{ token?: string; error?: string }>(h.url, 'POST', '/my/auth?JSON', { raw: body, contentType: FORM });
}

async function adminToken(h: ApiHarness): Promise<string> {
  await setAdminPassword(h.store.appliance, 'correct-horse-battery', { bcryptRounds: 4 });
  const r = await http<{ token: string }>(h.url, 'POST', '/api/admin/login', {
    body: { password: 'correct-horse-battery' }, headers: { [ADMIN_CSRF_HEADER]: ADMIN_CSRF_VALUE },
  });
  return r.body.token;
}

for (const kind of STORE_KINDS) {
  const reason = skipReason(kind);
  if (reason) console.warn(`[api/account-mail] ${reason}`);

  describe.skipIf(reason !== null)(`mail for Integram users on ${kind}`, () => {
    let h: ApiHarness;
    let smtp: TestSmtp;

    beforeAll(async () => {
      smtp = await startTestSmtp();
      h = await startApiHarness({
        kind,
        withAdmin: true,
        env: smtp.env({ ADMIN_EMAIL: 'admin@example.test', REGISTRATION_REQUIRES_EMAIL_CONFIRMATION: 'true' }),
        resetLimits: { perAddress: 1000, perLogin: 3, windowSeconds: 900 },
      });
      for (const [login, email] of [['ivan', 'ivan@example.test'], ['olga', 'Olga@Example.test'], ['petr', 'petr@example.test']]) {
        await h.ops.insertUser('my', { login, password: 'Old-pass-123', email, roleName: 'user' });
      }
      for (const login of ['nomail', 'quiet']) await h.ops.insertUser('my', { login, password: 'Old-pass-123', roleName: 'user' });
    }, 120_000);
    afterAll(async () => {
      await h?.close();
      await smtp?.close();
    });

    it('forgot-password mails a one-time link; it sets the password once, and the legacy login works with it', async () => {
      const before = smtp.received.length;
      const r = await http<Envelope<{ requested: boolean }>>(h.url, 'POST', '/api/auth/forgot-password', { body: { login: 'IVAN' } });
      expect(r.status).toBe(202);
      expect(r.body).toEqual({ success: true, data: { requested: true } });
      const mail = await smtp.waitForMail(before + 1);
      expect(mail.envelopeTo).toEqual(['ivan@example.test']);
      expect(mail.parsed.from?.value[0]).toMatchObject({ address: 'noreply@example.test', name: 'Integram Test' });
      expect(mail.parsed.subject).toBe('Сброс пароля / Password reset: my');
      const link = linkIn(mail, 'reset-password');
      // no FRONTEND_URL: this server's own page, at the address the request came to
      expect(`${link.origin}${link.pathname}`).toBe(`${h.url}/api/auth/reset-password`);
      const token = link.searchParams.get('token')!;
      // only the token's digest is stored
      expect(await h.store.appliance.get('password-reset', token)).toBeNull();
      expect(await h.store.appliance.get('password-reset', createHash('sha256').update(token).digest('hex'))).not.toBeNull();

      // the page the link opens: a form that posts the token back
      const page = await fetch(link);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      const html = await page.text();
      expect(html).toContain(`name="token" value="${token}"`);
      expect(html).toContain('action="reset-password"');

      const reset = await http<Envelope<{ database: string; login: string }>>(h.url, 'POST', '/api/auth/reset-password', { body: { token, password: 'New-pass-456' } });
      expect(reset.status).toBe(200);
      expect(reset.body.data).toEqual({ database: 'my', login: 'ivan' });
      const again = await http<Envelope>(h.url, 'POST', '/api/auth/reset-password', { body: { token, password: 'Other-pass-789' } });
      expect(again.status).toBe(400);
      expect(again.body.code).toBe('link_invalid');

      const legacyNew = await legacyLogin(h, 'ivan', 'New-pass-456');
      expect(legacyNew.status).toBe(200);
      expect(legacyNew.body.token).toMatch(/^[0-9a-f]{64}$/);
      const legacyOld = await legacyLogin(h, 'ivan', 'Old-pass-123');
      expect(legacyOld.status).toBe(401);
      const second = await legacyLogin(h, 'ivan', 'Other-pass-789');
      expect(second.status).toBe(401);
      // the stored value is the engine's hash of the new password
      const pwdRow = (await h.store.tenant('my').find({ up: reset.body.data && (await h.ops.findUsers('my', 'ivan'))[0].userId, t: 20 }))[0];
      expect(pwdRow.val).toBe(createHash('sha512').update(`${h.config.AUTH_SALT}myNew-pass-456`).digest('hex'));
    });

    it('an unknown login, or a user without an address, gets the same answer and no mail', async () => {
      const known = await http<Envelope>(h.url, 'POST', '/api/auth/forgot-password', { body: { login: 'petr' } });
      const mailCount = smtp.received.length + 1;
      await smtp.waitForMail(mailCount);
      const unknown = await http<Envelope>(h.url, 'POST', '/api/auth/forgot-password', { body: { login: 'nobody-here' } });
      const noAddress = await http<Envelope>(h.url, 'POST', '/api/auth/forgot-password', { body: { login: 'nomail' } });
      for (const r of [unknown, noAddress]) {
        expect(r.status).toBe(known.status);
        expect(r.text).toBe(known.text);
      }
      // the next mail is the next known user's: the two requests above sent none
      await http(h.url, 'POST', '/api/auth/forgot-password', { body: { email: 'ivan@example.test' } });
      const next = await smtp.waitForMail(mailCount + 1);
      expect(next.envelopeTo).toEqual(['ivan@example.test']);
      expect(smtp.received.length).toBe(mailCount + 1);
    });

    it('finds the user by e-mail address (any case); the page\'s form post sets the password, a weak one leaves the link valid', async () => {
      const before = smtp.received.length;
      const r = await http(h.url, 'POST', '/api/auth/forgot-password', { body: { database: 'my', email: 'olga@example.TEST' } });
      expect(r.status).toBe(202);
      const mail = await smtp.waitForMail(before + 1);
      // the user record's address (a domain's case is not significant: the mail path lower-cases it)
      expect(mail.envelopeTo.map((a) => a.toLowerCase())).toEqual(['olga@example.test']);
      const token = linkIn(mail, 'reset-password').searchParams.get('token')!;

      const differ = await http(h.url, 'POST', '/api/auth/reset-password', { raw: new URLSearchParams({ token, password: 'Fresh-pass-1', password2: 'Fresh-pass-2' }).toString(), contentType: FORM });
      expect(differ.status).toBe(422);
      expect(differ.headers.get('content-type')).toMatch(/text\/html/);
      expect(differ.text).toContain('Пароли не совпадают');
      const weak = await http<Envelope>(h.url, 'POST', '/api/auth/reset-password', { body: { token, password: 'short' } });
      expect(weak.status).toBe(422);
      expect(weak.body.code).toBe('weak_password');

      const done = await http(h.url, 'POST', '/api/auth/reset-password', { raw: new URLSearchParams({ token, password: 'Fresh-pass-1', password2: 'Fresh-pass-1' }).toString(), contentType: FORM });
      expect(done.status).toBe(200);
      expect(done.headers.get('content-type')).toMatch(/text\/html/);
      expect(done.text).toContain('olga');
      expect((await legacyLogin(h, 'olga', 'Fresh-pass-1')).status).toBe(200);
      const used = await http(h.url, 'POST', '/api/auth/reset-password', { raw: new URLSearchParams({ token, password: 'Fresh-pass-3' }).toString(), contentType: FORM });
      expect(used.status).toBe(400);
      expect(used.text).toContain('Ссылка недействительна');
    });

    it('a new link replaces the older one; a made-up token is refused', async () => {
      const before = smtp.received.length;
      await http(h.url, 'POST', '/api/auth/forgot-password', { body: { identifier: 'petr' } });
      const first = linkIn(await smtp.waitForMail(before + 1), 'reset-password').searchParams.get('token')!;
      await http(h.url, 'POST', '/api/auth/forgot-password', { body: { identifier: 'petr' } });
      const second = linkIn(await smtp.waitForMail(before + 2), 'reset-password').searchParams.get('token')!;
      const old = await http<Envelope>(h.url, 'POST', '/api/auth/reset-password', { body: { token: first, password: 'Petr-pass-123' } });
      expect(old.body.code).toBe('link_invalid');
      const madeUp = await http<Envelope>(h.url, 'POST', '/api/auth/reset-password', { body: { token: 'x'.repeat(43), password: 'Petr-pass-123' } });
      expect(madeUp.status).toBe(400);
      expect(madeUp.body.code).toBe('link_invalid');
      expect((await http(h.url, 'POST', '/api/auth/reset-password', { body: { token: second, password: 'Petr-pass-123' } })).status).toBe(200);
    });

    it('throttles requests naming one login: 429 with Retry-After after 3, known or not', async () => {
      // a login nobody has, and one that exists (without an address, so no mail goes out)
      for (const who of ['ghost-user', 'quiet']) {
        for (let i = 0; i < 3; i++) {
          expect((await http(h.url, 'POST', '/api/auth/forgot-password', { body: { login: who } })).status).toBe(202);
        }
        const limited = await http<Envelope>(h.url, 'POST', '/api/auth/forgot-password', { body: { login: who } });
        expect(limited.status).toBe(429);
        expect(limited.body.code).toBe('too_many_attempts');
        expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      }
    });

    it('refuses malformed requests and unknown databases clearly', async () => {
      const empty = await http<Envelope>(h.url, 'POST', '/api/auth/forgot-password', { body: {} });
      expect(empty.status).toBe(400);
      expect(empty.body.code).toBe('validation_failed');
      const noDb = await http<Envelope>(h.url, 'POST', '/api/auth/forgot-password', { body: { database: 'nosuchdb', login: 'ivan' } });
      expect(noDb.status).toBe(404);
      expect(noDb.body.code).toBe('database_not_found');
      const noToken = await http<Envelope>(h.url, 'POST', '/api/auth/reset-password', { body: { password: 'x' } });
      expect(noToken.status).toBe(400);
      expect(noToken.text).not.toContain('at ');
    });

    it('registration with mail confirmation: no login until the mailed link is followed, once', async () => {
      const before = smtp.received.length;
      const noEmail = await http<Envelope>(h.url, 'POST', '/api/auth/register', { body: { login: 'newbie', password: 'Newbie-pass-1' } });
      expect(noEmail.status).toBe(422);
      expect(noEmail.body.details?.email).toBe('required');
      const r = await http<Envelope<{ confirmationRequired: boolean; user: { login: string } }>>(h.url, 'POST', '/api/auth/register', {
        body: { login: 'newbie', password: 'Newbie-pass-1', email: 'newbie@example.test' },
      });
      expect(r.status).toBe(202);
      expect(r.body.data).toMatchObject({ confirmationRequired: true, user: { login: 'newbie', database: 'my' }, email: 'newbie@example.test' });
      const mail = await smtp.waitForMail(before + 1);
      expect(mail.envelopeTo).toEqual(['newbie@example.test']);
      const link = linkIn(mail, 'confirm-email');

      const early = await http<Envelope>(h.url, 'POST', '/api/auth/login', { body: { login: 'newbie', password: 'Newbie-pass-1' } });
      expect(early.status).toBe(403);
      expect(early.body.code).toBe('email_not_confirmed');
      expect((await legacyLogin(h, 'newbie', 'Newbie-pass-1')).status).toBe(401);
      const taken = await http<Envelope>(h.url, 'POST', '/api/auth/register', { body: { login: 'newbie', password: 'Newbie-pass-1', email: 'n2@example.test' } });
      expect(taken.status).toBe(409);

      const confirmed = await fetch(link);
      expect(confirmed.status).toBe(200);
      expect(await confirmed.text()).toContain('newbie');
      const login = await http<Envelope<{ user: { login: string } }>>(h.url, 'POST', '/api/auth/login', { body: { login: 'newbie', password: 'Newbie-pass-1' } });
      expect(login.status).toBe(200);
      expect(login.body.data.user.login).toBe('newbie');
      expect((await legacyLogin(h, 'newbie', 'Newbie-pass-1')).status).toBe(200);
      expect((await fetch(link)).status).toBe(400);
    });

    it('the console\'s test mail arrives at ADMIN_EMAIL or the address given', async () => {
      const token = await adminToken(h);
      const headers = { [ADMIN_CSRF_HEADER]: ADMIN_CSRF_VALUE, Authorization: `Bearer ${token}` };
      const before = smtp.received.length;
      const r = await http<{ ok: boolean; to: string; from: string; messageId: string }>(h.url, 'POST', '/api/admin/mail/test', { headers, body: {} });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ ok: true, to: 'admin@example.test', from: 'Integram Test <noreply@example.test>' });
      const mail = await smtp.waitForMail(before + 1);
      expect(mail.envelopeTo).toEqual(['admin@example.test']);
      expect(mail.parsed.subject).toBe('Integram: проверка почты / mail test');
      expect(mail.parsed.messageId).toBe(r.body.messageId);
      const other = await http(h.url, 'POST', '/api/admin/mail/test', { headers, body: { to: 'someone@example.test' } });
      expect(other.status).toBe(200);
      expect((await smtp.waitForMail(before + 2)).envelopeTo).toEqual(['someone@example.test']);
      const bad = await http<{ error: { code: string } }>(h.url, 'POST', '/api/admin/mail/test', { headers, body: { to: 'not an address' } });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('invalid_request');
      const anonymous = await http(h.url, 'POST', '/api/admin/mail/test', { headers: { [ADMIN_CSRF_HEADER]: ADMIN_CSRF_VALUE }, body: {} });
      expect(anonymous.status).toBe(401);
    });
  });
}

describe('the console\'s test mail with a wrong SMTP password', () => {
  let h: ApiHarness;
  let smtp: TestSmtp;
  beforeAll(async () => {
    smtp = await startTestSmtp();
    h = await startApiHarness({ withAdmin: true, env: smtp.env({ SMTP_PASSWORD: 'not-the-Password-9', ADMIN_EMAIL: 'admin@example.test' }) });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    await smtp?.close();
  });

  it('answers 502 mail_auth naming the login, never the password', async () => {
    const token = await adminToken(h);
    const r = await http<{ error: { code: string; message: string; params: Record<string, string> } }>(h.url, 'POST', '/api/admin/mail/test', {
      headers: { [ADMIN_CSRF_HEADER]: ADMIN_CSRF_VALUE, Authorization: `Bearer ${token}` }, body: {},
    });
    expect(r.status).toBe(502);
    expect(r.body.error.code).toBe('mail_auth');
    expect(r.body.error.params.user).toBe(smtp.user);
    expect(r.text).not.toContain('not-the-Password-9');
    expect(smtp.received).toHaveLength(0);
  });

  it('forgot-password still answers the same (the mail fails in the background, logged)', async () => {
    await h.ops.insertUser('my', { login: 'ivan', password: 'Old-pass-123', email: 'ivan@example.test', roleName: 'user' });
    const r = await http<Envelope>(h.url, 'POST', '/api/auth/forgot-password', { body: { login: 'ivan' } });
    expect(r.status).toBe(202);
  });
});
