/**
 * A real SMTP server on 127.0.0.1 for the mail suites (the smtp-server package, the server half of
 * nodemailer's project): it checks a login and password, takes messages and keeps them parsed
 * (mailparser), so a test reads what a mail client would. By default it offers no STARTTLS (a
 * loopback test server has no certificate a client would trust); `starttls: true` offers it with
 * smtp-server's built-in self-signed certificate, which a checking client must refuse.
 */
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from './net.mjs';

export interface ReceivedMail {
  envelopeFrom: string;
  envelopeTo: string[];
  parsed: ParsedMail;
  raw: string;
}

export interface TestSmtp {
  port: number;
  user: string;
  readonly password: string;
  received: ReceivedMail[];
  /** from now on the server takes another password (the clients' settings turn wrong) */
  changePassword(next: string): void;
  /** failed logins the server saw (user names only) */
  authFailures: string[];
  /** resolves with the next mail (or the n-th overall) within `ms` */
  waitForMail(count?: number, ms?: number): Promise<ReceivedMail>;
  /** resolves with the first mail (received so far or later) that `match` accepts, within `ms` */
  waitForMatch(match: (mail: ReceivedMail) => boolean, ms?: number): Promise<ReceivedMail>;
  /** SMTP_* settings that point at this server */
  env(extra?: Record<string, string>): Record<string, string>;
  close(): Promise<void>;
}

export interface TestSmtpOptions {
  user?: string;
  password?: string;
  starttls?: boolean;
}

export async function startTestSmtp(options: TestSmtpOptions = {}): Promise<TestSmtp> {
  const user = options.user ?? 'mailer@example.test';
  let password = options.password ?? 'smtp-Secret-42';
  const received: ReceivedMail[] = [];
  const authFailures: string[] = [];
  const waiters: { count: number; resolve: (m: ReceivedMail) => void }[] = [];

  const server = new SMTPServer({
    secure: false,
    authOptional: false,
    allowInsecureAuth: true,
    disabledCommands: options.starttls ? [] : ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === password) {
        callback(null, { user: auth.username });
        return;
      }
      authFailures.push(String(auth.username));
      callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw).then((parsed) => {
          const mail: ReceivedMail = {
            envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            parsed,
            raw,
          };
          received.push(mail);
          for (const waiter of [...waiters]) {
            if (received.length >= waiter.count) {
              waiters.splice(waiters.indexOf(waiter), 1);
              waiter.resolve(received[waiter.count - 1]);
            }
          }
          callback();
        }, (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))));
      });
    },
  });
  server.on('error', () => undefined);
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));

  return {
    port, user, received, authFailures,
    get password() { return password; },
    changePassword(next: string) { password = next; },
    waitForMail(count = received.length + 1, ms = 10_000) {
      if (received.length >= count) return Promise.resolve(received[count - 1]);
      return new Promise<ReceivedMail>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no mail #${count} within ${ms} ms (received ${received.length})`)), ms);
        waiters.push({ count, resolve: (m) => { clearTimeout(timer); resolve(m); } });
      });
    },
    async waitForMatch(match, ms = 10_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const found = received.find(match);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no matching mail within ${ms} ms (received ${received.length})`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    env(extra = {}) {
      return {
        SMTP_HOST: '127.0.0.1', SMTP_PORT: String(port), SMTP_SECURE: 'false', SMTP_USER: user, SMTP_PASSWORD: password,
        FROM_EMAIL: 'noreply@example.test', FROM_NAME: 'Integram Test', ...extra,
      };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
