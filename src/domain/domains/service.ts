import { randomBytes } from 'node:crypto';
import {
  findDomain,
  findHeldDomain,
  insertDomain,
  listDomainsOfAccount,
  updateDomain,
  type DomainRecord,
} from '../../store/domains.js';
import { findAccountById } from '../../store/accounts.js';
import { isUniqueViolation, type Db } from '../../store/database.js';
import type { Actor } from '../access/actor.js';
import { authorize } from '../access/policies.js';
import { auditedChange, recordRefusal, type AuditLog } from '../audit/trail.js';
import { conflict, DomainError, invalid, notFound } from '../errors.js';
import { activeAccount } from '../users/lookups.js';
import { applyCheck, scheduleNextCheck, type Evidence } from './checks.js';
import type { DomainsDeps } from './deps.js';
import { CHALLENGE_PREFIX, challengeRecordName, normalizeDomainName } from './names.js';
import { existingDomain } from './lookups.js';
import { createDomainRelease } from './release.js';

export type { DomainRecord };
export type DomainsService = ReturnType<typeof createDomainsService>;

/** Claiming, checking and releasing an account's email domains (DESIGN §4). */
export function createDomainsService(deps: DomainsDeps) {
  const { db, ids, clock } = deps;
  const subject = (operation: string, accountId: string, domainName?: string) => ({
    operation,
    accountId,
    targetType: 'Domain',
    targetId: domainName,
  });
  const verifySubject = (
    accountId: string,
    name: string,
    { operatorOverride }: { operatorOverride?: { reason: string } },
  ) => ({
    ...subject('VerifyAccountDomain', accountId, name),
    ...(operatorOverride && {
      details: {
        verifiedBy: 'OperatorOverride',
        reason: operatorOverride.reason.slice(0, MAX_REASON_LENGTH),
      },
    }),
  });

  /**
   * Claiming a domain whose claim Failed starts it again: a new deadline and periodic checks,
   * with the same TXT record, so one already published (late) verifies at the first check.
   */
  async function restartClaim(tx: Db, failed: DomainRecord, log: AuditLog): Promise<DomainRecord> {
    const holder = await findHeldDomain(tx, failed.domainName);
    if (holder) throw conflict(`${failed.domainName} is verified by another account`);
    const now = clock.now();
    const restarted: DomainRecord = {
      ...failed,
      status: 'PendingVerification',
      verificationDeadline: new Date(now.getTime() + deps.domainSchedule.verificationMs).toISOString(),
      updatedAt: now.toISOString(),
    };
    await updateDomain(tx, failed.id, {
      status: restarted.status,
      verificationDeadline: restarted.verificationDeadline,
      updatedAt: restarted.updatedAt,
    });
    await scheduleNextCheck(tx, deps, restarted);
    log.describe({ domainName: failed.domainName, txtRecordName: failed.txtRecordName, restarted: true });
    return (await findDomain(tx, failed.accountId, failed.domainName))!;
  }

  return {
    ...createDomainRelease(deps),

    /**
     * Claims a domain: PendingVerification until the TXT record it answers with is published and
     * found. Claiming again what the account already claimed answers the same claim (and record);
     * a domain another account holds is refused, a claim another account only started is not
     * (whoever publishes their record first verifies). The first check is queued now.
     */
    async claimDomain(actor: Actor, accountId: string, rawName: string): Promise<DomainRecord> {
      return auditedChange(
        deps,
        actor,
        subject('CreateAccountDomain', accountId, rawName),
        async (tx, log) => {
          authorize(actor, 'accounts', accountId);
          const domainName = normalizeDomainName(rawName);
          await activeAccount(deps, tx, accountId);
          log.target({ accountId, targetId: domainName });
          const mine = await findDomain(tx, accountId, domainName);
          if (mine && mine.status !== 'Failed') {
            log.onlyItems();
            return mine;
          }
          if (mine) return restartClaim(tx, mine, log);
          const holder = await findHeldDomain(tx, domainName);
          if (holder) throw conflict(`${domainName} is verified by another account`);
          const now = clock.now();
          const at = now.toISOString();
          const domain: DomainRecord = {
            id: ids.uuid(),
            accountId,
            domainName,
            status: 'PendingVerification',
            txtRecordName: challengeRecordName(domainName),
            txtRecordValue: `${CHALLENGE_PREFIX}${randomBytes(24).toString('base64url')}`,
            verificationDeadline: new Date(now.getTime() + deps.domainSchedule.verificationMs).toISOString(),
            verifiedAt: undefined,
            recordMissingSince: undefined,
            lastCheckedAt: undefined,
            lastCheckResult: undefined,
            nextCheckAt: undefined,
            verifiedBy: undefined,
            overrideReason: undefined,
            createdAt: at,
            updatedAt: at,
          };
          await insertDomain(tx, domain).catch((error: unknown) => {
            throw isUniqueViolation(error) ? conflict(`${domainName} was claimed at the same moment`) : error;
          });
          await scheduleNextCheck(tx, deps, domain);
          log.describe({ domainName, txtRecordName: domain.txtRecordName });
          return (await findDomain(tx, accountId, domainName))!;
        },
      );
    },

    async getDomain(actor: Actor, accountId: string, name: string): Promise<DomainRecord> {
      authorize(actor, 'read', accountId);
      return existingDomain(db, accountId, name);
    },

    async listDomains(actor: Actor, accountId: string): Promise<DomainRecord[]> {
      authorize(actor, 'read', accountId);
      if (!(await findAccountById(db, accountId))) throw notFound(`Account ${accountId} not found`);
      return listDomainsOfAccount(db, accountId);
    },

    /**
     * Looks the record up now and applies the answer as the periodic check would (a failed
     * claim can be verified this way too, once its record is published). An unreachable
     * resolver is refused as Unavailable rather than counted as "no record". With
     * `operatorOverride`, the operator verifies the domain by hand instead, where Belfry cannot
     * reach the DNS that would show the record: installation FullAccess and a reason are
     * required, and everything else (one holder, the account's conversion) is as for a record.
     */
    async verifyDomain(
      actor: Actor,
      accountId: string,
      name: string,
      options: { operatorOverride?: { reason: string } } = {},
    ): Promise<DomainRecord> {
      // Checked and looked up before the change's transaction (no DNS wait inside it), so a
      // refusal here is filed in the trail by hand, as auditedChange files its own.
      let before: DomainRecord;
      let evidence: Evidence;
      try {
        authorize(actor, options.operatorOverride ? 'operator' : 'accounts', accountId);
        before = await existingDomain(db, accountId, name);
        if (options.operatorOverride && before.status === 'Verified')
          throw conflict(`${before.domainName} is verified already: there is nothing to override`);
        evidence = options.operatorOverride
          ? { kind: 'override', reason: overrideReason(options.operatorOverride.reason) }
          : await deps.lookupTxt(before.txtRecordName, before.txtRecordValue);
        if (evidence.kind === 'unreachable')
          throw new DomainError(
            'Unavailable',
            `The DNS lookup of ${before.txtRecordName} failed (${evidence.detail}); try again`,
          );
      } catch (error) {
        await recordRefusal(deps, actor, verifySubject(accountId, name, options), error);
        throw error;
      }
      return auditedChange(
        deps,
        actor,
        verifySubject(accountId, before.domainName, options),
        async (tx, log) => {
          const account = await activeAccount(deps, tx, accountId);
          const domain = await existingDomain(tx, accountId, name, deps.dialect);
          const result = await applyCheck(tx, deps, account, domain, evidence, log);
          // A failed claim verified by hand has no periodic checks left: they start again here.
          if (result.domain.nextCheckAt === undefined) await scheduleNextCheck(tx, deps, result.domain);
          log.describe({
            status: result.domain.status,
            ...(evidence.kind === 'override'
              ? { verifiedBy: 'OperatorOverride', reason: evidence.reason }
              : { result: result.domain.lastCheckResult }),
            ...(result.event && { event: result.event }),
          });
          return (await findDomain(tx, accountId, domain.domainName))!;
        },
      );
    },
  };
}

/** Most a reason may hold: a sentence or two for the trail, not a document. */
const MAX_REASON_LENGTH = 500;

/** The operator's reason for an override, trimmed: required, since the trail must say why. */
function overrideReason(text: string): string {
  const reason = text.trim();
  if (reason === '') throw invalid('An operator override needs a reason (what shows the domain is theirs)');
  if ([...reason].length > MAX_REASON_LENGTH)
    throw invalid(`The reason is at most ${MAX_REASON_LENGTH} characters`);
  return reason;
}
