/**
 * The mailer (server/appliance/mail.ts) against real servers on loopback: a mail arrives with its
 * From, To and Subject; each failure the admin can cause has its code (auth, refused, tls, timeout,
 * dns, not_configured), and the SMTP password appears in no error.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyMailError, createMailer, MailError, type MailConfig } from '../../../server/appliance/mail.js';
import { freePort } from '../../support/net.mjs';
import { startTestSmtp, type TestSmtp } from '../../support/smtp.js';

function configFor(smtp: TestSmtp, extra: Partial<MailConfig> = {}): MailConfig {
  return {
    SMTP_HOST: '127.0.0.1', SMTP_PORT: smtp.port, SMTP_SECURE: false, SMTP_USER: smtp.user, SMTP_PASSWORD: smtp.password,
    FROM_EMAIL: 'noreply@example.test', FROM_NAME: 'Integram Test', ...extra,
  };
}

async function failure(config: MailConfig, timeoutMs?: number): Promise<MailError> {
  const mailer = createMailer(config, { timeoutMs });
  try {
    await mailer.send({ to: 'admin@example.test', subject: 'x', text: 'x' });
  } catch (err) {
    expect(err).toBeInstanceOf(MailError);
    return err as MailError;
  }
  throw new Error('the mail was sent');
}

describe('mailer', () => {
  let smtp: TestSmtp;
  let tlsSmtp: TestSmtp;
  beforeAll(async () => {
    smtp = await startTestSmtp();
    tlsSmtp = await startTestSmtp({ starttls: true });
  });
  afterAll(async () => {
    await smtp?.close();
    await tlsSmtp?.close();
  });

  it('sends a mail that arrives with its From, To, Subject and text', async () => {
    const mailer = createMailer(configFor(smtp));
    expect(mailer.configured).toBe(true);
    expect(mailer.from).toBe('Integram Test <noreply@example.test>');
    const sent = await mailer.send({ to: 'admin@example.test', subject: 'Проверка / Test', text: 'Привет, hello' });
    expect(sent.accepted).toEqual(['admin@example.test']);
    const mail = await smtp.waitForMail(1);
    expect(mail.envelopeFrom).toBe('noreply@example.test');
    expect(mail.envelopeTo).toEqual(['admin@example.test']);
    expect(mail.parsed.from?.value[0]).toMatchObject({ address: 'noreply@example.test', name: 'Integram Test' });
    expect(mail.parsed.to && !Array.isArray(mail.parsed.to) ? mail.parsed.to.value[0].address : null).toBe('admin@example.test');
    expect(mail.parsed.subject).toBe('Проверка / Test');
    expect(mail.parsed.text?.trim()).toBe('Привет, hello');
    expect(mail.parsed.messageId).toBe(sent.messageId);
  });

  it('a wrong SMTP password is "auth", and the password is in no message', async () => {
    const err = await failure(configFor(smtp, { SMTP_PASSWORD: 'wrong-Password-77' }));
    expect(err.code).toBe('auth');
    expect(err.message).toMatch(/SMTP_USER and SMTP_PASSWORD/);
    expect(err.params.user).toBe(smtp.user);
    expect(JSON.stringify({ m: err.message, p: err.params })).not.toContain('wrong-Password-77');
    expect(smtp.authFailures).toContain(smtp.user);
  });

  it('a closed port is "refused"', async () => {
    const port = await freePort();
    const err = await failure({ ...configFor(smtp), SMTP_PORT: port });
    expect(err.code).toBe('refused');
    expect(err.params).toMatchObject({ host: '127.0.0.1', port });
  });

  it('a server whose certificate cannot be trusted is "tls" (STARTTLS with a self-signed certificate)', async () => {
    const err = await failure(configFor(tlsSmtp));
    expect(err.code).toBe('tls');
    expect(err.message).toMatch(/SMTP_SECURE/);
  });

  it('SMTP_SECURE=true against a plain server is "tls"', async () => {
    const err = await failure(configFor(smtp, { SMTP_SECURE: true }), 3000);
    expect(err.code).toBe('tls');
  });

  it('a server that accepts the connection and never greets is "timeout"', async () => {
    const silent = net.createServer(() => undefined);
    const port = await freePort();
    await new Promise<void>((resolve) => silent.listen(port, '127.0.0.1', resolve));
    try {
      const started = Date.now();
      const err = await failure({ ...configFor(smtp), SMTP_PORT: port }, 500);
      expect(err.code).toBe('timeout');
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      silent.close();
    }
  });

  it('a host name that does not resolve is "dns"', async () => {
    const err = await failure({ ...configFor(smtp), SMTP_HOST: 'no-such-mail-host.invalid' }, 3000);
    expect(err.code).toBe('dns');
    expect(err.params.host).toBe('no-such-mail-host.invalid');
  });

  it('without SMTP_HOST (or a sender) nothing is sent: "not_configured"', async () => {
    const none = createMailer({ SMTP_PORT: 587, SMTP_SECURE: false, FROM_NAME: 'Integram' });
    expect(none.configured).toBe(false);
    await expect(none.send({ to: 'a@example.test', subject: 's', text: 't' })).rejects.toMatchObject({ code: 'not_configured' });
    // SMTP_USER that is an address is the sender when FROM_EMAIL is absent
    const fromUser = createMailer({ ...configFor(smtp), FROM_EMAIL: undefined });
    expect(fromUser.from).toBe(`Integram Test <${smtp.user}>`);
    const noSender = createMailer({ ...configFor(smtp), FROM_EMAIL: undefined, SMTP_USER: 'plainlogin' });
    expect(noSender.configured).toBe(false);
  });

  it('classifies a rejected recipient and masks a password a server echoes', () => {
    const rejected = classifyMailError(Object.assign(new Error('Recipient command failed: 550 no such user'), { code: 'EENVELOPE', responseCode: 550 }), {
      SMTP_HOST: 'mx', SMTP_PORT: 25, SMTP_USER: 'u', SMTP_PASSWORD: 'p4ss-Word',
    });
    expect(rejected.code).toBe('rejected');
    const echoed = classifyMailError(Object.assign(new Error('Invalid login: 535 bad p4ss-Word'), { code: 'EAUTH', response: '535 bad p4ss-Word' }), {
      SMTP_HOST: 'mx', SMTP_PORT: 25, SMTP_USER: 'u', SMTP_PASSWORD: 'p4ss-Word',
    });
    expect(echoed.code).toBe('auth');
    expect(echoed.message).not.toContain('p4ss-Word');
    expect(String(echoed.params.reason)).toContain('***');
  });
});
