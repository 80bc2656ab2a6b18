import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Frozen once landed: later changes go in new migrations. No application imports here.

/**
 * Pro periods (issue 17): the stretches of time in which a user row was a billable Pro member of
 * its account — Registered (an invitee who has not accepted is Unregistered), tier Pro, not removed,
 * in an account that is not deleted, whatever its type (Chime priced Pro days alike in Team and
 * Enterprise accounts, so a type change neither starts nor ends one). The billing rule bills a
 * day only for a meeting that starts inside one, so each period starts and ends at the very
 * moment the state changed.
 *
 * Written by triggers, not by the application: invitations, UpdateUser and BatchUpdateUser,
 * suspension, removal, directory syncs, SCIM, IdP sign-in, domain release, auto-join and account
 * deletion each write `users` or `accounts` through their own path, and a future writer (or a
 * hand-run UPDATE) would be one more to forget. A trigger runs in the writer's transaction, so a
 * period never outlives a change that rolled back, and costs no extra round trip on PostgreSQL.
 * The moment is the written row's `updated_at`, which every writer sets to its clock's instant
 * of the change (the injected clock in tests).
 *
 * `ended_at` null: the period still runs; at most one runs per user. Periods are kept when the
 * account is purged (no foreign key): they are the evidence behind bills, like the audit trail.
 * Existing members are backfilled from the later of their row's and their account's `updated_at`,
 * the latest instant the present state is known to have started by: a backfilled period never
 * claims a day it cannot show.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('pro_periods')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('ended_at', 'text')
    .addPrimaryKeyConstraint('pro_periods_pk', ['account_id', 'user_id', 'started_at'])
    .execute();
  await db.schema
    .createIndex('pro_periods_one_running')
    .unique()
    .on('pro_periods')
    .columns(['account_id', 'user_id'])
    .where(sql.ref('ended_at'), 'is', null)
    .execute();

  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const spelling = postgres ? POSTGRES : SQLITE;
  const triggers = postgres ? postgresTriggers() : sqliteTriggers();
  for (const statement of [...triggers, backfill(spelling)]) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const on = (table: string) => (postgres ? ` on ${table}` : '');
  for (const name of userTriggers) await sql.raw(`drop trigger if exists ${name}${on('users')}`).execute(db);
  await sql.raw(`drop trigger if exists pro_periods_account_status${on('accounts')}`).execute(db);
  if (postgres)
    for (const fn of [...userTriggers, 'pro_periods_account_status'])
      await sql.raw(`drop function if exists ${fn}()`).execute(db);
  await db.schema.dropTable('pro_periods').execute();
}

const userTriggers = ['pro_periods_user_insert', 'pro_periods_user_update', 'pro_periods_user_delete'];

/** The user row is a billable Pro member, its account aside. */
const isProMember = (row: string) =>
  `${row}.registration_status = 'Registered' and ${row}.license = 'Pro' and ${row}.removed_at is null`;

const accountIsActive = (accountId: string) =>
  `exists (select 1 from accounts a where a.id = ${accountId} and a.account_status = 'Active')`;

const isBillable = (row: string) => `${isProMember(row)} and ${accountIsActive(`${row}.account_id`)}`;

/** The columns whose change can start or end a period (the others never run the trigger body). */
const stateColumns = 'registration_status, license, removed_at, account_id, id';

/** SQLite's and PostgreSQL's spellings of what differs between them. */
interface Spelling {
  later: (a: string, b: string) => string;
  now: string;
}

/** Ends the row's running period at `at` (never before it started, should clocks disagree). */
const endPeriod = (s: Spelling, row: string, at: string, unless = 'false') => `
  update pro_periods set ended_at = ${s.later('started_at', at)}
  where account_id = ${row}.account_id and user_id = ${row}.id and ended_at is null and not (${unless})`;

/**
 * Starts a period for the row at `at` when it is billable and none runs. One ended at this same
 * instant by a change undone at once (an empty period) runs again instead of colliding with it.
 */
const startPeriod = (row: string, at: string) => `
  insert into pro_periods (account_id, user_id, started_at, ended_at)
  select ${row}.account_id, ${row}.id, ${at}, null
  where ${isBillable(row)} and not exists (
    select 1 from pro_periods p where p.account_id = ${row}.account_id and p.user_id = ${row}.id
      and p.ended_at is null)
  on conflict (account_id, user_id, started_at) do update set ended_at = null`;

