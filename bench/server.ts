// Belfry as src/main.ts builds it, on the database the parent seeded (DATABASE_URL, BELFRY_MASTER_KEY
// in the environment), listening on a free loopback port that it reports to the parent over IPC.
// With BELFRY_JOBS on (bench/fleet.ts) it runs the job worker as src/main.ts does.
import '../src/lib/gc-tuning.js';
import { buildApp } from '../src/app.js';
import { composeServices, startConfiguredWorker } from '../src/compose.js';
import { loadConfig } from '../src/config.js';
import { migrateToLatest, openDatabase } from '../src/store/database.js';
import { serveUntilStopped } from './children.js';

const config = loadConfig();
const database = openDatabase(config.database);
await migrateToLatest(database.db);
const services = await composeServices(config, database);
const app = await buildApp(services, config);
const worker = startConfiguredWorker(config, database, services, app.log);
// PORT when the parent chose one (the OpenID issuer is BELFRY_PUBLIC_URL, so it must be known first).
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
const address = app.server.address();
if (address === null || typeof address === 'string') throw new Error('Belfry has no port');
serveUntilStopped(address.port, async () => {
  await app.close();
  await worker?.stop();
  await database.close();
});
