import type { AccountRecord } from '../../store/accounts.js';
import type { Db } from '../../store/database.js';
import {
  countScimUsers,
  deleteScimUser,
  findScimUser,
  findScimUsersByKey,
  insertScimUser,
  listGroupsOfUsers,
  listScimUsers,
  updateScimUser,
  type ScimUserRecord,
} from '../../store/scim.js';
import type { AuditLog } from '../audit/trail.js';
import { scimChange } from './change.js';
import { conflict, invalid, notFound } from '../errors.js';
import type { IndexedLookup, ScimResource } from './contract.js';
import { addressOf } from './entries.js';
import {
  addressHeldElsewhere,
  applyScimEffects,
  checkProvisionedAddress,
  removeProvisionedMember,
  verifiedDomainsOf,
} from './effects.js';
import { indexedLookup, matchesFilter, parseFilter } from './filter.js';
import { pageBounds, scanMatching, slicePage, type ListPage, type ListQuery } from './lists.js';
import { applyPatch, readPatchBody } from './patch.js';
import { checkIfMatch, withId, withoutId, presentUser, type ResourceRef } from './present.js';
import { readResource } from './resource.js';
import type { ScimCaller } from './tokens.js';
import type { ScimDeps } from './deps.js';

/**
 * SCIM Users (RFC 7644 §3) and what each change does to the Belfry user it stands for: every
 * change is one audited transaction with the token as actor, the resource and its effects
 * (created, suspended, restored, tier, removed) committed together.
 */
