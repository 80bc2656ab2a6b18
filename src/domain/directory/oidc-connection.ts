import { isIP } from 'node:net';
import { createIdpClient, IdpFailure, type IdpClient, type IdpSettings } from '../../directory/oidc/index.js';
import { updateAccount } from '../../store/accounts.js';
import type { Db } from '../../store/database.js';
import { findConnection, listGroupTiers } from '../../store/directories.js';
import {
  deleteIdpConnection,
  findIdpConnection,
  saveIdpConnection,
  type IdpConnectionRecord,
} from '../../store/idp-connections.js';
import { countLiveScimTokens } from '../../store/scim-tokens.js';
import type { Actor } from '../access/actor.js';
import { authorize } from '../access/policies.js';
import { typeWithDirectory } from '../accounts/account-types.js';
import { auditedChange } from '../audit/trail.js';
import { invalid, preconditionFailed } from '../errors.js';
import { activeAccount } from '../users/lookups.js';
import type { ConnectOidcInput, DisconnectOutcome, OidcConnectionView, OidcTestReport } from './contract.js';
import type { DirectoryDeps, IdpSignInSettings } from './deps.js';

/** The claim Okta and Entra name the groups list, unless the admin names another. */
export const DEFAULT_GROUPS_CLAIM = 'groups';

/** Where the IdP sends the browser back: registered at the IdP as the redirect URI. */
export const IDP_CALLBACK_PATH = '/signin/idp/callback';

export const redirectUriOf = (settings: IdpSignInSettings) => `${settings.publicUrl}${IDP_CALLBACK_PATH}`;

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/**
 * TLS protects the code exchange and the provider's keys, so an issuer is https://. http:// is
 * allowed for a provider on this machine (tests, a local IdP) or when the operator says so.
 */
export function mayUseHttp(issuer: URL, settings: IdpSignInSettings): boolean {
  if (settings.allowHttpIssuers) return true;
  const host = issuer.hostname;
  return LOOPBACK_NAMES.has(host) || (isIP(host) === 4 && host.startsWith('127.'));
}

/** Checks what `directory connect --type oidc` gives, every problem at once. */
export function checkOidcInput(input: ConnectOidcInput, settings: IdpSignInSettings): URL {
  const problems: string[] = [];
  let issuer: URL | undefined;
  try {
    issuer = new URL(input.issuer.trim());
  } catch {
    problems.push(`the issuer "${input.issuer}" is not a URL`);
  }
  if (issuer) {
    if (issuer.protocol !== 'https:' && issuer.protocol !== 'http:')
      problems.push(`the issuer "${input.issuer}" is not an https:// URL`);
    else if (issuer.protocol === 'http:' && !mayUseHttp(issuer, settings))
      problems.push(
        `the issuer "${input.issuer}" is http://: only https:// issuers are allowed (http:// on loopback, or with BELFRY_IDP_ALLOW_HTTP=true)`,
      );
    if (issuer.search !== '' || issuer.hash !== '') problems.push('the issuer has no query or fragment');
  }
  if (input.clientId.trim() === '') problems.push('the client id is empty');
  if (input.clientSecret === '') problems.push('the client secret is empty');
  if (input.groupsClaim !== undefined && !/^\S{1,256}$/.test(input.groupsClaim))
    problems.push('the groups claim is a claim name (no spaces, at most 256 characters)');
  if (problems.length > 0 || !issuer)
    throw invalid(`Cannot connect the identity provider: ${problems.join('; ')}`);
  return issuer;
}

/** What openid-client needs, the secret unsealed only here, for the call at hand. */
export function idpSettings(deps: DirectoryDeps, c: IdpConnectionRecord): IdpSettings {
  const settings = signInSettings(deps);
  return {
    issuer: c.issuer,
    clientId: c.clientId,
    clientSecret: deps.secrets.open(c.clientSecretSealed),
    allowHttp: new URL(c.issuer).protocol === 'http:' && mayUseHttp(new URL(c.issuer), settings),
  };
}

export const signInSettings = (deps: DirectoryDeps): IdpSignInSettings =>
  deps.idp ?? { publicUrl: '', allowHttpIssuers: false };

/** The issuer's discovery in words, for connect's refusal and the test's report. */
export function idpFailureSentence(issuer: string, error: IdpFailure): string {
  if (error.kind === 'unreachable')
    return `The identity provider ${issuer} cannot be reached (${error.message}).`;
  return `${issuer} did not answer as an OpenID provider (${error.message}).`;
}

/**
 * An account's OpenID provider for sign-in (issue 14): connect, read, test, disconnect. One
 * directory per account: an AD-connected account is refused, and so is a Team account (its
 * people are not on a verified domain).
 */
