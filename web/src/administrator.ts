import { createContext, useContext } from 'react';
import type { Administrator } from './api.js';

/** The signed-in administrator, for pages that say up front what their policy does not allow. */
export const AdministratorContext = createContext<Administrator | null>(null);

/**
 * Why the signed-in administrator cannot change anything, or undefined. Only ReadOnly is known
 * here for certain (it allows reading alone); what else a policy allows is Belfry's to say, and
 * its refusal is shown when the action is tried.
 */
export function useReadOnlyReason(): string | undefined {
  const admin = useContext(AdministratorContext);
  return admin?.Policy === 'ReadOnly'
    ? 'Your policy is ReadOnly: it lets you look, not change. Ask an administrator with FullAccess to do it.'
    : undefined;
}
