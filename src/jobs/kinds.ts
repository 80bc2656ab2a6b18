import type { Db } from '../store/database.js';
import type { JobRecord } from '../store/jobs.js';
import type { AppEvent } from '../domain/entitlements/announce.js';
import type { DirectoryScheduleTick, DirectorySyncPayload } from '../domain/directory/deps.js';
import type { JobHandler } from './queue.js';

/**
 * Every kind of background job, once, with its payload. Adding a kind is one line here and its
 * handler (`defineJob`); `Jobs.enqueue` and the handler then agree on the payload by type.
 */
export interface JobPayloads {
  'identity.send-verification': { identityId: string };
  'identity.send-password-reset': { identityId: string };
  'identity.send-already-registered': { identityId: string };
  'send-invitation-email': { inviteId: string };
  'process-phone-number-order': { orderId: string };
  'release-phone-number': { e164: string };
  'apply-calling-name': { e164: string };
  'domain.check': { domainId: string; due: string };
  'deliver-app-event': { clientId: string; event: AppEvent };
  'purge-account': { accountId: string };
  'directory-sync': DirectorySyncPayload;
  'directory-schedule': DirectoryScheduleTick;
  'usage.close-month': { accountId: string; month: string };
}

export type JobKind = keyof JobPayloads;

/** A claimed job of one kind, its payload typed. */
export type JobOf<K extends JobKind> = Omit<JobRecord, 'kind' | 'payload'> & {
  kind: K;
  payload: JobPayloads[K];
};

/** A handler of one kind (see JobHandler for the contract of each member). */
export interface JobDefinition<K extends JobKind> {
  kind: K;
  run(job: JobOf<K>, deps: { db: Db; signal: AbortSignal }): Promise<void>;
  maxAttempts?: number;
  onGiveUp?(job: JobOf<K>, error: unknown, deps: { db: Db }): Promise<void>;
}

/**
 * The handler as the queue holds it. The payload was written by `Jobs.enqueue` for this kind,
 * so reading it as that kind's payload is sound.
 */
export function defineJob<K extends JobKind>(definition: JobDefinition<K>): JobHandler {
  return definition as unknown as JobHandler;
}
