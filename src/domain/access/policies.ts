import { DomainError } from '../errors.js';
import type { Actor, Policy } from './actor.js';

/**
 * What an action needs. `read`: any policy. `users`: members, invitations, suspension, tiers and
 * phone assignment. `accounts`: account changes and settings. `operator`: the installation as a
 * whole (creating accounts, the phone inventory, restoring deleted accounts).
 */
export type Permission = 'read' | 'users' | 'accounts' | 'operator';

const grants: Record<Policy, ReadonlySet<Permission>> = {
  FullAccess: new Set(['read', 'users', 'accounts', 'operator']),
  UserManagement: new Set(['read', 'users']),
  ReadOnly: new Set(['read']),
};

/**
 * Refuses with `Forbidden` unless the actor's policy grants the permission and, for a principal
 * scoped to one account, the action concerns that account. Operator actions are never open to a
 * scoped principal: they reach beyond any one account.
 */
export function authorize(actor: Actor, permission: Permission, accountId?: string): void {
  if (!grants[actor.policy].has(permission))
    throw new DomainError('Forbidden', `Policy ${actor.policy} does not allow this action`);
  if (actor.accountScope === undefined) return;
  if (permission === 'operator' || accountId === undefined)
    throw new DomainError('Forbidden', `This key is limited to account ${actor.accountScope}`);
  if (accountId !== actor.accountScope)
    throw new DomainError('Forbidden', `This key is limited to account ${actor.accountScope}`);
}

export function isPolicy(value: string): value is Policy {
  return value in grants;
}
