import type { DirectoryGroupEntry, DirectoryUserEntry } from '../../directory/types.js';
import { IdpFailure, type AuthorizationChecks } from '../../directory/oidc/index.js';
import { findDirectoryIdOfUser } from '../../store/directories.js';
import {
  findIdpAccountIdOfAddress,
  findIdpConnection,
  provisionsOverScim,
} from '../../store/idp-connections.js';
import { findScimUser } from '../../store/scim.js';
import { findUserByEmail } from '../../store/users.js';
import type { DirectoryDecision, IdpSignInOutcome, IdpSignInStart } from './contract.js';
import type { DirectoryDeps } from './deps.js';
import { createIdpClient } from '../../directory/oidc/index.js';
import { idpSettings, redirectUriOf, signInSettings } from './oidc-connection.js';
import { bringUpToDate, refused } from './sign-in.js';

/** userAccountControl's ACCOUNTDISABLE bit, which the planner reads as "disabled in the directory". */
const UAC_ACCOUNT_DISABLED = 0x2;

/** How long a person has at their IdP before the sign-in must start again. */
const TRANSACTION_MS = 10 * 60_000;

/** What the browser carries to the IdP and back, sealed: the checks, and what to continue. */
interface Transaction {
  accountId: string;
  issuer: string;
  checks: AuthorizationChecks;
  resume: string | undefined;
  expiresAt: number;
}

const SCOPES = 'openid email profile';

const unavailable = () =>
  refused(
    'directory_unavailable',
    'Your organisation’s identity provider cannot be reached; try again in a moment.',
  );

/**
 * Sign-in through an organisation's OpenID provider, first half: an address on a verified domain
 * of an IdP-connected account is sent to its IdP (code flow, PKCE, state and nonce); any other
 * address is not the IdP's (undefined). The checks travel sealed with the browser, so nothing is
 * stored until the person comes back.
 */
export async function startIdpSignIn(
  deps: DirectoryDeps,
  email: string,
  resume: string | undefined,
): Promise<IdpSignInStart | undefined> {
  const accountId = await findIdpAccountIdOfAddress(deps.db, email);
  const connection = accountId === undefined ? undefined : await findIdpConnection(deps.db, accountId);
  if (!accountId || !connection) return undefined;
  const client = deps.idpClient ?? createIdpClient();
  const checks = client.newChecks();
  let url: string;
  try {
    url = await client.authorizationUrl(idpSettings(deps, connection), {
      redirectUri: redirectUriOf(signInSettings(deps)),
      scope: SCOPES,
      checks,
      loginHint: email.trim(),
    });
  } catch (error) {
    if (error instanceof IdpFailure) return unavailable();
    throw error;
  }
  const transaction: Transaction = {
    accountId,
    issuer: connection.issuer,
    checks,
    resume,
    expiresAt: deps.clock.now().getTime() + TRANSACTION_MS,
  };
  return { kind: 'redirect', url, transaction: deps.secrets.seal(JSON.stringify(transaction)) };
}

/**
 * Second half, at the callback: the transaction must be the one this browser started and still
 * fresh, the IdP must have signed the person in, and its ID token must pass every check
 * (issuer, audience, signature, nonce by openid-client; a verified address on a verified domain
 * of the account here). Then the person's membership is brought up to date as AD sign-in does.
 */
export async function finishIdpSignIn(
  deps: DirectoryDeps,
  sealed: string | undefined,
  query: URLSearchParams,
): Promise<IdpSignInOutcome> {
  // The redirect URI with the IdP's answer: openid-client sends it back to the token endpoint.
  const callbackUrl = new URL(redirectUriOf(signInSettings(deps)));
  callbackUrl.search = query.toString();
  const transaction = openTransaction(deps, sealed);
  const resume = transaction?.resume;
  const outcome = await decide(deps, transaction, callbackUrl);
  return { ...outcome, resume };
}

type Decided = DirectoryDecision;

