/**
 * The LDAP client against a real Samba AD DC on loopback (test/helpers/samba.ts). The main DC
 * keeps Samba's default of refusing simple binds over plain ldap://; a second one takes the
 * tests that change domain-wide settings (lockout) and ends killed.
 */
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createLdapClient } from '../../src/directory/ldap/index.js';
import { LdapFailure, type LdapFailureKind } from '../../src/directory/types.js';
import { directorySettings, sambaSkipReason, seeded, startSamba, type SambaDc } from '../helpers/samba.js';

const skip = sambaSkipReason();
if (skip) console.log(`# skipping "LDAP client against Samba": ${skip}`);

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const client = createLdapClient({ connectTimeoutMs: 3000, timeoutMs: 15_000 });

const settingsFor = directorySettings;

async function failsWith(
  work: Promise<unknown>,
  kind: LdapFailureKind,
  message?: RegExp,
): Promise<LdapFailure> {
  let failure: LdapFailure | undefined;
  await assert.rejects(work, (error: unknown) => {
    assert.ok(error instanceof LdapFailure, `expected an LdapFailure, got ${String(error)}`);
    assert.equal(error.kind, kind, error.message);
    if (message) assert.match(error.message, message);
    failure = error;
    return true;
  });
  return failure as LdapFailure;
}

