/**
 * Opaque page tokens for keyset pagination. A token carries the sort key of the last row of the
 * previous page plus a fingerprint of the filters it was issued for, so a token reused with other
 * filters is refused instead of silently returning the wrong rows.
 */
export interface PageCursor {
  /** the last row's key */
  after: string;
  /** fingerprint of the query the token belongs to */
  scope: string;
}

export function encodePageToken(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify([cursor.after, cursor.scope]), 'utf8').toString('base64url');
}

/** Returns undefined when the token is not one this server issued for that scope. */
export function decodePageToken(token: string, scope: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 2) return undefined;
    const [after, tokenScope] = parsed as unknown[];
    if (typeof after !== 'string' || tokenScope !== scope) return undefined;
    return after;
  } catch {
    return undefined;
  }
}
