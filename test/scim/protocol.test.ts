import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import {
  assertScimError,
  enterpriseAccount,
  GROUP,
  mintToken,
  patchOp,
  scimClient,
  USER,
  type ScimClient,
} from '../helpers/scim.js';
import { eachDialect } from '../helpers/suite.js';

/**
 * RFC 7644 as a strict client reads it: error bodies and their scimType, paging with a stable
 * order, attribute selection, ETags and If-Match, bodies in both media types and the size cap.
 */
await eachDialect('SCIM protocol', (server) => {
  let domain: string;
  let scim: ScimClient;
  const ids: string[] = [];
  const user = (name: string) => ({
    schemas: [USER],
    userName: `${name}@${domain}`,
    emails: [{ value: `${name}@${domain}`, type: 'work', primary: true }],
  });

  before(async () => {
    const account = await enterpriseAccount(server());
    domain = account.domain;
    scim = scimClient(server(), (await mintToken(server(), account.accountId)).token);
    for (const name of ['u1', 'u2', 'u3', 'u4', 'u5']) {
      const created = await scim.post('/Users', user(name));
      assert.equal(created.status, 201, JSON.stringify(created.body));
      ids.push(created.body?.id);
    }
  });

  it('pages 1-based in creation order; count=0 answers totalResults alone', async () => {
    const first = await scim.get('/Users?startIndex=1&count=2');
    assert.equal(first.body?.totalResults, 5);
    assert.equal(first.body?.startIndex, 1);
    assert.equal(first.body?.itemsPerPage, 2);
    const second = await scim.get('/Users?startIndex=3&count=2');
    const third = await scim.get('/Users?startIndex=5&count=2');
    const seen = [...first.body!.Resources, ...second.body!.Resources, ...third.body!.Resources].map(
      (u: { id: string }) => u.id,
    );
    assert.deepEqual(seen, ids);
    const count = await scim.get('/Users?count=0');
    assert.equal(count.body?.totalResults, 5);
    assert.deepEqual(count.body?.Resources, []);
    const filtered = await scim.get(
      `/Users?filter=${encodeURIComponent('userName sw "u"')}&startIndex=2&count=2`,
    );
    assert.equal(filtered.body?.totalResults, 5);
    assert.deepEqual(
      filtered.body?.Resources.map((u: { id: string }) => u.id),
      ids.slice(1, 3),
    );
    assertScimError(await scim.get('/Users?count=abc'), 400, 'invalidValue');
  });

  it('selects attributes: id and schemas are always returned', async () => {
    const some = await scim.get(`/Users/${ids[0]}?attributes=userName`);
    assert.equal(some.status, 200);
    assert.deepEqual(Object.keys(some.body!).sort(), ['id', 'schemas', 'userName'].sort());
    const without = await scim.get(`/Users/${ids[0]}?excludedAttributes=emails,meta`);
    assert.equal(without.body?.emails, undefined);
    assert.equal(without.body?.userName, `u1@${domain}`);
  });

  it('refuses filters it does not support with invalidFilter, never an unfiltered list', async () => {
    for (const bad of ['userName xx "a"', 'nosuch eq "a"', 'userName eq', '(userName eq "a"'])
      assertScimError(await scim.get(`/Users?filter=${encodeURIComponent(bad)}`), 400, 'invalidFilter');
  });

  it('answers 409 uniqueness for a duplicate userName and displayName', async () => {
    assertScimError(await scim.post('/Users', user('u1')), 409, 'uniqueness');
    const upper = { ...user('u1'), userName: `U1@${domain.toUpperCase()}` };
    assertScimError(await scim.post('/Users', upper), 409, 'uniqueness');
    assert.equal((await scim.post('/Groups', { schemas: [GROUP], displayName: 'team' })).status, 201);
    assertScimError(await scim.post('/Groups', { schemas: [GROUP], displayName: 'TEAM' }), 409, 'uniqueness');
  });

  it('refuses an address off the verified domains with a detail naming the domain', async () => {
    const outside = await scim.post('/Users', {
      schemas: [USER],
      userName: 'zed@elsewhere.example',
      emails: [{ value: 'zed@elsewhere.example', primary: true }],
    });
    assertScimError(outside, 400, 'invalidValue');
    assert.match(outside.body?.detail, /elsewhere\.example/);
  });

  it('answers 404 for an unknown id and an unknown endpoint', async () => {
    assertScimError(await scim.get('/Users/no-such-id'), 404);
    assertScimError(await scim.get('/Groups/no-such-id'), 404);
    assertScimError(
      await scim.patch('/Users/no-such-id', patchOp({ op: 'replace', path: 'active', value: false })),
      404,
    );
    assertScimError(await scim.get('/Nothing'), 404);
  });

  it('gives an ETag and refuses a stale If-Match with 412', async () => {
    const read = await scim.get(`/Users/${ids[1]}`);
    const etag = read.headers.get('etag')!;
    assert.equal(etag, read.body?.meta?.version);
    const changed = await scim.patch(
      `/Users/${ids[1]}`,
      patchOp({ op: 'replace', path: 'displayName', value: 'Two' }),
      { 'if-match': etag },
    );
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.notEqual(changed.headers.get('etag'), etag);
    const stale = await scim.patch(
      `/Users/${ids[1]}`,
      patchOp({ op: 'replace', path: 'displayName', value: 'Deux' }),
      { 'if-match': etag },
    );
    assertScimError(stale, 412);
    assert.equal((await scim.get(`/Users/${ids[1]}`)).body?.displayName, 'Two');
  });

  it('refuses malformed bodies with invalidSyntax and read-only changes with mutability', async () => {
    assertScimError(await scim.post('/Users', '{"userName": '), 400, 'invalidSyntax');
    assertScimError(await scim.patch(`/Users/${ids[2]}`, { Operations: 'nope' }), 400, 'invalidSyntax');
    assertScimError(
      await scim.patch(`/Users/${ids[2]}`, patchOp({ op: 'replace', path: 'id', value: 'other' })),
      400,
      'mutability',
    );
  });

  it('replaces a group whole with PUT: name and members as sent', async () => {
    const created = await scim.post('/Groups', {
      schemas: [GROUP],
      displayName: 'put-me',
      members: [{ value: ids[0] }, { value: ids[1] }],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const put = await scim.put(`/Groups/${created.body?.id}`, {
      schemas: [GROUP],
      id: created.body?.id,
      displayName: 'put-me-too',
      members: [{ value: ids[1] }, { value: ids[2] }],
    });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(put.body?.displayName, 'put-me-too');
    assert.deepEqual(
      put.body?.members.map((m: { value: string }) => m.value).sort(),
      [ids[1], ids[2]].sort(),
    );
    assert.equal(put.body?.meta?.version, 'W/"2"');
    const unknown = await scim.put(`/Groups/${created.body?.id}`, {
      schemas: [GROUP],
      displayName: 'put-me-too',
      members: [{ value: 'no-such-user' }],
    });
    assertScimError(unknown, 400, 'invalidValue');
  });

  it('refuses other media types with 415 in the SCIM format', async () => {
    assertScimError(
      await scim.request('POST', '/Users', '<userName/>', { 'content-type': 'application/xml' }),
      415,
    );
  });

  it('takes application/json too, answers application/scim+json, and caps bodies at 1 MB (413)', async () => {
    const json = await scim.request('POST', '/Users', JSON.stringify(user('u6')), {
      'content-type': 'application/json',
    });
    assert.equal(json.status, 201, JSON.stringify(json.body));
    assert.match(json.headers.get('content-type') ?? '', /^application\/scim\+json; charset=utf-8/);
    const huge = { ...user('u7'), nickName: 'x'.repeat(1_100_000) };
    assertScimError(await scim.post('/Users', huge), 413);
  });
});

await eachDialect(
  'SCIM rate per token',
  (server) => {
    it('answers 429 with Retry-After past the token rate, other tokens unaffected', async () => {
      const { accountId } = await enterpriseAccount(server());
      const busy = scimClient(server(), (await mintToken(server(), accountId, 'busy')).token);
      const quiet = scimClient(server(), (await mintToken(server(), accountId, 'quiet')).token);
      const answers = [];
      for (let i = 0; i < 6; i++) answers.push(await busy.get('/Users?count=0'));
      const statuses = answers.map((a) => a.status);
      assert.deepEqual(statuses.slice(0, 3), [200, 200, 200], 'the burst');
      // one token a second: on a busy machine one more may have dripped in meanwhile
      const throttled = answers.find((a) => a.status === 429);
      assert.ok(throttled, statuses.join());
      assertScimError(throttled, 429);
      assert.ok(Number(throttled.headers.get('retry-after')) >= 1);
      assert.equal((await quiet.get('/Users?count=0')).status, 200);
    });
  },
  { BELFRY_SCIM_RATE_PER_SECOND: '1', BELFRY_SCIM_BURST: '3' },
);
