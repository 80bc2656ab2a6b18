import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { TestServer } from './server.js';

/**
 * Runs the mail jobs, then gives the path and token of the link to `path` in the newest mail to
 * the address, read from its .eml file: links that sign people in (password reset, address
 * confirmation) are kept out of the log.
 */
export async function mailedLink(server: TestServer, email: string, path: string): Promise<string> {
  await server.runJobs();
  const entry = server.mailLog.findLast((e) => e.obj.to === email);
  assert.ok(entry, `nothing mailed to ${email}`);
  const link = new RegExp(`${path}\\?token=[A-Za-z0-9_-]+`).exec(
    quotedPrintable(readFileSync(String(entry.obj.file), 'utf8')),
  );
  assert.ok(link, `no ${path} link mailed to ${email}`);
  return link[0];
}

/** The text of a quoted-printable body (how the mailer writes these messages). */
function quotedPrintable(text: string): string {
  return text
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
