import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import type { OpenDatabase } from '../../src/store/database.js';

/**
 * Every value of every row of every table, as one text: what a copy of the database would give
 * whoever holds it. Binary columns are read as Latin-1, so text inside them is found too.
 */
export async function storedText(database: OpenDatabase): Promise<string> {
  const { db } = database;
  const tables =
    database.dialect === 'sqlite'
      ? await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)
      : await sql<{
          name: string;
        }>`select tablename as name from pg_tables where schemaname = current_schema()`.execute(db);
  const parts: string[] = [];
  for (const { name } of tables.rows) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db);
    for (const row of rows)
      for (const value of Object.values(row))
        parts.push(Buffer.isBuffer(value) ? value.toString('latin1') : String(value));
  }
  return parts.join('\n');
}

/**
 * The bytes of an SQLite database's files (the database and its write-ahead log), as Latin-1:
 * deleted rows and old page images live on there until overwritten. Empty for PostgreSQL, whose
 * files this process cannot read.
 */
export async function sqliteFileText(database: OpenDatabase): Promise<string> {
  if (database.dialect !== 'sqlite') return '';
  const { rows } = await sql<{ name: string; file: string }>`pragma database_list`.execute(database.db);
  const file = rows.find((r) => r.name === 'main')!.file;
  return [file, `${file}-wal`]
    .map((path) => {
      try {
        return readFileSync(path).toString('latin1');
      } catch {
        return '';
      }
    })
    .join('\n');
}
