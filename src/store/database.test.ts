import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { migrateToLatest, openDatabase, type OpenDatabase } from './database.js';

// The access-key cache trusts this marker to see every write, so each kind of write is checked.
describe('SQLite change marker', () => {
  let dir: string;
  let server: OpenDatabase;
  let other: OpenDatabase;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'belfry-marker-'));
    const file = join(dir, 'belfry.db');
    server = openDatabase({ dialect: 'sqlite', file });
    await migrateToLatest(server.db);
    other = openDatabase({ dialect: 'sqlite', file });
  });

  after(async () => {
    await other.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const write = (database: OpenDatabase, value: string) =>
    sql`insert into installation (key, value) values (${value}, ${value})`.execute(database.db);
  const marker = () => server.changeMarker!();

  it('holds while only reads happen', async () => {
    const before = marker();
    await sql`select count(*) from users`.execute(server.db);
    await sql`select count(*) from users`.execute(other.db);
    assert.equal(marker(), before);
  });

  it("moves on this connection's own write", async () => {
    const before = marker();
    await write(server, 'own');
    assert.notEqual(marker(), before);
  });

  it('moves when another connection (the CLI, a second server) commits', async () => {
    const before = marker();
    await write(other, 'other');
    assert.notEqual(marker(), before);
  });

  it('is undefined on PostgreSQL while no connection listens for key changes', async () => {
    const postgres = openDatabase({ dialect: 'postgres', url: 'postgres://postgres@127.0.0.1:1/none' });
    assert.equal(postgres.changeMarker(), undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(postgres.changeMarker(), undefined);
    await postgres.close();
  });
});

describe('SQLite database file', () => {
  it('is created readable by its owner only, and so are its WAL files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'belfry-mode-'));
    const file = join(dir, 'belfry.db');
    const database = openDatabase({ dialect: 'sqlite', file });
    try {
      await migrateToLatest(database.db);
      for (const path of [file, `${file}-wal`, `${file}-shm`])
        assert.equal((statSync(path).mode & 0o777).toString(8), '600', path);
    } finally {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
