import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Config } from '../config.js';
import type { Actor } from '../domain/access/actor.js';
import type { RunReport, RunStatus } from '../domain/directory/contract.js';
import { DIRECTORY_SYNC_JOB } from '../domain/directory/deps.js';
import { startWorker } from '../jobs/queue.js';
import type { Services } from '../services.js';

const UNFINISHED: ReadonlySet<RunStatus> = new Set(['queued', 'running']);
const POLL_MS = 250;

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * Follows a queued run until it has an outcome or `timeoutMs` passed. A Belfry server's worker
 * normally starts it within a few polls; when none has after the grace period (no server, or one
 * with BELFRY_JOBS off), this process runs the account's due sync jobs itself, through the same
 * queue (claimed with a lease like any worker's, so a server that wakes up meanwhile never runs
 * them twice), and says so.
 */
export async function waitForRun(
  services: Services,
  config: Config,
  actor: Actor,
  runId: string,
  timeoutMs: number,
): Promise<{ report: RunReport; ranHere: boolean }> {
  const service = services.directory;
  const started = Date.now();
  const graceMs = Math.min(timeoutMs, Math.max(2_000, 3 * config.jobs.pollMs));
  let report = await service.getRun(actor, runId);
  let ranHere = false;
  while (UNFINISHED.has(report.status) && Date.now() - started < timeoutMs) {
    if (report.status === 'queued' && !ranHere && Date.now() - started >= graceMs) {
      await runHere(services, report.accountId);
      ranHere = true;
    } else await sleep(POLL_MS);
    report = await service.getRun(actor, runId);
  }
  return { report, ranHere };
}

async function runHere(services: Services, accountId: string): Promise<void> {
  const worker = startWorker({
    db: services.db,
    dialect: services.dialect,
    clock: services.clock,
    handlers: services.jobHandlers,
    only: { kinds: [DIRECTORY_SYNC_JOB], accountId },
    workerId: `cli:${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
    // Never polls on its own: drain() below runs what is due, once.
    pollMs: 3_600_000,
    log: {
      error: (obj, msg) => process.stderr.write(`belfry: ${msg} ${JSON.stringify(obj)}\n`),
      warn: (obj, msg) => process.stderr.write(`belfry: ${msg} ${JSON.stringify(obj)}\n`),
    },
  });
  try {
    await worker.drain();
  } finally {
    await worker.stop();
  }
}
