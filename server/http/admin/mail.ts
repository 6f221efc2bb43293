/** POST /mail/test: a test mail with the SMTP settings the server runs with (docs/modern-api.md, "Mail"). */
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { isEmailAddress } from '../../config/schema.js';
import { MailError } from '../../appliance/mail.js';
import { HttpError } from '../errors.js';
import { mailHttpError } from '../mail-errors.js';
import type { AdminContext, AdminRoutes } from './context.js';
import type { MailTestResult } from './contract.js';

const mailTestSchema = z.object({ to: z.string().trim().max(255).optional() }).strict();

export function bindMailRoutes(routes: AdminRoutes, ctx: AdminContext): void {
  const test: RequestHandler = async (req, res) => {
    const parsed = mailTestSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw new HttpError(400, 'the body may name one address: {"to": "someone@example.org"}', 'invalid_request');
    const mail = ctx.deps.mail;
    if (!mail || !mail.mailer.configured) {
      throw new HttpError(409, 'Mail is not set up on this server: set SMTP_HOST and FROM_EMAIL (Settings, Mail) and restart', 'mail_not_configured');
    }
    const to = parsed.data.to || mail.adminEmail;
    if (!to) throw new HttpError(400, 'name an address to send the test mail to, or set ADMIN_EMAIL', 'invalid_request', { details: { to: 'required' } });
    if (!isEmailAddress(to)) throw new HttpError(400, `"${to}" is not an e-mail address`, 'invalid_request', { details: { to: 'expected an e-mail address such as admin@example.org' } });
    try {
      const sent = await mail.mailer.send({
        to,
        subject: 'Integram: проверка почты / mail test',
        text: [
          'Это проверочное письмо сервера Integram: почта настроена верно.',
          '',
          'This is a test mail of the Integram server: mail is set up correctly.',
          '',
        ].join('\n'),
      });
      ctx.deps.logger.info({ to }, 'test mail sent');
      const body: MailTestResult = { ok: true, to, from: mail.mailer.from ?? '', messageId: sent.messageId };
      res.json(body);
    } catch (err) {
      if (err instanceof MailError) {
        ctx.deps.logger.warn({ to, code: err.code, err: err.message }, 'test mail failed');
        throw mailHttpError(err);
      }
      throw err;
    }
  };

  routes.protected.post('/mail/test', test);
}
