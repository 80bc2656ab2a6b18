import { invalid } from '../errors.js';

/** A list request's query (RFC 7644 §3.4.2): the filter as sent, paging as numbers. */
export interface ListQuery {
  filter?: string | undefined;
  startIndex?: number | undefined;
  count?: number | undefined;
}

export interface ListPage<T> {
  totalResults: number;
  /** 1-based, as asked (clamped to 1) */
  startIndex: number;
  items: T[];
}

export const DEFAULT_COUNT = 100;
export const MAX_COUNT = 1000;

/**
 * `startIndex` is 1-based and below 1 reads as 1; `count` is at most 1000, 100 by default, and
 * 0 asks for `totalResults` alone (RFC 7644 §3.4.2.4). Non-integers are refused.
 */
export function pageBounds(query: ListQuery): { offset: number; limit: number; startIndex: number } {
  const { startIndex = 1, count = DEFAULT_COUNT } = query;
  if (!Number.isInteger(startIndex) || !Number.isInteger(count))
    throw invalid('startIndex and count must be integers', 'invalidValue');
  const start = Math.max(1, startIndex);
  return { offset: start - 1, limit: Math.min(Math.max(0, count), MAX_COUNT), startIndex: start };
}

const SCAN_PAGE = 500;

/**
 * Every item matching, read page by page in the stable order: a filter no index answers is
 * evaluated over the account's resources, never dropped (an unfiltered list makes IdPs create
 * duplicates). Bounded by the account's resources.
 */
export async function scanMatching<T>(
  load: (page: { offset: number; limit: number }) => Promise<T[]>,
  matches: (item: T) => boolean,
): Promise<T[]> {
  const found: T[] = [];
  for (let offset = 0; ; offset += SCAN_PAGE) {
    const page = await load({ offset, limit: SCAN_PAGE });
    found.push(...page.filter(matches));
    if (page.length < SCAN_PAGE) return found;
  }
}

/** One page of items already matched in full. */
export function slicePage<T>(all: T[], bounds: ReturnType<typeof pageBounds>): ListPage<T> {
  return {
    totalResults: all.length,
    startIndex: bounds.startIndex,
    items: all.slice(bounds.offset, bounds.offset + bounds.limit),
  };
}
