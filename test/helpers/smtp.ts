import PostalMime, { type Email } from 'postal-mime';
import { SMTPServer } from 'smtp-server';

/** A message as the SMTP server received it: the envelope, the raw MIME and its parse. */
export interface CapturedMail {
  /** envelope recipients (RCPT TO), lower-cased */
  to: string[];
  from: string | undefined;
  raw: string;
  mail: Email;
}

export interface SmtpCaptureOptions {
  /** require SMTP AUTH with these credentials (over plain text: loopback only) */
  auth?: { user: string; pass: string };
  /** recipients the server refuses with a permanent 550 at RCPT TO */
  refuse?: (address: string) => boolean;
  /**
   * Awaited after a message is kept and before it is acknowledged: a slow server, or one whose
   * reply never reaches a sender that died meanwhile (the message is delivered all the same).
   */
  beforeReply?: (mail: CapturedMail) => Promise<void>;
}

export interface SmtpCapture {
  /** `smtp://[user:pass@]127.0.0.1:<port>`, ready for SMTP_URL */
  url: string;
  /** every accepted message, in arrival order */
  inbox: CapturedMail[];
  /** how many RCPT TO the server refused */
  refused: () => number;
  /** the first message (already received or arriving within `timeoutMs`) that matches */
  waitFor(predicate: (m: CapturedMail) => boolean, timeoutMs?: number): Promise<CapturedMail>;
  stop(): Promise<void>;
}

/**
 * A real SMTP server on 127.0.0.1 (a free port) that keeps what it receives. It parses each
 * message before acknowledging it, so once a sender's `sendMail` resolves the message is in
 * `inbox`. STARTTLS is off so nodemailer speaks plain SMTP on loopback.
 */
export async function startSmtpCapture(options: SmtpCaptureOptions = {}): Promise<SmtpCapture> {
  const inbox: CapturedMail[] = [];
  const waiters = new Set<() => void>();
  let refused = 0;
  const server = new SMTPServer({
    authOptional: options.auth === undefined,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    onAuth(auth, _session, callback) {
      const ok = auth.username === options.auth?.user && auth.password === options.auth?.pass;
      callback(ok ? null : Object.assign(new Error('bad credentials'), { responseCode: 535 }), {
        user: auth.username,
      });
    },
    onRcptTo(address, _session, callback) {
      if (options.refuse?.(address.address)) {
        refused++;
        return callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        PostalMime.parse(raw).then(
          async (mail) => {
            const captured = {
              to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
              raw: raw.toString(),
              mail,
            };
            inbox.push(captured);
            for (const wake of waiters) wake();
            await options.beforeReply?.(captured);
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('SMTP capture has no port');
  const credentials = options.auth
    ? `${encodeURIComponent(options.auth.user)}:${encodeURIComponent(options.auth.pass)}@`
    : '';

  return {
    url: `smtp://${credentials}127.0.0.1:${address.port}`,
    inbox,
    refused: () => refused,
    waitFor(predicate, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = inbox.find(predicate);
          if (!found) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching email within ${timeoutMs} ms (inbox has ${inbox.length})`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
