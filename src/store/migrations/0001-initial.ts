import { sql, type Kysely } from 'kysely';

// Frozen once landed: later changes go in new migrations. No application imports here.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('installation')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('admin_principals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('policy', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('access_keys')
    .addColumn('access_key_id', 'text', (c) => c.primaryKey())
    .addColumn('principal_id', 'text', (c) =>
      c.notNull().references('admin_principals.id').onDelete('cascade'),
    )
    .addColumn('secret_sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .execute();
  await db.schema.createIndex('access_keys_principal').on('access_keys').column('principal_id').execute();

  await db.schema
    .createTable('accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('account_type', 'text', (c) => c.notNull())
    .addColumn('account_status', 'text', (c) => c.notNull())
    .addColumn('default_license', 'text', (c) => c.notNull())
    .addColumn('supported_licenses', 'text', (c) => c.notNull())
    .addColumn('disable_remote_control', 'integer')
    .addColumn('enable_dial_out', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('deleted_at', 'text')
    .addColumn('purge_after', 'text')
    .execute();
  await db.schema
    .createIndex('accounts_status_id')
    .on('accounts')
    .columns(['account_status', 'id'])
    .execute();

  await db.schema
    .createTable('signin_delegate_groups')
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('group_name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('signin_delegate_groups_pk', ['account_id', 'group_name'])
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('email', 'text')
    .addColumn('email_normalized', 'text')
    .addColumn('display_name', 'text')
    .addColumn('license', 'text', (c) => c.notNull())
    .addColumn('user_type', 'text', (c) => c.notNull())
    .addColumn('registration_status', 'text', (c) => c.notNull())
    .addColumn('invitation_status', 'text')
    .addColumn('registered_on', 'text')
    .addColumn('invited_on', 'text')
    .addColumn('personal_pin', 'text', (c) => c.notNull())
    .addColumn('alexa_enabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('alexa_room_arn', 'text')
    .addColumn('primary_provisioned_number', 'text')
    .addColumn('telephony_inbound', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('telephony_outbound', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('telephony_sms', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sessions_revoked_at', 'text')
    .addColumn('removed_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // Members are listed in id order (UUIDv7, so creation order) within an account.
  await db.schema
    .createIndex('users_account_member')
    .on('users')
    .columns(['account_id', 'id'])
    .where(sql.ref('removed_at'), 'is', null)
    .execute();
  await db.schema
    .createIndex('users_account_type_member')
    .on('users')
    .columns(['account_id', 'user_type', 'id'])
    .where(sql.ref('removed_at'), 'is', null)
    .execute();
  // One live membership per address per account.
  await db.schema
    .createIndex('users_account_email')
    .unique()
    .on('users')
    .columns(['account_id', 'email_normalized'])
    .where(sql.ref('removed_at'), 'is', null)
    .execute();
  await db.schema.createIndex('users_email').on('users').column('email_normalized').execute();

  await db.schema
    .createTable('invites')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('email_status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('invites_account_user')
    .on('invites')
    .columns(['account_id', 'user_id'])
    .execute();

  // No foreign key to accounts: the trail outlives a purged account.
  await db.schema
    .createTable('audit_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text')
    .addColumn('principal_id', 'text')
    .addColumn('principal', 'text', (c) => c.notNull())
    .addColumn('operation', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text')
    .addColumn('target_id', 'text')
    .addColumn('user_id', 'text')
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('source_ip', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('error_code', 'text')
    .addColumn('details', 'text')
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_account').on('audit_events').columns(['account_id', 'id']).execute();
  await db.schema
    .createIndex('audit_account_user')
    .on('audit_events')
    .columns(['account_id', 'user_id', 'id'])
    .execute();
  await db.schema
    .createIndex('audit_account_operation')
    .on('audit_events')
    .columns(['account_id', 'operation', 'id'])
    .execute();

  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('run_at', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('jobs_due').on('jobs').columns(['status', 'run_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'jobs',
    'audit_events',
    'invites',
    'users',
    'signin_delegate_groups',
    'accounts',
    'access_keys',
    'admin_principals',
    'installation',
  ])
    await db.schema.dropTable(table).execute();
}
