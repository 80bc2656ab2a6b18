import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, it } from 'node:test';
import { GetUserCommand } from '@aws-sdk/client-chime';
import {
  chimeUsers,
  ENTERPRISE,
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
import { eachDialect } from '../helpers/suite.js';

/**
 * Microsoft Entra provisioning, request by request, as its "develop a SCIM endpoint" tutorial and
 * "known issues" page describe it: the connection test (Schemas, a random user and group), the
 * lookup by userName, a create with `"active":"True"`, capitalised operations with string
 * booleans, path-less values with dotted and URN keys, an element created by a filter path,
 * groups created empty and filled by PATCH (members with `"$ref": null`), removal by value
 * list, and DELETE after deactivation.
 */
await eachDialect('Entra conversation', (server) => {
  let accountId: string;
  let domain: string;
  let entra: ScimClient;
  let carolId: string;
  let daveId: string;
  let groupId: string;
  const carol = () => `carol@${domain}`;
  const dave = () => `dave@${domain}`;
  const filter = (text: string) => encodeURIComponent(text);

  before(async () => {
    ({ accountId, domain } = await enterpriseAccount(server()));
    entra = scimClient(server(), (await mintToken(server(), accountId, 'entra')).token);
    await mapGroups(server(), accountId, [{ GroupName: 'Chime Basic', Tier: 'Basic' }]);
  });

  const entraUser = (userName: string, given: string) => ({
    schemas: [USER, ENTERPRISE],
    externalId: given.toLowerCase(),
    userName,
    active: 'True',
    emails: [{ primary: true, type: 'work', value: userName }],
    meta: { resourceType: 'User' },
    name: { formatted: `${given} Sample`, familyName: 'Sample', givenName: given },
    roles: [],
    [ENTERPRISE]: { employeeNumber: '1', department: 'Sales', manager: 'mgr-1' },
  });

  it('answers the connection test: Schemas and ResourceTypes as ListResponses, a random user and group', async () => {
    const schemas = await entra.get('/Schemas');
    assert.equal(schemas.status, 200);
    assert.deepEqual(schemas.body?.schemas, [LIST]);
    const ids = schemas.body?.Resources.map((s: { id: string }) => s.id);
    assert.ok(ids.includes(USER) && ids.includes(GROUP) && ids.includes(ENTERPRISE), ids.join());
    const one = await entra.get(`/Schemas/${USER}`);
    assert.equal(one.status, 200);
    assert.equal(one.body?.id, USER);
    const types = await entra.get('/ResourceTypes');
    assert.deepEqual(types.body?.schemas, [LIST]);
    assert.equal((await entra.get('/ResourceTypes/User')).status, 200);
    const config = await entra.get('/ServiceProviderConfig');
    assert.equal(config.status, 200);
    assert.equal(config.body?.patch?.supported, true);

    const randomUser = await entra.get(`/Users?filter=${filter(`userName eq "${randomUUID()}"`)}`);
    assert.equal(randomUser.status, 200);
    assert.equal(randomUser.body?.totalResults, 0);
    const randomGroup = await entra.get(
      `/Groups?excludedAttributes=members&filter=${filter(`displayName eq "${randomUUID()}"`)}`,
    );
    assert.equal(randomGroup.status, 200);
    assert.equal(randomGroup.body?.totalResults, 0);
  });

  it('creates a user sent with "active":"True" and the enterprise extension, manager as a bare string', async () => {
    const lookup = await entra.get(`/Users?filter=${filter(`userName eq "${carol()}"`)}`);
    assert.equal(lookup.body?.totalResults, 0);
    const created = await entra.post('/Users', entraUser(carol(), 'Carol'));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    carolId = created.body?.id;
    assert.equal(created.body?.active, true);
    assert.equal(created.body?.[ENTERPRISE]?.employeeNumber, '1');
    assert.equal(created.body?.[ENTERPRISE]?.manager?.value, 'mgr-1');
    assert.ok(created.body?.schemas.includes(ENTERPRISE));
    const user = (await chimeUsers(server(), accountId)).get(carol());
    assert.ok(user);
    assert.equal(user.UserRegistrationStatus, 'Suspended', 'in no tier group yet');
  });

  it('creates a group empty, then adds members with "$ref": null by a capitalised Add (204)', async () => {
    const created = await entra.post('/Groups', {
      schemas: [GROUP],
      externalId: 'g-basic',
      displayName: 'Chime Basic',
      meta: { resourceType: 'Group' },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    groupId = created.body?.id;
    const add = await entra.patch(
      `/Groups/${groupId}`,
      patchOp({ op: 'Add', path: 'members', value: [{ $ref: null, value: carolId }] }),
    );
    assert.equal(add.status, 204, JSON.stringify(add.body));
    const user = (await chimeUsers(server(), accountId)).get(carol())!;
    assert.equal(user.UserRegistrationStatus, 'Unregistered');
    assert.equal(user.LicenseType, 'Basic');
    const found = await entra.get(
      `/Groups?excludedAttributes=members&filter=${filter('displayName eq "chime basic"')}`,
    );
    assert.equal(found.body?.totalResults, 1, 'displayName compares without case');
    assert.equal(found.body?.Resources[0].members, undefined);
  });

  it('deactivates and reactivates with Replace and string booleans', async () => {
    const off = await entra.patch(
      `/Users/${carolId}`,
      patchOp({ op: 'Replace', path: 'active', value: 'False' }),
    );
    assert.equal(off.status, 200, JSON.stringify(off.body));
    assert.equal(off.body?.active, false);
    assert.equal((await chimeUsers(server(), accountId)).get(carol())!.UserRegistrationStatus, 'Suspended');
    const on = await entra.patch(
      `/Users/${carolId}`,
      patchOp({ op: 'Replace', path: 'active', value: 'True' }),
    );
    assert.equal(on.status, 200, JSON.stringify(on.body));
    assert.equal(
      (await chimeUsers(server(), accountId)).get(carol())!.UserRegistrationStatus,
      'Unregistered',
    );
  });

  it('takes path-less values with dotted and URN keys, and creates an element named by a filter path', async () => {
    const dotted = await entra.patch(
      `/Users/${carolId}`,
      patchOp({
        op: 'Replace',
        value: { 'name.givenName': 'Karol', [`${ENTERPRISE}:employeeNumber`]: '7' },
      }),
    );
    assert.equal(dotted.status, 200, JSON.stringify(dotted.body));
    assert.equal(dotted.body?.name?.givenName, 'Karol');
    assert.equal(dotted.body?.[ENTERPRISE]?.employeeNumber, '7');
    const phone = await entra.patch(
      `/Users/${carolId}`,
      patchOp({ op: 'Add', path: 'phoneNumbers[type eq "work"].value', value: '+1 555 0100' }),
    );
    assert.equal(phone.status, 200, JSON.stringify(phone.body));
    assert.deepEqual(
      phone.body?.phoneNumbers?.map((p: { type: string; value: string }) => [p.type, p.value]),
      [['work', '+1 555 0100']],
    );
  });

  it('accepts a PATCH that changes nothing, leaving the version as it was', async () => {
    const before = await entra.get(`/Users/${carolId}`);
    const same = await entra.patch(
      `/Users/${carolId}`,
      patchOp({ op: 'Replace', path: 'active', value: 'True' }),
    );
    assert.equal(same.status, 200, JSON.stringify(same.body));
    assert.equal(same.body?.meta?.version, before.body?.meta?.version);
  });

  it('removes members by value list, never the whole membership', async () => {
    const created = await entra.post('/Users', entraUser(dave(), 'Dave'));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    daveId = created.body?.id;
    await entra.patch(
      `/Groups/${groupId}`,
      patchOp({ op: 'Add', path: 'members', value: [{ value: daveId }] }),
    );
    assert.equal((await chimeUsers(server(), accountId)).get(dave())!.LicenseType, 'Basic');
    const remove = await entra.patch(
      `/Groups/${groupId}`,
      patchOp({ op: 'Remove', path: 'members', value: [{ value: daveId }] }),
    );
    assert.equal(remove.status, 204, JSON.stringify(remove.body));
    const users = await chimeUsers(server(), accountId);
    assert.equal(users.get(dave())!.UserRegistrationStatus, 'Suspended');
    assert.equal(users.get(carol())!.UserRegistrationStatus, 'Unregistered', 'carol stays a member');
    const group = await entra.get(`/Groups/${groupId}`);
    assert.deepEqual(
      group.body?.members.map((m: { value: string }) => m.value),
      [carolId],
    );
  });

  it('deletes after deactivating: the Belfry user leaves the account, the resource is gone', async () => {
    const userId = (await chimeUsers(server(), accountId)).get(dave())!.UserId!;
    await entra.patch(`/Users/${daveId}`, patchOp({ op: 'Replace', path: 'active', value: 'False' }));
    const deleted = await entra.delete(`/Users/${daveId}`);
    assert.equal(deleted.status, 204);
    assert.equal((await entra.get(`/Users/${daveId}`)).status, 404);
    assert.equal((await chimeUsers(server(), accountId)).get(dave()), undefined);
    await assert.rejects(
      server()
        .client()
        .send(new GetUserCommand({ AccountId: accountId, UserId: userId })),
      (error: Error) => error.name === 'NotFoundException',
    );
    const lookup = await entra.get(`/Users?filter=${filter(`userName eq "${dave()}"`)}`);
    assert.equal(lookup.body?.totalResults, 0);
  });

  it('deletes a group: its former members lose the tier it gave', async () => {
    const deleted = await entra.delete(`/Groups/${groupId}`);
    assert.equal(deleted.status, 204);
    assert.equal((await entra.get(`/Groups/${groupId}`)).status, 404);
    const user = (await chimeUsers(server(), accountId)).get(carol())!;
    assert.equal(user.UserRegistrationStatus, 'Suspended', 'in no group mapped to a tier');
    assert.deepEqual((await entra.get(`/Users/${carolId}`)).body?.groups, []);
  });
});
