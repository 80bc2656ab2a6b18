import type { Clock } from '../lib/clock.js';
import type { Ids } from '../lib/ids.js';
import type { Db, Dialect } from '../store/database.js';
import type { Jobs } from '../jobs/queue.js';

/** What domain services are built from; composed once in main.ts (and in tests). */
export interface DomainDeps {
  db: Db;
  dialect: Dialect;
  ids: Ids;
  clock: Clock;
  jobs: Jobs;
  settings: {
    /** days a deleted account stays restorable before it is purged */
    accountRetentionDays: number;
  };
}
