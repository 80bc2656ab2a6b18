import { lazy } from 'react';
import type { IdentityPage } from '../../navigation.js';

// Each page of the area is its own chunk, loaded when first opened.
const Domains = lazy(() => import('./Domains.js'));
const Directory = lazy(() => import('./Directory.js'));
const ScimTokens = lazy(() => import('./ScimTokens.js'));

/** An account's Identity area: claimed domains, the directory connection, SCIM tokens. */
export default function Identity({ accountId, page }: { accountId: string; page: IdentityPage }) {
  if (page === 'directory') return <Directory accountId={accountId} />;
  if (page === 'scim-tokens') return <ScimTokens accountId={accountId} />;
  return <Domains accountId={accountId} />;
}