export function createScimUsers(deps: ScimDeps) {
  const { db, clock, ids } = deps;
  const base = deps.scimBaseUrl;

  async function present(tx: Db, users: ScimUserRecord[]): Promise<ScimResource[]> {
    const refs = new Map<string, ResourceRef[]>();
    for (const row of await listGroupsOfUsers(
      tx,
      users.map((u) => u.id),
    ))
      refs.set(row.userId, [
        ...(refs.get(row.userId) ?? []),
        { value: row.groupId, display: row.displayName },
      ]);
    return users.map((u) => presentUser(u, refs.get(u.id) ?? [], base));
  }

  const change = <T>(
    caller: ScimCaller,
    operation: string,
    targetId: string | undefined,
    body: (tx: Db, account: AccountRecord, log: AuditLog) => Promise<T>,
  ) => scimChange(deps, caller, { operation, targetType: 'ScimUser', targetId }, body);

  async function existing(tx: Db, accountId: string, id: string): Promise<ScimUserRecord> {
    const user = await findScimUser(tx, accountId, id);
    if (!user) throw notFound(`User ${id} not found`);
    return user;
  }

  /**
   * The stored form of a resource: `userName` unique without case, an address Belfry can give,
   * `active` true unless said otherwise (or, on a replace that omits it, as it was).
   */
  async function checked(
    tx: Db,
    account: AccountRecord,
    resource: ScimResource,
    current: ScimUserRecord | undefined,
    domains: string[],
  ): Promise<Omit<ScimUserRecord, 'id' | 'accountId' | 'version' | 'createdAt' | 'updatedAt'>> {
    const userName = typeof resource.userName === 'string' ? resource.userName.trim() : '';
    if (userName === '') throw invalid('userName is required', 'invalidValue');
    const taken = await findScimUsersByKey(tx, account.id, 'userName', userName);
    if (taken.some((u) => u.id !== current?.id))
      throw conflict(`A User with userName ${userName} exists already`, 'uniqueness');
    const email = checkProvisionedAddress(account, addressOf(resource, userName), domains);
    const sharing = await findScimUsersByKey(tx, account.id, 'email', email);
    const id = current?.id ?? '';
    if (sharing.some((u) => u.id !== id) || (await addressHeldElsewhere(tx, account.id, email, id)))
      throw conflict(`Another user of the account has the address ${email}`, 'uniqueness');
    const active = typeof resource.active === 'boolean' ? resource.active : (current?.active ?? true);
    return {
      userName,
      externalId: typeof resource.externalId === 'string' ? resource.externalId : undefined,
      emailKey: email.toLowerCase(),
      active,
      resource: { ...withoutId(resource), userName, active },
    };
  }

  /** Saves a changed user and brings their Belfry user up to date. */
  async function save(
    tx: Db,
    account: AccountRecord,
    current: ScimUserRecord,
    resource: ScimResource,
    log: AuditLog,
  ) {
    const domains = await verifiedDomainsOf(tx, account.id);
    const next: ScimUserRecord = {
      ...current,
      ...(await checked(tx, account, resource, current, domains)),
      version: current.version + 1,
      updatedAt: clock.now().toISOString(),
    };
    await updateScimUser(tx, next);
    const items = await applyScimEffects(tx, deps, account, [next.id], log, { domains });
    log.describe({ userName: next.userName, active: next.active, effects: items.map((i) => i.action) });
    return next;
  }

  async function lookup(accountId: string, key: IndexedLookup): Promise<ScimUserRecord[]> {
    if (key.attribute === 'displayName') return [];
    if (key.attribute !== 'emails.value') return findScimUsersByKey(db, accountId, key.attribute, key.value);
    // the kept address answers most lookups by email; another of the user's emails needs a scan
    const hits = await findScimUsersByKey(db, accountId, 'email', key.value);
    return hits.length > 0
      ? hits
      : scanMatching(
          (page) => listScimUsers(db, accountId, page),
          () => true,
        );
  }

  return {
    async createUser(caller: ScimCaller, body: unknown): Promise<ScimResource> {
      return change(caller, 'ScimCreateUser', undefined, async (tx, account, log) => {
        const resource = readResource(body, 'User');
        const at = clock.now().toISOString();
        const domains = await verifiedDomainsOf(tx, account.id);
        const user: ScimUserRecord = {
          id: ids.uuid(),
          accountId: account.id,
          ...(await checked(tx, account, resource, undefined, domains)),
          version: 1,
          createdAt: at,
          updatedAt: at,
        };
        await insertScimUser(tx, user);
        const items = await applyScimEffects(tx, deps, account, [user.id], log, { created: [user], domains });
        log.target({ accountId: account.id, targetId: user.id, userId: items[0]?.userId });
        log.describe({ userName: user.userName, active: user.active, effects: items.map((i) => i.action) });
        // a new user is in no group yet
        return presentUser(user, [], base);
      });
    },

    async getUser(caller: ScimCaller, id: string): Promise<ScimResource> {
      return (await present(db, [await existing(db, caller.accountId, id)]))[0]!;
    },

    async listUsers(caller: ScimCaller, query: ListQuery): Promise<ListPage<ScimResource>> {
      const bounds = pageBounds(query);
      if (query.filter === undefined) {
        const [total, rows] = await Promise.all([
          countScimUsers(db, caller.accountId),
          bounds.limit === 0 ? [] : listScimUsers(db, caller.accountId, bounds),
        ]);
        return { totalResults: total, startIndex: bounds.startIndex, items: await present(db, rows) };
      }
      const filter = parseFilter(query.filter, 'User');
      const key = indexedLookup(filter, 'User');
      const matches = (u: ScimUserRecord) => matchesFilter(presentUser(u, [], base), filter, 'User');
      const all = key
        ? (await lookup(caller.accountId, key)).filter(matches)
        : await scanMatching((page) => listScimUsers(db, caller.accountId, page), matches);
      const page = slicePage(all, bounds);
      return { ...page, items: await present(db, page.items) };
    },

    /** PUT: the whole resource replaced (Okta's profile pushes, deactivation included). */
    async replaceUser(
      caller: ScimCaller,
      id: string,
      body: unknown,
      ifMatch?: string,
    ): Promise<ScimResource> {
      return change(caller, 'ScimReplaceUser', id, async (tx, account, log) => {
        const resource = readResource(body, 'User');
        const current = await existing(tx, account.id, id);
        checkIfMatch(ifMatch, current.version);
        return (await present(tx, [await save(tx, account, current, resource, log)]))[0]!;
      });
    },

    /** PATCH: a PATCH that changes nothing succeeds and leaves the version as it was. */
    async patchUser(caller: ScimCaller, id: string, body: unknown, ifMatch?: string): Promise<ScimResource> {
      return change(caller, 'ScimPatchUser', id, async (tx, account, log) => {
        const operations = readPatchBody(body);
        const current = await existing(tx, account.id, id);
        checkIfMatch(ifMatch, current.version);
        const patched = applyPatch(withId(current), operations, 'User');
        if (!patched.changed) {
          log.onlyItems();
          return (await present(tx, [current]))[0]!;
        }
        return (await present(tx, [await save(tx, account, current, patched.resource, log)]))[0]!;
      });
    },

    /** DELETE: the person leaves the account; the resource and its memberships go. */
    async deleteUser(caller: ScimCaller, id: string, ifMatch?: string): Promise<void> {
      await change(caller, 'ScimDeleteUser', id, async (tx, account, log) => {
        const current = await existing(tx, account.id, id);
        checkIfMatch(ifMatch, current.version);
        const removed = await removeProvisionedMember(tx, deps, account.id, id, log);
        await deleteScimUser(tx, account.id, id);
        log.describe({ userName: current.userName, removedUserId: removed?.id });
      });
    },
  };
}
