// Belfry as src/main.ts builds it, on the database the parent seeded (DATABASE_URL, BELFRY_MASTER_KEY
// in the environment), listening on a free loopback port that it reports to the parent over IPC.
import { buildApp } from '../src/app.js';
import { loadMasterKey } from '../src/bootstrap.js';
import { loadConfig } from '../src/config.js';
import { systemClock } from '../src/lib/clock.js';
import { randomIds } from '../src/lib/ids.js';
import { createSecretBox } from '../src/lib/secret-box.js';
import { createServices } from '../src/services.js';
import { migrateToLatest, openDatabase } from '../src/store/database.js';
import { serveUntilStopped } from './children.js';

const config = loadConfig();
const database = openDatabase(config.database);
await migrateToLatest(database.db);
const services = await createServices({
  db: database.db,
  dialect: database.dialect,
  clock: systemClock,
  ids: randomIds,
  secrets: createSecretBox(loadMasterKey(config)),
  config,
});
const app = await buildApp(services, config);
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
if (address === null || typeof address === 'string') throw new Error('Belfry has no port');
serveUntilStopped(address.port, async () => {
  await app.close();
  await database.close();
});
