import type SQLite from 'better-sqlite3';
import { PostgresAdapter, sql } from 'kysely';
import type { Db } from './database.js';
import { idleSqliteConnection, selectRows } from './direct-reads.js';

/**
 * One thing oidc-provider persists: its model name, id, payload and look-up columns. The id and
 * look-up values are keyed hashes and the payload is sealed (see domain/oidc/storage.ts): this
 * module stores and matches them as given.
 */
export interface OidcModelRow {
  model: string;
  id: string;
  payload: string;
  grantId: string | undefined;
  uid: string | undefined;
  userCode: string | undefined;
  /** undefined: kept until destroyed */
  expiresAt: string | undefined;
}

/**
 * Inserts or replaces a model (the provider saves a session or interaction many times). Plain
 * SQL: every token request writes two or three of these, and building the statement with the
 * query builder cost more than SQLite took to run it.
 */
export async function upsertOidcModel(db: Db, row: OidcModelRow): Promise<void> {
  await sql`
    insert into oidc_models (model, id, payload, grant_id, uid, user_code, expires_at, consumed_at)
    values (${row.model}, ${row.id}, ${row.payload}, ${row.grantId ?? null}, ${row.uid ?? null},
      ${row.userCode ?? null}, ${row.expiresAt ?? null}, null)
    on conflict (model, id) do update set payload = excluded.payload, grant_id = excluded.grant_id,
      uid = excluded.uid, user_code = excluded.user_code, expires_at = excluded.expires_at`.execute(db);
}

export interface StoredOidcModel {
  payload: string;
  consumedAt: string | undefined;
}

/** A model found by id, with the grant it was issued under when it names one (see findById). */
export interface FoundOidcModel extends StoredOidcModel {
  /** the grant's stored id (a keyed hash, as the grant's own row is keyed) */
  grantKey: string | undefined;
  /** the grant's row, unless it is gone or expired */
  grant: StoredOidcModel | undefined;
}

type Lookup = { column: 'id' | 'uid' | 'user_code'; value: string };

/** A model by id, uid or user code, unless it expired before `at`. */
export async function findOidcModel(
  db: Db,
  model: string,
  lookup: Lookup,
  at: string,
): Promise<StoredOidcModel | undefined> {
  if (lookup.column === 'id') return findOidcModelById(db, model, lookup.value, at);
  const row = await findBy(db, model, lookup, at);
  return row && { payload: row.payload, consumedAt: row.consumed_at ?? undefined };
}

type FoundRow = {
  payload: string;
  consumed_at: string | null;
  grant_id: string | null;
  grant_payload: string | null;
  grant_consumed_at: string | null;
};

/**
 * By id, with its grant in the same read: every use of a token or code (a refresh, a code
 * exchange, userinfo) reads the grant next, and on PostgreSQL each statement costs more in its
 * round trip than in the lookups. Plain SQL, several times in every token request.
 */
export async function findOidcModelById(
  db: Db,
  model: string,
  id: string,
  at: string,
): Promise<FoundOidcModel | undefined> {
  const [row] = await selectRows<FoundRow>(db)`
    select t.payload, t.consumed_at, t.grant_id,
      g.payload as grant_payload, g.consumed_at as grant_consumed_at
    from oidc_models t
    left join oidc_models g on g.model = 'Grant' and g.id = t.grant_id
      and (g.expires_at is null or g.expires_at > ${at})
    where t.model = ${model} and t.id = ${id} and (t.expires_at is null or t.expires_at > ${at})`;
  if (!row) return undefined;
  const grant =
    row.grant_payload === null
      ? undefined
      : { payload: row.grant_payload, consumedAt: row.grant_consumed_at ?? undefined };
  return {
    payload: row.payload,
    consumedAt: row.consumed_at ?? undefined,
    grantKey: row.grant_id ?? undefined,
    grant,
  };
}

async function findBy(db: Db, model: string, lookup: Lookup, at: string) {
  return db
    .selectFrom('oidc_models')
    .select(['payload', 'consumed_at'])
    .where('model', '=', model)
    .where(lookup.column, '=', lookup.value)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', at)]))
    .executeTakeFirst();
}

/** What one token request writes: the code or refresh token it spent, and what it issued. */
export interface OidcWrites {
  spend: { model: string; id: string; at: string } | undefined;
  /** in order; one row per model and id */
  saves: OidcModelRow[];
}

/** Written, or nothing written because the model to spend was already spent (or is gone). */
export type OidcWritesResult = { written: true } | { written: false; grantKey: string | undefined };

/**
 * A token request's writes in one commit: the spent code or refresh token marked, only while no
 * other request has marked it, and what was issued for it saved (upserted). If another request
 * spent it first (two refreshes with the same token at once), nothing is written and the spent
 * model's grant key is returned, so the caller can revoke the grant as a reuse. On SQLite, one
 * synchronous transaction on the connection; on PostgreSQL, one statement.
 */
export async function writeOidcModels(db: Db, writes: OidcWrites): Promise<OidcWritesResult> {
  const sqlite = idleSqliteConnection(db);
  if (sqlite) return writeOnConnection(sqlite, writes);
  if (db.getExecutor().adapter instanceof PostgresAdapter) return writeInOneStatement(db, writes);
  return db.transaction().execute(async (tx) => {
    const { spend } = writes;
    if (spend) {
      const result = await sql`
        update oidc_models set consumed_at = ${spend.at}
        where model = ${spend.model} and id = ${spend.id} and consumed_at is null`.execute(tx);
      if (!result.numAffectedRows) return { written: false, grantKey: await grantKeyOf(tx, spend) };
    }
    for (const row of writes.saves) await upsertOidcModel(tx, row);
    return { written: true };
  });
}

