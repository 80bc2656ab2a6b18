import { migrateToLatest } from '../store/database.js';
import { withDatabase } from './context.js';
import { print } from './output.js';
import { parseCommand } from './usage.js';

/** `belfry migrate`: the same migrations the server applies at start, on demand. */
export async function migrate(args: string[]): Promise<void> {
  parseCommand(args, {}, { names: [] });
  await withDatabase({ create: true }, async (database, config) => {
    // Host and database name only: a postgres:// URL may carry a password.
    const where =
      config.database.dialect === 'sqlite'
        ? config.database.file
        : `PostgreSQL database ${new URL(config.database.url).host}${new URL(config.database.url).pathname}`;
    const result = await migrateToLatest(database.db);
    const applied = (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    if (applied.length === 0) {
      print(`${where} is up to date: no migrations to apply.`);
      return;
    }
    for (const name of applied) print(`applied ${name}`);
    print(`${where} is up to date (${applied.length} migration${applied.length === 1 ? '' : 's'} applied).`);
  });
}
