import { sql, type Kysely } from 'kysely';

// Frozen once landed: later changes go in new migrations. No application imports here.

/**
 * ID tokens signed with ES256 by default, RS256 for the apps that need it (issue 16): one active
 * signing key per algorithm instead of one in all, and each app client's algorithm. Clients
 * registered before this migration were given RS256 tokens, and an app may verify nothing else,
 * so they keep RS256; new clients get ES256 unless registered for RS256.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('oidc_signing_keys_one_active').execute();
  // Two servers starting at once cannot both make an active key of one algorithm.
  await db.schema
    .createIndex('oidc_signing_keys_one_active_per_alg')
    .unique()
    .on('oidc_signing_keys')
    .column('alg')
    .where(sql.ref('state'), '=', 'active')
    .execute();
  await db.schema
    .alterTable('oidc_clients')
    .addColumn('id_token_signing_alg', 'text', (c) => c.notNull().defaultTo('RS256'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('oidc_clients').dropColumn('id_token_signing_alg').execute();
  await db.schema.dropIndex('oidc_signing_keys_one_active_per_alg').execute();
  await db.schema
    .createIndex('oidc_signing_keys_one_active')
    .unique()
    .on('oidc_signing_keys')
    .column('state')
    .where(sql.ref('state'), '=', 'active')
    .execute();
}
