import { sql } from 'kysely';
import type { Db } from './database.js';
import { selectRows } from './direct-reads.js';

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

type Lookup = { column: 'id' | 'uid' | 'user_code'; value: string };

/** A model by id, uid or user code, unless it expired before `at`. */
export async function findOidcModel(
  db: Db,
  model: string,
  lookup: Lookup,
  at: string,
): Promise<StoredOidcModel | undefined> {
  const row =
    lookup.column === 'id'
      ? await findById(db, model, lookup.value, at)
      : await findBy(db, model, lookup, at);
  return row && { payload: row.payload, consumedAt: row.consumed_at ?? undefined };
}

type FoundRow = { payload: string; consumed_at: string | null };

/** By id: several times in every token request (client's token, grant), so plain SQL. */
async function findById(db: Db, model: string, id: string, at: string): Promise<FoundRow | undefined> {
  const [row] = await selectRows<FoundRow>(db)`
    select payload, consumed_at from oidc_models
    where model = ${model} and id = ${id} and (expires_at is null or expires_at > ${at})`;
  return row;
}

async function findBy(db: Db, model: string, lookup: Lookup, at: string): Promise<FoundRow | undefined> {
  return db
    .selectFrom('oidc_models')
    .select(['payload', 'consumed_at'])
    .where('model', '=', model)
    .where(lookup.column, '=', lookup.value)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', at)]))
    .executeTakeFirst();
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
