import type { DomainRecord } from '../../../domain/domains/service.js';
import type { ReleaseEffect } from '../../../domain/domains/release.js';
import { invalid } from '../../../domain/errors.js';
import type { ChimeOperation } from '../context.js';
import type { AccountDomain, DomainReleaseEffect } from '../extensions.js';

function toAccountDomain(domain: DomainRecord): AccountDomain {
  return {
    DomainName: domain.domainName,
    Status: domain.status,
    TxtRecordName: domain.txtRecordName,
    TxtRecordValue: domain.txtRecordValue,
    VerificationDeadline: domain.verificationDeadline,
    ...(domain.verifiedAt && { VerifiedTimestamp: domain.verifiedAt }),
    ...(domain.recordMissingSince && { RecordMissingSince: domain.recordMissingSince }),
    ...(domain.lastCheckedAt && { LastCheckedTimestamp: domain.lastCheckedAt }),
    ...(domain.lastCheckResult && { LastCheckResult: domain.lastCheckResult }),
    ...(domain.nextCheckAt && { NextCheckTimestamp: domain.nextCheckAt }),
    ...(domain.verifiedBy && { VerifiedBy: domain.verifiedBy }),
    ...(domain.overrideReason && { OverrideReason: domain.overrideReason }),
    CreatedTimestamp: domain.createdAt,
  };
}

function toEffect(effect: ReleaseEffect): DomainReleaseEffect {
  return {
    UserId: effect.userId,
    PrimaryEmail: effect.email,
    RegistrationStatus: effect.registrationStatus,
    Outcome: effect.outcome,
  };
}

/** Answers the TXT record to publish; claiming the same domain again answers the same claim. */
export const CreateAccountDomain: ChimeOperation<'CreateAccountDomain'> = async (
  input,
  { services, actor },
) => ({
  Domain: toAccountDomain(await services.domains.claimDomain(actor, input.AccountId, input.DomainName)),
});

export const ListAccountDomains: ChimeOperation<'ListAccountDomains'> = async (
  input,
  { services, actor },
) => ({
  Domains: (await services.domains.listDomains(actor, input.AccountId)).map(toAccountDomain),
});

export const GetAccountDomain: ChimeOperation<'GetAccountDomain'> = async (input, { services, actor }) => ({
  Domain: toAccountDomain(await services.domains.getDomain(actor, input.AccountId, input.DomainName)),
});

/**
 * Looks the TXT record up now instead of waiting for the periodic check; with `OperatorOverride`,
 * the operator verifies by hand (`OverrideReason` required, the domain's rule).
 */
export const VerifyAccountDomain: ChimeOperation<'VerifyAccountDomain'> = async (
  input,
  { services, actor },
) => {
  if (input.OverrideReason !== undefined && input.OperatorOverride !== true)
    throw invalid('OverrideReason goes with OperatorOverride: true');
  const options = input.OperatorOverride ? { operatorOverride: { reason: input.OverrideReason ?? '' } } : {};
  return {
    Domain: toAccountDomain(
      await services.domains.verifyDomain(actor, input.AccountId, input.DomainName, options),
    ),
  };
};

export const PreviewDomainRelease: ChimeOperation<'PreviewDomainRelease'> = async (
  input,
  { services, actor },
) => {
  const { domain, effects } = await services.domains.previewRelease(actor, input.AccountId, input.DomainName);
  return { Domain: toAccountDomain(domain), AffectedUsers: effects.map(toEffect) };
};

/** The claim as it was just before the release, and what became of each affected member. */
export const ReleaseAccountDomain: ChimeOperation<'ReleaseAccountDomain'> = async (
  input,
  { services, actor },
) => {
  const { domain, effects } = await services.domains.releaseDomain(actor, input.AccountId, input.DomainName);
  return { Domain: toAccountDomain(domain), AffectedUsers: effects.map(toEffect) };
};
