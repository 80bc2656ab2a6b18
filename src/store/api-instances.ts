import type { Db } from './database.js';

/** Renews (or first writes) an instance's row, then counts the rows seen since `liveSince`. */
export async function renewInstance(db: Db, id: string, seenAt: string, liveSince: string): Promise<number> {
  await db
    .insertInto('api_instances')
    .values({ id, seen_at: seenAt })
    .onConflict((oc) => oc.column('id').doUpdateSet({ seen_at: seenAt }))
    .execute();
  const row = await db
    .selectFrom('api_instances')
    .select((eb) => eb.fn.countAll<number | string>().as('live'))
    .where('seen_at', '>=', liveSince)
    .executeTakeFirstOrThrow();
  return Number(row.live);
}

/** Removes rows not renewed since `before` (instances that ended without saying so). */
export async function deleteInstancesSeenBefore(db: Db, before: string): Promise<void> {
  await db.deleteFrom('api_instances').where('seen_at', '<', before).execute();
}

/** Removes an instance's row as it stops, so the others take back its share at their next renewal. */
export async function deleteInstance(db: Db, id: string): Promise<void> {
  await db.deleteFrom('api_instances').where('id', '=', id).execute();
}
