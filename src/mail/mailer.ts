/** An email as Belfry sends it: plain text always, HTML optional. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /**
   * `<unique@host>`; the same for every attempt to send the same message, so that a copy sent
   * again after a crash is recognised as one message. A fresh one is made when absent.
   */
  messageId?: string;
  /**
   * A link the file mailer (no SMTP) may log for a local trial. Only invitations set it: a
   * password-reset or verification link works like a credential and never goes to the log.
   */
  trialLink?: string;
}

/**
 * Where mail goes: SMTP (SMTP_URL) or, without SMTP, `.eml` files in the data directory so a local
 * trial still works. `send` resolves once the message is accepted (by the SMTP server or the disk)
 * and rejects otherwise; callers run it from a job, which retries with back-off.
 */
export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
}
