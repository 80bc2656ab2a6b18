import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  CreateAccountCommand,
  GetAccountCommand,
  ListAccountsCommand,
  NotFoundException,
} from '@aws-sdk/client-chime';
import { eachDialect } from '../helpers/suite.js';

await eachDialect('smoke', (server) => {
  it('creates, reads and lists an account through the SDK', async () => {
    const chime = server().client();
    const created = await chime.send(new CreateAccountCommand({ Name: 'Smoke Co' }));
    assert.equal(created.$metadata.httpStatusCode, 201);
    assert.equal(created.Account?.AccountType, 'Team');
    const got = await chime.send(new GetAccountCommand({ AccountId: created.Account!.AccountId }));
    assert.equal(got.Account?.Name, 'Smoke Co');
    assert.ok(got.$metadata.requestId);
    const list = await chime.send(new ListAccountsCommand({}));
    assert.equal(list.Accounts?.length, 1);
  });

  it('answers an unknown account with NotFoundException', async () => {
    await assert.rejects(
      server()
        .client()
        .send(new GetAccountCommand({ AccountId: 'nope' })),
      NotFoundException,
    );
  });
});