/** An update ends the old row's period unless the new row is the same member, still billable. */
const stillBillable = `NEW.account_id = OLD.account_id and NEW.id = OLD.id and ${isBillable('NEW')}`;

/** An account deleted (Suspended) ends its members' periods; restored, starts the billable ones. */
const endAccountPeriods = (s: Spelling) => `
  update pro_periods set ended_at = ${s.later('started_at', 'NEW.updated_at')}
  where account_id = NEW.id and ended_at is null and NEW.account_status <> 'Active'`;

const startAccountPeriods = `
  insert into pro_periods (account_id, user_id, started_at, ended_at)
  select u.account_id, u.id, NEW.updated_at, null from users u
  where NEW.account_status = 'Active' and u.account_id = NEW.id and ${isProMember('u')}
    and not exists (select 1 from pro_periods p where p.account_id = u.account_id and p.user_id = u.id
      and p.ended_at is null)
  on conflict (account_id, user_id, started_at) do update set ended_at = null`;

const accountStatusFlips = `(OLD.account_status = 'Active') <> (NEW.account_status = 'Active')`;

/** Members billable now, from the last change of their row or their account, whichever is later. */
const backfill = (s: Spelling) => `
  insert into pro_periods (account_id, user_id, started_at, ended_at)
  select u.account_id, u.id, ${s.later('u.updated_at', 'a.updated_at')}, null
  from users u join accounts a on a.id = u.account_id
  where ${isProMember('u')} and a.account_status = 'Active'`;

const SQLITE: Spelling = {
  later: (a, b) => `max(${a}, ${b})`,
  now: `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`,
};

const POSTGRES: Spelling = {
  later: (a, b) => `greatest(${a}, ${b})`,
  now: `to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
};

function sqliteTriggers(): string[] {
  const s = SQLITE;
  return [
    `create trigger pro_periods_user_insert after insert on users when ${isProMember('NEW')}
     begin ${startPeriod('NEW', 'NEW.updated_at')}; end`,
    `create trigger pro_periods_user_update after update of ${stateColumns} on users
     begin ${endPeriod(s, 'OLD', 'NEW.updated_at', stillBillable)}; ${startPeriod('NEW', 'NEW.updated_at')}; end`,
    // Only a purge deletes member rows, after the deletion ended their periods; kept for safety.
    `create trigger pro_periods_user_delete after delete on users when ${isProMember('OLD')}
     begin ${endPeriod(s, 'OLD', s.now)}; end`,
    `create trigger pro_periods_account_status after update of account_status on accounts
     when ${accountStatusFlips}
     begin ${endAccountPeriods(s)}; ${startAccountPeriods}; end`,
  ];
}

function postgresTriggers(): string[] {
  const s = POSTGRES;
  const fn = (name: string, body: string) => `
    create function ${name}() returns trigger language plpgsql as $body$
    begin ${body}; return null; end $body$`;
  const changed = stateColumns
    .split(', ')
    .map((c) => `OLD.${c} is distinct from NEW.${c}`)
    .join(' or ');
  return [
    fn('pro_periods_user_insert', startPeriod('NEW', 'NEW.updated_at')),
    fn(
      'pro_periods_user_update',
      `${endPeriod(s, 'OLD', 'NEW.updated_at', stillBillable)}; ${startPeriod('NEW', 'NEW.updated_at')}`,
    ),
    fn('pro_periods_user_delete', endPeriod(s, 'OLD', s.now)),
    fn('pro_periods_account_status', `${endAccountPeriods(s)}; ${startAccountPeriods}`),
    `create trigger pro_periods_user_insert after insert on users for each row
     when (${isProMember('NEW')}) execute function pro_periods_user_insert()`,
    `create trigger pro_periods_user_update after update of ${stateColumns} on users for each row
     when (${changed}) execute function pro_periods_user_update()`,
    `create trigger pro_periods_user_delete after delete on users for each row
     when (${isProMember('OLD')}) execute function pro_periods_user_delete()`,
    `create trigger pro_periods_account_status after update of account_status on accounts for each row
     when (${accountStatusFlips}) execute function pro_periods_account_status()`,
  ];
}
