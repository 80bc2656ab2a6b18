import type { AccountRecord } from '../../store/accounts.js';
import type { Db } from '../../store/database.js';
import {
  addMembers,
  countScimGroups,
  deleteScimGroup,
  existingScimUserIds,
  findScimGroup,
  findScimGroupsByKey,
  insertScimGroup,
  listMemberIds,
  listMembersOfGroups,
  listScimGroups,
  membersAmong,
  removeMembers,
  updateScimGroup,
  type ScimGroupRecord,
} from '../../store/scim.js';
import type { AuditLog } from '../audit/trail.js';
import { scimChange } from './change.js';
import { conflict, invalid, notFound } from '../errors.js';
import type { MemberChange, ScimResource } from './contract.js';
import type { ScimDeps } from './deps.js';
import { applyScimEffects } from './effects.js';
import { indexedLookup, matchesFilter, parseFilter } from './filter.js';
import { pageBounds, scanMatching, slicePage, type ListPage, type ListQuery } from './lists.js';
import { applyPatch, readPatchBody, splitGroupPatch } from './patch.js';
import { checkIfMatch, withId, withoutId, presentGroup, type ResourceRef } from './present.js';
import { memberIds, readResource } from './resource.js';
import { isObject, keyOf } from './paths.js';
import type { ScimCaller } from './tokens.js';

/** Whether an answer carries `members` (never when excluded: a group may have 10,000). */
export interface MemberSelection {
  withMembers: boolean;
}

/**
 * SCIM Groups. A group's members are rows, changed one by one, so a PATCH adding one member to
 * a group of 10,000 writes one row and re-derives one user's tier. Groups map to tiers by their
 * displayName exactly as AD groups do (the directory area's mapping): a rename re-derives every
 * member's tier, a membership change the tiers of those who joined or left.
 */
