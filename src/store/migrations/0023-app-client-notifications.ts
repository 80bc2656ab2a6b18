import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Frozen once landed: later changes go in new migrations. No application imports here.

/**
 * On PostgreSQL, every write to an app client or a signing key notifies the channel of migration
 * 0022 (`belfry_access_keys`, through its function), in the writer's transaction, as every write
 * to an access key does: each instance then keeps the clients and the signing keys' version it
 * read while it hears nothing, rather than reading them on every token request and live check,
 * and reads them again as soon as another instance or the CLI deletes an app or rotates the keys.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  for (const [trigger, table] of triggers)
    await sql
      .raw(
        `create trigger ${trigger} after insert or delete or update or truncate on ${table}
         for each statement execute function belfry_access_keys_changed()`,
      )
      .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  for (const [trigger, table] of triggers)
    await sql.raw(`drop trigger if exists ${trigger} on ${table}`).execute(db);
}

const triggers = [
  ['oidc_clients_changed', 'oidc_clients'],
  ['oidc_signing_keys_changed', 'oidc_signing_keys'],
] as const;
