import { useEffect, useState } from 'react';

/** The console's pages live under /console; Belfry answers every such page with the app. */
export const BASE = '/console';

export function navigate(path: string): void {
  window.history.pushState(null, '', BASE + path);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

/** The path after /console, kept in step with the address bar. */
export function usePath(): string {
  const read = () => window.location.pathname.slice(BASE.length) || '/';
  const [path, setPath] = useState(read);
  useEffect(() => {
    const onChange = () => setPath(read());
    window.addEventListener('popstate', onChange);
    return () => window.removeEventListener('popstate', onChange);
  }, []);
  return path;
}

/** Follows a link inside the app without reloading it (a plain click only). */
export function followLink(
  event:
    | CustomEvent<{ href?: string; external?: boolean }>
    | { preventDefault(): void; detail: { href?: string } },
) {
  const href = event.detail.href;
  if (!href || !href.startsWith(BASE)) return;
  event.preventDefault();
  navigate(href.slice(BASE.length));
}
