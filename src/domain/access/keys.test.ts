import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import {
  createTestDatabase,
  dialects,
  skipReason,
  type TestDatabase,
} from '../../../test/helpers/databases.js';
import { systemClock } from '../../lib/clock.js';
import { randomIds } from '../../lib/ids.js';
import { createSecretBox } from '../../lib/secret-box.js';
import { openDatabase, type OpenDatabase } from '../../store/database.js';
import { systemActor } from './actor.js';
import { createAccessKeys, type AccessKeys } from './keys.js';

// The SigV4 key check keeps resolved keys while the database's change marker holds. What it must
// never do is accept a key that was deleted or changed elsewhere (another server, the CLI) once
// the change is known, nor keep anything while it cannot know.
for (const dialect of dialects) {
  describe(`resolved access keys [${dialect}]`, async () => {
    const skip = await skipReason(dialect);
    if (skip) console.log(`# skipping resolved access keys on ${dialect}: ${skip}`);
    let database: TestDatabase;
    let other: OpenDatabase;
    let keys: AccessKeys;
    let elsewhere: AccessKeys;
    const secrets = createSecretBox(randomBytes(32));
    const actor = systemActor('keys-test');
    const keysOn = (open: OpenDatabase) =>
      createAccessKeys({
        db: open.db,
        ids: randomIds,
        clock: systemClock,
        secrets,
        changeMarker: open.changeMarker,
      });

    before(async () => {
      if (skip) return;
      database = await createTestDatabase(dialect);
      other = openDatabase(database.target);
      keys = keysOn(database);
      elsewhere = keysOn(other);
      // PostgreSQL's marker is known once its listening connection is up.
      await until(() => database.changeMarker() !== undefined);
    });
    after(async () => {
      await other?.close();
      await database?.drop();
    });

    const newKey = (name: string) => keys.createAccessKey(actor, { name, policy: 'FullAccess' });

    /** Waits (boundedly) for what another connection committed to reach this one's marker. */
    const afterChangeIsKnown = async (marker: string | undefined) =>
      until(() => database.changeMarker() !== marker);

    it('refuses a key deleted by another server once the deletion is known', { skip }, async () => {
      const key = await newKey('deleted elsewhere');
      assert.equal((await keys.resolveKey(key.accessKeyId))?.secretAccessKey, key.secretAccessKey);
      const marker = database.changeMarker();
      await elsewhere.deleteAccessKey(actor, key.accessKeyId);
      await afterChangeIsKnown(marker);
      assert.equal(await keys.resolveKey(key.accessKeyId), undefined);
    });

    it('refuses a key this server deleted, at once', { skip }, async () => {
      const key = await newKey('deleted here');
      assert.ok(await keys.resolveKey(key.accessKeyId));
      await keys.deleteAccessKey(actor, key.accessKeyId);
      assert.equal(await keys.resolveKey(key.accessKeyId), undefined);
    });

    it("reads a principal's policy again once another server changed it", { skip }, async () => {
      const key = await newKey('policy changed');
      assert.equal((await keys.resolveKey(key.accessKeyId))?.principal.policy, 'FullAccess');
      const marker = database.changeMarker();
      await sql`update admin_principals set policy = ${'ReadOnly'}
        where id = (select principal_id from access_keys where access_key_id = ${key.accessKeyId})`.execute(
        other.db,
      );
      await afterChangeIsKnown(marker);
      assert.equal((await keys.resolveKey(key.accessKeyId))?.principal.policy, 'ReadOnly');
    });

    it('keeps resolved keys while the marker holds, last-used writes included', { skip }, async () => {
      const created = database.changeMarker();
      const key = await newKey('kept');
      // The creation's own notification, which empties the cache once more, comes first.
      await afterChangeIsKnown(created);
      await keys.resolveKey(key.accessKeyId);
      const marker = database.changeMarker();
      await elsewhere.recordUse(key.accessKeyId);
      if (dialect === 'postgres') {
        // No notification for last_used_at: the marker holds, and the key is not read again.
        await new Promise((resolve) => setTimeout(resolve, 100));
        assert.equal(database.changeMarker(), marker);
        await withoutTriggers(
          database,
          sql`delete from access_keys where access_key_id = ${key.accessKeyId}`,
        );
        assert.ok(await keys.resolveKey(key.accessKeyId), 'kept while nothing was notified');
      }
    });

    it(
      'looks every key up while no connection listens, and keeps keys again once one does',
      { skip: skip ?? (dialect !== 'postgres' && 'PostgreSQL only') },
      async () => {
        const key = await newKey('unheard');
        await keys.resolveKey(key.accessKeyId);
        await terminateListeners(database);
        await until(() => database.changeMarker() === undefined);
        // A deletion made while no one listened is still seen: nothing is kept meanwhile.
        await withoutTriggers(
          database,
          sql`delete from access_keys where access_key_id = ${key.accessKeyId}`,
        );
        assert.equal(await keys.resolveKey(key.accessKeyId), undefined);
        await until(() => database.changeMarker() !== undefined);
        const again = await newKey('heard again');
        assert.ok(await keys.resolveKey(again.accessKeyId));
      },
    );
  });
}

/** Polls, boundedly, until `done` holds. */
async function until(done: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the change marker');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A statement run with triggers off, so PostgreSQL notifies no one: what a cache would miss. */
async function withoutTriggers(database: TestDatabase, statement: ReturnType<typeof sql>): Promise<void> {
  await database.db.connection().execute(async (connection) => {
    await sql`set session_replication_role = replica`.execute(connection);
    try {
      await statement.execute(connection);
    } finally {
      await sql`set session_replication_role = default`.execute(connection);
    }
  });
}

/** Ends the database's listening connections from the server side, as a restart or failover would. */
async function terminateListeners(database: TestDatabase): Promise<void> {
  if (database.target.dialect !== 'postgres') return;
  const client = new pg.Client({ connectionString: database.target.url });
  await client.connect();
  try {
    await client.query(
      `select pg_terminate_backend(pid) from pg_stat_activity
       where datname = current_database() and query = 'listen belfry_access_keys'`,
    );
  } finally {
    await client.end();
  }
}
