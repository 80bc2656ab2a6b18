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
export async function keysetPage<T extends { id: string }>(
  request: { scope: unknown[]; maxResults: number; nextToken?: string | undefined },
  fetch: (after: string | undefined, limit: number) => Promise<T[]>,
): Promise<Page<T>> {
  const scope = JSON.stringify(request.scope);
  const after = request.nextToken === undefined ? undefined : decodePageToken(request.nextToken, scope);
  if (request.nextToken !== undefined && after === undefined)
    throw invalid('NextToken is not valid for this query');
  const rows = await fetch(after, request.maxResults + 1);
  const items = rows.slice(0, request.maxResults);
  const last = items[items.length - 1];
  const nextToken =
    rows.length > request.maxResults && last ? encodePageToken({ after: last.id, scope }) : undefined;
  return { items, nextToken };
}
