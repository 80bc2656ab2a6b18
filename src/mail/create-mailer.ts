import { join } from 'node:path';
import type { Config } from '../config.js';
import { emlFileMailer, type MailLog } from './eml-files.js';
import type { Mailer } from './mailer.js';
import { smtpMailer } from './smtp.js';

export type { MailLog };

/** The mailer the configuration asks for: SMTP when SMTP_URL is set, else `.eml` files in `<dataDir>/mail`. */
export function createMailer(config: Pick<Config, 'mail' | 'dataDir'>, log: MailLog): Mailer {
  if (config.mail.smtpUrl !== undefined) return smtpMailer(config.mail.smtpUrl, config.mail.from);
  return emlFileMailer(join(config.dataDir, 'mail'), config.mail.from, log);
}
