import nodemailer from 'nodemailer';
import type { Mailer } from './mailer.js';

/**
 * Sends through the SMTP server that `url` names: `smtp://` (upgraded with STARTTLS when the
 * server offers it) or `smtps://` (TLS from the start), with `user:password@` for SMTP AUTH.
 * Timeouts are far shorter than nodemailer's minutes-long defaults so a hung server fails the
 * attempt well inside the job's lease, and the queue retries it instead of another worker.
 */
export function smtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport({
    url,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    async send(mail) {
      const { trialLink: _, ...message } = mail;
      await transport.sendMail({ from, ...message });
    },
  };
}
