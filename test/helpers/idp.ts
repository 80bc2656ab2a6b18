import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/**
 * An organisation's OpenID provider on loopback, standing in for Okta or Entra: `oidc-provider`
 * issuing RS256 ID tokens with the person's `groups` (as Okta's groups claim does), a plain login
 * form at /interaction/:uid, consent implied. Each test adds its own people and changes their
 * groups between sign-ins.
 */

export interface IdpPerson {
  email: string;
  password: string;
  name: string;
  /** undefined: the ID token carries no groups claim (Entra past 200 groups) */
  groups: string[] | undefined;
  emailVerified: boolean;
}

export interface TestIdp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** adds a person (groups given, address verified, unless told otherwise) */
  person(email: string, changes?: Partial<Omit<IdpPerson, 'email'>>): IdpPerson;
  close(): Promise<void>;
}

export async function startIdp(options: { redirectUri: string }): Promise<TestIdp> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const people = new Map<string, IdpPerson & { sub: string }>();
  const clientId = `belfry-${randomUUID().slice(0, 8)}`;
  const clientSecret = randomBytes(24).toString('base64url');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), use: 'sig', alg: 'RS256' };

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [options.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
    // Okta and Entra put email and groups in the ID token of the code flow itself.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx, sub) {
      const person = [...people.values()].find((p) => p.sub === sub);
      if (!person) return undefined;
      return {
        accountId: sub,
        claims: async () => ({
          sub,
          email: person.email,
          email_verified: person.emailVerified,
          name: person.name,
          ...(person.groups !== undefined && { groups: person.groups }),
        }),
      };
    },
  });
  const handle = provider.callback();

  server.on('request', (request, response) => {
    const login = /^\/interaction\/([^/?]+)(\/login)?/.exec(request.url ?? '');
    if (!login) return void handle(request, response);
    void interaction(request, response, login[2] !== undefined).catch((error: unknown) => {
      response.writeHead(400, { 'content-type': 'text/plain' }).end(String(error));
    });
  });

  async function interaction(
    request: IncomingMessage,
    response: import('node:http').ServerResponse,
    posted: boolean,
  ) {
    const details = await provider.interactionDetails(request, response);
    if (!posted) {
      const hint = escape(String(details.params.login_hint ?? ''));
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return void response.end(
        `<!doctype html><title>Organisation sign-in</title><form method="post" action="/interaction/${details.uid}/login">` +
          `<input name="username" value="${hint}"><input name="password" type="password"><button>Sign in</button></form>`,
      );
    }
    const form = new URLSearchParams(await body(request));
    const person = people.get(form.get('username')?.toLowerCase() ?? '');
    if (!person || person.password !== form.get('password'))
      return provider.interactionFinished(
        request,
        response,
        { error: 'access_denied', error_description: 'wrong username or password' },
        { mergeWithLastSubmission: false },
      );
    const grant = new provider.Grant({ accountId: person.sub, clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope));
    const grantId = await grant.save();
    return provider.interactionFinished(
      request,
      response,
      { login: { accountId: person.sub }, consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
  }

  return {
    issuer,
    clientId,
    clientSecret,
    person(email, changes = {}) {
      const person = {
        email,
        password: `pw-${randomUUID()}`,
        name: `Person ${email.slice(0, email.indexOf('@'))}`,
        groups: [],
        emailVerified: true,
        ...changes,
        sub: `00u${randomUUID().replaceAll('-', '').slice(0, 16)}`,
      };
      people.set(email.toLowerCase(), person);
      return person;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function body(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (text += chunk));
    request.on('end', () => resolve(text));
    request.on('error', reject);
  });
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface Hop {
  status: number;
  url: URL;
  html: string;
}

/**
 * A scripted browser across sites: one cookie jar per origin (Belfry and the IdP stay apart, as
 * on different hosts), redirects and `<meta http-equiv="refresh">` followed by hand (fetch with
 * redirect: 'manual'), and `stopAt` to hand a URL back before it is fetched (to alter it).
 */
export class SiteBrowser {
  readonly jars = new Map<string, Map<string, string>>();
  /** every URL visited, in order */
  readonly visited: URL[] = [];

  constructor(readonly headers: Record<string, string> = {}) {}

  async get(url: string | URL, stopAt?: (url: URL) => boolean): Promise<Hop> {
    return this.go('GET', new URL(url), undefined, stopAt);
  }

  /** Submits the page's first post form with its hidden fields and `fields`. */
  async submit(page: Hop, fields: Record<string, string>, stopAt?: (url: URL) => boolean): Promise<Hop> {
    const form = /<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/.exec(page.html);
    if (!form) throw new Error(`no form on ${page.url.href}: ${page.html}`);
    const values: Record<string, string> = {};
    for (const input of form[2]!.matchAll(/<input[^>]*type="hidden"[^>]*>/g))
      values[/name="([^"]+)"/.exec(input[0])![1]!] = unescape(/value="([^"]*)"/.exec(input[0])?.[1] ?? '');
    const body = new URLSearchParams({ ...values, ...fields }).toString();
    return this.go('POST', new URL(unescape(form[1]!), page.url), body, stopAt);
  }

  private async go(method: string, start: URL, body: string | undefined, stopAt?: (url: URL) => boolean) {
    let url = start;
    for (let hops = 0; hops < 12; hops++) {
      if (stopAt?.(url)) return { status: 0, url, html: '' };
      this.visited.push(url);
      const jar = this.jar(url);
      const response = await fetch(url, {
        method,
        redirect: 'manual',
        headers: {
          ...this.headers,
          ...(jar.size > 0 && { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') }),
          ...(body !== undefined && { 'content-type': 'application/x-www-form-urlencoded' }),
        },
        body,
      });
      for (const line of response.headers.getSetCookie()) {
        const [pair, ...attributes] = line.split(';').map((s) => s.trim());
        const name = pair!.slice(0, pair!.indexOf('='));
        if (attributes.some((a) => /^max-age=0$/i.test(a) || /^expires=thu, 01 jan 1970/i.test(a)))
          jar.delete(name);
        else jar.set(name, pair!.slice(pair!.indexOf('=') + 1));
      }
      const html = await response.text();
      const location = response.headers.get('location');
      const refresh = /<meta http-equiv="refresh" content="0;url=([^"]+)"/.exec(html)?.[1];
      const next = location ?? (response.status === 200 && refresh ? unescape(refresh) : undefined);
      if (!next) return { status: response.status, url, html };
      url = new URL(next, url);
      method = 'GET';
      body = undefined;
    }
    throw new Error(
      `too many redirects from ${start.href}: ${this.visited
        .slice(-12)
        .map((u) => u.href)
        .join(' → ')}`,
    );
  }

  private jar(url: URL): Map<string, string> {
    let jar = this.jars.get(url.origin);
    if (!jar) this.jars.set(url.origin, (jar = new Map()));
    return jar;
  }
}

function unescape(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The text a person reads on a page. */
export const textOf = (page: Hop) =>
  unescape(page.html.replace(/<style[\s\S]*?<\/style>/g, '').replace(/<[^>]+>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
