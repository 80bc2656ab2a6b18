import { LdapFailure, type UserBindOutcome } from '../../directory/types.js';
import { WRONG_CREDENTIALS } from '../sign-in/refusal.js';
import {
  findConnection,
  findDirectoryAccountIdOfAddress,
  listDirectoryMembers,
  listGroupTiers,
  listUnlinkedMembers,
} from '../../store/directories.js';
import { listDomainsOfAccount } from '../../store/domains.js';
import { findIdpAccountIdOfAddress } from '../../store/idp-connections.js';
import { updateUser } from '../../store/users.js';
import { directoryRunActor } from '../access/actor.js';
import { auditedChange } from '../audit/trail.js';
import { activeAccount } from '../users/lookups.js';
import { applyItems } from './apply.js';
import { ldapSettings } from './connection.js';
import type { DirectoryDecision, DirectorySignInOutcome } from './contract.js';
import type { DirectoryDeps } from './deps.js';
import { planRun } from './planner.js';

type Refusal = Extract<DirectorySignInOutcome, { kind: 'refused' }>;
type Code = Refusal['code'];

const refusals: Record<Code, { message: string; countsAsFailure: boolean }> = {
  // The words of a wrong Belfry password: neither an unknown person nor a directory address is
  // told apart from a wrong password.
  wrong_credentials: { message: WRONG_CREDENTIALS, countsAsFailure: true },
  disabled: {
    message: 'Your directory account is disabled; ask your administrator.',
    countsAsFailure: false,
  },
  account_expired: {
    message: 'Your directory account has expired; ask your administrator.',
    countsAsFailure: false,
  },
  password_expired: {
    message: 'Your password has expired; change it in your organisation, then sign in again.',
    countsAsFailure: false,
  },
  must_change_password: {
    message: 'You must change your password in your organisation before you sign in.',
    countsAsFailure: false,
  },
  locked_out: {
    message:
      'Your directory account is locked out after too many attempts; try later or ask your administrator.',
    countsAsFailure: false,
  },
  logon_restricted: {
    message: 'Your directory account may not sign in at this time or from here.',
    countsAsFailure: false,
  },
  no_tier: {
    message:
      'You are in no group that may sign in; ask your administrator to add you to a Pro or Basic group.',
    countsAsFailure: false,
  },
  directory_unavailable: {
    message: 'Your organisation’s directory cannot be reached; try again in a moment.',
    countsAsFailure: false,
  },
  use_identity_provider: {
    message:
      'Your organisation signs you in through its identity provider, not with a Belfry password: enter your address and continue.',
    countsAsFailure: false,
  },
  not_provisioned: {
    message:
      'Your identity provider signed you in, but your organisation has not given you access to Belfry yet; ask your administrator.',
    countsAsFailure: false,
  },
  idp_refused: {
    message: 'Your identity provider did not sign you in; try again.',
    countsAsFailure: false,
  },
};

/** A refusal with its code's sentence, or `message` in its place (an IdP's own words, say). */
export const refused = (code: Code, message?: string): Refusal => ({
  kind: 'refused',
  code,
  ...refusals[code],
  ...(message !== undefined && { message }),
});

const bindRefusal: Record<Exclude<UserBindOutcome, { ok: true }>['reason'], Code> = {
  wrong_password: 'wrong_credentials',
  no_such_user: 'wrong_credentials',
  disabled: 'disabled',
  account_expired: 'account_expired',
  password_expired: 'password_expired',
  must_change_password: 'must_change_password',
  locked_out: 'locked_out',
  logon_restricted: 'logon_restricted',
};

/**
 * AD sign-in (issue 13 item 7): the service account finds the person, a bind as them checks the
 * password, and live group membership decides the tier, so a change in AD counts before the next
 * sync. The Belfry user is brought up to date (created, tier, suspended) in one audited change.
 */
export async function directorySignIn(
  deps: DirectoryDeps,
  email: string,
  password: string,
): Promise<DirectorySignInOutcome> {
  const accountId = await findDirectoryAccountIdOfAddress(deps.db, email);
  const connection = accountId === undefined ? undefined : await findConnection(deps.db, accountId);
  if (!accountId || !connection)
    // The IdP vouches for its accounts' people; a Belfry password never does (DIRECTORY_ONLY_PASSWORD).
    return (await findIdpAccountIdOfAddress(deps.db, email))
      ? refused('use_identity_provider')
      : { kind: 'not_directory' };
  const settings = ldapSettings(deps, connection);
  try {
    const session = await deps.directoryClient.open(settings);
    try {
      const entry = await session.findUser(email.trim());
      if (!entry || password === '') return refused('wrong_credentials');
      const bind = await deps.directoryClient.bindAsUser(settings, entry.dn, password);
      if (!bind.ok) return refused(bindRefusal[bind.reason]);
      const groups = await session.groupsOfUser(entry.dn);
      return await bringUpToDate(deps, accountId, entry, groups);
    } finally {
      await session.close().catch(() => undefined);
    }
  } catch (error) {
    if (error instanceof LdapFailure) return refused('directory_unavailable');
    throw error;
  }
}

/**
 * Brings one person's membership up to date from their directory entry and groups (an AD read at
 * sign-in, or an IdP's groups claim shaped as groups), through the planner as a sync would, in
 * one audited change; answers them signed in, or refused when their groups give no tier.
 */
export async function bringUpToDate(
  deps: DirectoryDeps,
  accountId: string,
  entry: Parameters<typeof planRun>[0]['users'][number],
  groups: Parameters<typeof planRun>[0]['groups'],
): Promise<DirectoryDecision> {
  const subject = { operation: 'DirectorySignIn', accountId, targetType: 'User', targetId: entry.guid };
  const actor = { ...directoryRunActor('sign-in'), label: `directory-sign-in/${entry.guid}` };
  return auditedChange(deps, actor, subject, async (tx, log) => {
    const account = await activeAccount(deps, tx, accountId);
    const members = await listDirectoryMembers(tx, accountId);
    const plan = planRun({
      users: [entry],
      groups,
      previousGroups: [],
      mapping: await listGroupTiers(tx, accountId),
      defaultLicense: account.defaultLicense,
      members,
      unlinked: await listUnlinkedMembers(tx, accountId),
      verifiedDomains: (await listDomainsOfAccount(tx, accountId))
        .filter((d) => d.status === 'Verified' || d.status === 'RecordMissing')
        .map((d) => d.domainName),
      full: false,
      hold: { percent: 100, count: Number.MAX_SAFE_INTEGER },
    });
    await applyItems(tx, deps, account, members, plan.items, log);
    const user = members.get(entry.guid);
    if (
      !user ||
      plan.items.some((i) => i.action === 'suspend' || i.action === 'skip') ||
      // the record was read before the plan applied: a restore in it lifted the suspension
      (user.registrationStatus === 'Suspended' && !plan.items.some((i) => i.action === 'restore'))
    )
      return refused((entry.userAccountControl & 0x2) !== 0 ? 'disabled' : 'no_tier');
    if (user.registrationStatus === 'Unregistered') {
      const at = deps.clock.now().toISOString();
      await updateUser(tx, accountId, user.id, {
        registrationStatus: 'Registered',
        registeredOn: at,
        updatedAt: at,
      });
    }
    log.target({ accountId, targetId: user.id, userId: user.id });
    return { kind: 'signed_in' as const, email: user.email ?? entry.mail ?? '', accountId, userId: user.id };
  });
}
