import * as client from 'openid-client';

/**
 * Belfry as a relying party of an organisation's OpenID provider (Okta, Entra), with
 * `openid-client`: discovery, the authorization request (code flow with PKCE, state and nonce),
 * and the code exchange whose ID token is checked (issuer, audience, signature, nonce). Nothing
 * here knows about accounts, tiers or groups: the directory domain decides from the claims.
 */

/** Where and as whom to reach one provider; the client secret is already unsealed. */
export interface IdpSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** the issuer is http:// and that is allowed (loopback, or the operator's setting) */
  allowHttp: boolean;
}

/**
 * Why talking to the provider, or what it answered, failed.
 * - `unreachable`: no answer (refused, timed out, DNS)
 * - `not_provider`: it answered, but not as an OpenID provider of this issuer
 * - `denied`: the provider sent the person back with an error (`access_denied`…)
 * - `rejected`: the token endpoint refused the code or the client
 * - `invalid_token`: the ID token failed a check (issuer, audience, signature, nonce, expiry)
 */
export type IdpFailureKind = 'unreachable' | 'not_provider' | 'denied' | 'rejected' | 'invalid_token';

export class IdpFailure extends Error {
  override readonly name = 'IdpFailure';
  constructor(
    readonly kind: IdpFailureKind,
    message: string,
  ) {
    super(message);
  }
}

/** The values one sign-in keeps between the redirect to the provider and its return. */
export interface AuthorizationChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface IdpClient {
  /** Discovery: the provider's metadata, or IdpFailure. */
  discover(settings: IdpSettings): Promise<{ issuer: string; scopesSupported: string[] | undefined }>;
  /** Fresh state, nonce and PKCE verifier. */
  newChecks(): AuthorizationChecks;
  /** The URL to send the browser to. */
  authorizationUrl(
    settings: IdpSettings,
    request: { redirectUri: string; scope: string; checks: AuthorizationChecks; loginHint?: string },
  ): Promise<string>;
  /** Exchanges the code of `callbackUrl` and answers the checked ID token's claims. */
  exchange(
    settings: IdpSettings,
    callbackUrl: URL,
    checks: AuthorizationChecks,
  ): Promise<Record<string, unknown>>;
}

/** Seconds Belfry waits for the provider to answer one request. */
const TIMEOUT_SECONDS = 10;

export function createIdpClient(): IdpClient {
  async function configuration(settings: IdpSettings): Promise<client.Configuration> {
    try {
      const config = await client.discovery(
        new URL(settings.issuer),
        settings.clientId,
        { client_secret: settings.clientSecret },
        client.ClientSecretPost(settings.clientSecret),
        {
          timeout: TIMEOUT_SECONDS,
          ...(settings.allowHttp && { execute: [client.allowInsecureRequests] }),
        },
      );
      // Also over TLS: the ID token's signature is checked against the provider's keys.
      client.enableNonRepudiationChecks(config);
      return config;
    } catch (error) {
      throw asFailure(error, 'not_provider', `${settings.issuer} is not an OpenID provider`);
    }
  }

  return {
    async discover(settings) {
      const metadata = (await configuration(settings)).serverMetadata();
      return { issuer: metadata.issuer, scopesSupported: metadata.scopes_supported };
    },

    newChecks: () => ({
      state: client.randomState(),
      nonce: client.randomNonce(),
      codeVerifier: client.randomPKCECodeVerifier(),
    }),

    async authorizationUrl(settings, { redirectUri, scope, checks, loginHint }) {
      const config = await configuration(settings);
      return client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope,
        response_type: 'code',
        code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier),
        code_challenge_method: 'S256',
        state: checks.state,
        nonce: checks.nonce,
        ...(loginHint !== undefined && { login_hint: loginHint }),
      }).href;
    },

    async exchange(settings, callbackUrl, checks) {
      const config = await configuration(settings);
      try {
        const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: checks.codeVerifier,
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          idTokenExpected: true,
        });
        const claims = tokens.claims();
        if (!claims) throw new IdpFailure('invalid_token', 'the provider sent no ID token');
        return { ...claims };
      } catch (error) {
        if (error instanceof client.AuthorizationResponseError)
          throw new IdpFailure('denied', error.error_description ?? error.error);
        if (error instanceof client.ResponseBodyError)
          throw new IdpFailure('rejected', `${error.error}: ${error.error_description ?? ''}`.trim());
        throw asFailure(error, 'invalid_token', 'the ID token failed a check');
      }
    },
  };
}

/** A network failure is `unreachable`; anything else the provider answered is `otherwise`. */
function asFailure(error: unknown, otherwise: IdpFailureKind, summary: string): IdpFailure {
  if (error instanceof IdpFailure) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (isNetworkFailure(error)) return new IdpFailure('unreachable', `no answer: ${networkReason(error)}`);
  return new IdpFailure(otherwise, `${summary}: ${message}`);
}

function isNetworkFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return true;
  return error instanceof TypeError && /fetch failed/i.test(error.message);
}

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return `no answer within ${TIMEOUT_SECONDS} s`;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
