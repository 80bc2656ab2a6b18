import type { AccountType } from '../../store/accounts.js';

/**
 * What each account type allows, in one place (DESIGN §2, §3, §5). The type changes only through
 * identity set-up: Team → EnterpriseLWA when a domain is verified; EnterpriseLWA →
 * EnterpriseDirectory when an Active Directory is connected, → EnterpriseOIDC when an OpenID
 * provider or a SCIM token is; disconnecting returns to EnterpriseLWA.
 */

/** A directory (AD, or an IdP with SCIM) decides who is a member, their tier and suspension. */
export function isDirectoryAccount(type: AccountType): boolean {
  return type === 'EnterpriseDirectory' || type === 'EnterpriseOIDC';
}

/**
 * Enterprise accounts (every type but Team) hold verified domains: they release them before
 * being deleted, and a person's Team membership yields to them when they join by a domain.
 */
export function isEnterpriseAccount(type: AccountType): boolean {
  return type !== 'Team';
}

/** The type a verified domain gives: Team becomes EnterpriseLWA; Enterprise types stay as they are. */
export function typeWithVerifiedDomain(type: AccountType): AccountType {
  return type === 'Team' ? 'EnterpriseLWA' : type;
}

/** Only Team accounts invite by email; Enterprise accounts gain members by their domains. */
export function mayInvite(type: AccountType): boolean {
  return type === 'Team';
}

/**
 * Who `BatchSuspendUser` acts on: Team accounts remove the user, EnterpriseLWA accounts suspend
 * them; a directory account refuses (its directory suspends).
 */
export function suspensionEffect(type: AccountType): 'remove' | 'suspend' | 'refuse' {
  if (type === 'Team') return 'remove';
  if (type === 'EnterpriseLWA') return 'suspend';
  return 'refuse';
}

/**
 * `BatchUnsuspendUser` restores suspended users of EnterpriseLWA accounts; Team accounts have
 * none (suspending removed them), and a directory account restores through its directory.
 */
export function unsuspensionEffect(type: AccountType): 'restore' | 'not-applicable' | 'refuse' {
  if (type === 'EnterpriseLWA') return 'restore';
  return isDirectoryAccount(type) ? 'refuse' : 'not-applicable';
}

/** An administrator sets tiers by hand everywhere but in directory accounts. */
export function mayChangeTierManually(type: AccountType): boolean {
  return !isDirectoryAccount(type);
}

/** A directory may be connected to an account with a verified domain and no directory yet. */
export function mayConnectDirectory(type: AccountType): boolean {
  return type === 'EnterpriseLWA';
}

/** The type an account takes when a directory of this kind is connected. */
export function typeWithDirectory(kind: 'ad' | 'oidc'): AccountType {
  return kind === 'ad' ? 'EnterpriseDirectory' : 'EnterpriseOIDC';
}

/**
 * The sentence that tells an administrator what to do in the directory instead of a refused
 * manual change (the Chime guide: suspend the user in the directory, or change their groups).
 */
export function directoryActionFor(type: AccountType, change: 'tier' | 'suspend' | 'unsuspend'): string {
  const where = type === 'EnterpriseDirectory' ? 'Active Directory' : 'your identity provider';
  if (change === 'tier')
    return `the permission tier comes from the user's groups in ${where}: add them to a group mapped to the tier (belfry directory groups), or remove them from it`;
  if (change === 'unsuspend')
    return `restore the user in ${where} (enable them and add them to a tier group); the next sync restores them in Belfry`;
  return `suspend the user in ${where} (disable them${type === 'EnterpriseDirectory' ? ', userAccountControl' : ''}) or remove them from every tier group; the next sync suspends them in Belfry`;
}

/** The whole refusal of a manual change in a directory account: whose account, and what to do instead. */
export function directoryRefusal(
  account: { id: string; type: AccountType },
  change: Parameters<typeof directoryActionFor>[1],
): string {
  return `Account ${account.id} is an ${account.type} account, so its directory decides this: ${directoryActionFor(account.type, change)}`;
}
