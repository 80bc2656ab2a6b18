import { invalid } from '../errors.js';
import { changeOf, type Change } from './assign.js';
import type { Filter, MemberChange, PatchOperation } from './contract.js';
import { parsePatchPath } from './filter-syntax.js';
import { isObject, keyOf, resolveName } from './paths.js';

/**
 * A group PATCH split into what it does to `members` and the rest, in the order sent.
 *
 * `add members` → add; `remove members` with no value → removeAll, with a value list → remove
 * those only (Entra, shape 5); `remove members[value eq "u1" or value eq "u2"]` → remove
 * (Okta, shape 6), any other member filter → removeWhere, whose filter the store evaluates on
 * one member at a time as `matchesFilter({ members: [member] }, filter, 'Group')`;
 * `replace members` → replace (shape 12). A path-less value's `members` is split from its other
 * attributes (Okta's `{ id, displayName }` go on to `applyPatch`). Removing a member's
 * sub-attribute (`members[value eq "u1"].display`) changes nothing Belfry keeps.
 */
export function splitGroupPatch(operations: PatchOperation[]): {
  memberChanges: MemberChange[];
  otherOperations: PatchOperation[];
} {
  const memberChanges: MemberChange[] = [];
  const otherOperations: PatchOperation[] = [];
  operations.forEach((operation, index) => {
    const where = `Operation ${index + 1}`;
    const change = changeOf(operation.op, where);
    const path = operation.path?.trim();
    if (!path) {
      const membersKey = isObject(operation.value) ? keyOf(operation.value, 'members') : undefined;
      if (membersKey === undefined || change === 'remove') return otherOperations.push(operation);
      const { [membersKey]: members, ...rest } = operation.value as Record<string, unknown>;
      memberChanges.push(
        change === 'add' ? { kind: 'add', ids: memberIds(members, where) } : replace(members, where),
      );
      if (Object.keys(rest).length > 0) otherOperations.push({ ...operation, value: rest });
      return;
    }
    if (!isMembersPath(path)) return otherOperations.push(operation);
    const memberChange = memberPathChange(change, path, operation.value, where);
    if (memberChange) memberChanges.push(memberChange);
  });
  return { memberChanges, otherOperations };
}

function isMembersPath(path: string): boolean {
  const leading = resolveName(path.split('[')[0]!.trim(), 'Group');
  return leading?.kind === 'attribute' && leading.resolved.attribute.name === 'members';
}

function memberPathChange(
  change: Change,
  path: string,
  value: unknown,
  where: string,
): MemberChange | undefined {
  const { target, filter } = parsePatchPath(path, 'Group');
  const hasValue = value !== undefined && value !== null;
  if (change === 'remove') {
    if (target.subAttribute) return undefined;
    if (filter) return removeThrough(filter);
    return hasValue ? { kind: 'remove', ids: memberIds(value, where) } : { kind: 'removeAll' };
  }
  if (filter || target.subAttribute)
    throw invalid(
      `${where}: a member's value cannot be changed; remove the member and add another.`,
      'mutability',
    );
  if (!hasValue && change === 'add') throw invalid(`${where} (add) needs a value.`, 'invalidValue');
  return change === 'add' ? { kind: 'add', ids: memberIds(value, where) } : replace(value, where);
}

function replace(value: unknown, where: string): MemberChange {
  return { kind: 'replace', ids: value === null || value === undefined ? [] : memberIds(value, where) };
}

/** `value eq "a"`, or several joined by `or` → their ids; any other filter → removeWhere. */
function removeThrough(filter: Filter): MemberChange {
  const ids = idsIn(filter);
  return ids ? { kind: 'remove', ids: [...new Set(ids)] } : { kind: 'removeWhere', filter };
}

function idsIn(filter: Filter): string[] | undefined {
  if (filter.op === 'or') {
    const left = idsIn(filter.left);
    const right = idsIn(filter.right);
    return left && right ? [...left, ...right] : undefined;
  }
  const plain =
    filter.op === 'eq' && filter.path.subAttribute === 'value' && typeof filter.value === 'string';
  return plain ? [filter.value as string] : undefined;
}

/**
 * The ids of a member list: `[{ value }]`, one `{ value }`, or bare ids; `display`, `type` and
 * `"$ref": null` are tolerated (shape 7). Each `value` must be a non-empty string.
 */
export function memberIds(value: unknown, where: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  const ids = list.map((member, index) => {
    const id = isObject(member) ? member[keyOf(member, 'value') ?? 'value'] : member;
    if (typeof id !== 'string' || id.trim() === '')
      throw invalid(`${where}: member ${index + 1} needs a value, the id of a user.`, 'invalidValue');
    return id;
  });
  return [...new Set(ids)];
}
