import assert from 'node:assert/strict';
import { it } from 'node:test';
import { GetPhoneNumberCommand } from '@aws-sdk/client-chime';
import { awsCliUnavailable, cliFor, fails, ok } from '../helpers/aws-cli.js';
import { freshNumber, importNumbers } from '../helpers/phone-numbers.js';
import { eachDialect } from '../helpers/suite.js';

// The user commands through the real AWS CLI v2 (see aws-cli.test.ts for why): one scenario from
// an empty Team account to its deletion, since each call costs about a second.
const skip = awsCliUnavailable();

await eachDialect(
  'aws cli: users',
  (server) => {
    const cli = cliFor(server);

    it('walks a Team account through every user command to its deletion', async () => {
      const id: string = ok(await cli(['create-account', '--name', 'Users Team'])).Account.AccountId;
      const account = ['--account-id', id];

      const ada = ok(
        await cli(['create-user', ...account, '--email', 'ada@example.com', '--username', 'Ada Lovelace']),
      ).User;
      assert.equal(ada.PrimaryEmail, 'ada@example.com');
      assert.equal(ada.DisplayName, 'Ada Lovelace');
      assert.equal(ada.UserRegistrationStatus, 'Registered');
      assert.equal(ada.LicenseType, 'Pro');
      assert.equal(new Date(ada.RegisteredOn).toISOString(), server().clock.now().toISOString());
      const user = [...account, '--user-id', ada.UserId];
      assert.deepEqual(ok(await cli(['get-user', ...user])).User, ada);
      assert.equal(
        ok(await cli(['update-user', ...user, '--license-type', 'Basic'])).User.LicenseType,
        'Basic',
      );

      const invites = ok(
        await cli(['invite-users', ...account, '--user-email-list', 'bob+cli@example.com', 'cy@example.com']),
      ).Invites;
      assert.deepEqual(
        invites.map((i: any) => [i.EmailAddress, i.Status]),
        [
          ['bob+cli@example.com', 'Pending'],
          ['cy@example.com', 'Pending'],
        ],
      );
      const bobs = ok(await cli(['list-users', ...account, '--user-email', 'bob+cli@example.com'])).Users;
      assert.equal(bobs.length, 1);
      assert.equal(bobs[0].UserRegistrationStatus, 'Unregistered');
      assert.equal(bobs[0].UserInvitationStatus, 'Pending');
      const bob: string = bobs[0].UserId;

      const batch = ok(
        await cli([
          'batch-update-user',
          ...account,
          '--update-user-request-items',
          `UserId=${ada.UserId},LicenseType=Pro`,
          `UserId=${bob},LicenseType=Basic`,
          'UserId=no-such-user,LicenseType=Pro',
        ]),
      );
      assert.deepEqual(
        batch.UserErrors.map((e: any) => [e.UserId, e.ErrorCode]),
        [['no-such-user', 'NotFound']],
      );
      const listed = ok(await cli(['list-users', ...account])).Users;
      assert.deepEqual(Object.fromEntries(listed.map((u: any) => [u.PrimaryEmail, u.LicenseType])), {
        'ada@example.com': 'Pro',
        'bob+cli@example.com': 'Basic',
        'cy@example.com': 'Pro',
      });

      const reset = ok(await cli(['reset-personal-pin', ...user])).User;
      assert.match(reset.PersonalPIN, /^\d+$/);
      assert.notEqual(reset.PersonalPIN, ada.PersonalPIN);
      assert.equal(ok(await cli(['logout-user', ...user])), undefined);

      // Calling needs a number: the operator imports one and ada gets it.
      const [e164] = await importNumbers(server(), [freshNumber()]);
      assert.ok(e164);
      ok(await cli(['associate-phone-number-with-user', ...user, '--e164-phone-number', e164]));
      assert.equal(ok(await cli(['get-user', ...user])).User.PrimaryProvisionedNumber, e164);
      ok(
        await cli([
          'update-user-settings',
          ...user,
          '--user-settings',
          'Telephony={InboundCalling=true,OutboundCalling=false,SMS=true}',
        ]),
      );
      assert.deepEqual(ok(await cli(['get-user-settings', ...user])), {
        UserSettings: { Telephony: { InboundCalling: true, OutboundCalling: false, SMS: true } },
      });

      // Three independent refusals; none may change anything (the empty list-users below would
      // show a guest the 51-address invite let through). Bob has no number to call from.
      const fiftyOne = Array.from({ length: 51 }, (_, i) => `guest${i}@example.com`);
      const [unsuspend, tooMany, noNumber] = await Promise.all([
        cli(['batch-unsuspend-user', ...account, '--user-id-list', ada.UserId]),
        cli(['invite-users', ...account, '--user-email-list', ...fiftyOne]),
        cli([
          'update-user-settings',
          ...account,
          '--user-id',
          bob,
          '--user-settings',
          'Telephony={InboundCalling=false,OutboundCalling=true,SMS=false}',
        ]),
      ]);
      fails(unsuspend, 'BadRequestException');
      assert.match(unsuspend.stderr, /EnterpriseLWA/);
      fails(tooMany, 'BadRequestException');
      fails(noNumber, 'BadRequestException');
      assert.match(noNumber.stderr, /no phone number/);

      // A Team account "suspends" by removing its members, which then lets it be deleted.
      const everyone = listed.map((u: any) => u.UserId);
      const removed = ok(await cli(['batch-suspend-user', ...account, '--user-id-list', ...everyone]));
      assert.deepEqual(removed.UserErrors, []);
      assert.deepEqual(ok(await cli(['list-users', ...account])).Users, []);
      // A removed user keeps no number: ada's is back in the unassigned inventory.
      const freed = await server()
        .client()
        .send(new GetPhoneNumberCommand({ PhoneNumberId: e164 }));
      assert.equal(freed.PhoneNumber?.Status, 'Unassigned');
      assert.equal(ok(await cli(['delete-account', ...account])), undefined);
      assert.equal(ok(await cli(['get-account', ...account])).Account.AccountStatus, 'Suspended');
    });
  },
  {},
  { skip },
);