async function decide(
  deps: DirectoryDeps,
  transaction: Transaction | undefined,
  callbackUrl: URL,
): Promise<Decided> {
  const again = 'start again from Belfry’s sign-in page';
  if (!transaction)
    return refused(
      'idp_refused',
      `This sign-in through your identity provider is not known to this browser, or was already used: ${again}.`,
    );
  if (transaction.expiresAt <= deps.clock.now().getTime())
    return refused('idp_refused', `This sign-in took longer than ten minutes: ${again}.`);
  if (callbackUrl.searchParams.get('state') !== transaction.checks.state)
    return refused(
      'idp_refused',
      `The identity provider answered a sign-in this browser did not start (the state does not match): ${again}.`,
    );
  const error = callbackUrl.searchParams.get('error');
  if (error !== null) {
    const description = callbackUrl.searchParams.get('error_description');
    return refused(
      'idp_refused',
      `Your identity provider did not sign you in (${error}${description ? `: ${description}` : ''}).`,
    );
  }
  const connection = await findIdpConnection(deps.db, transaction.accountId);
  if (!connection || connection.issuer !== transaction.issuer)
    return refused('idp_refused', `Your organisation’s identity provider changed meanwhile: ${again}.`);
  let claims: Record<string, unknown>;
  try {
    claims = await (deps.idpClient ?? createIdpClient()).exchange(
      idpSettings(deps, connection),
      callbackUrl,
      transaction.checks,
    );
  } catch (failure) {
    if (!(failure instanceof IdpFailure)) throw failure;
    if (failure.kind === 'unreachable') return unavailable();
    return refused(
      'idp_refused',
      `Belfry could not accept your identity provider’s answer (${failure.message}): ${again}.`,
    );
  }
  return signInWithClaims(deps, transaction.accountId, connection.groupsClaim, claims);
}

function openTransaction(deps: DirectoryDeps, sealed: string | undefined): Transaction | undefined {
  if (!sealed) return undefined;
  try {
    return JSON.parse(deps.secrets.open(sealed)) as Transaction;
  } catch {
    return undefined;
  }
}

/**
 * The checked ID token decides. Its groups claim, when present, re-derives the tier through the
 * account's mapping (the planner, as a sync would); absent, it is unknown, and the member's stored
 * state stands. A person Belfry has no member for is created only without SCIM and only when the
 * claim gives a tier; with SCIM the IdP provisions people, so an unknown one is refused.
 */
async function signInWithClaims(
  deps: DirectoryDeps,
  accountId: string,
  groupsClaim: string | undefined,
  claims: Record<string, unknown>,
): Promise<Decided> {
  const email = typeof claims.email === 'string' ? claims.email.trim() : '';
  if (email === '')
    return refused('idp_refused', 'Your identity provider did not say your email address (scope email).');
  if (claims.email_verified !== true)
    return refused(
      'idp_refused',
      `Your identity provider has not verified the address ${email}; ask your administrator.`,
    );
  if ((await findIdpAccountIdOfAddress(deps.db, email)) !== accountId)
    return refused(
      'idp_refused',
      `The address ${email} is not on a verified domain of your organisation’s Belfry account.`,
    );
  const member = await findUserByEmail(deps.db, accountId, email);
  const groups = groupsOf(claims, groupsClaim);
  if (!member && (await provisionsOverScim(deps.db, accountId))) return refused('not_provisioned');
  if (groups === undefined) {
    if (!member) return refused('not_provisioned');
    return { kind: 'signed_in', email: member.email ?? email, accountId, userId: member.id };
  }
  const guid =
    (member && (await findDirectoryIdOfUser(deps.db, accountId, member.id))) ?? `idp:${String(claims.sub)}`;
  // The claim re-derives the tier only: whether a provisioned person is active is SCIM's to say,
  // so one the IdP deactivated stays suspended however their token reads (an IdP may still sign
  // in someone it unassigned from the app).
  const provisioned = await findScimUser(deps.db, accountId, guid);
  const entry: DirectoryUserEntry = {
    guid,
    dn: `idp-user:${guid}`,
    sAMAccountName: undefined,
    userPrincipalName: email,
    mail: email,
    displayName: typeof claims.name === 'string' && claims.name !== '' ? claims.name : member?.displayName,
    userAccountControl: provisioned && !provisioned.active ? UAC_ACCOUNT_DISABLED : 0,
    usnChanged: '0',
  };
  return bringUpToDate(
    deps,
    accountId,
    entry,
    groups.map((name) => claimGroup(name, entry.dn)),
  );
}

/**
 * The claim's group names, or undefined when the token does not carry the claim. Entra leaves it
 * out past 200 groups (and says so with `_claim_names`/`hasgroups`), Okta past 100: never read
 * that as "in no group".
 */
export function groupsOf(claims: Record<string, unknown>, claim: string | undefined): string[] | undefined {
  if (claim === undefined) return undefined;
  const value = claims[claim];
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string');
  if (typeof value === 'string') return [value];
  return undefined;
}

/** A group of the claim, shaped as a directory group whose one member is the person. */
function claimGroup(name: string, memberDn: string): DirectoryGroupEntry {
  return {
    guid: name,
    dn: `idp-group:${name}`,
    name,
    sAMAccountName: undefined,
    members: [memberDn],
    usnChanged: '0',
  };
}
