/**
 * The appliance's one mailer (docs/modern-api.md, "Mail"): nodemailer's SMTP transport built from
 * the SMTP_* settings. Every failure becomes a MailError with a stable code (dns, refused, tls, auth,
 * timeout, rejected, failed) and a sentence that says what to check; the password never appears in
 * an error, a log line or an answer.
 *
 * Used by the console's test mail (admin API), the password reset and registration confirmation
 * of Integram users (/api/auth), and the alerts to ADMIN_EMAIL (./admin-alerts.ts).
 */
// nodemailer is loaded with the first message: most starts send none
import type { Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { AppConfig } from '../config/index.js';
import { isEmailAddress } from '../config/schema.js';

export type MailConfig = Pick<AppConfig, 'SMTP_HOST' | 'SMTP_PORT' | 'SMTP_SECURE' | 'SMTP_USER' | 'SMTP_PASSWORD' | 'FROM_EMAIL' | 'FROM_NAME'>;

/** What went wrong, one code per thing the admin checks. */
export type MailErrorCode = 'not_configured' | 'dns' | 'refused' | 'tls' | 'auth' | 'timeout' | 'rejected' | 'failed';

export class MailError extends Error {
  constructor(
    readonly code: MailErrorCode,
    message: string,
    /** values the sentence names (host, port, user, reason), for a client's own text */
    readonly params: Record<string, string | number> = {},
  ) {
    super(message);
    this.name = 'MailError';
  }
}

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface SentMail {
  messageId: string;
  /** addresses the server accepted */
  accepted: string[];
}

export interface Mailer {
  /** false: SMTP_HOST is not set, every send fails with `not_configured` */
  readonly configured: boolean;
  /** the sender as mails show it, e.g. "Integram <noreply@example.org>" (null when not configured) */
  readonly from: string | null;
  send(message: MailMessage): Promise<SentMail>;
}

export interface MailerOptions {
  /** connection, greeting and socket timeouts (ms); default 15 s */
  timeoutMs?: number;
}

/** The sender address: FROM_EMAIL, else SMTP_USER when it is an address. */
function senderAddress(config: MailConfig): string | null {
  if (config.FROM_EMAIL) return config.FROM_EMAIL;
  if (config.SMTP_USER && isEmailAddress(config.SMTP_USER)) return config.SMTP_USER;
  return null;
}

function errorFields(err: unknown): { code: string; message: string; responseCode: number | null; response: string } {
  const e = (err ?? {}) as { code?: unknown; message?: unknown; responseCode?: unknown; response?: unknown; reason?: unknown };
  return {
    code: typeof e.code === 'string' ? e.code : '',
    message: typeof e.message === 'string' ? e.message : String(err),
    responseCode: typeof e.responseCode === 'number' ? e.responseCode : null,
    response: typeof e.response === 'string' ? e.response : '',
  };
}

/** A short reason for a sentence: the first line, without the password should a server echo it. */
function reasonOf(text: string, secret: string | undefined): string {
  let line = text.split('\n')[0].trim().slice(0, 300);
  if (secret) line = line.split(secret).join('***');
  return line;
}

/**
 * nodemailer's error -> a MailError with one of the stable codes. nodemailer names the stage
 * (EDNS, EAUTH, ETLS, ETIMEDOUT, EENVELOPE, ECONNECTION, ESOCKET); a socket error keeps the system's
 * text (ECONNREFUSED, certificate problems), which decides between refused, tls and the rest.
 */
export function classifyMailError(err: unknown, config: Pick<MailConfig, 'SMTP_HOST' | 'SMTP_PORT' | 'SMTP_USER' | 'SMTP_PASSWORD'>): MailError {
  if (err instanceof MailError) return err;
  const { code, message, responseCode, response } = errorFields(err);
  const host = config.SMTP_HOST ?? '';
  const port = config.SMTP_PORT;
  const reason = reasonOf(response || message, config.SMTP_PASSWORD);
  const text = `${code} ${message}`;
  if (code === 'EAUTH' || responseCode === 535 || responseCode === 534) {
    return new MailError('auth', `The mail server ${host} did not accept the login "${config.SMTP_USER ?? ''}": check SMTP_USER and SMTP_PASSWORD (${reason})`, {
      host, user: config.SMTP_USER ?? '', reason,
    });
  }
  if (code === 'EDNS' || /ENOTFOUND|EAI_AGAIN|EAI_NONAME|getaddrinfo/.test(text)) {
    return new MailError('dns', `The mail server "${host}" was not found (DNS): check SMTP_HOST`, { host, reason });
  }
  if (/ECONNREFUSED/.test(text)) {
    return new MailError('refused', `The mail server ${host}:${port} refused the connection: check SMTP_PORT and that the mail server runs`, { host, port, reason });
  }
  if (code === 'ETLS' || /certificate|self[- ]signed|wrong version number|SSL|TLS|ERR_SSL|EPROTO|handshake/i.test(text)) {
    return new MailError('tls', `The secure connection to ${host}:${port} failed: ${reason}. Check SMTP_SECURE (true for port 465, false for 587) and the server's certificate`, {
      host, port, reason,
    });
  }
  if (code === 'ETIMEDOUT' || /ETIMEDOUT|timeout|timed out/i.test(text)) {
    return new MailError('timeout', `The mail server ${host}:${port} did not answer in time: check SMTP_HOST, SMTP_PORT and the firewall`, { host, port, reason });
  }
  if (code === 'EENVELOPE' || code === 'EMESSAGE' || (responseCode !== null && responseCode >= 500)) {
    return new MailError('rejected', `The mail server refused the message: ${reason}`, { host, reason });
  }
  return new MailError('failed', `The mail could not be sent through ${host}:${port}: ${reason}`, { host, port, reason });
}

/** The mailer of a configuration; nothing connects until the first send. */
export function createMailer(config: MailConfig, options: MailerOptions = {}): Mailer {
  const address = senderAddress(config);
  if (!config.SMTP_HOST || !address) {
    return {
      configured: false,
      from: null,
      async send() {
        throw new MailError('not_configured', 'Mail is not set up on this server: set SMTP_HOST and FROM_EMAIL (Settings, Mail)');
      },
    };
  }
  const timeout = options.timeoutMs ?? 15_000;
  let transport: Promise<Transporter<SMTPTransport.SentMessageInfo>> | null = null;
  const transportOf = () => (transport ??= import('nodemailer').then(({ default: nodemailer }) => nodemailer.createTransport({
    host: config.SMTP_HOST,
    port: config.SMTP_PORT,
    secure: config.SMTP_SECURE,
    ...(config.SMTP_USER ? { auth: { user: config.SMTP_USER, pass: config.SMTP_PASSWORD ?? '' } } : {}),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout * 2,
    dnsTimeout: timeout,
    // never log the conversation: it carries the AUTH exchange
    logger: false,
    debug: false,
  })));
  const from = { name: config.FROM_NAME, address };
  return {
    configured: true,
    from: `${config.FROM_NAME} <${address}>`,
    async send(message) {
      try {
        const info = await (await transportOf()).sendMail({ from, to: message.to, subject: message.subject, text: message.text, html: message.html });
        return { messageId: String(info.messageId), accepted: (info.accepted ?? []).map((a) => (typeof a === 'string' ? a : a.address)) };
      } catch (err) {
        throw classifyMailError(err, config);
      }
    },
  };
}
