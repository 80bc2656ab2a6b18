import type { OutgoingMail } from '../../mail/mailer.js';

export interface InvitationMessage {
  to: string;
  /** the account's name when the email is sent, so a rename before delivery shows */
  accountName: string;
  link: string;
  expiresAt: Date;
}

/** The invitation email: plain text for every client, and a simple HTML part with the same words. */
export function renderInvitationEmail(message: InvitationMessage): OutgoingMail {
  // Account names are single-line already; this keeps a header from ever being split.
  const name = message.accountName.replace(/[\r\n]+/g, ' ');
  const expires = `${message.expiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const text = [
    `You have been invited to join ${name}.`,
    '',
    'Accept the invitation here:',
    message.link,
    '',
    `The link works once and expires on ${expires}.`,
    'If you did not expect this invitation, ignore this email.',
    '',
  ].join('\n');
  const html = [
    '<!doctype html>',
    '<html><body>',
    `<p>You have been invited to join <strong>${escapeHtml(name)}</strong>.</p>`,
    `<p><a href="${escapeHtml(message.link)}">Accept the invitation</a></p>`,
    `<p>The link works once and expires on ${expires}.<br>`,
    'If you did not expect this invitation, ignore this email.</p>',
    '</body></html>',
    '',
  ].join('\n');
  return { to: message.to, subject: `Invitation to join ${name}`, text, html };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
