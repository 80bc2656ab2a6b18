import { sql, type Kysely } from 'kysely';

// Frozen once landed: later changes go in new migrations. No application imports here.

/**
 * Active Directory connections (DESIGN §5, issue 13). One connection per account; its bind
 * password is sealed. `directory_users` and `directory_groups` hold the last applied read, so
 * incremental runs, mapping previews and explain work without asking the directory. A run and its
 * itemised report are `directory_runs` and `directory_run_items`; a held run keeps what it read
 * (`read_snapshot`) so approving it applies exactly that. `users.directory_id` is the objectGUID:
 * a renamed or moved user keeps their Belfry user id. `signin_delegate_groups.tier` is the tier a
 * group gives (null: the account's DefaultLicense).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const accountRef = 'accounts.id';
  await db.schema
    .createTable('directory_connections')
    .addColumn('account_id', 'text', (c) => c.primaryKey().references(accountRef).onDelete('cascade'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('urls', 'text', (c) => c.notNull())
    .addColumn('bind_dn', 'text', (c) => c.notNull())
    .addColumn('bind_password_sealed', 'text', (c) => c.notNull())
    .addColumn('base_dn', 'text', (c) => c.notNull())
    .addColumn('user_filter', 'text')
    .addColumn('ca_pem', 'text')
    .addColumn('ca_subject', 'text')
    .addColumn('start_tls', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sync_url', 'text')
    .addColumn('sync_invocation_id', 'text')
    .addColumn('sync_highest_usn', 'text')
    .addColumn('next_incremental_at', 'text')
    .addColumn('next_full_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema.alterTable('signin_delegate_groups').addColumn('tier', 'text').execute();
  await db.schema.alterTable('users').addColumn('directory_id', 'text').execute();
  await db.schema
    .createIndex('users_account_directory_id')
    .unique()
    .on('users')
    .columns(['account_id', 'directory_id'])
    .where(sql.ref('directory_id'), 'is not', null)
    .execute();

  await db.schema
    .createTable('directory_users')
    .addColumn('account_id', 'text', (c) => c.notNull().references(accountRef).onDelete('cascade'))
    .addColumn('guid', 'text', (c) => c.notNull())
    .addColumn('dn', 'text', (c) => c.notNull())
    .addColumn('entry', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('directory_users_pk', ['account_id', 'guid'])
    .execute();
  await db.schema
    .createTable('directory_groups')
    .addColumn('account_id', 'text', (c) => c.notNull().references(accountRef).onDelete('cascade'))
    .addColumn('guid', 'text', (c) => c.notNull())
    .addColumn('dn', 'text', (c) => c.notNull())
    .addColumn('entry', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('directory_groups_pk', ['account_id', 'guid'])
    .execute();

  await db.schema
    .createTable('directory_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references(accountRef).onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('kind_reason', 'text')
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('dry_run', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('counts', 'text', (c) => c.notNull())
    .addColumn('read_snapshot', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'text')
    .execute();
  await db.schema
    .createIndex('directory_runs_account')
    .on('directory_runs')
    .columns(['account_id', 'id'])
    .execute();

  await db.schema
    .createTable('directory_run_items')
    .addColumn('run_id', 'text', (c) => c.notNull().references('directory_runs.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('guid', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('email', 'text')
    .addColumn('from_value', 'text')
    .addColumn('to_value', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('directory_run_items_pk', ['run_id', 'seq'])
    .execute();
  // explain: the last run item that changed a user
  await db.schema
    .createIndex('directory_run_items_account_user')
    .on('directory_run_items')
    .columns(['account_id', 'user_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['directory_run_items', 'directory_runs', 'directory_groups', 'directory_users'])
    await db.schema.dropTable(table).execute();
  await db.schema.dropIndex('users_account_directory_id').execute();
  await db.schema.alterTable('users').dropColumn('directory_id').execute();
  await db.schema.alterTable('signin_delegate_groups').dropColumn('tier').execute();
  await db.schema.dropTable('directory_connections').execute();
}
