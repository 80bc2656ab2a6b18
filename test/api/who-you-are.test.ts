import assert from 'node:assert/strict';
import { it } from 'node:test';
import { BatchUpdateUserCommand } from '@aws-sdk/client-chime';
import { updateUser } from '../../src/store/users.js';
import { uniqueEmail } from '../helpers/accounts.js';
import { textOf } from '../helpers/browser.js';
import { signedUpMember } from '../helpers/members.js';
import { registerThroughPages, signInThroughPages } from '../helpers/pages.js';
import { eachDialect } from '../helpers/suite.js';

/** Issue 15 item 5: a signed-in person's own page says who they are — account, tier and number. */
await eachDialect('the signed-in page says who you are', (server) => {
  it('shows a member their account, their tier and what it allows, and their number', async () => {
    const member = await signedUpMember(server());
    await server()
      .client()
      .send(
        new BatchUpdateUserCommand({
          AccountId: member.accountId,
          UpdateUserRequestItems: [{ UserId: member.userId, LicenseType: 'Pro' }],
        }),
      );
    await updateUser(server().services.db, member.accountId, member.userId, {
      primaryProvisionedNumber: '+12065550142',
      updatedAt: new Date().toISOString(),
    });
    const text = textOf(await signInThroughPages(server(), member.email));
    assert.match(text, new RegExp(`You are signed in as ${member.email}`));
    assert.match(text, /Account\s*\S/);
    assert.match(text, /Permission tier\s*Pro: you may host meetings/);
    assert.match(text, /Phone number\s*\+12065550142/);
  });

  it('tells a person with no account that they attend and chat, and host while their trial runs', async () => {
    const email = uniqueEmail();
    await registerThroughPages(server(), email);
    const text = textOf(await signInThroughPages(server(), email));
    assert.match(
      text,
      /not a member of a Belfry account: you may attend meetings and chat, and host meetings while your personal Pro trial runs/,
    );
  });
});
