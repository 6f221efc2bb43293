/**
 * A mail failure (appliance/mail.ts MailError) as an HTTP error: one message code per cause
 * (docs/messages.md, "Mail"), 409 when mail is not set up (a setting is missing, nothing to retry), 502 when the mail server failed.
 */
import { MailError } from '../appliance/mail.js';
import type { MessageCode } from './admin/contract.js';
import { HttpError } from './errors.js';

const CODES: Record<MailError['code'], MessageCode> = {
  not_configured: 'mail_not_configured',
  dns: 'mail_dns',
  refused: 'mail_refused',
  tls: 'mail_tls',
  auth: 'mail_auth',
  timeout: 'mail_timeout',
  rejected: 'mail_rejected',
  failed: 'mail_failed',
};

export function mailHttpError(err: MailError): HttpError {
  return new HttpError(err.code === 'not_configured' ? 409 : 502, err.message, CODES[err.code], { params: err.params });
}

