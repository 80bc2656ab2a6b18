import { decodePageToken, encodePageToken } from '../lib/paging.js';
import { invalid } from './errors.js';

export interface Page<T> {
  items: T[];
  nextToken: string | undefined;
}

/**
 * One page of a keyset listing. `scope` fingerprints the query (filters included), so a token is
 * refused with any other query; one row more than the page is fetched to learn whether a next page
 * exists, so the last page carries no token.
 */
export function keysetPage<T extends { id: string }>(
  request: PageRequest,
  fetch: (after: string | undefined, limit: number) => Promise<T[]>,
): Promise<Page<T>> {
  return keysetPageBy(request, fetch, (row) => row.id);
}

/**
 * The same, for rows whose key is another field (`keyOf` reads it). The rows go out as the store
 * made them: copying each to add an `id` made V8 keep page after page of the copies in the old
 * generation, which slowed every young collection; a page of phone numbers took 8–12 ms at the
 * 99th percentile instead of 2–6.
 */
export async function keysetPageBy<T>(
  request: PageRequest,
  fetch: (after: string | undefined, limit: number) => Promise<T[]>,
  keyOf: (row: T) => string,
): Promise<Page<T>> {
  const scope = JSON.stringify(request.scope);
  const after = request.nextToken === undefined ? undefined : decodePageToken(request.nextToken, scope);
  if (request.nextToken !== undefined && after === undefined)
    throw invalid('NextToken is not valid for this query');
  const rows = await fetch(after, request.maxResults + 1);
  const items = rows.slice(0, request.maxResults);
  const last = items[items.length - 1];
  const nextToken =
    rows.length > request.maxResults && last !== undefined
      ? encodePageToken({ after: keyOf(last), scope })
      : undefined;
  return { items, nextToken };
}

interface PageRequest {
  scope: unknown[];
  maxResults: number;
  nextToken?: string | undefined;
}
