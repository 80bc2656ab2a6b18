/**
 * A console browser without the page: keeps the session cookie (as a browser's cookie jar does)
 * and sends the CSRF token the session handed out, or leaves it off when told to.
 */
export class ConsoleClient {
  cookies = new Map<string, string>();
  /** every Set-Cookie header the server sent, for checking its attributes */
  setCookies: string[] = [];
  csrf: string | undefined;

  constructor(readonly baseUrl: string) {}

  async call(
    method: string,
    path: string,
    body?: unknown,
    options: { csrf?: boolean } = {},
  ): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (options.csrf !== false && this.csrf) headers['x-belfry-csrf'] = this.csrf;
    const response = await fetch(this.baseUrl + path, {
      method,
      headers,
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    for (const line of response.headers.getSetCookie()) {
      this.setCookies.push(line);
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const [name, value] = [pair.slice(0, eq), pair.slice(eq + 1)];
      if (/Max-Age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await response.text();
    const json = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
    if (typeof json.CsrfToken === 'string') this.csrf = json.CsrfToken;
    return { status: response.status, json, headers: response.headers };
  }

  signIn(email: string, password: string, totpCode?: string) {
    return this.call('POST', '/console/api/session', {
      Email: email,
      Password: password,
      TotpCode: totpCode,
    });
  }
}