async function grantKeyOf(db: Db, spent: { model: string; id: string }): Promise<string | undefined> {
  const row = await db
    .selectFrom('oidc_models')
    .select('grant_id')
    .where('model', '=', spent.model)
    .where('id', '=', spent.id)
    .executeTakeFirst();
  return row?.grant_id ?? undefined;
}

const UPSERT = `
  insert into oidc_models (model, id, payload, grant_id, uid, user_code, expires_at, consumed_at)
  values (?, ?, ?, ?, ?, ?, ?, null)
  on conflict (model, id) do update set payload = excluded.payload, grant_id = excluded.grant_id,
    uid = excluded.uid, user_code = excluded.user_code, expires_at = excluded.expires_at`;

/** The write statements, prepared once per connection. */
const prepared = new WeakMap<SQLite.Database, Record<'spend' | 'grantKey' | 'upsert', SQLite.Statement>>();

function writeOnConnection(sqlite: SQLite.Database, writes: OidcWrites): OidcWritesResult {
  let statements = prepared.get(sqlite);
  if (!statements) {
    statements = {
      spend: sqlite.prepare(
        'update oidc_models set consumed_at = ? where model = ? and id = ? and consumed_at is null',
      ),
      grantKey: sqlite.prepare('select grant_id from oidc_models where model = ? and id = ?').pluck(),
      upsert: sqlite.prepare(UPSERT),
    };
    prepared.set(sqlite, statements);
  }
  const { spend, grantKey, upsert } = statements;
  return sqlite.transaction((): OidcWritesResult => {
    if (writes.spend) {
      const { at, model, id } = writes.spend;
      if (spend.run(at, model, id).changes === 0)
        return { written: false, grantKey: (grantKey.get(model, id) as string | null) ?? undefined };
    }
    for (const row of writes.saves)
      upsert.run(
        row.model,
        row.id,
        row.payload,
        row.grantId ?? null,
        row.uid ?? null,
        row.userCode ?? null,
        row.expiresAt ?? null,
      );
    return { written: true };
  })();
}

/**
 * On PostgreSQL the writes are one statement (one round trip, atomic on its own): the spend as
 * a data-modifying CTE, the saves inserted from arrays only if it marked a row. The text is the
 * same for any number of saves, so it stays one named statement.
 */
async function writeInOneStatement(db: Db, writes: OidcWrites): Promise<OidcWritesResult> {
  const { spend, saves } = writes;
  const column = (pick: (row: OidcModelRow) => string | undefined) => saves.map((r) => pick(r) ?? null);
  const [row] = await selectRows<{ spent: number; grant_id: string | null }>(db)`
    with spent as (
      update oidc_models set consumed_at = ${spend?.at ?? null}::text
      where model = ${spend?.model ?? null}::text and id = ${spend?.id ?? null}::text
        and consumed_at is null
      returning grant_id
    ), saved as (
      insert into oidc_models (model, id, payload, grant_id, uid, user_code, expires_at, consumed_at)
      select r.model, r.id, r.payload, r.grant_id, r.uid, r.user_code, r.expires_at, null
      from unnest(${column((r) => r.model)}::text[], ${column((r) => r.id)}::text[],
        ${column((r) => r.payload)}::text[], ${column((r) => r.grantId)}::text[],
        ${column((r) => r.uid)}::text[], ${column((r) => r.userCode)}::text[],
        ${column((r) => r.expiresAt)}::text[])
        as r(model, id, payload, grant_id, uid, user_code, expires_at)
      where ${spend === undefined}::boolean or exists (select from spent)
      on conflict (model, id) do update set payload = excluded.payload,
        grant_id = excluded.grant_id, uid = excluded.uid, user_code = excluded.user_code,
        expires_at = excluded.expires_at
    )
    select (select count(*) from spent)::int as spent,
      (select grant_id from oidc_models where model = ${spend?.model ?? null}::text
        and id = ${spend?.id ?? null}::text) as grant_id`;
  if (spend === undefined || row!.spent > 0) return { written: true };
  return { written: false, grantKey: row!.grant_id ?? undefined };
}

/** Marks a single-use model (an authorization code, a rotated refresh token) as used. */
export async function consumeOidcModel(db: Db, model: string, id: string, at: string): Promise<void> {
  await sql`update oidc_models set consumed_at = ${at} where model = ${model} and id = ${id}`.execute(db);
}

export async function deleteOidcModel(db: Db, model: string, id: string): Promise<void> {
  await db.deleteFrom('oidc_models').where('model', '=', model).where('id', '=', id).execute();
}

/** Everything issued under a grant, whatever the model: revoking a grant revokes its tokens. */
export async function deleteOidcModelsOfGrant(db: Db, grantId: string): Promise<void> {
  await db.deleteFrom('oidc_models').where('grant_id', '=', grantId).execute();
}

/** Drops rows that expired before `at`; returns how many. */
export async function deleteExpiredOidcModels(db: Db, at: string): Promise<number> {
  const result = await db.deleteFrom('oidc_models').where('expires_at', '<=', at).executeTakeFirst();
  return Number(result.numDeletedRows);
}