export function createOidcConnections(deps: DirectoryDeps) {
  const { db, clock } = deps;
  const client: IdpClient = deps.idpClient ?? createIdpClient();
  const subject = (operation: string, accountId: string) => ({
    operation,
    accountId,
    targetType: 'Directory',
    targetId: accountId,
  });

  async function view(tx: Db, c: IdpConnectionRecord): Promise<OidcConnectionView> {
    const [groups, liveScimTokens] = await Promise.all([
      listGroupTiers(tx, c.accountId),
      countLiveScimTokens(tx, c.accountId),
    ]);
    return {
      accountId: c.accountId,
      type: 'oidc',
      issuer: c.issuer,
      clientId: c.clientId,
      groupsClaim: c.groupsClaim,
      redirectUri: redirectUriOf(signInSettings(deps)),
      groups,
      liveScimTokens,
      connectedAt: c.createdAt,
      updatedAt: c.updatedAt,
    };
  }

  return {
    find: (tx: Db, accountId: string) => findIdpConnection(tx, accountId),
    view,

    async connect(actor: Actor, accountId: string, input: ConnectOidcInput): Promise<OidcConnectionView> {
      authorize(actor, 'accounts', accountId);
      const issuer = checkOidcInput(input, signInSettings(deps));
      const settings: IdpSettings = {
        issuer: input.issuer.trim(),
        clientId: input.clientId.trim(),
        clientSecret: input.clientSecret,
        allowHttp: issuer.protocol === 'http:',
      };
      // Before the change (no transaction held while the provider answers): an issuer that is
      // not an OpenID provider is refused with what it answered.
      try {
        await client.discover(settings);
      } catch (error) {
        if (!(error instanceof IdpFailure)) throw error;
        throw invalid(`Cannot connect the identity provider: ${idpFailureSentence(settings.issuer, error)}`);
      }
      return auditedChange(deps, actor, subject('ConnectDirectory', accountId), async (tx, log) => {
        authorize(actor, 'accounts', accountId);
        const account = await activeAccount(deps, tx, accountId);
        if (account.type === 'Team')
          throw preconditionFailed(
            `Account ${accountId} is a Team account: claim and verify a domain first (belfry domains), then connect its identity provider`,
          );
        if (account.type === 'EnterpriseDirectory' || (await findConnection(tx, accountId)))
          throw preconditionFailed(
            `Account ${accountId} has Active Directory connected: one directory per account, so disconnect it first`,
          );
        const existing = await findIdpConnection(tx, accountId);
        const at = clock.now().toISOString();
        const groupsClaim = input.groupsClaim ?? DEFAULT_GROUPS_CLAIM;
        const connection: IdpConnectionRecord = {
          accountId,
          issuer: settings.issuer,
          clientId: settings.clientId,
          clientSecretSealed: deps.secrets.seal(input.clientSecret),
          groupsClaim: groupsClaim === '' ? undefined : groupsClaim,
          createdAt: existing?.createdAt ?? at,
          updatedAt: at,
        };
        await saveIdpConnection(tx, connection);
        if (account.type !== 'EnterpriseOIDC')
          await updateAccount(tx, accountId, { type: typeWithDirectory('oidc'), updatedAt: at });
        // never the secret
        log.describe({
          type: 'oidc',
          issuer: connection.issuer,
          clientId: connection.clientId,
          groupsClaim: connection.groupsClaim,
          replaced: existing !== undefined,
        });
        return view(tx, connection);
      });
    },

    async test(c: IdpConnectionRecord): Promise<OidcTestReport> {
      const report: OidcTestReport = {
        type: 'oidc',
        ok: false,
        issuer: c.issuer,
        discovered: false,
        scopesSupported: undefined,
        redirectUri: redirectUriOf(signInSettings(deps)),
        groups: await listGroupTiers(db, c.accountId),
        problems: [],
      };
      try {
        const found = await client.discover(idpSettings(deps, c));
        report.discovered = true;
        report.scopesSupported = found.scopesSupported;
      } catch (error) {
        if (!(error instanceof IdpFailure)) throw error;
        report.problems.push(idpFailureSentence(c.issuer, error));
      }
      if (report.groups.length === 0)
        report.problems.push('No group is mapped to a tier yet: nobody can sign in.');
      report.ok = report.problems.length === 0;
      return report;
    },

    /**
     * The account returns to EnterpriseLWA, unless a SCIM token still works: its IdP still
     * provisions, so the account stays EnterpriseOIDC (the answer says so); once they are revoked, a
     * second disconnect (with no provider left to remove) returns it.
     */
    async disconnect(actor: Actor, accountId: string): Promise<DisconnectOutcome> {
      return auditedChange(deps, actor, subject('DisconnectDirectory', accountId), async (tx, log) => {
        authorize(actor, 'accounts', accountId);
        await activeAccount(deps, tx, accountId);
        await deleteIdpConnection(tx, accountId);
        const live = await countLiveScimTokens(tx, accountId);
        log.describe({ type: 'oidc', liveScimTokens: live });
        if (live > 0)
          return {
            accountId,
            accountType: 'EnterpriseOIDC' as const,
            reason: `${live} SCIM token(s) still provision this account, so it stays EnterpriseOIDC: revoke them (belfry scim tokens revoke), then disconnect again to return it to EnterpriseLWA`,
          };
        await updateAccount(tx, accountId, { type: 'EnterpriseLWA', updatedAt: clock.now().toISOString() });
        return { accountId, accountType: 'EnterpriseLWA' as const, reason: undefined };
      });
    },
  };
}
