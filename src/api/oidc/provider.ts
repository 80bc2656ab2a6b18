import Provider, {
  errors,
  interactionPolicy,
  type Account,
  type Configuration,
  type KoaContextWithOIDC,
} from 'oidc-provider';
import type { Config } from '../../config.js';
import type { BelfryClaims } from '../../domain/sign-in/index.js';
import { ID_TOKEN_SIGNING_ALGS } from '../../domain/oidc/clients.js';
import type { PrivateJwk } from '../../domain/oidc/keys.js';
import type { Services } from '../../services.js';
import { clearingCookieHeader, SESSION_COOKIE } from '../pages/cookies.js';
import { html, page } from '../pages/html.js';
import { SyncSigningKey } from './signing.js';

/** Where the provider is mounted; the issuer is `<BELFRY_PUBLIC_URL>/oidc`. */
export const OIDC_PREFIX = '/oidc';

/** Belfry's own interaction pages (sign-in for an app), outside the provider's mount. */
export const interactionPath = (uid: string) => `/interaction/${uid}`;

/**
 * Scopes and the claims each one releases. `belfry` carries everything an app of the platform
 * needs to decide what the person may do: the account (and the member's user id in it, as the
 * admin API names them), the tier, the entitlements and the number.
 */
export const CLAIMS = {
  openid: ['sub'],
  email: ['email', 'email_verified'],
  profile: ['name'],
  phone: ['phone_number', 'phone_number_verified'],
  belfry: ['account_id', 'user_id', 'account_name', 'account_type', 'tier', 'entitlements', 'phone_number'],
} as const;

export interface ProviderInputs {
  services: Services;
  config: Config;
  /** private signing keys, the active one first */
  keys: PrivateJwk[];
  cookieKeys: string[];
  /** where the provider's own failures are logged (they never reach the browser) */
  log: { error(obj: object, msg: string): void };
}

type Token = Parameters<NonNullable<Configuration['findAccount']>>[2];

