import type { Db } from './database.js';

export async function getInstallationValue(db: Db, key: string): Promise<string | undefined> {
  const row = await db.selectFrom('installation').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}

/** Sets a value only if none is stored yet, and returns the stored one (first writer wins). */
export async function ensureInstallationValue(db: Db, key: string, value: string): Promise<string> {
  await db
    .insertInto('installation')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  return (await getInstallationValue(db, key)) ?? value;
}

export async function setInstallationValue(db: Db, key: string, value: string): Promise<void> {
  await db
    .insertInto('installation')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}

/**
 * Reads a value for a read-modify-write, creating it (as `initial`) when absent so there is a row
 * to lock; on PostgreSQL the row stays locked until the transaction ends.
 */
export async function lockInstallationValue(
  db: Db,
  key: string,
  initial: string,
  dialect: 'sqlite' | 'postgres',
): Promise<string> {
  await ensureInstallationValue(db, key, initial);
  let query = db.selectFrom('installation').select('value').where('key', '=', key);
  if (dialect === 'postgres') query = query.forUpdate();
  return (await query.executeTakeFirstOrThrow()).value;
}
