import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { loadMasterKey } from './bootstrap.js';
import type { Config } from './config.js';
import { systemClock } from './lib/clock.js';
import { randomIds } from './lib/ids.js';
import { createSecretBox } from './lib/secret-box.js';
import { startWorker, type WorkerOptions } from './jobs/queue.js';
import { createMailer, type MailLog } from './mail/create-mailer.js';
import { createServices, type Services } from './services.js';
import type { OpenDatabase } from './store/database.js';

/**
 * The services as a running Belfry has them: the system clock, random ids, secrets sealed
 * with the installation's master key (created on first start), and mail as configured. The
 * server and the benchmark's Belfry both build them here, so the benchmark measures what
 * production runs. `log` receives the file mailer's notes when there is no SMTP server.
 */
export function composeServices(
  config: Config,
  database: OpenDatabase,
  log: MailLog = { info: (obj, msg) => console.log(msg, obj) },
): Promise<Services> {
  return createServices({
    db: database.db,
    dialect: database.dialect,
    clock: systemClock,
    ids: randomIds,
    secrets: createSecretBox(loadMasterKey(config)),
    config,
    mailer: createMailer(config, log),
    changeMarker: database.changeMarker,
  });
}

/**
 * The job worker as a running Belfry has it (none with BELFRY_JOBS off): the system clock, the
 * configured poll, and an id unique to this process even where host name and pid repeat
 * (containers restarted). The server and the benchmark's Belfry both start it here.
 */
export function startConfiguredWorker(
  config: Config,
  database: OpenDatabase,
  services: Services,
  log: WorkerOptions['log'],
): ReturnType<typeof startWorker> | undefined {
  if (!config.jobs.enabled) return undefined;
  return startWorker({
    db: database.db,
    dialect: database.dialect,
    clock: systemClock,
    handlers: services.jobHandlers,
    workerId: `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
    pollMs: config.jobs.pollMs,
    log,
  });
}