/** oidc-provider configured as Belfry's OpenID provider. */
export function createProvider({ services, config, keys, cookieKeys, log }: ProviderInputs): Provider {
  const { oidc } = services;
  const secure = config.publicUrl.startsWith('https:');
  const ttl = config.oidc;
  const cookie = { signed: true, httpOnly: true, sameSite: 'lax', secure } as const;

  const account = (sub: string, claims: BelfryClaims): Account => ({
    accountId: sub,
    claims: () => ({ ...claims }),
  });

  /**
   * Called with a token whenever one is used (code exchange, refresh, userinfo): the gate and
   * the revocation epoch are checked again, and a refusal carries the reason for the app. Called
   * without one for the provider's own browser session, which lives only as long as the Belfry
   * session of the same person, so that a session ended by LogoutUser, suspension or removal
   * sends the next authorization request back through the sign-in gate.
   */
  async function findAccount(ctx: KoaContextWithOIDC, sub: string, token?: Token) {
    if (!token) {
      const value = ctx.cookies.get(SESSION_COOKIE, { signed: false });
      const identity = value === undefined ? undefined : await services.identities.sessionIdentity(value);
      if (identity?.id !== sub) return undefined;
      // Sent back through the sign-in page, which asks for the password and makes the join.
      if (await services.identities.domainJoinPending(identity)) return undefined;
      const decision = await oidc.signIns.decide(sub);
      return decision?.allowed ? account(sub, decision.claims) : undefined;
    }
    const grantId = 'grantId' in token ? token.grantId : undefined;
    const check = grantId
      ? await oidc.signIns.checkGrant(sub, grantId)
      : ({ alive: false, refusal: { reason: 'This sign-in is not known; sign in again.' } } as const);
    if (check.alive) return account(sub, check.decision.claims);
    throw refusal(token, check.refusal.reason);
  }

  const configuration: Configuration = {
    adapter: oidc.storage.adapter,
    jwks: { keys: keys.map((jwk) => new SyncSigningKey(jwk)) },
    // ES256 unless the app client was registered for RS256 (see ID_TOKEN_SIGNING_ALGS).
    enabledJWA: { idTokenSigningAlgValues: [...ID_TOKEN_SIGNING_ALGS] },
    cookies: { keys: cookieKeys, long: cookie, short: cookie },
    scopes: ['openid', 'offline_access', ...Object.keys(CLAIMS).filter((s) => s !== 'openid')],
    claims: Object.fromEntries(Object.entries(CLAIMS).map(([scope, names]) => [scope, [...names]])),
    // The claims go in the ID token itself, not only in userinfo: apps read them at sign-in.
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: false },
      // The keys sign through node:crypto (signing.ts); the experiment's version is the one
      // this pinned oidc-provider implements.
      externalSigningSupport: { enabled: true, ack: 'experimental-01' },
      revocation: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      userinfo: { enabled: true },
    },
    pkce: { required: () => true },
    responseTypes: ['code'],
    ttl: {
      AccessToken: ttl.accessTokenTtlSeconds,
      IdToken: ttl.idTokenTtlSeconds,
      RefreshToken: ttl.refreshTokenTtlSeconds,
      Grant: ttl.refreshTokenTtlSeconds,
      AuthorizationCode: 60,
      Interaction: 3600,
      Session: 14 * 86400,
    },
    interactions: { url: (_ctx, interaction) => interactionPath(interaction.uid), policy: gatedPolicy() },
    findAccount,
    // A grant is reused (single sign-on into a second app, or the same app again) only while
    // its sign-in is alive; otherwise the person goes through the gate again.
    async loadExistingGrant(ctx) {
      const grantId =
        ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session?.grantIdFor(ctx.oidc.client!.clientId);
      const sub = ctx.oidc.account?.accountId;
      if (!grantId || !sub || !(await oidc.signIns.checkGrant(sub, grantId)).alive) return undefined;
      return ctx.oidc.provider.Grant.find(grantId);
    },
    // First-party apps get refresh tokens without asking for offline_access; they die with the
    // sign-in (revocation epoch), not with the provider's browser session.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    expiresWithSession: async () => false,
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page(
        'Sign-in problem',
        html`<p>${out.error_description ?? out.error}</p>
          <p>Go back to the app and try again.</p>`,
      );
    },
  };
  const provider = new Provider(config.oidc.issuer, configuration);
  // The mount states the scheme and host from BELFRY_PUBLIC_URL (see plugin.ts).
  provider.proxy = true;
  provider.on('server_error', (_ctx, err) => log.error({ err }, 'OpenID provider failed'));
  // A token request's writes (the spent code or refresh token, what is issued for it) commit
  // together once it has succeeded; one that lost a race for its token is refused instead.
  provider.use(async (ctx, next) => {
    if (ctx.method !== 'POST' || ctx.path !== TOKEN_PATH) return next();
    const answered = await oidc.storage.commitTogether(next, () => ctx.status < 400);
    if (!answered) refuseSpent(ctx);
  });
  // "Yes, sign me out" at an app's RP-initiated logout ends the person's Belfry session as well as
  // the provider's: otherwise the next sign-in would pass on Belfry's cookie, with no password.
  provider.use(async (ctx, next) => {
    await next();
    const ended = ctx.oidc?.route === 'end_session_confirm' && ctx.oidc.params?.logout && ctx.status === 303;
    if (!ended) return;
    const value = ctx.cookies.get(SESSION_COOKIE, { signed: false });
    if (value !== undefined) await services.identities.signOut(value);
    ctx.append('set-cookie', clearingCookieHeader(SESSION_COOKIE, secure));
  });
  return provider;
}

/** The token endpoint, below the mount (the provider's default). */
const TOKEN_PATH = '/token';

/**
 * The answer to a token request whose code or refresh token another request spent first: the
 * provider's own answer to a spent one, given after the fact.
 */
function refuseSpent(ctx: { status: number; body: unknown }): void {
  const error = new errors.InvalidGrant('grant request is invalid');
  ctx.status = error.statusCode;
  ctx.body = { error: error.error, error_description: error.error_description };
}

/**
 * The standard prompts, with one more reason to ask for a sign-in: the provider still has a
 * browser session, but findAccount no longer accepts it (the Belfry session ended, or the gate
 * now refuses). The person then comes back through Belfry's sign-in and its gate.
 */
function gatedPolicy() {
  const policy = interactionPolicy.base();
  policy
    .get('login')!
    .checks.add(
      new interactionPolicy.Check(
        'belfry_session',
        'End-User authentication is required',
        (ctx) => ctx.oidc.session?.accountId !== undefined && ctx.oidc.account === undefined,
      ),
      1,
    );
  return policy;
}

/** The refusal for the endpoint that used the token, with the reason an app can show. */
function refusal(token: NonNullable<Token>, reason: string): Error {
  const error =
    token.kind === 'AccessToken' ? new errors.InvalidToken(reason) : new errors.InvalidGrant(reason);
  error.error_description = reason;
  return error;
}
