import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { AuditEvent } from '../../src/api/chime/extensions.js';
import {
  chimeUsers,
  enterpriseAccount,
  GROUP,
  LIST,
  mapGroups,
  mintToken,
  patchOp,
  scimClient,
  USER,
  type ScimClient,
} from '../helpers/scim.js';
import type { TestServer } from '../helpers/server.js';
import { signedFetch } from '../helpers/signed-fetch.js';
import { eachDialect } from '../helpers/suite.js';

/**
 * Okta provisioning, request by request, as Okta's SCIM 2.0 reference describes it: the lookup by
 * userName before every create, the create (password and `groups: []` included), reads by id,
 * deactivation by a path-less replace and by PUT, reactivation, group push (create with members,
 * member add and remove by filter path, a rename carrying the read-only id, remove and add in one
 * PATCH, the whole list replaced) and what each does to the Belfry user, seen through Chime.
 */
await eachDialect('Okta conversation', (server) => {
  let accountId: string;
  let domain: string;
  let tokenId: string;
  let okta: ScimClient;
  let aliceId: string;
  let bobId: string;
  let groupId: string;
  const alice = () => `alice@${domain}`;
  const bob = () => `bob@${domain}`;

  before(async () => {
    ({ accountId, domain } = await enterpriseAccount(server()));
    // the token first: it makes the account EnterpriseOIDC, whose groups may then be mapped
    const minted = await mintToken(server(), accountId, 'okta');
    tokenId = minted.tokenId;
    okta = scimClient(server(), minted.token);
    await mapGroups(server(), accountId, [
      { GroupName: 'chime-pro', Tier: 'Pro' },
      { GroupName: 'chime-basic', Tier: 'Basic' },
    ]);
  });

  const oktaUser = (userName: string, given: string, active = true) => ({
    schemas: [USER],
    userName,
    name: { givenName: given, familyName: 'Example' },
    emails: [{ primary: true, value: userName, type: 'work' }],
    displayName: `${given} Example`,
    locale: 'en-US',
    externalId: `00u${given}`,
    groups: [],
    password: 'tDmvHOU6c9',
    active,
  });

  it('looks the user up by userName (no match is 200 with totalResults 0), then creates them, password ignored', async () => {
    const lookup = await okta.get(
      `/Users?filter=${encodeURIComponent(`userName eq "${alice()}"`)}&startIndex=1&count=100`,
    );
    assert.equal(lookup.status, 200);
    assert.deepEqual(lookup.body?.schemas, [LIST]);
    assert.equal(lookup.body?.totalResults, 0);
    assert.deepEqual(lookup.body?.Resources, []);

    const created = await okta.post('/Users', oktaUser(alice(), 'Alice'));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.match(created.headers.get('content-type') ?? '', /^application\/scim\+json/);
    aliceId = created.body?.id;
    assert.ok(aliceId);
    assert.equal(created.body?.userName, alice());
    assert.equal(created.body?.active, true);
    assert.equal(created.body?.password, undefined, 'a password is never kept or answered');
    assert.equal(created.body?.meta?.resourceType, 'User');
    assert.equal(created.body?.meta?.version, 'W/"1"');
    assert.equal(created.headers.get('etag'), 'W/"1"');
    assert.match(created.headers.get('location') ?? '', new RegExp(`/scim/v2/Users/${aliceId}$`));

    // in no group mapped to a tier yet: listed, Suspended, until the group push arrives
    const listed = (await chimeUsers(server(), accountId)).get(alice());
    assert.ok(listed, 'the user is listed from the first push');
    assert.equal(listed.UserRegistrationStatus, 'Suspended');

    const again = await okta.get(
      `/Users?filter=${encodeURIComponent(`userName eq "${alice().toUpperCase()}"`)}`,
    );
    assert.equal(again.body?.totalResults, 1, 'userName compares without case');
    assert.equal(again.body?.Resources[0].id, aliceId);
  });

  it('pushes a group with members: its mapping gives the tier and restores the user', async () => {
    const pushed = await okta.post('/Groups', {
      schemas: [GROUP],
      displayName: 'chime-pro',
      members: [{ value: aliceId, display: alice() }],
    });
    assert.equal(pushed.status, 201, JSON.stringify(pushed.body));
    groupId = pushed.body?.id;
    assert.deepEqual(
      pushed.body?.members.map((m: { value: string }) => m.value),
      [aliceId],
    );
    const user = (await chimeUsers(server(), accountId)).get(alice())!;
    assert.equal(user.UserRegistrationStatus, 'Unregistered');
    assert.equal(user.LicenseType, 'Pro');

    const read = await okta.get(`/Users/${aliceId}`);
    assert.equal(read.status, 200);
    assert.deepEqual(
      read.body?.groups.map((g: { value: string; display: string }) => [g.value, g.display]),
      [[groupId, 'chime-pro']],
    );
  });

  it('deactivates with a path-less replace (suspended, signed out) and reactivates the same user', async () => {
    const before = (await chimeUsers(server(), accountId)).get(alice())!;
    const off = await okta.patch(`/Users/${aliceId}`, patchOp({ op: 'replace', value: { active: false } }));
    assert.equal(off.status, 200, JSON.stringify(off.body));
    assert.equal(off.body?.active, false);
    assert.equal(off.body?.meta?.version, 'W/"2"');
    assert.equal((await chimeUsers(server(), accountId)).get(alice())!.UserRegistrationStatus, 'Suspended');
    // signed out everywhere: every token issued before now is dead
    const row = await server()
      .database.db.selectFrom('users')
      .select('sessions_revoked_at')
      .where('id', '=', before.UserId!)
      .executeTakeFirstOrThrow();
    assert.ok(row.sessions_revoked_at, 'sessions revoked');
    const inactive = await okta.get(`/Users?filter=${encodeURIComponent(`userName eq "${alice()}"`)}`);
    assert.equal(inactive.body?.Resources[0].active, false, 'inactive users are still found');

    const on = await okta.patch(`/Users/${aliceId}`, patchOp({ op: 'replace', value: { active: true } }));
    assert.equal(on.status, 200);
    const after = (await chimeUsers(server(), accountId)).get(alice())!;
    assert.equal(after.UserId, before.UserId, 'the same Belfry user');
    assert.equal(after.UserRegistrationStatus, 'Unregistered');
    assert.equal(after.LicenseType, 'Pro');
  });

  it('pushes the profile with PUT, deactivation included, and back', async () => {
    const renamed = { ...oktaUser(alice(), 'Alicia'), id: aliceId };
    const put = await okta.put(`/Users/${aliceId}`, renamed);
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(put.body?.name?.givenName, 'Alicia');
    assert.equal((await chimeUsers(server(), accountId)).get(alice())!.DisplayName, 'Alicia Example');
    const off = await okta.put(`/Users/${aliceId}`, { ...renamed, active: false });
    assert.equal(off.status, 200);
    assert.equal((await chimeUsers(server(), accountId)).get(alice())!.UserRegistrationStatus, 'Suspended');
    await okta.put(`/Users/${aliceId}`, renamed);
    assert.equal(
      (await chimeUsers(server(), accountId)).get(alice())!.UserRegistrationStatus,
      'Unregistered',
    );
  });

  it('adds and removes members by PATCH (204), removal by filter path', async () => {
    const created = await okta.post('/Users', oktaUser(bob(), 'Bob'));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    bobId = created.body?.id;
    const add = await okta.patch(
      `/Groups/${groupId}`,
      patchOp({ op: 'add', path: 'members', value: [{ value: bobId, display: bob() }] }),
    );
    assert.equal(add.status, 204, JSON.stringify(add.body));
    assert.equal(add.body, undefined);
    assert.equal((await chimeUsers(server(), accountId)).get(bob())!.LicenseType, 'Pro');
    assert.equal((await chimeUsers(server(), accountId)).get(bob())!.UserRegistrationStatus, 'Unregistered');

    const remove = await okta.patch(
      `/Groups/${groupId}`,
      patchOp({ op: 'remove', path: `members[value eq "${bobId}"]` }),
    );
    assert.equal(remove.status, 204, JSON.stringify(remove.body));
    const users = await chimeUsers(server(), accountId);
    assert.equal(users.get(bob())!.UserRegistrationStatus, 'Suspended', 'no tier group, no sign-in');
    assert.equal(users.get(alice())!.UserRegistrationStatus, 'Unregistered', 'the others stay');
  });

  it('mixes a remove and an add in one PATCH, and replaces the whole member list', async () => {
    const mixed = await okta.patch(
      `/Groups/${groupId}`,
      patchOp(
        { op: 'remove', path: 'members', value: [{ value: aliceId }] },
        { op: 'add', path: 'members', value: [{ value: bobId }] },
      ),
    );
    assert.equal(mixed.status, 204, JSON.stringify(mixed.body));
    let users = await chimeUsers(server(), accountId);
    assert.equal(users.get(alice())!.UserRegistrationStatus, 'Suspended');
    assert.equal(users.get(bob())!.UserRegistrationStatus, 'Unregistered');

    const replaced = await okta.patch(
      `/Groups/${groupId}`,
      patchOp({ op: 'replace', path: 'members', value: [{ value: aliceId }, { value: bobId }] }),
    );
    assert.equal(replaced.status, 204, JSON.stringify(replaced.body));
    users = await chimeUsers(server(), accountId);
    assert.equal(users.get(alice())!.UserRegistrationStatus, 'Unregistered');
    assert.equal(users.get(bob())!.LicenseType, 'Pro');
    const group = await okta.get(`/Groups/${groupId}`);
    assert.equal(group.body?.members.length, 2);
  });

  it('renames the group with a replace carrying its id: the members take the tier of the new name', async () => {
    const rename = await okta.patch(
      `/Groups/${groupId}`,
      patchOp({ op: 'replace', value: { id: groupId, displayName: 'chime-basic' } }),
    );
    assert.equal(rename.status, 204, JSON.stringify(rename.body));
    const users = await chimeUsers(server(), accountId);
    assert.equal(users.get(alice())!.LicenseType, 'Basic');
    assert.equal(users.get(bob())!.LicenseType, 'Basic');
    const group = await okta.get(`/Groups/${groupId}?excludedAttributes=members`);
    assert.equal(group.body?.displayName, 'chime-basic');
    assert.equal(group.body?.members, undefined);
  });

  it('explains the tier by the SCIM group, and audits every change with the token as the actor', async () => {
    const alices = (await chimeUsers(server(), accountId)).get(alice())!;
    const explained = await signedFetch(server().url, server().operator, {
      method: 'GET',
      path: `/accounts/${accountId}/directory/explain`,
      query: { user: alices.UserId! },
    });
    assert.equal(explained.status, 200, JSON.stringify(explained.json));
    const explanation = explained.json.Explanation as { Chains: { Path: string[] }[]; CanSignIn: boolean };
    assert.equal(explanation.CanSignIn, true);
    assert.deepEqual(explanation.Chains[0]!.Path, [alice(), 'chime-basic']);
    const summary = (explained.json.Explanation as { Summary: string }).Summary;
    assert.match(summary, new RegExp(`Last changed over SCIM by scim-token/${tokenId} \\(okta\\)`));

    const events = await auditEvents(server(), accountId);
    const scimEvents = events.filter((e) => e.Operation.startsWith('Scim'));
    assert.ok(scimEvents.length > 0);
    for (const e of scimEvents) assert.equal(e.Principal, `scim-token/${tokenId} (okta)`);
    const suspension = scimEvents.find(
      (e) => e.UserId === alices.UserId && (e.Details as { action?: string })?.action === 'suspend',
    );
    assert.ok(suspension, 'the suspension is an item of the SCIM change');
  });

  it('refuses manual tier changes and BatchSuspendUser in the account', async () => {
    const alices = (await chimeUsers(server(), accountId)).get(alice())!;
    const suspend = await signedFetch(server().url, server().operator, {
      method: 'POST',
      path: `/accounts/${accountId}/users`,
      query: { operation: 'suspend' },
      body: { UserIdList: [alices.UserId] },
    });
    assert.equal(suspend.status, 200, JSON.stringify(suspend.json));
    const errors = suspend.json.UserErrors as { ErrorMessage: string }[];
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.ErrorMessage, /identity provider/);
    const tier = await signedFetch(server().url, server().operator, {
      method: 'POST',
      path: `/accounts/${accountId}/users/${alices.UserId}`,
      body: { LicenseType: 'Pro' },
    });
    assert.ok(tier.status >= 400, JSON.stringify(tier.json));
    assert.equal((await chimeUsers(server(), accountId)).get(alice())!.LicenseType, 'Basic');
  });
});

async function auditEvents(server: TestServer, accountId: string): Promise<AuditEvent[]> {
  const response = await signedFetch(server.url, server.operator, {
    method: 'GET',
    path: `/accounts/${accountId}/audit-events`,
    query: { 'max-results': '200' },
  });
  assert.equal(response.status, 200, JSON.stringify(response.json));
  return response.json.AuditEvents as AuditEvent[];
}
