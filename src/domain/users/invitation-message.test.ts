import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderInvitationEmail } from './invitation-message.js';

describe('renderInvitationEmail', () => {
  const message = {
    to: 'ana@example.com',
    accountName: 'R&D <Lab> "North"',
    link: 'https://belfry.example.com/invitations/accept?token=abc',
    expiresAt: new Date('2026-03-01T12:34:56Z'),
  };

  it('names the account and carries the link and its expiry in both parts', () => {
    const mail = renderInvitationEmail(message);
    assert.equal(mail.to, 'ana@example.com');
    assert.equal(mail.subject, 'Invitation to join R&D <Lab> "North"');
    assert.ok(mail.text.includes('R&D <Lab> "North"'));
    assert.ok(mail.text.includes(message.link));
    assert.ok(mail.text.includes('2026-03-01 12:34 UTC'));
    assert.ok(mail.html?.includes(`href="${message.link}"`));
  });

  it('escapes the account name in HTML, so a name cannot add markup', () => {
    const html = renderInvitationEmail(message).html!;
    assert.ok(html.includes('R&#38;D &#60;Lab&#62; &#34;North&#34;'), html);
    assert.ok(!html.includes('<Lab>'));
  });
});
