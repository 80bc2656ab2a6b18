import { typeWithVerifiedDomain } from '../accounts/account-types.js';
import { updateAccount, type AccountRecord } from '../../store/accounts.js';
import type { Db } from '../../store/database.js';
import { isUniqueViolation } from '../../store/database.js';
import {
  findHeldDomain,
  HELD_STATUSES,
  updateDomain,
  type DomainChanges,
  type DomainRecord,
} from '../../store/domains.js';
import type { AuditLog } from '../audit/trail.js';
import { conflict } from '../errors.js';
import type { TxtAnswer } from './dns.js';
import { CHECK_DOMAIN_JOB, type DomainsDeps } from './deps.js';

/** What one check changed, for the audit trail; undefined when the claim stays as it was. */
export type CheckEvent =
  | 'Verified'
  | 'Failed'
  | 'RecordMissing'
  | 'RecordRestored'
  /** a domain held by the operator's override whose record is now found: DNS-verified from then on */
  | 'RecordConfirmed'
  | undefined;

/** What a verification rests on: one lookup's answer, or the operator's word with a reason. */
export type Evidence = TxtAnswer | { kind: 'override'; reason: string };

export const isHeld = (domain: Pick<DomainRecord, 'status'>) => HELD_STATUSES.includes(domain.status);

const BY_RECORD = { verifiedBy: 'DnsRecord', overrideReason: undefined } as const;

/**
 * Applies one lookup's answer (or the operator's override) to the claim, in the caller's
 * transaction with the account locked. A found record or an override verifies a pending (or
 * failed) claim unless another account holds the domain (an override is then refused); the first
 * verified domain turns a Team account into EnterpriseLWA (DESIGN §2). A held domain whose record
 * is gone becomes RecordMissing — reported, never released — and Verified again once the record is
 * back or the operator overrides. A domain held by an override stays Verified without its record
 * (the override exists because DNS cannot show it), and is verified by its record once found. A
 * pending claim past its deadline is Failed by the first check that gets an answer. An
 * unreachable resolver says nothing about the record: only the check's result is noted.
 */
export async function applyCheck(
  tx: Db,
  deps: DomainsDeps,
  account: AccountRecord,
  domain: DomainRecord,
  evidence: Evidence,
  log: AuditLog,
): Promise<{ domain: DomainRecord; event: CheckEvent }> {
  const at = deps.clock.now().toISOString();
  const outcome = isHeld(domain)
    ? recheckHeld(domain, evidence, at)
    : await verifyClaim(tx, domain, evidence, at);
  let { changes } = outcome;
  let { event } = outcome;
  // Only an answer fails a claim: a resolver that cannot be reached at the deadline says nothing
  // about the record, and the claim waits for the next check that gets one.
  const pastDeadline = domain.status === 'PendingVerification' && at >= domain.verificationDeadline;
  if (event === undefined && pastDeadline && evidence.kind !== 'unreachable') {
    changes = { ...changes, status: 'Failed' };
    event = 'Failed';
  }
  await updateDomain(tx, domain.id, changes).catch((error: unknown) => {
    // Another account verified the same domain at the same moment (unique index of 0008).
    throw isUniqueViolation(error) ? conflict(`${domain.domainName} is claimed by another account`) : error;
  });
  if (event === 'Verified' && typeWithVerifiedDomain(account.type) !== account.type)
    await convertToEnterprise(tx, account, at, log);
  return { domain: { ...domain, ...changes }, event };
}

type Outcome = { changes: DomainChanges; event: CheckEvent };

/** A lookup notes its result; an override is no lookup and leaves the last check as it was. */
function noted(evidence: Evidence, at: string): DomainChanges {
  if (evidence.kind === 'override') return { updatedAt: at };
  const detail = evidence.kind === 'found' ? 'record found' : evidence.detail;
  return { lastCheckedAt: at, lastCheckResult: detail, updatedAt: at };
}

