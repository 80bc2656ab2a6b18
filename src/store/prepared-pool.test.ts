import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import {
  createTestDatabase,
  databaseUrlOf,
  skipReason,
  type TestDatabase,
} from '../../test/helpers/databases.js';
import { preparingPool } from './prepared-pool.js';

describe('preparingPool [postgres]', async () => {
  const skip = await skipReason('postgres');
  if (skip) console.log(`# skipping preparingPool: ${skip}`);
  let database: TestDatabase;
  let db: Kysely<unknown>;
  let connectionString: string;

  before(async () => {
    if (skip) return;
    database = await createTestDatabase('postgres');
    connectionString = await databaseUrlOf(database);
  });
  after(async () => {
    await db?.destroy();
    await database?.drop();
  });

  /** One connection, so the statements it prepared can be listed from it. */
  const open = (limit?: number) => {
    const pool = new pg.Pool({ connectionString, max: 1 });
    db = new Kysely({ dialect: new PostgresDialect({ pool: preparingPool(pool, limit) }) });
    return db;
  };
  const prepared = async () =>
    (
      await sql<{
        statement: string;
      }>`select statement from pg_prepared_statements order by prepare_time`.execute(db)
    ).rows.map((r) => r.statement);

  it('names each parameterised query once per connection, and reuses it', { skip }, async () => {
    open();
    for (const n of [1, 2, 3]) {
      const { rows } = await sql<{ n: number }>`select ${n}::int as n`.execute(db);
      assert.equal(rows[0]!.n, n);
    }
    await sql`select ${'x'}::text as t, 1 as one`.execute(db);
    assert.deepEqual(await prepared(), ['select $1::int as n', 'select $1::text as t, 1 as one']);
    await db.destroy();
  });

  it('leaves queries without parameters, and transactions, as they were', { skip }, async () => {
    open();
    await db.transaction().execute(async (tx) => {
      await sql`select 1`.execute(tx);
      await sql`select ${2}::int`.execute(tx);
    });
    assert.deepEqual(await prepared(), ['select $1::int']);
    await db.destroy();
  });

  it('stops naming past its limit, and still answers', { skip }, async () => {
    open(1);
    await sql`select ${1}::int as a`.execute(db);
    const { rows } = await sql<{ b: number }>`select ${2}::int as b`.execute(db);
    assert.equal(rows[0]!.b, 2);
    assert.deepEqual(await prepared(), ['select $1::int as a']);
    await db.destroy();
  });

  it('recovers when another instance changes a table a prepared statement reads', { skip }, async () => {
    open();
    const other = new pg.Client({ connectionString });
    await other.connect();
    try {
      await other.query('create table upgraded (id integer primary key, name text)');
      await other.query("insert into upgraded values (1, 'one')");
      const read = () => sql<Record<string, unknown>>`select * from upgraded where id = ${1}`.execute(db);
      assert.deepEqual((await read()).rows, [{ id: 1, name: 'one' }]);
      // The rolling upgrade: a newer Belfry migrates while this one serves.
      await other.query("alter table upgraded add column tier text not null default 'Pro'");
      assert.deepEqual((await read()).rows, [{ id: 1, name: 'one', tier: 'Pro' }]);
      // The next connection prepares the statement afresh.
      assert.deepEqual((await read()).rows, [{ id: 1, name: 'one', tier: 'Pro' }]);
      assert.deepEqual((await read()).rows, [{ id: 1, name: 'one', tier: 'Pro' }]);
    } finally {
      await other.end();
      await db.destroy();
    }
  });

  it('passes an error through, and the connection goes on', { skip }, async () => {
    open();
    await assert.rejects(sql`select ${'a'}::int`.execute(db), /invalid input syntax/);
    const { rows } = await sql<{ n: number }>`select ${'7'}::int as n`.execute(db);
    assert.equal(rows[0]!.n, 7);
    await db.destroy();
  });
});
