import { invalid } from '../errors.js';

const MAX_URIS = 10;
const MAX_LENGTH = 2000;
const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * Where the provider may send a browser back to with a code: absolute http(s) URLs, https
 * unless the host is the machine itself (apps in development, native apps' loopback
 * redirects, RFC 8252 §7.3), no fragment (RFC 6749 §3.1.2). Returns them de-duplicated.
 */
export function checkRedirectUris(uris: readonly string[], what: string, required: boolean): string[] {
  if (required && uris.length === 0) throw invalid(`Give at least one ${what}`);
  if (uris.length > MAX_URIS) throw invalid(`Give at most ${MAX_URIS} ${what}s`);
  return [...new Set(uris.map((uri) => checkRedirectUri(uri, what)))];
}

function checkRedirectUri(uri: string, what: string): string {
  if (uri.length > MAX_LENGTH) throw invalid(`A ${what} is longer than ${MAX_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw invalid(`${what} "${uri}" is not an absolute URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw invalid(`${what} "${uri}" must be an https:// URL`);
  if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname))
    throw invalid(
      `${what} "${uri}" must use https:// (http:// is allowed only for 127.0.0.1, [::1] and localhost)`,
    );
  if (url.hash !== '' || uri.includes('#')) throw invalid(`${what} "${uri}" must not have a #fragment`);
  if (url.username !== '' || url.password !== '')
    throw invalid(`${what} "${uri}" must not carry a user name or password`);
  return uri;
}
