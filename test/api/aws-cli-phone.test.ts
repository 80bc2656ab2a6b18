import assert from 'node:assert/strict';
import { it } from 'node:test';
import { awsCliUnavailable, cliFor, fails, ok } from '../helpers/aws-cli.js';
import { eachDialect } from '../helpers/suite.js';

// The phone commands through the real AWS CLI v2 (see aws-cli.test.ts for why). Each call costs
// about a second, so one scenario runs every command, with the calls that cannot affect one
// another sent together in rounds.
const skip = awsCliUnavailable();

await eachDialect(
  'aws cli: phone numbers',
  (server) => {
    const cli = cliFor(server);
    const e164s = (numbers: any[]) => numbers.map((n) => n.E164PhoneNumber).sort();

    it('orders numbers, assigns one, and walks them through the deletion queue', async () => {
      const [local, tollFree, countries, account, globalSet, defaultNameSet] = await Promise.all([
        cli(['search-available-phone-numbers', '--area-code', '206', '--max-results', '3']),
        cli(['search-available-phone-numbers', '--toll-free-prefix', '844', '--max-results', '1']),
        cli(['list-supported-phone-number-countries', '--product-type', 'BusinessCalling']),
        cli(['create-account', '--name', 'Phone Co']),
        cli(['update-global-settings', '--business-calling', 'CdrBucket=b1']),
        cli(['update-phone-number-settings', '--calling-name', 'Belfry Ops']),
      ]);
      const [n1, n2, n3] = ok(local).E164PhoneNumbers as string[];
      assert.deepEqual([n1, n2, n3], ['+12065550100', '+12065550101', '+12065550102']);
      const [free] = ok(tollFree).E164PhoneNumbers as string[];
      assert.equal(free, '+18445550100');
      // Business Calling is US local numbers only: no toll-free, no other country.
      assert.deepEqual(ok(countries).PhoneNumberCountries, [
        { CountryCode: 'US', SupportedPhoneNumberTypes: ['Local'] },
      ]);
      const accountId: string = ok(account).Account.AccountId;
      assert.equal(ok(globalSet), undefined);
      assert.equal(ok(defaultNameSet), undefined);

      const [order, freeOrder, created, global, phoneSettings] = await Promise.all([
        cli([
          'create-phone-number-order',
          '--product-type',
          'BusinessCalling',
          '--e164-phone-numbers',
          n1!,
          n2!,
          n3!,
        ]),
        cli(['create-phone-number-order', '--product-type', 'VoiceConnector', '--e164-phone-numbers', free!]),
        cli(['create-user', '--account-id', accountId, '--email', 'pat@example.com']),
        cli(['get-global-settings']),
        cli(['get-phone-number-settings']),
      ]);
      const orderId: string = ok(order).PhoneNumberOrder.PhoneNumberOrderId;
      assert.equal(ok(order).PhoneNumberOrder.Status, 'Processing');
      assert.equal(ok(freeOrder).PhoneNumberOrder.Status, 'Processing');
      const userId: string = ok(created).User.UserId;
      assert.deepEqual(ok(global), { BusinessCalling: { CdrBucket: 'b1' }, VoiceConnector: {} });
      assert.equal(ok(phoneSettings).CallingName, 'Belfry Ops');
      assert.ok(ok(phoneSettings).CallingNameUpdatedTimestamp);

      await server().runJobs(); // the carrier acquires the numbers

      const [gotOrder, orders, unassigned, byPlus, byEncoded, named, badName, batch] = await Promise.all([
        cli(['get-phone-number-order', '--phone-number-order-id', orderId]),
        cli(['list-phone-number-orders']),
        cli(['list-phone-numbers', '--status', 'Unassigned', '--product-type', 'BusinessCalling']),
        cli(['get-phone-number', '--phone-number-id', n1!]),
        cli(['get-phone-number', '--phone-number-id', `%2B${n2!.slice(1)}`]),
        cli(['update-phone-number', '--phone-number-id', n3!, '--calling-name', 'Front Desk']),
        cli(['update-phone-number', '--phone-number-id', n1!, '--calling-name', 'Front Desk, Floor 1!']),
        cli([
          'batch-update-phone-number',
          '--update-phone-number-request-items',
          `PhoneNumberId=${free},ProductType=SipMediaApplicationDialIn`,
          'PhoneNumberId=+12065550199,CallingName=Nobody',
        ]),
      ]);
      const done = ok(gotOrder).PhoneNumberOrder;
      assert.equal(done.Status, 'Successful');
      assert.deepEqual(
        done.OrderedPhoneNumbers.map((n: any) => [n.E164PhoneNumber, n.Status]),
        [n1, n2, n3].map((n) => [n, 'Acquired']),
      );
      assert.deepEqual(
        ok(orders)
          .PhoneNumberOrders.map((o: any) => `${o.ProductType} ${o.Status}`)
          .sort(),
        ['BusinessCalling Successful', 'VoiceConnector Successful'],
      );
      assert.deepEqual(e164s(ok(unassigned).PhoneNumbers), [n1, n2, n3]);
      const first = ok(byPlus).PhoneNumber;
      assert.equal(first.PhoneNumberId, '%2B12065550100');
      assert.deepEqual(
        [first.E164PhoneNumber, first.Type, first.ProductType, first.Status],
        [n1, 'Local', 'BusinessCalling', 'Unassigned'],
      );
      assert.equal(ok(byEncoded).PhoneNumber.E164PhoneNumber, n2);
      const renamed = ok(named).PhoneNumber;
      assert.deepEqual([renamed.CallingName, renamed.CallingNameStatus], ['Front Desk', 'UpdateInProgress']);
      fails(badName, 'BadRequestException');
      assert.deepEqual(
        ok(batch).PhoneNumberErrors.map((e: any) => [e.PhoneNumberId, e.ErrorCode]),
        [['+12065550199', 'NotFound']],
      );

      const user = ['--account-id', accountId, '--user-id', userId];
      const [associated, deleted] = await Promise.all([
        cli(['associate-phone-number-with-user', ...user, '--e164-phone-number', n1!]),
        cli(['delete-phone-number', '--phone-number-id', n2!]),
      ]);
      assert.equal(ok(associated), undefined);
      assert.equal(ok(deleted), undefined);

      const [gotUser, ofAccount, deleteAssigned, settingsSet, restored] = await Promise.all([
        cli(['get-user', ...user]),
        cli(['list-phone-numbers', '--filter-name', 'AccountId', '--filter-value', accountId]),
        cli(['delete-phone-number', '--phone-number-id', n1!]),
        cli([
          'update-user-settings',
          ...user,
          '--user-settings',
          'Telephony={InboundCalling=true,OutboundCalling=false,SMS=true}',
        ]),
        cli(['restore-phone-number', '--phone-number-id', n2!]),
      ]);
      assert.equal(ok(gotUser).User.PrimaryProvisionedNumber, n1);
      const mine = ok(ofAccount).PhoneNumbers;
      assert.deepEqual(
        mine.map((n: any) => [n.E164PhoneNumber, n.Status]),
        [[n1, 'Assigned']],
      );
      assert.deepEqual(Object.fromEntries(mine[0].Associations.map((a: any) => [a.Name, a.Value])), {
        AccountId: accountId,
        UserId: userId,
      });
      fails(deleteAssigned, 'BadRequestException');
      assert.match(deleteAssigned.stderr, /assigned to a user/);
      assert.equal(ok(settingsSet), undefined);
      const back = ok(restored).PhoneNumber;
      assert.deepEqual([back.E164PhoneNumber, back.Status], [n2, 'Unassigned']);
      assert.equal(back.DeletionTimestamp, undefined);

      assert.deepEqual(ok(await cli(['get-user-settings', ...user])), {
        UserSettings: { Telephony: { InboundCalling: true, OutboundCalling: false, SMS: true } },
      });
      assert.equal(ok(await cli(['disassociate-phone-number-from-user', ...user])), undefined);
      await server().runJobs(); // the carrier takes the new calling name

      const [batchDeleted, userAfter, settingsAfter] = await Promise.all([
        cli(['batch-delete-phone-number', '--phone-number-ids', n1!, n2!, '+12065550199']),
        cli(['get-user', ...user]),
        cli(['get-user-settings', ...user]),
      ]);
      assert.deepEqual(
        ok(batchDeleted).PhoneNumberErrors.map((e: any) => [e.PhoneNumberId, e.ErrorCode]),
        [['+12065550199', 'NotFound']],
      );
      assert.equal(ok(userAfter).User.PrimaryProvisionedNumber, undefined);
      // Without a number the user can neither call nor text.
      assert.deepEqual(ok(settingsAfter).UserSettings.Telephony, {
        InboundCalling: false,
        OutboundCalling: false,
        SMS: false,
      });

      // The whole inventory: the deletion queue, the applied calling name, the batch's product type.
      const all = ok(await cli(['list-phone-numbers'])).PhoneNumbers;
      assert.deepEqual(
        all
          .map((n: any) => [n.E164PhoneNumber, n.Status, n.ProductType, n.CallingNameStatus, n.CallingName])
          .sort(),
        [
          [n1, 'DeleteInProgress', 'BusinessCalling', 'Unassigned', undefined],
          [n2, 'DeleteInProgress', 'BusinessCalling', 'Unassigned', undefined],
          [n3, 'Unassigned', 'BusinessCalling', 'UpdateSucceeded', 'Front Desk'],
          [free, 'Unassigned', 'SipMediaApplicationDialIn', 'Unassigned', undefined],
        ],
      );
      for (const n of all.filter((n: any) => n.Status === 'DeleteInProgress'))
        assert.ok(n.DeletionTimestamp, `${n.E164PhoneNumber} shows when it was deleted`);
    });
  },
  {},
  { skip },
);
