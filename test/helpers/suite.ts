import { after, before, describe } from 'node:test';
import type { DirectoryClient } from '../../src/directory/types.js';
import type { Carrier } from '../../src/domain/phone-numbers/carrier.js';
import type { DirectorySignIn } from '../../src/domain/identities/credentials.js';
import type { Dialect } from '../../src/store/database.js';
import { createTestDatabase, dialects, skipReason, type TestDatabase } from './databases.js';
import { startTestServer, type TestServer } from './server.js';

export interface SuiteOptions {
  /** why the whole suite cannot run here (e.g. a missing tool); printed, and the suite skipped */
  skip?: string | undefined;
  /** a fake AD sign-in for the suite's servers (see startTestServer) */
  directorySignIn?: DirectorySignIn | undefined;
  /** an in-memory directory (FakeDirectory) in place of LDAP for the suite's servers */
  directoryClient?: DirectoryClient | undefined;
  /** a carrier in place of the simulated one (one that refuses numbers, say) */
  carrier?: Carrier | undefined;
}

/**
 * Declares the same suite once per dialect, each against its own server and database. A dialect
 * that cannot run here is skipped with its reason printed (and fails the run under CI).
 */
export async function eachDialect(
  title: string,
  body: (server: () => TestServer, dialect: Dialect) => void,
  env: Record<string, string> = {},
  options: SuiteOptions = {},
): Promise<void> {
  // Every reason is known before the first suite is declared: a declared suite starts running at
  // once, and would otherwise compete with the PostgreSQL probe for this process's event loop.
  const skips = await Promise.all(dialects.map(async (d) => options.skip ?? (await skipReason(d))));
  for (const [index, dialect] of dialects.entries()) {
    const skip = skips[index];
    if (skip) console.log(`# skipping "${title}" on ${dialect}: ${skip}`);
    describe(`${title} [${dialect}]`, { skip: skip ?? false }, () => {
      let server: TestServer | undefined;
      before(async () => {
        server = await startTestServer(dialect, env, {
          ...(options.directorySignIn && { directorySignIn: options.directorySignIn }),
          ...(options.directoryClient && { directoryClient: options.directoryClient }),
          ...(options.carrier && { carrier: options.carrier }),
        });
      });
      after(async () => {
        await server?.close();
      });
      body(() => {
        if (!server) throw new Error('server not started');
        return server;
      }, dialect);
    });
  }
}

/**
 * The same suite once per dialect against a database of its own and no server (store and
 * migration tests), migrated to the latest migration or up to `upTo`.
 */
export async function eachDialectDatabase(
  title: string,
  body: (database: () => TestDatabase, dialect: Dialect) => void,
  options: { upTo?: string } = {},
): Promise<void> {
  for (const dialect of dialects) {
    const skip = await skipReason(dialect);
    if (skip) console.log(`# skipping "${title}" on ${dialect}: ${skip}`);
    describe(`${title} [${dialect}]`, { skip: skip ?? false }, () => {
      let database: TestDatabase | undefined;
      before(async () => {
        database = await createTestDatabase(dialect, options.upTo);
      });
      after(() => database?.drop());
      body(() => {
        if (!database) throw new Error('database not created');
        return database;
      }, dialect);
    });
  }
}
