import assert from 'node:assert/strict';

export interface PageResponse {
  status: number;
  /** the path of the page finally shown, after following redirects */
  path: string;
  html: string;
  headers: Headers;
  /** the raw Set-Cookie lines of every response on the way */
  setCookies: string[];
}

/**
 * A minimal browser for Belfry's pages: a cookie jar, redirects followed by hand (so each
 * Set-Cookie on the way is kept), and forms submitted with the CSRF token they carry, as a
 * real browser would send them (application/x-www-form-urlencoded).
 */
export class Browser {
  readonly cookies = new Map<string, string>();

  /** `headers` go with every request (an `X-Forwarded-For`, as a proxy in front would add) */
  constructor(
    readonly base: string,
    readonly headers: Record<string, string> = {},
  ) {}

  get(path: string): Promise<PageResponse> {
    return this.request('GET', path);
  }

  /** Posts fields as they are (no CSRF token added): to test what the server refuses. */
  post(path: string, fields: Record<string, string>): Promise<PageResponse> {
    return this.request('POST', path, new URLSearchParams(fields).toString());
  }

  /** Posts a form body exactly as given (bytes a browser would never send, for instance). */
  postRaw(path: string, body: string | Buffer): Promise<PageResponse> {
    return this.request('POST', path, body);
  }

  /** Fills and submits the form of `page` that posts to `action`, keeping its hidden fields. */
  submit(page: PageResponse, action: string, fields: Record<string, string> = {}): Promise<PageResponse> {
    const form = new RegExp(`<form method="post" action="${action}">([\\s\\S]*?)</form>`).exec(page.html);
    assert.ok(form, `no form posting to ${action} on ${page.path}:\n${page.html}`);
    const values: Record<string, string> = {};
    for (const input of form[1]!.matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
      const name = /name="([^"]+)"/.exec(input[0])![1]!;
      values[name] = decodeEntities(/value="([^"]*)"/.exec(input[0])?.[1] ?? '');
    }
    assert.ok(values.csrf, 'every form carries a CSRF token');
    return this.post(action, { ...values, ...fields });
  }

  private async request(method: string, path: string, body?: string | Buffer): Promise<PageResponse> {
    const setCookies: string[] = [];
    let url = new URL(path, this.base);
    for (let hops = 0; hops < 5; hops++) {
      const response = await fetch(url, {
        method,
        redirect: 'manual',
        headers: {
          ...this.headers,
          ...(this.cookies.size > 0 && {
            cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
          }),
          ...(body !== undefined && { 'content-type': 'application/x-www-form-urlencoded' }),
        },
        body,
      });
      for (const line of response.headers.getSetCookie()) {
        setCookies.push(line);
        const [pair, ...attributes] = line.split(';').map((s) => s.trim());
        const [name, value] = [pair!.slice(0, pair!.indexOf('=')), pair!.slice(pair!.indexOf('=') + 1)];
        if (attributes.some((a) => /^max-age=0$/i.test(a))) this.cookies.delete(name);
        else this.cookies.set(name, value);
      }
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.arrayBuffer();
        url = new URL(location, url);
        method = 'GET';
        body = undefined;
        continue;
      }
      return {
        status: response.status,
        path: url.pathname + url.search,
        html: await response.text(),
        headers: response.headers,
        setCookies,
      };
    }
    throw new Error(`too many redirects from ${path}`);
  }
}

function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The page's text without tags and with collapsed whitespace, for asserting what a person reads. */
export function textOf(page: PageResponse): string {
  return decodeEntities(
    page.html
      .replace(/<style[\s\S]*?<\/style>/g, '')
      .replace(/<\/?(?:strong|em|a)\b[^>]*>/g, '')
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
  );
}
