import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import {
  BatchSuspendUserCommand,
  DeleteAccountCommand,
  DeletePhoneNumberCommand,
  GetAccountCommand,
  GetPhoneNumberCommand,
  GetUserCommand,
  GetUserSettingsCommand,
  ListPhoneNumbersCommand,
  NotFoundException,
  UpdateUserSettingsCommand,
  type ChimeClient,
} from '@aws-sdk/client-chime';
import type { AuditEvent } from '../../src/api/chime/extensions.js';
import { DAY_MS } from '../../src/lib/clock.js';
import { updatePhoneNumber } from '../../src/store/phone-numbers.js';
import { updateUser } from '../../src/store/users.js';
import { newAccountId } from '../helpers/accounts.js';
import { startTestDns } from '../helpers/dns.js';
import { domainApi, effectsOf, verifiedDomain } from '../helpers/domains.js';
import { signedUpMember, type SignedUpMember } from '../helpers/members.js';
import { giveNumber } from '../helpers/phone-numbers.js';
import { rejectsWith } from '../helpers/sdk-errors.js';
import { signedFetch } from '../helpers/signed-fetch.js';
import { eachDialect } from '../helpers/suite.js';

const dns = await startTestDns();
after(() => dns.close());

const ALL_ON = { InboundCalling: true, OutboundCalling: true, SMS: true };
const ALL_OFF = { InboundCalling: false, OutboundCalling: false, SMS: false };

async function numberOf(chime: ChimeClient, e164: string) {
  return (await chime.send(new GetPhoneNumberCommand({ PhoneNumberId: e164 }))).PhoneNumber!;
}

async function numbersOfAccount(chime: ChimeClient, accountId: string): Promise<string[]> {
  const listed = await chime.send(
    new ListPhoneNumbersCommand({ FilterName: 'AccountId', FilterValue: accountId, MaxResults: 99 }),
  );
  return listed.PhoneNumbers!.map((n) => n.E164PhoneNumber!);
}

