import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createTestDatabase, dialects, skipReason, type TestDatabase } from '../../test/helpers/databases.js';
import { selectQuery, selectRows } from './direct-reads.js';

// Direct reads skip Kysely's connection mutex on SQLite, so what they must never see is checked:
// another operation's transaction, still open on the shared connection.
for (const dialect of dialects) {
  describe(`selectRows [${dialect}]`, async () => {
    const skip = await skipReason(dialect);
    if (skip) console.log(`# skipping selectRows on ${dialect}: ${skip}`);
    let database: TestDatabase;
    const keys = (db: TestDatabase['db'], prefix: string) =>
      selectRows<{ key: string; value: string }>(db)`
        select key, value from installation where key like ${`${prefix}%`} order by key`;
    const insert = (db: TestDatabase['db'], key: string) =>
      sql`insert into installation (key, value) values (${key}, ${'v'})`.execute(db);

    before(async () => {
      if (!skip) database = await createTestDatabase(dialect);
    });
    after(async () => {
      await database?.drop();
    });

    it('returns the rows, named as selected, with values bound', { skip }, async () => {
      await insert(database.db, 'plain-1');
      await insert(database.db, "plain-'2");
      assert.deepEqual(
        (await keys(database.db, 'plain-')).map((r) => r.key),
        ['plain-1', "plain-'2"].sort(),
      );
      assert.deepEqual(await keys(database.db, "plain-'; drop table installation; --"), []);
    });

    it('answers what Kysely answers: text of every kind, nulls, integers', { skip }, async () => {
      const awkward = [
        'quote " and \\ back',
        'line\nbreak\ttab\u0001',
        'é, ß, \u2028, 😀',
        '',
        '{"json":1}',
        '42',
      ];
      for (const [i, value] of awkward.entries())
        await sql`insert into installation (key, value) values (${`awkward-${i}`}, ${value})`.execute(
          database.db,
        );
      const query = database.db
        .selectFrom('installation')
        .select(['key', 'value'])
        .where('key', 'like', 'awkward-%')
        .orderBy('key');
      const direct = await selectQuery(database.db, query);
      assert.deepEqual(direct, await query.execute());
      assert.deepEqual(
        direct.map((r) => r.value),
        awkward,
      );
      // An expression in the select list (SQLite: not a plain column, so raw rows) and a null.
      const [row] = await selectRows<{ n: number; absent: null; key: string }>(database.db)`
        select length(key) as n, null as absent, key from installation where key = ${'awkward-0'}`;
      assert.deepEqual({ ...row }, { n: 9, absent: null, key: 'awkward-0' });
    });

    it('refuses `*` on SQLite, where column names are read once per statement', { skip }, async () => {
      const everything = selectRows<{ key: string }>(database.db)`select * from installation`;
      if (dialect === 'sqlite') await assert.rejects(everything, /name the columns/);
      else assert.ok((await everything).length > 0);
    });

    it(
      "does not see another operation's uncommitted write, and sees it once committed",
      { skip },
      async () => {
        let release!: () => void;
        const held = new Promise<void>((resolve) => (release = resolve));
        let inserted!: () => void;
        const written = new Promise<void>((resolve) => (inserted = resolve));
        const transaction = database.db.transaction().execute(async (tx) => {
          await insert(tx, 'pending-1');
          // Its own reads see the write.
          assert.equal((await keys(tx, 'pending-')).length, 1);
          inserted();
          await held;
        });
        await written;
        let answered = false;
        const outside = keys(database.db, 'pending-').finally(() => (answered = true));
        if (dialect === 'postgres') assert.deepEqual(await outside, []);
        // SQLite has one connection: the read waits for the transaction to end…
        else await new Promise((resolve) => setImmediate(resolve));
        assert.equal(answered, dialect === 'postgres');
        release();
        await transaction;
        // …and so sees what it committed.
        if (dialect === 'sqlite') assert.equal((await outside).length, 1);
        assert.equal((await keys(database.db, 'pending-')).length, 1);
      },
    );

    it('does not see a write that is rolled back', { skip }, async () => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let inserted!: () => void;
      const written = new Promise<void>((resolve) => (inserted = resolve));
      const transaction = database.db
        .transaction()
        .execute(async (tx) => {
          await insert(tx, 'doomed-1');
          inserted();
          await held;
          throw new Error('roll back');
        })
        .catch((error: Error) => error.message);
      await written;
      const outside = keys(database.db, 'doomed-');
      release();
      assert.equal(await transaction, 'roll back');
      assert.deepEqual(await outside, []);
    });
  });
}
