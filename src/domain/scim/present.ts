import type { ScimGroupRecord, ScimUserRecord } from '../../store/scim.js';
import { preconditionFailed } from '../errors.js';
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA, type ScimResource } from './contract.js';

/** A member or a group as resources list each other: id, name, and where to read it. */
export interface ResourceRef {
  value: string;
  display: string;
}

/**
 * The stored resource with its id, as PATCH sees it: a value that restates the read-only id
 * (Okta's group rename) is then a no-op, not a change of it.
 */
export function withId(record: { id: string; resource: ScimResource }): ScimResource {
  return { ...record.resource, id: record.id };
}

/** What is stored of a resource: never its id (the row's key) nor its meta. */
export function withoutId(resource: ScimResource): ScimResource {
  const { id: _id, meta: _meta, ...rest } = resource;
  return rest;
}

/** `meta.version` and the ETag: weak, the resource's change count. */
export const versionTag = (version: number) => `W/"${version}"`;

/**
 * Refuses a change whose `If-Match` names another version (RFC 7644 §3.14): 412. `*` and an
 * absent header match anything; weak and strong forms of the same tag are the same here.
 */
export function checkIfMatch(ifMatch: string | undefined, version: number): void {
  if (ifMatch === undefined || ifMatch.trim() === '*') return;
  const wanted = ifMatch.split(',').map((t) => t.trim().replace(/^W\//, ''));
  if (!wanted.includes(`"${version}"`))
    throw preconditionFailed(
      `The resource is at version ${versionTag(version)}, not ${ifMatch.trim()}: read it again before changing it`,
    );
}

function meta(resourceType: 'User' | 'Group', record: { id: string; version: number } & Dates, base: string) {
  return {
    resourceType,
    created: record.createdAt,
    lastModified: record.updatedAt,
    location: `${base}/${resourceType}s/${record.id}`,
    version: versionTag(record.version),
  };
}

interface Dates {
  createdAt: string;
  updatedAt: string;
}

/** A User as answered: schemas, id, what the IdP sent, the groups it is in, and meta. */
export function presentUser(user: ScimUserRecord, groups: ResourceRef[], base: string): ScimResource {
  const { schemas: _schemas, id: _id, meta: _meta, groups: _groups, ...attributes } = user.resource;
  return {
    schemas: ENTERPRISE_USER_SCHEMA in attributes ? [USER_SCHEMA, ENTERPRISE_USER_SCHEMA] : [USER_SCHEMA],
    id: user.id,
    ...attributes,
    userName: user.userName,
    active: user.active,
    groups: groups.map((g) => ({ value: g.value, display: g.display, $ref: `${base}/Groups/${g.value}` })),
    meta: meta('User', user, base),
  };
}

/** A Group as answered; `members` left out when the request excluded them (they may be 10,000). */
export function presentGroup(group: ScimGroupRecord, members: ResourceRef[] | undefined, base: string) {
  const { schemas: _schemas, id: _id, meta: _meta, members: _members, ...attributes } = group.resource;
  return {
    schemas: [GROUP_SCHEMA],
    id: group.id,
    ...attributes,
    displayName: group.displayName,
    ...(members && {
      members: members.map((m) => ({
        value: m.value,
        display: m.display,
        type: 'User',
        $ref: `${base}/Users/${m.value}`,
      })),
    }),
    meta: meta('Group', group, base),
  } as ScimResource;
}
