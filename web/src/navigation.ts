import type { SideNavigationProps } from '@cloudscape-design/components/side-navigation';
import { BASE } from './router.js';

/** An account's page address, e.g. accountHref(id, 'users') → /console/accounts/<id>/users. */
export const accountHref = (accountId: string, section = '') =>
  `${BASE}/accounts/${encodeURIComponent(accountId)}${section ? `/${section}` : ''}`;

/** The Identity area's pages: claimed domains, the directory, SCIM tokens. */
export type IdentityPage = 'domains' | 'directory' | 'scim-tokens';
const IDENTITY_PAGES: IdentityPage[] = ['domains', 'directory', 'scim-tokens'];

/**
 * The account's own pages besides its users: the overview (its landing page), settings, audit log,
 * and the Identity area (/identity/<page>).
 */
export function accountPage(accountId: string, section: string | undefined, item?: string) {
  if (section === 'identity') {
    const page = IDENTITY_PAGES.find((p) => p === item) ?? 'domains';
    return { page: 'identity', identity: page, accountId } as const;
  }
  if (section === 'settings') return { page: 'settings', accountId } as const;
  if (section === 'audit-log') return { page: 'audit-log', accountId } as const;
  return { page: 'overview', accountId } as const;
}

/** The side navigation's links for the account being looked at. */
export function accountLinks(accountId: string): SideNavigationProps.Item[] {
  return [
    { type: 'link', text: 'Overview', href: accountHref(accountId) },
    { type: 'link', text: 'Users', href: accountHref(accountId, 'users') },
    { type: 'link', text: 'Settings', href: accountHref(accountId, 'settings') },
    {
      type: 'section',
      text: 'Identity',
      items: [
        { type: 'link', text: 'Claimed domains', href: accountHref(accountId, 'identity/domains') },
        { type: 'link', text: 'Directory', href: accountHref(accountId, 'identity/directory') },
        { type: 'link', text: 'SCIM tokens', href: accountHref(accountId, 'identity/scim-tokens') },
      ],
    },
    { type: 'link', text: 'Audit log', href: accountHref(accountId, 'audit-log') },
  ];
}

/** Whether a route is one of an account's pages (whatever other pages the app has). */
export const isAccountRoute = (r: object): r is { accountId: string } => 'accountId' in r;
