import { TokenBuckets } from '../../lib/token-buckets.js';
import { deleteInstance, deleteInstancesSeenBefore, renewInstance } from '../../store/api-instances.js';
import type { Db } from '../../store/database.js';

export interface BudgetLimits {
  /** sustained requests per second, per principal, over all instances */
  requestsPerSecond: number;
  /** requests a principal may make at once after a quiet spell, over all instances */
  burst: number;
}

export interface BudgetDeps {
  db: Db;
  /** this instance's id in `api_instances` */
  instanceId: string;
  limits: BudgetLimits;
  /** how often the instance renews its row and recounts the others */
  heartbeatMs?: number;
  /** wall-clock milliseconds (rows are compared across instances, so never the business clock) */
  wallClock?: () => number;
}

/** An instance that has not renewed its row for this many heartbeats no longer counts. */
const LIVE_HEARTBEATS = 3;
/** A row older than this belongs to an instance that ended without removing it: deleted. */
const FORGET_AFTER_MS = 10 * 60_000;

/**
 * Each verified principal's (access key's; later a console session's or SCIM token's) request
 * budget: a token bucket, kept in this instance's memory so the check costs no database trip.
 *
 * Several instances on one PostgreSQL share the budget by dividing it: each renews a heartbeat
 * row every few seconds, counts the instances alive, and gives its own buckets 1/n of the rate
 * and the burst. That is one write per instance per heartbeat, however many requests and
 * principals there are, and it needs no agreement on who consumed what. Behind a load balancer
 * that spreads requests, the budget holds overall; a client pinned to one instance gets only
 * its share, which errs on the side that protects the database. Reconciling consumed counts
 * instead would be exact, but costs a write per active principal per interval and still lags
 * by an interval. Between a start or stop and the next heartbeat the shares are briefly off.
 */
export function createRequestBudget(deps: BudgetDeps) {
  const heartbeatMs = deps.heartbeatMs ?? 5_000;
  const wallClock = deps.wallClock ?? Date.now;
  const buckets = new TokenBuckets(shareOf(deps.limits, 1));
  let liveInstances = 1;
  let timer: NodeJS.Timeout | undefined;
  let beating: Promise<void> | undefined;

  async function beat(): Promise<void> {
    const now = wallClock();
    const iso = (ms: number) => new Date(ms).toISOString();
    const live = await renewInstance(
      deps.db,
      deps.instanceId,
      iso(now),
      iso(now - LIVE_HEARTBEATS * heartbeatMs),
    );
    await deleteInstancesSeenBefore(deps.db, iso(now - FORGET_AFTER_MS));
    liveInstances = Math.max(1, live);
    buckets.setLimits(shareOf(deps.limits, liveInstances));
    buckets.sweep();
  }

  return {
    /**
     * Spends one request of the principal's budget. Returns 0 when it is allowed, else the
     * seconds until the next request will be. Call it only for verified requests: a stranger
     * must not be able to spend someone else's budget.
     */
    take(principalId: string): number {
      return buckets.take(principalId);
    },

    /** Registers this instance and keeps renewing it; a failed renewal keeps the last count. */
    async start(onError: (error: unknown) => void): Promise<void> {
      if (timer) return;
      await beat().catch(onError);
      timer = setInterval(() => {
        beating ??= beat()
          .catch(onError)
          .finally(() => (beating = undefined));
      }, heartbeatMs);
      timer.unref();
    },

    /** Stops renewing and removes this instance's row, so the others take back its share. */
    async stop(): Promise<void> {
      if (!timer) return;
      clearInterval(timer);
      timer = undefined;
      await beating;
      await deleteInstance(deps.db, deps.instanceId);
    },

    /** how many instances this one counted at its last heartbeat (itself included) */
    liveInstances: () => liveInstances,
  };
}

export type RequestBudget = ReturnType<typeof createRequestBudget>;

function shareOf(limits: BudgetLimits, instances: number) {
  return {
    ratePerSecond: limits.requestsPerSecond / instances,
    // At least one whole request, or a small burst split many ways would refuse everything.
    capacity: Math.max(1, limits.burst / instances),
  };
}
