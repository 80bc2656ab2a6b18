import type { Db } from './database.js';
import { selectRows } from './direct-reads.js';

export type Policy = 'FullAccess' | 'UserManagement' | 'ReadOnly';

export interface AdminPrincipalRecord {
  id: string;
  name: string;
  policy: Policy;
  accountId: string | undefined;
  createdAt: string;
}

export interface AccessKeyRecord {
  accessKeyId: string;
  principal: AdminPrincipalRecord;
  secretSealed: string;
  createdAt: string;
  lastUsedAt: string | undefined;
}

export async function insertPrincipal(db: Db, p: AdminPrincipalRecord): Promise<void> {
  await db
    .insertInto('admin_principals')
    .values({
      id: p.id,
      name: p.name,
      policy: p.policy,
      account_id: p.accountId ?? null,
      created_at: p.createdAt,
    })
    .execute();
}

export async function insertAccessKey(
  db: Db,
  key: { accessKeyId: string; principalId: string; secretSealed: string; createdAt: string },
): Promise<void> {
  await db
    .insertInto('access_keys')
    .values({
      access_key_id: key.accessKeyId,
      principal_id: key.principalId,
      secret_sealed: key.secretSealed,
      created_at: key.createdAt,
      last_used_at: null,
    })
    .execute();
}

const keyColumns = [
  'access_keys.access_key_id',
  'access_keys.secret_sealed',
  'access_keys.created_at',
  'access_keys.last_used_at',
  'admin_principals.id as principal_id',
  'admin_principals.name',
  'admin_principals.policy',
  'admin_principals.account_id',
  'admin_principals.created_at as principal_created_at',
] as const;

function toRecord(row: {
  access_key_id: string;
  secret_sealed: string;
  created_at: string;
  last_used_at: string | null;
  principal_id: string;
  name: string;
  policy: string;
  account_id: string | null;
  principal_created_at: string;
}): AccessKeyRecord {
  return {
    accessKeyId: row.access_key_id,
    secretSealed: row.secret_sealed,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at ?? undefined,
    principal: {
      id: row.principal_id,
      name: row.name,
      policy: row.policy as Policy,
      accountId: row.account_id ?? undefined,
      createdAt: row.principal_created_at,
    },
  };
}

/**
 * Runs on every signed request (the key is looked up each time, so a deleted key stops working at
 * once), hence plain SQL: building this join with the query builder took longer than running it.
 */
export async function findAccessKey(db: Db, accessKeyId: string): Promise<AccessKeyRecord | undefined> {
  const [row] = await selectRows<Parameters<typeof toRecord>[0]>(db)`
    select k.access_key_id, k.secret_sealed, k.created_at, k.last_used_at, p.id as principal_id, p.name,
      p.policy, p.account_id, p.created_at as principal_created_at
    from access_keys k join admin_principals p on p.id = k.principal_id
    where k.access_key_id = ${accessKeyId}`;
  return row && toRecord(row);
}

export async function listAccessKeys(db: Db): Promise<AccessKeyRecord[]> {
  const rows = await db
    .selectFrom('access_keys')
    .innerJoin('admin_principals', 'admin_principals.id', 'access_keys.principal_id')
    .select(keyColumns)
    .orderBy('access_keys.created_at')
    .execute();
  return rows.map(toRecord);
}

/** Deletes a key, and its principal when that was the principal's last key. Returns false if absent. */
export async function deleteAccessKey(db: Db, accessKeyId: string): Promise<boolean> {
  const key = await findAccessKey(db, accessKeyId);
  if (!key) return false;
  await db.deleteFrom('access_keys').where('access_key_id', '=', accessKeyId).execute();
  const remaining = await db
    .selectFrom('access_keys')
    .select('access_key_id')
    .where('principal_id', '=', key.principal.id)
    .executeTakeFirst();
  if (!remaining) await db.deleteFrom('admin_principals').where('id', '=', key.principal.id).execute();
  return true;
}

export async function countAccessKeys(db: Db): Promise<number> {
  const row = await db
    .selectFrom('access_keys')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function touchAccessKey(db: Db, accessKeyId: string, at: string): Promise<void> {
  await db
    .updateTable('access_keys')
    .set({ last_used_at: at })
    .where('access_key_id', '=', accessKeyId)
    .execute();
}