function recheckHeld(domain: DomainRecord, evidence: Evidence, at: string): Outcome {
  const changes = noted(evidence, at);
  const overridden = domain.verifiedBy === 'OperatorOverride';
  if (evidence.kind === 'override' && domain.status === 'RecordMissing')
    return {
      changes: {
        ...changes,
        ...overrideOf(evidence),
        status: 'Verified',
        verifiedAt: at,
        recordMissingSince: undefined,
      },
      event: 'Verified',
    };
  if (evidence.kind === 'found' && domain.status === 'RecordMissing')
    return {
      changes: { ...changes, ...BY_RECORD, status: 'Verified', recordMissingSince: undefined },
      event: 'RecordRestored',
    };
  if (evidence.kind === 'found' && overridden)
    return { changes: { ...changes, ...BY_RECORD }, event: 'RecordConfirmed' };
  if (evidence.kind === 'absent' && overridden)
    return {
      changes: { ...changes, lastCheckResult: `${evidence.detail}; kept: verified by operator override` },
      event: undefined,
    };
  if (evidence.kind === 'absent' && domain.status === 'Verified')
    return {
      changes: { ...changes, status: 'RecordMissing', recordMissingSince: at },
      event: 'RecordMissing',
    };
  return { changes, event: undefined };
}

async function verifyClaim(tx: Db, domain: DomainRecord, evidence: Evidence, at: string): Promise<Outcome> {
  const changes = noted(evidence, at);
  if (evidence.kind !== 'found' && evidence.kind !== 'override') return { changes, event: undefined };
  const holder = await findHeldDomain(tx, domain.domainName);
  if (holder && holder.accountId !== domain.accountId) {
    if (evidence.kind === 'override') throw conflict(`${domain.domainName} is verified by another account`);
    return {
      changes: { ...changes, lastCheckResult: 'record found, but another account holds the domain' },
      event: undefined,
    };
  }
  const how = evidence.kind === 'override' ? overrideOf(evidence) : BY_RECORD;
  return {
    changes: { ...changes, ...how, status: 'Verified', verifiedAt: at, recordMissingSince: undefined },
    event: 'Verified',
  };
}

const overrideOf = (evidence: { reason: string }) =>
  ({ verifiedBy: 'OperatorOverride', overrideReason: evidence.reason }) as const;

/** Team → EnterpriseLWA: suspension now suspends, and the domain's people join by signing in. */
async function convertToEnterprise(tx: Db, account: AccountRecord, at: string, log: AuditLog) {
  const type = typeWithVerifiedDomain(account.type);
  await updateAccount(tx, account.id, { type, updatedAt: at });
  log.item({
    targetType: 'Account',
    targetId: account.id,
    details: { accountType: { from: account.type, to: type } },
  });
}

/**
 * Records when the claim's next periodic check is due and queues it: pending claims every
 * `pendingCheckMs` (and once at the deadline), held domains every `recheckMs`, failed ones
 * never. The job carries the due time, so only the check the row expects does anything.
 */
export async function scheduleNextCheck(
  tx: Db,
  deps: DomainsDeps,
  domain: DomainRecord,
  options: { deferred?: boolean } = {},
): Promise<void> {
  const now = deps.clock.now().getTime();
  const { pendingCheckMs, recheckMs } = deps.domainSchedule;
  let due: number | undefined;
  // A deleted account's claims are not checked, only looked at again at the held-domain pace,
  // so checking resumes by itself if the account is restored (and ends with its purge).
  if (options.deferred) due = now + recheckMs;
  else if (domain.status === 'PendingVerification') {
    const deadline = Date.parse(domain.verificationDeadline);
    // Once more at the deadline; past it (the resolver was unreachable then), at the usual pace.
    due = deadline > now ? Math.min(now + pendingCheckMs, deadline) : now + pendingCheckMs;
  } else if (isHeld(domain)) due = now + recheckMs;
  const nextCheckAt = due === undefined ? undefined : new Date(due).toISOString();
  await updateDomain(tx, domain.id, { nextCheckAt });
  if (nextCheckAt === undefined) return;
  await deps.jobs.enqueue(
    tx,
    CHECK_DOMAIN_JOB,
    { domainId: domain.id, due: nextCheckAt },
    { accountId: domain.accountId, runAt: new Date(due!) },
  );
}
