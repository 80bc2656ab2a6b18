import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';

/**
 * Kysely hands `pg` each query as text and values, which PostgreSQL parses and plans anew every
 * time. For a join over the users table (six indexes, several partial) planning costs more than
 * running the query: the sign-in facts of one person took 1.2 ms a query so, 0.2 ms named. Named
 * statements are parsed once per connection, and after a few runs PostgreSQL keeps a generic plan
 * for them when it costs no more than planning each call.
 *
 * Only queries with parameters are named (a constant query, `begin`, a migration's DDL, runs as
 * before), and only the first `limit` distinct texts: query shapes are finite, but a list of
 * values (`in (…)`) makes a text per length, and every name lives on in every connection.
 */
export function preparingPool(pool: pg.Pool, limit = 2000): PostgresPool {
  const names = new Map<string, string>();
  const nameOf = (text: string): string | undefined => {
    let name = names.get(text);
    if (name === undefined && names.size < limit) {
      name = `belfry_${names.size + 1}`;
      names.set(text, name);
    }
    return name;
  };
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    // Set once a statement this connection prepared no longer fits the schema; see below.
    let outdated = false;
    const run = async (text: string, values: unknown[]) => {
      const name = values.length > 0 && !outdated ? nameOf(text) : undefined;
      try {
        return await client.query({ name, text, values });
      } catch (error) {
        // Another instance migrated the schema (a rolling upgrade): a statement prepared here
        // before, `select *` above all, now has other columns, and PostgreSQL refuses to run it.
        // The query runs again unprepared, and the connection is closed when released, so a new
        // one prepares against the new schema. Inside a transaction the error has already failed
        // it; the operation fails once.
        if (name === undefined || !isOutdatedPlan(error)) throw error;
        outdated = true;
        return client.query({ text, values });
      }
    };
    return {
      query: ((query: string | object, values: readonly unknown[] = []) =>
        // Kysely's streaming passes a cursor object: that goes through untouched.
        typeof query === 'string'
          ? run(query, [...values])
          : client.query(query as never)) as unknown as PostgresPoolClient['query'],
      // An outdated connection is closed, never handed out again.
      release: () => client.release(outdated),
    };
  };
  return {
    async connect() {
      const client = await pool.connect();
      let adapter = wrapped.get(client);
      if (adapter === undefined) {
        adapter = wrap(client);
        wrapped.set(client, adapter);
      }
      return adapter;
    },
    end: () => pool.end(),
  };
}

/** PostgreSQL's refusal to run a prepared statement whose result columns have changed. */
export function isOutdatedPlan(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | undefined;
  return e?.code === '0A000' && /cached plan must not change result type/.test(e.message ?? '');
}
