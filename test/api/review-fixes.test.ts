import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  CreateUserCommand,
  InviteUsersCommand,
  ListUsersCommand,
  LogoutUserCommand,
} from '@aws-sdk/client-chime';
import type { AuditEvent } from '../../src/api/chime/extensions.js';
import { DAY_MS } from '../../src/lib/clock.js';
import { findLiveSession, insertBrowserSession, insertIdentity } from '../../src/store/identities.js';
import { findPhoneNumber, updatePhoneNumber } from '../../src/store/phone-numbers.js';
import { newAccountId, uniqueEmail } from '../helpers/accounts.js';
import { importedNumber } from '../helpers/phone-numbers.js';
import { signedFetch } from '../helpers/signed-fetch.js';
import { eachDialect } from '../helpers/suite.js';

// Defects a review found; each test fails without its fix.
await eachDialect('review fixes', (server) => {
  it("a pending invitee's LogoutUser does not reach the identity that owns the address", async () => {
    const email = uniqueEmail();
    const at = server().clock.now().toISOString();
    const identityId = server().services.ids.uuid();
    await insertIdentity(server().services.db, {
      id: identityId,
      email,
      passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$x$y',
      emailVerifiedAt: at,
      proTrialEndsAt: undefined,
      createdAt: at,
      updatedAt: at,
    });
    const later = new Date(Date.now() + DAY_MS).toISOString();
    await insertBrowserSession(server().services.db, {
      idHash: `victim-${identityId}`,
      identityId,
      createdAt: at,
      expiresAt: later,
      revokedAt: undefined,
    });
    // Another account's admin invites that address and "logs out" the pending invitee.
    const chime = server().client();
    const accountId = await newAccountId(chime);
    await chime.send(new InviteUsersCommand({ AccountId: accountId, UserEmailList: [email] }));
    const { Users } = await chime.send(new ListUsersCommand({ AccountId: accountId, UserEmail: email }));
    await chime.send(new LogoutUserCommand({ AccountId: accountId, UserId: Users![0]!.UserId }));
    const live = (await findLiveSession(server().services.db, `victim-${identityId}`, at))?.identity;
    assert.equal(live?.id, identityId, "the address owner's session survives");
  });

  it("files a scoped key's refused attempt on another account in its own account's trail", async () => {
    const chime = server().client();
    const own = await newAccountId(chime);
    const other = await newAccountId(chime);
    const scoped = await server().createKey('FullAccess', own);
    const refused = await signedFetch(server().url, scoped, {
      method: 'POST',
      path: `/accounts/${other}`,
      query: { operation: 'associate-signin-delegate-groups' },
      body: { SigninDelegateGroups: [{ GroupName: 'planted' }] },
    });
    assert.equal(refused.status, 403);
    const trail = async (accountId: string) =>
      (
        await signedFetch(server().url, server().operator, {
          method: 'GET',
          path: `/accounts/${accountId}/audit-events`,
        })
      ).json.AuditEvents as AuditEvent[];
    assert.ok(
      !(await trail(other)).some((e) => e.Outcome === 'Failure'),
      'nothing planted in the other trail',
    );
    const mine = (await trail(own)).find((e) => e.Outcome === 'Failure');
    assert.equal(mine?.Details?.attemptedAccountId, other);
  });

  it('refuses a query key given twice rather than running one of its meanings', async () => {
    const accountId = await newAccountId(server().client());
    const email = uniqueEmail();
    const response = await signedFetch(server().url, server().operator, {
      method: 'POST',
      path: `/accounts/${accountId}/users`,
      query: { operation: ['create', 'add'] },
      body: { Email: email },
    });
    assert.equal(response.status, 400);
    assert.equal(response.errorType, 'BadRequestException');
    assert.match(response.json.Message, /operation is given more than once/);
    const { Users } = await server()
      .client()
      .send(new ListUsersCommand({ AccountId: accountId, UserEmail: email }));
    assert.deepEqual(Users, []);
  });

  it('answers a URL that cannot be decoded in the Chime error format', async () => {
    const response = await fetch(`${server().url}/accounts/%E0%A4%A`);
    assert.equal(response.status, 400);
    assert.equal(response.headers.get('x-amzn-errortype'), 'BadRequestException');
    assert.ok(response.headers.get('x-amzn-requestid'));
    const body = (await response.json()) as { Code: string; Message: string };
    assert.equal(body.Code, 'BadRequest');
    assert.ok(body.Message);
  });

  it('refuses to restore a number the release job has claimed, and releases it', async () => {
    const number = await importedNumber(server());
    await signedFetch(server().url, server().operator, {
      method: 'DELETE',
      path: `/phone-numbers/${encodeURIComponent(number)}`,
    });
    // The job claims the number as its release time comes (simulated: the claimed state).
    await updatePhoneNumber(server().services.db, number, {
      status: 'ReleaseInProgress',
      updatedAt: new Date().toISOString(),
    });
    const restore = await signedFetch(server().url, server().operator, {
      method: 'POST',
      path: `/phone-numbers/${encodeURIComponent(number)}`,
      query: { operation: 'restore' },
    });
    assert.equal(restore.status, 409);
    server().clock.advance(8 * DAY_MS);
    await server().runJobs();
    assert.equal(await findPhoneNumber(server().services.db, number), undefined);
  });

  it('registers an address in one account only, even when accounts race for it', async () => {
    const email = uniqueEmail();
    const accounts = await Promise.all([1, 2, 3, 4].map(() => newAccountId(server().client())));
    const results = await Promise.allSettled(
      accounts.map((AccountId) =>
        server()
          .client()
          .send(new CreateUserCommand({ AccountId, Email: email })),
      ),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results)
      if (r.status === 'rejected') assert.equal((r.reason as Error).name, 'ConflictException');
  });
});
