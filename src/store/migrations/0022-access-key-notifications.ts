import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Frozen once landed: later changes go in new migrations. No application imports here.

/**
 * On PostgreSQL, every write to an access key (its secret or its principal) or to an admin
 * principal notifies the channel `belfry_access_keys`, in the writer's transaction: PostgreSQL
 * delivers it to every listening instance when that transaction commits, and not at all if it
 * rolls back. Each instance keeps the keys it resolved while it hears nothing on the channel, so a
 * request signed with a key looks it up once rather than every time, and a key deleted by another
 * instance, the CLI or a hand-run statement is looked up again as soon as the deletion commits.
 *
 * Statement triggers, not row triggers: one notification per statement, whatever it touched.
 * `last_used_at` (written once a minute per key and instance) is left out: it changes nothing a
 * request is checked against. SQLite needs none of this: its change marker sees every commit.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql
    .raw(
      `create function belfry_access_keys_changed() returns trigger language plpgsql as $$
       begin
         perform pg_notify('belfry_access_keys', '');
         return null;
       end $$`,
    )
    .execute(db);
  for (const [trigger, events, table] of triggers)
    await sql
      .raw(
        `create trigger ${trigger} after ${events} on ${table}
         for each statement execute function belfry_access_keys_changed()`,
      )
      .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  for (const [trigger, , table] of triggers)
    await sql.raw(`drop trigger if exists ${trigger} on ${table}`).execute(db);
  await sql.raw('drop function if exists belfry_access_keys_changed()').execute(db);
}

const triggers = [
  [
    'access_keys_changed',
    'insert or delete or truncate or update of access_key_id, principal_id, secret_sealed',
    'access_keys',
  ],
  ['admin_principals_changed', 'insert or delete or update or truncate', 'admin_principals'],
] as const;
