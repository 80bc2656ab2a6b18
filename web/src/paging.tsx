import { useCallback, useEffect, useRef, useState } from 'react';
import Pagination from '@cloudscape-design/components/pagination';
import { explain, useFlash } from './feedback.js';
import type { Page } from './telephony-api.js';

/**
 * Server-side pages of a list that pages by NextToken: the token of every page seen is kept, so
 * Previous and a page number go straight back, and Next follows the last token. `fetchPage`
 * changing (new filters) starts again at the first page.
 */
export function useTokenPages<T>(fetchPage: (nextToken?: string) => Promise<Page<T>>) {
  const [tokens, setTokens] = useState<(string | undefined)[]>([undefined]);
  const [index, setIndex] = useState(0);
  const [items, setItems] = useState<T[]>();
  const [error, setError] = useState<unknown>();
  const tokensRef = useRef(tokens);
  tokensRef.current = tokens;

  const load = useCallback(
    async (at: number) => {
      setItems(undefined);
      setError(undefined);
      try {
        const page = await fetchPage(tokensRef.current[at]);
        setItems(page.items);
        setTokens((t) => {
          const next = t.slice(0, at + 1);
          next[at + 1] = page.nextToken;
          return next;
        });
      } catch (e) {
        setItems([]);
        setError(e);
      }
    },
    [fetchPage],
  );
  useEffect(() => {
    setIndex(0);
    tokensRef.current = [undefined];
    setTokens([undefined]);
    void load(0);
  }, [load]);

  const hasNext = Boolean(tokens[index + 1]);
  const pagination = (
    <Pagination
      currentPageIndex={index + 1}
      pagesCount={hasNext ? index + 2 : index + 1}
      openEnd={hasNext}
      onChange={(e) => {
        const at = e.detail.currentPageIndex - 1;
        setIndex(at);
        void load(at);
      }}
      ariaLabels={{
        nextPageLabel: 'Next page',
        previousPageLabel: 'Previous page',
        pageLabel: (n) => `Page ${n}`,
      }}
    />
  );
  return { items, error, pagination, reload: () => load(index) };
}

/** A paged list with its page's message line, which says (as a sentence) when a page could not be had. */
export function useListing<T>(fetchPage: (nextToken?: string) => Promise<Page<T>>, what: string) {
  const flash = useFlash();
  const pages = useTokenPages(fetchPage);
  const { say } = flash;
  useEffect(() => {
    if (pages.error) say('error', explain(what, pages.error));
  }, [pages.error, say, what]);
  return { pages, flash };
}