export function createScimGroups(deps: ScimDeps) {
  const { db, clock, ids } = deps;
  const base = deps.scimBaseUrl;

  async function present(tx: Db, groups: ScimGroupRecord[], selection: MemberSelection) {
    if (!selection.withMembers) return groups.map((g) => presentGroup(g, undefined, base));
    const members = new Map<string, ResourceRef[]>(groups.map((g) => [g.id, []]));
    for (const m of await listMembersOfGroups(
      tx,
      groups.map((g) => g.id),
    ))
      members.get(m.groupId)!.push({ value: m.userId, display: m.userName });
    return groups.map((g) => presentGroup(g, members.get(g.id), base));
  }

  const change = <T>(
    caller: ScimCaller,
    operation: string,
    targetId: string | undefined,
    body: (tx: Db, account: AccountRecord, log: AuditLog) => Promise<T>,
  ) => scimChange(deps, caller, { operation, targetType: 'ScimGroup', targetId }, body);

  async function existing(tx: Db, accountId: string, id: string): Promise<ScimGroupRecord> {
    const group = await findScimGroup(tx, accountId, id);
    if (!group) throw notFound(`Group ${id} not found`);
    return group;
  }

  /** `displayName` is required and unique without case (the mapping names groups by it). */
  async function checked(tx: Db, accountId: string, resource: ScimResource, currentId: string | undefined) {
    const displayName = typeof resource.displayName === 'string' ? resource.displayName.trim() : '';
    if (displayName === '') throw invalid('displayName is required', 'invalidValue');
    const taken = await findScimGroupsByKey(tx, accountId, 'displayName', displayName);
    if (taken.some((g) => g.id !== currentId))
      throw conflict(`A Group with displayName ${displayName} exists already`, 'uniqueness');
    const { members: _members, ...attributes } = withoutId(resource);
    return {
      displayName,
      externalId: typeof resource.externalId === 'string' ? resource.externalId : undefined,
      resource: { ...attributes, displayName },
    };
  }

  /** The member ids of a POST or PUT body; each must be a User of the account. */
  async function memberIdsOf(tx: Db, accountId: string, body: unknown): Promise<string[]> {
    const members = isObject(body) ? body[keyOf(body, 'members') ?? 'members'] : undefined;
    if (members === undefined || members === null) return [];
    return checkUsers(tx, accountId, memberIds(members, 'members'));
  }

  async function checkUsers(tx: Db, accountId: string, userIds: string[]): Promise<string[]> {
    const known = await existingScimUserIds(tx, accountId, userIds);
    const unknown = userIds.find((id) => !known.has(id));
    if (unknown !== undefined)
      throw invalid(`No User ${unknown} in this account to add as a member`, 'invalidValue');
    return userIds;
  }

  /** Applies member changes in the order sent; answers the users who joined or left. */
  async function changeMembers(
    tx: Db,
    group: ScimGroupRecord,
    changes: MemberChange[],
  ): Promise<Set<string>> {
    const affected = new Set<string>();
    for (const c of changes) {
      if (c.kind === 'add') {
        const ids = await checkUsers(tx, group.accountId, [...new Set(c.ids)]);
        const already = await membersAmong(tx, group.id, ids);
        const joining = ids.filter((id) => !already.has(id));
        await addMembers(tx, group.id, joining);
        joining.forEach((id) => affected.add(id));
      } else if (c.kind === 'remove') {
        const leaving = [...(await membersAmong(tx, group.id, [...new Set(c.ids)]))];
        await removeMembers(tx, group.id, leaving);
        leaving.forEach((id) => affected.add(id));
      } else if (c.kind === 'removeWhere') {
        const members = await listMembersOfGroups(tx, [group.id]);
        const leaving = members
          .filter((m) =>
            // the filter names members' sub-attributes: test a group holding this one member
            matchesFilter(
              { members: [{ value: m.userId, display: m.userName, type: 'User' }] },
              c.filter,
              'Group',
            ),
          )
          .map((m) => m.userId);
        await removeMembers(tx, group.id, leaving);
        leaving.forEach((id) => affected.add(id));
      } else {
        const ids = c.kind === 'replace' ? await checkUsers(tx, group.accountId, [...new Set(c.ids)]) : [];
        (await replaceMembers(tx, group.id, ids)).forEach((id) => affected.add(id));
      }
    }
    return affected;
  }

  /** Sets the member list; answers who joined or left. */
  async function replaceMembers(tx: Db, groupId: string, ids: string[]): Promise<string[]> {
    const current = new Set(await listMemberIds(tx, groupId));
    const wanted = new Set(ids);
    const leaving = [...current].filter((id) => !wanted.has(id));
    const joining = ids.filter((id) => !current.has(id));
    await removeMembers(tx, groupId, leaving);
    await addMembers(tx, groupId, joining);
    return [...leaving, ...joining];
  }

  /** A rename changes which mapping the group meets: every member's tier is derived again. */
  async function affectedBy(tx: Db, before: ScimGroupRecord, after: ScimGroupRecord, changed: Set<string>) {
    if (before.displayName.toLowerCase() !== after.displayName.toLowerCase())
      for (const id of await listMemberIds(tx, after.id)) changed.add(id);
    return [...changed];
  }

  async function effects(tx: Db, account: AccountRecord, userIds: string[], log: AuditLog) {
    const items = await applyScimEffects(tx, deps, account, userIds, log);
    return items.map((i) => i.action);
  }

  return {
    async createGroup(caller: ScimCaller, body: unknown): Promise<ScimResource> {
      return change(caller, 'ScimCreateGroup', undefined, async (tx, account, log) => {
        const resource = readResource(body, 'Group');
        const at = clock.now().toISOString();
        const group: ScimGroupRecord = {
          id: ids.uuid(),
          accountId: account.id,
          ...(await checked(tx, account.id, resource, undefined)),
          version: 1,
          createdAt: at,
          updatedAt: at,
        };
        const memberIds = await memberIdsOf(tx, account.id, body);
        await insertScimGroup(tx, group);
        await addMembers(tx, group.id, memberIds);
        log.target({ accountId: account.id, targetId: group.id });
        const done = await effects(tx, account, memberIds, log);
        log.describe({ displayName: group.displayName, members: memberIds.length, effects: done });
        return (await present(tx, [group], { withMembers: true }))[0]!;
      });
    },

    async getGroup(caller: ScimCaller, id: string, selection: MemberSelection): Promise<ScimResource> {
      return (await present(db, [await existing(db, caller.accountId, id)], selection))[0]!;
    },

    async listGroups(
      caller: ScimCaller,
      query: ListQuery,
      selection: MemberSelection,
    ): Promise<ListPage<ScimResource>> {
      const bounds = pageBounds(query);
      const accountId = caller.accountId;
      if (query.filter === undefined) {
        const [total, rows] = await Promise.all([
          countScimGroups(db, accountId),
          bounds.limit === 0 ? [] : listScimGroups(db, accountId, bounds),
        ]);
        return {
          totalResults: total,
          startIndex: bounds.startIndex,
          items: await present(db, rows, selection),
        };
      }
      const filter = parseFilter(query.filter, 'Group');
      const key = indexedLookup(filter, 'Group');
      const matches = (g: ScimGroupRecord) =>
        matchesFilter(presentGroup(g, undefined, base), filter, 'Group');
      const indexed =
        key && (key.attribute === 'id' || key.attribute === 'displayName' || key.attribute === 'externalId');
      const all = indexed
        ? (await findScimGroupsByKey(db, accountId, key.attribute as 'id', key.value)).filter(matches)
        : await scanMatching((page) => listScimGroups(db, accountId, page), matches);
      const page = slicePage(all, bounds);
      return { ...page, items: await present(db, page.items, selection) };
    },

    async replaceGroup(
      caller: ScimCaller,
      id: string,
      body: unknown,
      ifMatch?: string,
    ): Promise<ScimResource> {
      return change(caller, 'ScimReplaceGroup', id, async (tx, account, log) => {
        const resource = readResource(body, 'Group');
        const current = await existing(tx, account.id, id);
        checkIfMatch(ifMatch, current.version);
        const next: ScimGroupRecord = {
          ...current,
          ...(await checked(tx, account.id, resource, id)),
          version: current.version + 1,
          updatedAt: clock.now().toISOString(),
        };
        await updateScimGroup(tx, next);
        const moved = new Set(await replaceMembers(tx, id, await memberIdsOf(tx, account.id, body)));
        const done = await effects(tx, account, await affectedBy(tx, current, next, moved), log);
        log.describe({ displayName: next.displayName, membersChanged: moved.size, effects: done });
        return (await present(tx, [next], { withMembers: true }))[0]!;
      });
    },

    /** PATCH answers nothing (204, as Entra expects): the member list may be long. */
    async patchGroup(caller: ScimCaller, id: string, body: unknown, ifMatch?: string): Promise<void> {
      await change(caller, 'ScimPatchGroup', id, async (tx, account, log) => {
        const { memberChanges, otherOperations } = splitGroupPatch(readPatchBody(body));
        const current = await existing(tx, account.id, id);
        checkIfMatch(ifMatch, current.version);
        const patched =
          otherOperations.length > 0
            ? applyPatch(withId(current), otherOperations, 'Group')
            : { resource: current.resource, changed: false };
        const next: ScimGroupRecord = patched.changed
          ? { ...current, ...(await checked(tx, account.id, patched.resource, id)) }
          : current;
        const moved = await changeMembers(tx, current, memberChanges);
        if (!patched.changed && moved.size === 0) return log.onlyItems();
        await updateScimGroup(tx, {
          ...next,
          version: current.version + 1,
          updatedAt: clock.now().toISOString(),
        });
        const done = await effects(tx, account, await affectedBy(tx, current, next, moved), log);
        log.describe({ displayName: next.displayName, membersChanged: moved.size, effects: done });
      });
    },

    /** DELETE: the group and its memberships go; its former members' tiers are derived again. */
    async deleteGroup(caller: ScimCaller, id: string, ifMatch?: string): Promise<void> {
      await change(caller, 'ScimDeleteGroup', id, async (tx, account, log) => {
        const current = await existing(tx, account.id, id);
        checkIfMatch(ifMatch, current.version);
        const former = await listMemberIds(tx, id);
        await deleteScimGroup(tx, account.id, id);
        const done = await effects(tx, account, former, log);
        log.describe({ displayName: current.displayName, members: former.length, effects: done });
      });
    },
  };
}
