import type { Kysely } from 'kysely';

// Frozen once landed: later changes go in new migrations. No application imports here.

/**
 * Okta and Entra (issue 14). `scim_tokens` are the bearer tokens an IdP provisions with: only
 * their SHA-256 is kept. `scim_users` and `scim_groups` hold the resources as the IdP last sent
 * them (`resource`, JSON, without `members`), with the keys filters look up kept beside them in
 * lower case (`userName` and `displayName` compare without case); `version` counts changes for
 * `meta.version`. Members are rows, so adding one to a group of 10,000 writes one row.
 * A provisioned user's Belfry membership is the `users` row whose `directory_id` is the SCIM id.
 * `idp_connections` is the account's OpenID provider for sign-in; its client secret is sealed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const accountRef = 'accounts.id';
  await db.schema
    .createTable('scim_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references(accountRef).onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('scim_tokens_account').on('scim_tokens').columns(['account_id']).execute();

  await db.schema
    .createTable('scim_users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references(accountRef).onDelete('cascade'))
    .addColumn('user_name', 'text', (c) => c.notNull())
    .addColumn('user_name_key', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text')
    // the primary (or first work) email, lower case: the address the Belfry user has
    .addColumn('email_key', 'text')
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('scim_users_user_name')
    .unique()
    .on('scim_users')
    .columns(['account_id', 'user_name_key'])
    .execute();
  await db.schema
    .createIndex('scim_users_external_id')
    .on('scim_users')
    .columns(['account_id', 'external_id'])
    .execute();
  await db.schema
    .createIndex('scim_users_email')
    .on('scim_users')
    .columns(['account_id', 'email_key'])
    .execute();
  // paging: a stable order by creation, then id
  await db.schema
    .createIndex('scim_users_order')
    .on('scim_users')
    .columns(['account_id', 'created_at', 'id'])
    .execute();

  await db.schema
    .createTable('scim_groups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references(accountRef).onDelete('cascade'))
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('display_name_key', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text')
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('scim_groups_display_name')
    .unique()
    .on('scim_groups')
    .columns(['account_id', 'display_name_key'])
    .execute();
  await db.schema
    .createIndex('scim_groups_order')
    .on('scim_groups')
    .columns(['account_id', 'created_at', 'id'])
    .execute();

  await db.schema
    .createTable('scim_group_members')
    .addColumn('group_id', 'text', (c) => c.notNull().references('scim_groups.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('scim_users.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('scim_group_members_pk', ['group_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('scim_group_members_user')
    .on('scim_group_members')
    .columns(['user_id'])
    .execute();

  await db.schema
    .createTable('idp_connections')
    .addColumn('account_id', 'text', (c) => c.primaryKey().references(accountRef).onDelete('cascade'))
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('client_secret_sealed', 'text', (c) => c.notNull())
    // the ID token claim that lists groups; null: the IdP sends none and SCIM's groups decide
    .addColumn('groups_claim', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['idp_connections', 'scim_group_members', 'scim_groups', 'scim_users', 'scim_tokens'])
    await db.schema.dropTable(table).execute();
}
