import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  AssociatePhoneNumberWithUserCommand,
  CreateAccountCommand,
  CreatePhoneNumberOrderCommand,
  CreateUserCommand,
  GetPhoneNumberOrderCommand,
  GetUserCommand,
  ListPhoneNumbersCommand,
  SearchAvailablePhoneNumbersCommand,
} from '@aws-sdk/client-chime';
import { eachDialect } from '../helpers/suite.js';

await eachDialect('phone numbers smoke', (server) => {
  it('searches, orders, and assigns a number to a user', async () => {
    const chime = server().client();
    const found = await chime.send(
      new SearchAvailablePhoneNumbersCommand({ AreaCode: '206', MaxResults: 2 }),
    );
    assert.equal(found.E164PhoneNumbers?.length, 2);
    const order = await chime.send(
      new CreatePhoneNumberOrderCommand({
        ProductType: 'BusinessCalling',
        E164PhoneNumbers: found.E164PhoneNumbers,
      }),
    );
    assert.equal(order.PhoneNumberOrder?.Status, 'Processing');
    await server().runJobs();
    const done = await chime.send(
      new GetPhoneNumberOrderCommand({ PhoneNumberOrderId: order.PhoneNumberOrder!.PhoneNumberOrderId! }),
    );
    assert.equal(done.PhoneNumberOrder?.Status, 'Successful');
    const list = await chime.send(new ListPhoneNumbersCommand({ Status: 'Unassigned' }));
    assert.equal(list.PhoneNumbers?.length, 2);
    const account = await chime.send(new CreateAccountCommand({ Name: 'Phones' }));
    const accountId = account.Account!.AccountId;
    const user = await chime.send(new CreateUserCommand({ AccountId: accountId, Email: 'p@example.com' }));
    await chime.send(
      new AssociatePhoneNumberWithUserCommand({
        AccountId: accountId,
        UserId: user.User!.UserId,
        E164PhoneNumber: found.E164PhoneNumbers![0],
      }),
    );
    const got = await chime.send(new GetUserCommand({ AccountId: accountId, UserId: user.User!.UserId }));
    assert.equal(got.User?.PrimaryProvisionedNumber, found.E164PhoneNumbers![0]);
  });
});
