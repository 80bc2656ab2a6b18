import type { Entry } from 'ldapts';
import { LdapFailure, type DirectoryGroupEntry, type DirectoryUserEntry } from '../types.js';
import { guidFromBytes } from './guid.js';
import type { AttributeValues } from './ranges.js';

export const userAttributes = [
  'objectGUID',
  'sAMAccountName',
  'userPrincipalName',
  'mail',
  'displayName',
  'userAccountControl',
  'uSNChanged',
];
export const groupAttributes = ['objectGUID', 'cn', 'sAMAccountName', 'member', 'uSNChanged'];
/** Binary attributes, asked for as buffers (ldapts would otherwise decode them as UTF-8). */
export const binaryAttributes = ['objectGUID', 'invocationId'];

type Value = Entry[string];

/** ldapts gives a single value bare and several as an array: always an array. */
function all(value: Value | undefined): (string | Buffer)[] {
  return ([] as (string | Buffer)[]).concat(value ?? []);
}

/** The entry's attributes by lower-cased name (servers answer in their own case). */
function byName(entry: Entry): Map<string, (string | Buffer)[]> {
  const map = new Map<string, (string | Buffer)[]>();
  for (const [name, value] of Object.entries(entry))
    if (name !== 'dn') map.set(name.toLowerCase(), all(value));
  return map;
}

function text(attributes: Map<string, (string | Buffer)[]>, name: string): string | undefined {
  const value = attributes.get(name.toLowerCase())?.[0];
  if (value === undefined) return undefined;
  const string = Buffer.isBuffer(value) ? value.toString('utf8') : value;
  return string === '' ? undefined : string;
}

function required(attributes: Map<string, (string | Buffer)[]>, name: string, dn: string): string {
  const value = text(attributes, name);
  if (value === undefined) throw new LdapFailure('protocol', `${dn} came back without ${name}`);
  return value;
}

/** The canonical GUID of a binary attribute; a missing or malformed one is a protocol failure. */
export function guidOf(entry: Entry, name: string): string {
  const value = byName(entry).get(name.toLowerCase())?.[0];
  const guid = Buffer.isBuffer(value) ? guidFromBytes(value) : undefined;
  if (!guid) throw new LdapFailure('protocol', `${entry.dn} came back without a valid ${name}`);
  return guid;
}

function usn(attributes: Map<string, (string | Buffer)[]>, dn: string): string {
  const value = required(attributes, 'uSNChanged', dn);
  if (!/^\d+$/.test(value))
    throw new LdapFailure('protocol', `${dn} has a uSNChanged that is not a number: ${value}`);
  return value;
}

export function toUser(entry: Entry): DirectoryUserEntry {
  const attributes = byName(entry);
  const uac = required(attributes, 'userAccountControl', entry.dn);
  if (!/^-?\d+$/.test(uac))
    throw new LdapFailure('protocol', `${entry.dn} has a userAccountControl of ${uac}`);
  return {
    guid: guidOf(entry, 'objectGUID'),
    dn: entry.dn,
    sAMAccountName: text(attributes, 'sAMAccountName'),
    userPrincipalName: text(attributes, 'userPrincipalName'),
    mail: text(attributes, 'mail'),
    displayName: text(attributes, 'displayName'),
    // AD writes the 32-bit flags signed; bits are what matter
    userAccountControl: Number(uac) >>> 0,
    usnChanged: usn(attributes, entry.dn),
  };
}

/** A group with the `member` values it came with; the session follows ranges before this. */
export function toGroup(entry: Entry, members: string[]): DirectoryGroupEntry {
  const attributes = byName(entry);
  return {
    guid: guidOf(entry, 'objectGUID'),
    dn: entry.dn,
    name: required(attributes, 'cn', entry.dn),
    sAMAccountName: text(attributes, 'sAMAccountName'),
    members,
    usnChanged: usn(attributes, entry.dn),
  };
}

/** The entry's text attributes under the names the server used, for the range reader. */
export function textValues(entry: Entry): AttributeValues {
  const values: AttributeValues = {};
  for (const [name, value] of Object.entries(entry)) {
    if (name !== 'dn') values[name] = all(value).map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : v));
  }
  return values;
}
