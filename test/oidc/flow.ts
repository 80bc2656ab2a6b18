import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';
import { CreateAccountCommand } from '@aws-sdk/client-chime';
import { hashPassword } from '../../src/domain/identities/passwords.js';
import { systemActor } from '../../src/domain/access/actor.js';
import { newMember } from '../../src/domain/users/rules.js';
import type { License } from '../../src/store/accounts.js';
import { insertIdentity } from '../../src/store/identities.js';
import { insertUser } from '../../src/store/users.js';
import { uniqueEmail, uniqueSuffix } from '../helpers/accounts.js';
import { Browser, type PageResponse } from '../helpers/browser.js';
import type { TestServer } from '../helpers/server.js';
import type { Db } from '../../src/store/database.js';

export const PASSWORD = 'correct horse battery';
export const SCOPE = 'openid email profile phone belfry';

/**
 * A port free now, for a server whose public URL (and so OIDC issuer) must be known before it
 * starts. Taken below Linux's ephemeral range (32768+), so servers of other test files listening
 * on port 0 meanwhile are never handed the same one.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    const probe = createServer();
    const free = await new Promise<boolean>((resolve) => {
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (free) {
      await new Promise((resolve) => probe.close(resolve));
      return port;
    }
  }
}

/** The app's redirect target: a real listener, as an app has, answering every request with 200. */
export async function startCallback(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => res.end('signed in'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/callback`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A person with a confirmed Belfry identity (and, if asked, a registered membership). */
export interface Person {
  email: string;
  identityId: string;
  userId?: string;
}

export async function person(
  server: TestServer,
  member?: { accountId: string; license?: License },
): Promise<Person> {
  const email = uniqueEmail();
  const at = server.clock.now().toISOString();
  const identityId = server.services.ids.uuid();
  await insertConfirmedIdentity(server.services.db, identityId, email, at);
  if (!member) return { email, identityId };
  const userId = server.services.ids.uuid();
  await insertUser(
    server.services.db,
    newMember(
      {
        id: userId,
        accountId: member.accountId,
        email,
        displayName: `Person ${uniqueSuffix()}`,
        license: member.license ?? 'Pro',
        userType: 'PrivateUser',
        joined: 'registered',
      },
      at,
    ),
  );
  return { email, identityId, userId };
}

/** An identity with a confirmed address and the password PASSWORD, written straight to the store. */
export async function insertConfirmedIdentity(db: Db, id: string, email: string, at: string): Promise<void> {
  await insertIdentity(db, {
    id,
    email,
    passwordHash: await hashPassword(PASSWORD),
    emailVerifiedAt: at,
    proTrialEndsAt: undefined,
    createdAt: at,
    updatedAt: at,
  });
}

export async function teamAccount(server: TestServer): Promise<string> {
  const { Account } = await server
    .client()
    .send(new CreateAccountCommand({ Name: `Acme ${uniqueSuffix()}` }));
  return Account!.AccountId!;
}

/** An app registered through the services, and its relying-party configuration (openid-client). */
export async function registeredApp(server: TestServer, redirectUri: string) {
  const client = await server.services.oidc.clients.createClient(systemActor('test-setup'), {
    name: `App ${uniqueSuffix()}`,
    redirectUris: [redirectUri],
  });
  return appOf(server.url, client, redirectUri);
}

/** A registered app client as the app sees it: its relying-party configuration (openid-client). */
export async function appOf<Client extends { clientId: string; clientSecret: string }>(
  serverUrl: string,
  client: Client,
  redirectUri: string,
) {
  const config = await oidc.discovery(
    new URL(`${serverUrl}/oidc`),
    client.clientId,
    undefined,
    oidc.ClientSecretBasic(client.clientSecret),
    { execute: [oidc.allowInsecureRequests] },
  );
  return { client, config, redirectUri };
}

export type App = Awaited<ReturnType<typeof registeredApp>>;
/** What the flows below need of an app: its configuration and callback. */
export type RelyingParty = Pick<App, 'config' | 'redirectUri'>;

/** What the app's callback received: the tokens, or the error the provider sent back. */
export type SignInOutcome =
  | { ok: true; tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>> }
  | { ok: false; error: oidc.AuthorizationResponseError };

/**
 * An authorization request as an app makes it (PKCE, state and nonce), with what the app checks
 * when the browser comes back to its callback. `parameters` adds to it (max_age, prompt…).
 */
export async function authorizationRequest(app: RelyingParty, parameters: Record<string, string> = {}) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(app.config, {
    redirect_uri: app.redirectUri,
    scope: SCOPE,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...parameters,
  });
  return { url, checks: { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce } };
}

/**
 * The whole authorization-code flow with PKCE, state and nonce, as the app and a browser run it:
 * the browser follows the provider's redirects (signing in on Belfry's page when it shows the
 * form), lands on the app's callback, and the app exchanges the code.
 */
export async function signIn(
  app: RelyingParty,
  browser: Browser,
  credentials?: { email: string; password?: string },
  /** further authorization request parameters, such as max_age */
  parameters: Record<string, string> = {},
): Promise<SignInOutcome & { pages: PageResponse[] }> {
  const { url, checks } = await authorizationRequest(app, parameters);
  const pages: PageResponse[] = [];
  let page = await browser.get(url.href);
  pages.push(page);
  if (page.path.startsWith('/interaction/')) {
    assert.ok(credentials, `a sign-in form was shown: ${page.path}`);
    page = await browser.submit(page, page.path, {
      email: credentials.email,
      password: credentials.password ?? PASSWORD,
    });
    pages.push(page);
  }
  const callback = new URL(page.path, app.redirectUri);
  assert.equal(callback.pathname, new URL(app.redirectUri).pathname, `ended on ${page.path}: ${page.html}`);
  try {
    const tokens = await oidc.authorizationCodeGrant(app.config, callback, checks);
    return { ok: true, tokens, pages };
  } catch (error) {
    if (error instanceof oidc.AuthorizationResponseError) return { ok: false, error, pages };
    throw error;
  }
}

/** The page a browser gets for an app's authorization request (the sign-in form, unless a session vouches). */
export async function authorizationPage(app: RelyingParty, browser: Browser): Promise<PageResponse> {
  const url = oidc.buildAuthorizationUrl(app.config, {
    redirect_uri: app.redirectUri,
    scope: 'openid',
    code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
    code_challenge_method: 'S256',
  });
  return browser.get(url.href);
}

/** Signs in and asserts that it worked; returns the tokens. */
export async function signedIn(app: RelyingParty, browser: Browser, email?: string) {
  const outcome = await signIn(app, browser, email ? { email } : undefined);
  assert.ok(outcome.ok, outcome.ok ? '' : `${outcome.error.error}: ${outcome.error.error_description}`);
  return outcome.tokens;
}

/** The refusal of a refresh (error body) or of userinfo (WWW-Authenticate): error and description. */
export async function refusalOf(promise: Promise<unknown>): Promise<{ error: string; description: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof oidc.WWWAuthenticateChallengeError) {
      const parameters = error.cause[0]!.parameters;
      return { error: parameters.error ?? '', description: parameters.error_description ?? '' };
    }
    if (error instanceof oidc.ResponseBodyError)
      return { error: error.error, description: error.error_description ?? '' };
    throw error;
  }
  assert.fail('expected a refusal');
}
