import { loadMasterKey } from './bootstrap.js';
import type { Config } from './config.js';
import { systemClock } from './lib/clock.js';
import { randomIds } from './lib/ids.js';
import { createSecretBox } from './lib/secret-box.js';
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
