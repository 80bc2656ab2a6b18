// First: it sets how V8 collects garbage before the rest of Belfry allocates anything.
import './lib/gc-tuning.js';
import { hostname } from 'node:os';
import { relative } from 'node:path';
import { buildApp } from './app.js';
import { ensureOperatorKey, writeCredentialsFile } from './bootstrap.js';
import { composeServices } from './compose.js';
import { ConfigError, loadConfig, loadDotEnv, type Config } from './config.js';
import type { NewAccessKey } from './domain/access/keys.js';
import { startWorker } from './jobs/queue.js';
import { systemClock } from './lib/clock.js';
import { migrateToLatest, openDatabase } from './store/database.js';

/** Composition root: config → database → migrate → services → app → listen; closes gracefully. */
async function main(): Promise<void> {
  let config;
  try {
    loadDotEnv();
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78);
    }
    throw error;
  }
  let log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void } = {
    info: (obj, msg) => console.log(msg, obj),
    warn: (obj, msg) => console.warn(msg, obj),
  };
  const database = openDatabase(config.database, {
    onConnectionLost: (err) => log.warn({ err }, 'a database connection was lost; the pool reconnects'),
  });
  await migrateToLatest(database.db);
  // Mail is sent from jobs once the app (and its logger) exists; `log` is that logger by then.
  const services = await composeServices(config, database, { info: (obj, msg) => log.info(obj, msg) });
  const app = await buildApp(services, config);
  log = app.log;

  const worker = config.jobs.enabled
    ? startWorker({
        db: database.db,
        dialect: database.dialect,
        clock: systemClock,
        handlers: services.jobHandlers,
        workerId: `${hostname()}:${process.pid}`,
        pollMs: config.jobs.pollMs,
        log: app.log,
      })
    : undefined;

  let closing = false;
  const close = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    await app.close();
    await worker?.stop();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void close('SIGINT'));
  process.on('SIGTERM', () => void close('SIGTERM'));

  const operatorKey = await ensureOperatorKey(config, services.accessKeys);
  const url = await app.listen({ host: config.host, port: config.port });
  if (operatorKey) announceOperatorKey(config, operatorKey, url);
  app.log.info({ url, database: database.dialect }, 'Belfry is ready');
}

/** Shows the first-start key once, on the terminal rather than in the structured log. */
function announceOperatorKey(config: Config, key: NewAccessKey, url: string): void {
  const file = writeCredentialsFile(config.dataDir, key);
  const near = relative(process.cwd(), file);
  const shown = near.startsWith('..') ? file : near;
  process.stdout.write(
    [
      '',
      'Belfry created the operator administrator (FullAccess):',
      `  access key id:     ${key.accessKeyId}`,
      config.bootstrapKey
        ? '  secret access key: (as given in BELFRY_BOOTSTRAP_SECRET_ACCESS_KEY)'
        : `  secret access key: ${key.secretAccessKey}`,
      `It is saved in ${shown} (profile belfry). Try:`,
      `  AWS_SHARED_CREDENTIALS_FILE=${shown} AWS_PROFILE=belfry aws chime list-accounts --endpoint-url ${url} --region us-east-1`,
      '',
    ].join('\n') + '\n',
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