await eachDialect(
  'account deletion and phone numbers',
  (server) => {
    const restore = (accountId: string) =>
      signedFetch(server().url, server().operator, {
        method: 'POST',
        path: `/accounts/${encodeURIComponent(accountId)}`,
        query: { operation: 'restore' },
      });
    const accountEvents = async (accountId: string, operation: string) => {
      const response = await signedFetch(server().url, server().operator, {
        method: 'GET',
        path: `/accounts/${encodeURIComponent(accountId)}/audit-events`,
        query: { 'operation-name': operation },
      });
      assert.equal(response.status, 200, JSON.stringify(response.json));
      return response.json.AuditEvents as AuditEvent[];
    };
    /** The events of a change that name a phone number: what it gave back, and from whom. */
    const freedIn = (events: AuditEvent[]) =>
      events
        .filter((e) => e.TargetType === 'PhoneNumber')
        .map((e) => [e.Outcome, e.TargetId, e.UserId, e.Details]);

    /**
     * An EnterpriseLWA account made through a really verified domain, whose domain is released
     * again: a member whose address is on another domain stays Registered, with a number and
     * telephony on, so nothing stands in the way of DeleteAccount.
     */
    async function emptiedEnterpriseWithNumber(chime: ChimeClient) {
      const accountId = await newAccountId(chime);
      const member: SignedUpMember = await signedUpMember(server(), { accountId });
      const domain = await verifiedDomain(server(), dns, accountId);
      const { Account } = await chime.send(new GetAccountCommand({ AccountId: accountId }));
      assert.equal(Account?.AccountType, 'EnterpriseLWA');
      const e164 = await giveNumber(server(), chime, accountId, member.userId);
      await chime.send(
        new UpdateUserSettingsCommand({
          AccountId: accountId,
          UserId: member.userId,
          UserSettings: { Telephony: ALL_ON },
        }),
      );
      assert.deepEqual(effectsOf(await domainApi(server()).release(accountId, domain)), []);
      return { accountId, member, e164 };
    }

    it("DeleteAccount returns its remaining members' numbers to the inventory as Unassigned, audited; a restore does not give them back", async () => {
      const chime = server().client();
      const { accountId, member, e164 } = await emptiedEnterpriseWithNumber(chime);
      assert.equal((await numberOf(chime, e164)).Status, 'Assigned');

      const deleted = await chime.send(new DeleteAccountCommand({ AccountId: accountId }));
      assert.equal(deleted.$metadata.httpStatusCode, 204);
      const number = await numberOf(chime, e164);
      assert.equal(number.Status, 'Unassigned');
      assert.deepEqual(number.Associations, []);
      assert.deepEqual(await numbersOfAccount(chime, accountId), []);
      const user = (await chime.send(new GetUserCommand({ AccountId: accountId, UserId: member.userId })))
        .User!;
      assert.equal(user.PrimaryProvisionedNumber, undefined);
      const [deletion] = await accountEvents(accountId, 'DeleteAccount').then((events) =>
        events.filter((e) => e.TargetType === 'Account'),
      );
      assert.equal(deletion?.RequestId, deleted.$metadata.requestId);
      assert.equal(deletion?.Details?.freedNumbers, 1);
      assert.deepEqual(freedIn(await accountEvents(accountId, 'DeleteAccount')), [
        ['Success', e164, member.userId, { status: 'Unassigned' }],
      ]);

      // Back, but without the number, and with telephony off as any user without one.
      assert.equal((await restore(accountId)).status, 200);
      const settings = await chime.send(
        new GetUserSettingsCommand({ AccountId: accountId, UserId: member.userId }),
      );
      assert.deepEqual(settings.UserSettings?.Telephony, ALL_OFF);
      assert.equal((await numberOf(chime, e164)).Status, 'Unassigned');
      assert.deepEqual(await numbersOfAccount(chime, accountId), []);
      // The operator's again: it can be deleted (before, AssociationsExist).
      await chime.send(new DeletePhoneNumberCommand({ PhoneNumberId: e164 }));
      assert.equal((await numberOf(chime, e164)).Status, 'DeleteInProgress');
    });

    it('a Team account is deleted only once empty, and removing its members freed their numbers', async () => {
      const chime = server().client();
      const accountId = await newAccountId(chime);
      const member = await signedUpMember(server(), { accountId });
      const e164 = await giveNumber(server(), chime, accountId, member.userId);
      await chime.send(new BatchSuspendUserCommand({ AccountId: accountId, UserIdList: [member.userId] }));
      await chime.send(new DeleteAccountCommand({ AccountId: accountId }));
      assert.deepEqual(freedIn(await accountEvents(accountId, 'DeleteAccount')), []);
      assert.equal((await numberOf(chime, e164)).Status, 'Unassigned');
      assert.deepEqual(await numbersOfAccount(chime, accountId), []);
    });

    // Moves the suite's clock past the retention period, so it runs last.
    it('the purge frees a number still pointing at the account or its user, so none points at a purged one', async () => {
      const chime = server().client();
      const { accountId, member, e164 } = await emptiedEnterpriseWithNumber(chime);
      await chime.send(new DeleteAccountCommand({ AccountId: accountId }));
      // As an account deleted before DeleteAccount freed numbers left it: still Assigned.
      const at = server().clock.now().toISOString();
      await updatePhoneNumber(server().services.db, e164, {
        status: 'Assigned',
        accountId,
        userId: member.userId,
        associatedAt: at,
        updatedAt: at,
      });
      await updateUser(server().services.db, accountId, member.userId, {
        primaryProvisionedNumber: e164,
        updatedAt: at,
      });
      assert.equal((await numberOf(chime, e164)).Status, 'Assigned');

      server().clock.advance(90 * DAY_MS + 60_000);
      assert.ok((await server().runJobs()) >= 1);
      await rejectsWith(
        chime.send(new GetAccountCommand({ AccountId: accountId })),
        NotFoundException,
        /not found/,
      );
      const number = await numberOf(chime, e164);
      assert.equal(number.Status, 'Unassigned');
      assert.deepEqual(number.Associations, []);
      assert.deepEqual(await numbersOfAccount(chime, accountId), []);
      assert.deepEqual(freedIn(await accountEvents(accountId, 'PurgeAccount')), [
        ['Success', e164, member.userId, { status: 'Unassigned' }],
      ]);
      await chime.send(new DeletePhoneNumberCommand({ PhoneNumberId: e164 }));
      assert.equal((await numberOf(chime, e164)).Status, 'DeleteInProgress');
    });
  },
  { DNS_SERVERS: dns.address },
);
