import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import {
  BatchSuspendUserCommand,
  BatchUnsuspendUserCommand,
  DeleteAccountCommand,
  GetAccountCommand,
  GetUserCommand,
  NotFoundException,
  UnprocessableEntityException,
  type ChimeClient,
} from '@aws-sdk/client-chime';
import { updateAccount } from '../../src/store/accounts.js';
import { findIdentityByEmail } from '../../src/store/identities.js';
import { newAccountId, uniqueSuffix } from '../helpers/accounts.js';
import { startTestDns } from '../helpers/dns.js';
import { domainApi, domainOf, effectsOf, uniqueDomain, verifiedDomain } from '../helpers/domains.js';
import { MEMBER_PASSWORD, signedUpMember } from '../helpers/members.js';
import { rejectsWith } from '../helpers/sdk-errors.js';
import { eachDialect } from '../helpers/suite.js';

const dns = await startTestDns();
after(() => dns.close());

const status = async (chime: ChimeClient, accountId: string, userId: string) =>
  (await chime.send(new GetUserCommand({ AccountId: accountId, UserId: userId }))).User
    ?.UserRegistrationStatus;

await eachDialect(
  'claimed domains: conversion and release',
  (server) => {
    it('turns a Team account into EnterpriseLWA, where BatchSuspendUser suspends and BatchUnsuspendUser restores', async () => {
      const chime = server().client();
      const accountId = await newAccountId(chime);
      const [removed, kept] = [
        await signedUpMember(server(), { accountId }),
        await signedUpMember(server(), { accountId }),
      ];
      // Team: suspending removes.
      await chime.send(new BatchSuspendUserCommand({ AccountId: accountId, UserIdList: [removed.userId] }));
      await rejectsWith(
        chime.send(new GetUserCommand({ AccountId: accountId, UserId: removed.userId })),
        NotFoundException,
        /not found/,
      );
      await verifiedDomain(server(), dns, accountId);
      const { Account } = await chime.send(new GetAccountCommand({ AccountId: accountId }));
      assert.equal(Account?.AccountType, 'EnterpriseLWA');

      const suspended = await chime.send(
        new BatchSuspendUserCommand({ AccountId: accountId, UserIdList: [kept.userId] }),
      );
      assert.deepEqual(suspended.UserErrors, []);
      assert.equal(await status(chime, accountId, kept.userId), 'Suspended');
      await chime.send(new BatchUnsuspendUserCommand({ AccountId: accountId, UserIdList: [kept.userId] }));
      assert.equal(await status(chime, accountId, kept.userId), 'Registered');
    });

    it('previews and releases a domain: signs its people out, Registered become Released, Suspended stay', async () => {
      const chime = server().client();
      const accountId = await newAccountId(chime);
      const api = domainApi(server());
      const name = uniqueDomain();
      const claim = domainOf(await api.claim(accountId, name));
      const [ann, ben] = [
        await signedUpMember(server(), { accountId, email: `ann-${uniqueSuffix()}@${name}` }),
        await signedUpMember(server(), { accountId, email: `ben-${uniqueSuffix()}@${name}` }),
      ];
      const elsewhere = await signedUpMember(server(), { accountId });
      dns.txt.set(claim.TxtRecordName, [claim.TxtRecordValue]);
      await api.verify(accountId, name);
      await chime.send(new BatchSuspendUserCommand({ AccountId: accountId, UserIdList: [ben.userId] }));
      const session = await server().services.identities.signIn(ann.email, MEMBER_PASSWORD, {
        sourceIp: undefined,
      });

      const expected = [
        {
          UserId: ann.userId,
          PrimaryEmail: ann.email,
          RegistrationStatus: 'Registered',
          Outcome: 'Released',
        },
        {
          UserId: ben.userId,
          PrimaryEmail: ben.email,
          RegistrationStatus: 'Suspended',
          Outcome: 'StaysSuspended',
        },
      ].sort((a, b) => a.UserId.localeCompare(b.UserId));
      assert.deepEqual(effectsOf(await api.preview(accountId, name)), expected);
      // The preview changed nothing.
      assert.equal(await status(chime, accountId, ann.userId), 'Registered');
      assert.ok(await server().services.identities.sessionIdentity(session.token));

      assert.deepEqual(effectsOf(await api.release(accountId, name)), expected);
      // Released: out of the account (the answer and the audit trail say what became of her).
      await rejectsWith(status(chime, accountId, ann.userId), NotFoundException, /not found/);
      assert.equal(await status(chime, accountId, ben.userId), 'Suspended');
      assert.equal(await status(chime, accountId, elsewhere.userId), 'Registered');
      assert.equal(await server().services.identities.sessionIdentity(session.token), undefined);
      assert.equal((await api.get(accountId, name)).status, 404);
      assert.deepEqual((await api.list(accountId)).json.Domains, []);
      // Released, Ann signs in as a free user and does not join again.
      await server().services.identities.signIn(ann.email, MEMBER_PASSWORD, { sourceIp: undefined });
      const row = await server()
        .services.db.selectFrom('users')
        .select(['registration_status', 'removed_at'])
        .where('id', '=', ann.userId)
        .executeTakeFirstOrThrow();
      assert.equal(row.registration_status, 'Released');
      assert.ok(row.removed_at);
      assert.ok(await findIdentityByEmail(server().services.db, ann.email));
      // Free again: another account may claim and verify the domain now.
      assert.equal(await verifiedDomain(server(), dns, await newAccountId(chime), name), name);
    });

    it('releases the people of an international domain, whichever form their addresses were given in', async () => {
      const chime = server().client();
      const accountId = await newAccountId(chime);
      const api = domainApi(server());
      const name = `bücher-${uniqueSuffix()}.example`;
      const claim = domainOf(await api.claim(accountId, name));
      assert.match(claim.DomainName, /^xn--/, 'claims are stored in punycode');
      const unicode = await signedUpMember(server(), { accountId, email: `ann-${uniqueSuffix()}@${name}` });
      const ascii = await signedUpMember(server(), {
        accountId,
        email: `bo-${uniqueSuffix()}@${claim.DomainName}`,
      });
      dns.txt.set(claim.TxtRecordName, [claim.TxtRecordValue]);
      await api.verify(accountId, name);
      const released = effectsOf(await api.release(accountId, name));
      assert.deepEqual(released.map((e) => e.UserId).sort(), [unicode.userId, ascii.userId].sort());
      for (const member of [unicode, ascii])
        await rejectsWith(status(chime, accountId, member.userId), NotFoundException, /not found/);
    });

    it('deletes an Enterprise account only once its domains are released', async () => {
      const chime = server().client();
      const accountId = await newAccountId(chime);
      const name = await verifiedDomain(server(), dns, accountId);
      await rejectsWith(
        chime.send(new DeleteAccountCommand({ AccountId: accountId })),
        UnprocessableEntityException,
        new RegExp(`release its claimed domains \\(${name.replace(/\./g, '\\.')}\\)`),
      );
      assert.equal((await domainApi(server()).release(accountId, name)).status, 200);
      await chime.send(new DeleteAccountCommand({ AccountId: accountId }));
      const { Account } = await chime.send(new GetAccountCommand({ AccountId: accountId }));
      assert.equal(Account?.AccountStatus, 'Suspended');
    });

    it('refuses to release the last domain of an account whose directory sign-in depends on it', async () => {
      const chime = server().client();
      const accountId = await newAccountId(chime);
      const api = domainApi(server());
      const name = await verifiedDomain(server(), dns, accountId);
      await updateAccount(server().services.db, accountId, {
        type: 'EnterpriseOIDC',
        updatedAt: new Date().toISOString(),
      });
      const refused = await api.release(accountId, name);
      assert.equal(refused.status, 422); // PreconditionFailed, as DeleteAccount's
      assert.match(refused.json.Message, /directory sign-in depends on it/);
      const second = await verifiedDomain(server(), dns, accountId);
      assert.equal((await api.release(accountId, name)).status, 200);
      assert.equal((await api.release(accountId, second)).status, 422);
    });
  },
  { DNS_SERVERS: dns.address },
);
