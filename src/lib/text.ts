import { isUtf8 } from 'node:buffer';

declare global {
  interface String {
    /** ES2024, in Node.js 20: false when the string holds a lone UTF-16 surrogate */
    isWellFormed(): boolean;
  }
}

/**
 * The one rule for text Belfry takes in, from any protocol: Unicode scalar values without NUL.
 *
 * A lone surrogate (JSON can carry one as `\ud800`) has no UTF-8 form: SQLite would keep its
 * bytes while PostgreSQL's driver writes U+FFFD, so the two stores would return different text.
 * PostgreSQL refuses NUL in text outright. Returns why the text is refused, or undefined.
 */
export function textProblem(text: string): string | undefined {
  if (!text.isWellFormed()) return 'must be valid Unicode (it holds a lone surrogate)';
  if (text.includes('\u0000')) return 'must not contain NUL characters';
  return undefined;
}

/**
 * Bytes as text, or undefined when they are not valid UTF-8 (which also refuses encoded
 * surrogates). Decoding invalid bytes the usual way would put U+FFFD in their place: the client
 * would be answered about text it never sent. The text's values still go through textProblem.
 */
export function decodeUtf8(bytes: Buffer): string | undefined {
  return isUtf8(bytes) ? bytes.toString('utf8') : undefined;
}

/**
 * One percent-encoded component of a URL or form (`+` read as a space, as forms and Belfry's
 * router read it), or undefined when it is not well-formed percent-encoded UTF-8 (`%FF`, the
 * surrogate `%ED%A0%80`, a stray `%`) or decodes to refused text.
 */
export function decodeComponentText(component: string): string | undefined {
  let text: string;
  try {
    text = decodeURIComponent(component.includes('+') ? component.replaceAll('+', ' ') : component);
  } catch {
    return undefined;
  }
  return textProblem(text) === undefined ? text : undefined;
}

/**
 * A raw query string (`a=1&b=%20`) or form body as its pairs, the last value of a repeated key
 * winning; undefined when any key or value is not valid text.
 */
export function decodePairsText(raw: string): Map<string, string> | undefined {
  const pairs = new Map<string, string>();
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decodeComponentText(eq < 0 ? part : part.slice(0, eq));
    const value = decodeComponentText(eq < 0 ? '' : part.slice(eq + 1));
    if (key === undefined || value === undefined) return undefined;
    pairs.set(key, value);
  }
  return pairs;
}

/**
 * Whether the query of a request's raw URL (if any) is valid text. Routers leave a component
 * they cannot decode as it was sent ('%FF' stays '%FF'), so a handler would be given text the
 * client never meant.
 */
export function queryIsText(rawUrl: string | undefined): boolean {
  const q = rawUrl === undefined ? -1 : rawUrl.indexOf('?');
  return q < 0 || decodePairsText(rawUrl!.slice(q + 1)) !== undefined;
}
