import { sql, type Kysely } from 'kysely';

// Frozen once landed: later changes go in new migrations. No application imports here.

/** Belfry as the OpenID provider of the platform's apps (DESIGN §7). */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Everything oidc-provider persists (sessions, interactions, codes, tokens, grants), one row per
  // (model, id) with the payload as JSON. The side columns are what the provider looks rows up by
  // besides the id: a grant (revoke all its tokens at once), an interaction uid, a device user code.
  await db.schema
    .createTable('oidc_models')
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('grant_id', 'text')
    .addColumn('uid', 'text')
    .addColumn('user_code', 'text')
    .addColumn('expires_at', 'text')
    .addColumn('consumed_at', 'text')
    .addPrimaryKeyConstraint('oidc_models_pk', ['model', 'id'])
    .execute();
  await db.schema.createIndex('oidc_models_grant').on('oidc_models').column('grant_id').execute();
  await db.schema.createIndex('oidc_models_uid').on('oidc_models').columns(['model', 'uid']).execute();
  await db.schema
    .createIndex('oidc_models_user_code')
    .on('oidc_models')
    .columns(['model', 'user_code'])
    .execute();
  await db.schema.createIndex('oidc_models_expiry').on('oidc_models').column('expires_at').execute();

  // Apps registered by the operator. The secret is sealed with the master key: the provider
  // compares it in clear (client_secret_basic/post), so it cannot be hashed.
  await db.schema
    .createTable('oidc_clients')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('secret_sealed', 'text', (c) => c.notNull())
    .addColumn('redirect_uris', 'text', (c) => c.notNull())
    .addColumn('post_logout_redirect_uris', 'text', (c) => c.notNull())
    .addColumn('token_endpoint_auth_method', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  // Token signing keys, the private JWK sealed. One `active` key signs; `published` ones stay in
  // the JWKS so tokens they signed still verify; `retired` ones are gone from the JWKS.
  await db.schema
    .createTable('oidc_signing_keys')
    .addColumn('kid', 'text', (c) => c.primaryKey())
    .addColumn('alg', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('private_jwk_sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // Two servers starting at once on an empty table cannot both make an active key.
  await db.schema
    .createIndex('oidc_signing_keys_one_active')
    .unique()
    .on('oidc_signing_keys')
    .column('state')
    .where(sql.ref('state'), '=', 'active')
    .execute();

  // One row per app sign-in (keyed by the grant the sign-in created): who, as which member, and
  // when, to the millisecond. A token is alive only while its sign-in is later than every
  // "sign out everywhere" of that person (LogoutUser, suspension, removal).
  await db.schema
    .createTable('oidc_sign_ins')
    .addColumn('grant_id', 'text', (c) => c.primaryKey())
    .addColumn('identity_id', 'text', (c) => c.notNull().references('identities.id').onDelete('cascade'))
    .addColumn('account_id', 'text')
    .addColumn('user_id', 'text')
    .addColumn('signed_in_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('oidc_sign_ins_identity').on('oidc_sign_ins').column('identity_id').execute();
  await db.schema.createIndex('oidc_sign_ins_expiry').on('oidc_sign_ins').column('expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('oidc_sign_ins').execute();
  await db.schema.dropTable('oidc_signing_keys').execute();
  await db.schema.dropTable('oidc_clients').execute();
  await db.schema.dropTable('oidc_models').execute();
}
