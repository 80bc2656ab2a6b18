import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Mailer } from './mailer.js';

export interface MailLog {
  info(obj: object, msg: string): void;
}

/**
 * Without SMTP, each message becomes an `.eml` file in `dir` (openable in any mail client), and
 * its recipient and subject are logged, with the invitation link when the message carries one
 * (`trialLink`): on a local trial that is how the operator follows an invitation without a mail
 * server. Other links (password reset, verification) stay in the files only, which are private to
 * the server's user (0600), since a link in them works until it expires.
 */
export function emlFileMailer(dir: string, from: string, log: MailLog): Mailer {
  // nodemailer's stream transport composes the MIME message exactly as SMTP would send it.
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(mail) {
      const { trialLink, ...message } = mail;
      const info = await composer.sendMail({ from, ...message });
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const file = join(dir, `${stamp}-${randomBytes(4).toString('hex')}.eml`);
      await writeFile(file, info.message as Buffer, { mode: 0o600 });
      log.info(
        { to: mail.to, subject: mail.subject, ...(trialLink && { link: trialLink }), file },
        'no SMTP_URL: email written to a file instead of sent',
      );
    },
  };
}
