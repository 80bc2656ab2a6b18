// First: it sets how V8 collects garbage before the rest of Belfry allocates anything.
import './lib/gc-tuning.js';
import { relative } from 'node:path';
import { buildApp } from './app.js';
import { ensureOperatorKey, withdrawOperatorKey, writeCredentialsFile } from './bootstrap.js';
import { composeServices, startConfiguredWorker } from './compose.js';
import { ConfigError, loadConfig, loadDotEnv, type Config } from './config.js';
import type { NewAccessKey } from './domain/access/keys.js';
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

  const worker = startConfiguredWorker(config, database, services, app.log);

  const stop = async () => {
    await app.close();
    await worker?.stop();
    await database.close();
  };
  let closing = false;
  const close = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    exitAtDeadline(app.log);
    await stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void close('SIGINT'));
  process.on('SIGTERM', () => void close('SIGTERM'));

  // Every plugin is loaded before the first key exists, so only listening itself can fail after.
  await app.ready();
  const operatorKey = await ensureOperatorKey(config, services.accessKeys);
  // Saved before listening: a start stopped before the key is shown still leaves it in the file.
  const saved = operatorKey && saveOperatorKey(config, operatorKey);
  let url: string;
  try {
    url = await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    closing = true;
    exitAtDeadline(app.log);
    console.error(listenFailure(config, error));
    // Taken back, so the next start (on a free port) creates, shows and saves the key anew.
    if (operatorKey && !(await withdrawOperatorKey(services.accessKeys, operatorKey, saved?.file)))
      announceOperatorKey(config, operatorKey, saved || {}, undefined);
    await stop();
    process.exit(1);
  }
  if (operatorKey) announceOperatorKey(config, operatorKey, saved || {}, url);
  await announceSetupLink(config, services);
  app.log.info({ url, database: database.dialect }, 'Belfry is ready');
}

/**
 * How long a stop may take before the process exits anyway. Closing waits for requests in flight
 * and the running job; one that does not end (a hung peer) must not keep the server alive: the
 * job's lease then expires and another worker runs it.
 */
const SHUTDOWN_DEADLINE_MS = 5_000;

function exitAtDeadline(log: { warn(obj: object, msg: string): void }): void {
  setTimeout(() => {
    log.warn({ deadlineMs: SHUTDOWN_DEADLINE_MS }, 'shutdown did not finish in time; exiting now');
    process.exit(1);
  }, SHUTDOWN_DEADLINE_MS).unref();
}

type Saved = { file?: string; error?: string };

function saveOperatorKey(config: Config, key: NewAccessKey): Saved {
  try {
    return { file: writeCredentialsFile(config.dataDir, key) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Shows the first-start key once, on the terminal rather than in the structured log. Without a
 * `url` (the server could not listen, and the key could not be taken back) there is no command to try.
 */
function announceOperatorKey(config: Config, key: NewAccessKey, saved: Saved, url: string | undefined) {
  const near = saved.file && relative(process.cwd(), saved.file);
  const shown = near && near.startsWith('..') ? saved.file : near;
  const lines = [
    '',
    'Belfry created the operator administrator (FullAccess):',
    `  access key id:     ${key.accessKeyId}`,
    config.bootstrapKey
      ? '  secret access key: (as given in BELFRY_BOOTSTRAP_SECRET_ACCESS_KEY)'
      : `  secret access key: ${key.secretAccessKey}`,
  ];
  if (!shown) lines.push(`It could not be saved (${saved.error}): keep it now, it is not shown again.`);
  else if (!url) lines.push(`It is saved in ${shown} (profile belfry).`);
  else
    lines.push(
      `It is saved in ${shown} (profile belfry). Try:`,
      `  AWS_SHARED_CREDENTIALS_FILE=${shown} AWS_PROFILE=belfry aws chime list-accounts --endpoint-url ${url} --region us-east-1`,
    );
  process.stdout.write([...lines, ''].join('\n') + '\n');
}

/**
 * While the console has no administrator, each start prints a one-time link that creates the
 * first one (single use, expiring; only its hash is stored). The token is in the fragment, which
 * browsers never send to a server or in a Referer, so no access log holds it.
 */
async function announceSetupLink(config: Config, services: Awaited<ReturnType<typeof composeServices>>) {
  const token = await services.consoleAdmins.issueSetupToken();
  if (!token) return;
  const hours = config.console.setupLinkHours;
  process.stdout.write(
    [
      '',
      'The console has no administrator yet. Open this link to create the first one (FullAccess);',
      `it works once, for ${hours} hour${hours === 1 ? '' : 's'}:`,
      `  ${config.publicUrl}/console/setup#token=${token}`,
      'Or run "belfry admins create --email <address>".',
      '',
    ].join('\n') + '\n',
  );
}

/** One line on why the server could not listen, naming the setting to change. */
function listenFailure(config: Config, error: unknown): string {
  const where = `${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
  const code = error instanceof Error && 'code' in error ? String(error.code) : '';
  const reasons: Record<string, string> = {
    EADDRINUSE: 'address already in use; set PORT to a free port',
    EACCES: 'permission denied (ports below 1024 need privileges); set PORT',
    EADDRNOTAVAIL: 'no such address on this machine; set HOST',
    ENOTFOUND: 'the host name does not resolve; set HOST',
  };
  const reason = reasons[code] ?? (error instanceof Error ? error.message : String(error));
  return `cannot listen on ${where}: ${reason}`;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
