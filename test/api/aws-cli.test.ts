import assert from 'node:assert/strict';
import { it } from 'node:test';
import { awsCliUnavailable, cliFor, fails, ok } from '../helpers/aws-cli.js';
import { eachDialect } from '../helpers/suite.js';

// The real AWS CLI v2 signs differently from the SDK (no x-amz-content-sha256, its own query
// order, auto-pagination), so these walk the account commands through it. Each call costs about
// a second: one scenario per suite, not one test per command.
const skip = awsCliUnavailable();

await eachDialect(
  'aws cli: accounts',
  (server) => {
    const cli = cliFor(server);

    it('walks through every account command', async () => {
      const created = ok(await cli(['create-account', '--name', 'Alpha + Café'])).Account;
      assert.equal(created.Name, 'Alpha + Café');
      assert.equal(created.AccountType, 'Team');
      assert.equal(created.AccountStatus, 'Active');
      assert.equal(created.DefaultLicense, 'Pro');
      assert.deepEqual(created.SupportedLicenses, ['Basic', 'Pro']);
      // The CLI reformats timestamps (microseconds, +00:00): the value must survive the round trip.
      assert.equal(new Date(created.CreatedTimestamp).toISOString(), server().clock.now().toISOString());
      const id: string = created.AccountId;
      const beta: string = ok(await cli(['create-account', '--name', 'Beta Team'])).Account.AccountId;

      // Spaces, '+' and non-ASCII in the query must be canonicalised as the CLI signed them.
      const byName = ok(await cli(['list-accounts', '--name', 'Alpha + Café'])).Accounts;
      assert.deepEqual(
        byName.map((a: any) => a.AccountId),
        [id],
      );
      // --max-results turns the CLI's paging off: one account and a token for the rest.
      const firstPage = ok(await cli(['list-accounts', '--max-results', '1']));
      assert.equal(firstPage.Accounts.length, 1);
      assert.ok(firstPage.NextToken);
      // --page-size 1 makes the CLI follow NextToken itself until every account is printed.
      const everyPage = ok(await cli(['list-accounts', '--page-size', '1']));
      assert.deepEqual(everyPage.Accounts.map((a: any) => a.AccountId).sort(), [id, beta].sort());
      assert.equal(everyPage.NextToken, undefined);

      const updated = ok(
        await cli([
          'update-account',
          '--account-id',
          id,
          '--name',
          'Alpha Renamed',
          '--default-license',
          'Basic',
        ]),
      ).Account;
      assert.equal(updated.Name, 'Alpha Renamed');
      assert.equal(updated.DefaultLicense, 'Basic');

      const update = await cli([
        'update-account-settings',
        '--account-id',
        id,
        '--account-settings',
        'DisableRemoteControl=true,EnableDialOut=false',
      ]);
      assert.equal(ok(update), undefined);
      assert.deepEqual(ok(await cli(['get-account-settings', '--account-id', id])), {
        AccountSettings: { DisableRemoteControl: true, EnableDialOut: false },
      });

      ok(
        await cli([
          'associate-signin-delegate-groups-with-account',
          '--account-id',
          id,
          '--signin-delegate-groups',
          'GroupName=Engineering',
          'GroupName=Sales',
        ]),
      );
      ok(
        await cli([
          'disassociate-signin-delegate-groups-from-account',
          '--account-id',
          id,
          '--group-names',
          'Sales',
        ]),
      );

      // Any region signs and is accepted; the endpoint is what matters.
      const got = ok(await cli(['get-account', '--account-id', id], undefined, 'eu-west-1')).Account;
      assert.equal(got.Name, 'Alpha Renamed');
      assert.equal(got.DefaultLicense, 'Basic');
      assert.deepEqual(got.SigninDelegateGroups, [{ GroupName: 'Engineering' }]);
      assert.equal(got.CreatedTimestamp, created.CreatedTimestamp);

      assert.equal(ok(await cli(['delete-account', '--account-id', beta])), undefined);
      const remaining = ok(await cli(['list-accounts'])).Accounts;
      assert.deepEqual(
        remaining.map((a: any) => a.AccountId),
        [id],
      );
      assert.equal(ok(await cli(['get-account', '--account-id', beta])).Account.AccountStatus, 'Suspended');
    });

    it('prints service errors and refuses bad or weak keys', async () => {
      const readOnly = await server().createKey('ReadOnly');
      const [missing, badSecret, readList, readCreate] = await Promise.all([
        cli(['get-account', '--account-id', 'no-such-account']),
        cli(['list-accounts'], { ...server().operator, secretAccessKey: 'not-the-secret' }),
        cli(['list-accounts'], readOnly),
        cli(['create-account', '--name', 'Not Allowed'], readOnly),
      ]);
      fails(missing, 'NotFoundException');
      assert.notEqual(badSecret.code, 0);
      assert.match(badSecret.stderr, /InvalidSignatureException/);
      assert.equal(badSecret.stdout, '');
      // The first test left one active account: a ReadOnly key sees it but cannot add another.
      assert.equal(ok(readList).Accounts.length, 1);
      fails(readCreate, 'ForbiddenException');
      assert.equal(ok(await cli(['list-accounts', '--name', 'Not Allowed'])).Accounts.length, 0);
    });
  },
  {},
  { skip },
);
