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
export function directoryActionFor(type: AccountType, change: 'tier' | 'suspend'): string {
  const where = type === 'EnterpriseDirectory' ? 'Active Directory' : 'your identity provider';
  return change === 'tier'
    ? `the permission tier comes from the user's groups in ${where}: add them to a group mapped to the tier (belfry directory groups), or remove them from it`
    : `suspend the user in ${where} (disable them${type === 'EnterpriseDirectory' ? ', userAccountControl' : ''}) or remove them from every tier group; the next sync suspends them in Belfry`;
}