/** A TCP relay to the DC that can cut the connection in the middle of the next answer. */
async function startRelay(host: string, port: number) {
  const sockets = new Set<Socket>();
  let cutNext = false;
  const server: Server = createServer((inbound) => {
    const outbound = connect(port, host);
    sockets.add(inbound).add(outbound);
    inbound.on('data', (data) => outbound.write(data));
    outbound.on('data', (data) => {
      if (!cutNext) return void inbound.write(data);
      inbound.write(data.subarray(0, Math.floor(data.length / 2)), () => inbound.destroy());
      outbound.destroy();
    });
    for (const s of [inbound, outbound])
      s.on('error', () => undefined).on('close', () => (inbound.destroy(), outbound.destroy()));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  return {
    url: `ldap://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    cutNextAnswer: () => (cutNext = true),
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((done) => server.close(() => done()));
    },
  };
}

describe('LDAP client against Samba', { skip: skip ?? false, timeout: 120_000 }, () => {
  let dc: SambaDc;
  let spare: SambaDc;
  before(async () => {
    [dc, spare] = await Promise.all([startSamba({ strongAuth: true }), startSamba()]);
  });
  after(async () => {
    await Promise.all([dc?.stop(), spare?.stop()]);
  });

  test('reads users and groups, with the DC that answered', async () => {
    const session = await client.open(settingsFor(dc));
    try {
      assert.equal(session.server.url, dc.tlsUrl);
      assert.equal(session.server.dnsHostName, 'dc1.corp.example.test');
      assert.match(session.server.invocationId, guidPattern);
      assert.match(session.server.highestCommittedUsn, /^\d+$/);
      const users = await session.users();
      const byName = new Map(users.map((u) => [u.sAMAccountName, u]));
      const alice = byName.get('alice');
      assert.ok(alice);
      assert.equal(alice.dn, seeded.alice.dn);
      assert.equal(alice.mail, seeded.alice.mail);
      assert.equal(alice.userPrincipalName, 'alice@corp.example.test');
      assert.match(alice.guid, guidPattern);
      assert.equal(byName.get('carol')?.userAccountControl, 514);
      assert.equal(byName.get('bob')?.userAccountControl, 512);
      assert.ok(!byName.has('DC1$'), 'computers are not people');
      const groups = new Map((await session.groups()).map((g) => [g.name, g]));
      assert.deepEqual(groups.get('chime-pro')?.members, [seeded.groups.engineering]);
      assert.deepEqual(groups.get('engineering')?.members, [seeded.alice.dn]);
      assert.deepEqual(groups.get('chime-basic')?.members.sort(), [seeded.bob.dn, seeded.carol.dn].sort());
    } finally {
      await session.close();
    }
  });

  test('pages small enough to need several pages still return everyone', async () => {
    const paged = createLdapClient({ pageSize: 2 });
    const session = await paged.open(settingsFor(dc));
    const whole = await client.open(settingsFor(dc));
    const all = await whole.users();
    assert.equal((await session.users()).length, all.length);
    assert.ok(all.length > 4);
    await Promise.all([session.close(), whole.close()]);
  });

  test('groupsOfUser follows the chain alice → engineering → chime-pro', async () => {
    const session = await client.open(settingsFor(dc));
    const groups = await session.groupsOfUser(seeded.alice.dn);
    await session.close();
    const byName = new Map(groups.map((g) => [g.name, g.members]));
    assert.deepEqual([...byName.keys()].sort(), ['chime-pro', 'engineering']);
    assert.deepEqual(byName.get('chime-pro'), [seeded.groups.engineering]);
  });

  test('findUser matches mail, UPN or sAMAccountName, escapes the login, and refuses two matches', async () => {
    const session = await client.open(settingsFor(dc));
    try {
      for (const login of [seeded.alice.mail, 'alice@corp.example.test', 'alice']) {
        assert.equal((await session.findUser(login))?.dn, seeded.alice.dn, login);
      }
      assert.equal(await session.findUser('*'), undefined);
      assert.equal(await session.findUser('nobody@corp.example.test'), undefined);
      await dc.addUser({ name: 'twin1', mail: 'twin@corp.example.test' });
      await dc.addUser({ name: 'twin2', mail: 'twin@corp.example.test' });
      await failsWith(session.findUser('twin@corp.example.test'), 'protocol', /2 directory users match/);
    } finally {
      await session.close();
    }
  });

  test('a renamed and moved user keeps its GUID', async () => {
    const dn = await dc.addUser({ name: 'erin', password: 'Passw0rd!Erin1', mail: 'erin@corp.example.test' });
    const find = async () => {
      const session = await client.open(settingsFor(dc));
      const user = await session.findUser('erin@corp.example.test');
      await session.close();
      assert.ok(user);
      return user;
    };
    const before = await find();
    const renamed = await dc.renameEntry(dn, 'Erin Renamed');
    const ou = await dc.addOu('Moved');
    const moved = await dc.moveEntry(renamed, ou);
    const after = await find();
    assert.equal(after.dn, moved);
    assert.equal(after.guid, before.guid);
  });

  test('incremental: only what changed since the last high-water mark, on the same invocationId', async () => {
    const first = await client.open(settingsFor(dc));
    await first.close();
    const since = String(BigInt(first.server.highestCommittedUsn) + 1n);
    await dc.setAttributes(seeded.bob.dn, { displayName: 'Bob Changed' });
    await dc.addMembers(seeded.groups.chimePro, [seeded.bob.dn]);
    const second = await client.open(settingsFor(dc));
    try {
      assert.ok(BigInt(second.server.highestCommittedUsn) > BigInt(first.server.highestCommittedUsn));
      assert.equal(second.server.invocationId, first.server.invocationId);
      const users = await second.users({ changedSince: since });
      assert.deepEqual(
        users.map((u) => [u.sAMAccountName, u.displayName]),
        [['bob', 'Bob Changed']],
      );
      const groups = await second.groups({ changedSince: since });
      assert.deepEqual(
        groups.map((g) => g.name),
        ['chime-pro'],
      );
    } finally {
      await dc.removeMembers(seeded.groups.chimePro, [seeded.bob.dn]);
      await second.close();
    }
  });

  test('fails over past a dead port; no URL answering is unreachable, with each reason', async () => {
    const dead = `ldaps://${dc.address}:1`;
    const session = await client.open(settingsFor(dc, { urls: [dead, dc.tlsUrl] }));
    assert.equal(session.server.url, dc.tlsUrl);
    await session.close();
    const failure = await failsWith(
      client.open(settingsFor(dc, { urls: [dead, 'http://dc.example.test'] })),
      'unreachable',
    );
    assert.match(failure.message, new RegExp(`${dead}: .*ECONNREFUSED`));
    assert.match(failure.message, /http:\/\/dc.example.test: only ldap:\/\/ and ldaps:\/\//);
  });

  test('TLS: the right CA verifies, a wrong or missing CA is refused as tls; StartTLS works', async () => {
    await failsWith(
      client.open(settingsFor(dc, { caPem: dc.unrelatedCaPem })),
      'tls',
      /not signed by the configured CA/,
    );
    await failsWith(client.open(settingsFor(dc, { caPem: undefined })), 'tls');
    await failsWith(
      client.open(settingsFor(dc, { urls: [dc.url], startTls: true, caPem: dc.unrelatedCaPem })),
      'tls',
      /StartTLS/,
    );
    const session = await client.open(settingsFor(dc, { urls: [dc.url], startTls: true }));
    assert.equal(session.server.url, dc.url);
    assert.ok((await session.users()).length > 0);
    await session.close();
  });

  test('binds: plain ldap:// under strong auth, a wrong password', async () => {
    await failsWith(
      client.open(settingsFor(dc, { urls: [dc.url] })),
      'bind_refused',
      /use an ldaps:\/\/ URL or --start-tls/,
    );
    const wrong = await failsWith(
      client.open(settingsFor(dc, { bindPassword: 'Wr0ng!Secret' })),
      'bind_refused',
      /the bind DN or password was refused.*52e/,
    );
    assert.doesNotMatch(wrong.message, /Wr0ng!Secret/);
  });

  test('an invalid filter and a missing base DN are named, not read as "nobody"', async () => {
    const session = await client.open(settingsFor(dc, { userFilter: '(&(objectClass=user)' }));
    await failsWith(session.users(), 'invalid_filter');
    await session.close();
    const missing = await client.open(settingsFor(dc, { baseDn: `OU=Nowhere,${dc.baseDn}` }));
    await failsWith(missing.users(), 'no_such_base');
    await failsWith(missing.groups(), 'no_such_base');
    await missing.close();
  });

  test('a connection cut mid-answer is truncated; a lost connection is never re-opened unbound', async () => {
    const relay = await startRelay(spare.address, 389);
    try {
      const settings = settingsFor(spare, { urls: [relay.url] });
      const session = await createLdapClient({ pageSize: 1 }).open(settings);
      relay.cutNextAnswer();
      await failsWith(session.users(), 'truncated', /connection dropped/);
      await failsWith(session.groups(), 'unreachable', /was lost/);
      await session.close();
    } finally {
      await relay.close();
    }
  });

  test('user binds: each AD answer becomes its reason', async () => {
    const settings = settingsFor(dc);
    assert.deepEqual(await client.bindAsUser(settings, seeded.alice.dn, seeded.alice.password), { ok: true });
    assert.deepEqual(await client.bindAsUser(settings, 'alice@corp.example.test', seeded.alice.password), {
      ok: true,
    });
    const refused = async (dn: string, password: string) => {
      const outcome = await client.bindAsUser(settings, dn, password);
      return outcome.ok ? 'ok' : outcome.reason;
    };
    assert.equal(await refused(seeded.alice.dn, 'not-her-password'), 'wrong_password');
    assert.equal(await refused(seeded.alice.dn, ''), 'wrong_password', 'an empty password is never sent');
    assert.equal(await refused(seeded.carol.dn, seeded.carol.password), 'disabled');
    const password = 'Passw0rd!Test9';
    const mustChange = await dc.addUser({ name: 'mustchange', password });
    await dc.setAttributes(mustChange, { pwdLastSet: '0' });
    assert.equal(await refused(mustChange, password), 'must_change_password');
    const expired = await dc.addUser({ name: 'expired', password });
    await dc.setAttributes(expired, { accountExpires: '1' });
    assert.equal(await refused(expired, password), 'account_expired');
    await failsWith(
      client.bindAsUser(settingsFor(dc, { urls: [`ldaps://${dc.address}:1`] }), seeded.alice.dn, 'x'),
      'unreachable',
    );
  });

  test('lockout after the threshold, then a killed DC is unreachable', async () => {
    const settings = settingsFor(spare);
    const password = 'Passw0rd!Lock1';
    const dn = await spare.addUser({ name: 'lockme', password });
    await spare.samba('domain', 'passwordsettings', 'set', '--account-lockout-threshold=3');
    for (let i = 0; i < 3; i++) await client.bindAsUser(settings, dn, 'wrong');
    assert.deepEqual(await client.bindAsUser(settings, dn, password), { ok: false, reason: 'locked_out' });
    await spare.kill();
    await failsWith(client.open(settings), 'unreachable', /ECONNREFUSED/);
    await failsWith(client.bindAsUser(settings, dn, password), 'unreachable');
  });
});
