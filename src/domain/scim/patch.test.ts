import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { failsWith } from '../../../test/helpers/scim-errors.js';
import {
  ENTERPRISE_USER_SCHEMA,
  GROUP_SCHEMA,
  PATCH_OP_SCHEMA,
  USER_SCHEMA,
  type Filter,
  type PatchOperation,
} from './contract.js';
import { applyPatch, MAX_PATCH_OPERATIONS, readPatchBody, splitGroupPatch } from './patch.js';
import { matchesFilter, parseFilter } from './filter.js';

const EXT = ENTERPRISE_USER_SCHEMA;

const bob = () => ({
  schemas: [USER_SCHEMA],
  id: 'u-1',
  userName: 'bob@example.com',
  active: true,
  name: { givenName: 'Bob', familyName: 'Smith' },
  emails: [{ value: 'bob@example.com', type: 'work', primary: true }],
  meta: { resourceType: 'User', version: 'W/"1"' },
});

const patchUser = (...operations: PatchOperation[]) => applyPatch(bob(), operations, 'User');

describe('readPatchBody', () => {
  it('reads both dialects: the URN in any case, Operations or operations, op as sent', () => {
    assert.deepEqual(
      readPatchBody({
        schemas: [PATCH_OP_SCHEMA],
        Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
      }),
      [{ op: 'Replace', path: 'active', value: 'False' }],
    );
    assert.deepEqual(
      readPatchBody({
        schemas: [PATCH_OP_SCHEMA.toUpperCase()],
        operations: [{ op: 'remove', path: 'title' }],
      }),
      [{ op: 'remove', path: 'title' }],
    );
    assert.deepEqual(
      readPatchBody({ schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'add', value: null }] }),
      [{ op: 'add', value: null }],
    );
  });

  it('refuses malformed bodies as invalidSyntax', () => {
    const ops = [{ op: 'add', path: 'title', value: 'x' }];
    failsWith(() => readPatchBody('text'), 'invalidSyntax', /JSON object/);
    failsWith(() => readPatchBody([]), 'invalidSyntax');
    failsWith(() => readPatchBody({ Operations: ops }), 'invalidSyntax', /schemas must include/);
    failsWith(() => readPatchBody({ schemas: [USER_SCHEMA], Operations: ops }), 'invalidSyntax');
    failsWith(() => readPatchBody({ schemas: PATCH_OP_SCHEMA, Operations: ops }), 'invalidSyntax');
    failsWith(() => readPatchBody({ schemas: [PATCH_OP_SCHEMA] }), 'invalidSyntax', /non-empty Operations/);
    failsWith(() => readPatchBody({ schemas: [PATCH_OP_SCHEMA], Operations: [] }), 'invalidSyntax');
    failsWith(() => readPatchBody({ schemas: [PATCH_OP_SCHEMA], Operations: {} }), 'invalidSyntax');
    failsWith(
      () => readPatchBody({ schemas: [PATCH_OP_SCHEMA], Operations: ['add'] }),
      'invalidSyntax',
      /Operation 1/,
    );
    failsWith(
      () => readPatchBody({ schemas: [PATCH_OP_SCHEMA], Operations: [{ path: 'x' }] }),
      'invalidSyntax',
      /needs an op/,
    );
    failsWith(
      () => readPatchBody({ schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'add', path: 5 }] }),
      'invalidSyntax',
      /path must be a string/,
    );
  });

  it(`caps a body at ${MAX_PATCH_OPERATIONS} operations`, () => {
    const op = { op: 'add', path: 'title', value: 'x' };
    assert.equal(
      readPatchBody({ schemas: [PATCH_OP_SCHEMA], Operations: Array(MAX_PATCH_OPERATIONS).fill(op) }).length,
      1000,
    );
    failsWith(
      () =>
        readPatchBody({ schemas: [PATCH_OP_SCHEMA], Operations: Array(MAX_PATCH_OPERATIONS + 1).fill(op) }),
      'invalidSyntax',
      /at most 1000/,
    );
  });
});

describe("applyPatch: the vendors' shapes", () => {
  it('shape 1: capitalised ops (Replace, Add, Remove)', () => {
    const { resource } = patchUser(
      { op: 'Replace', path: 'displayName', value: 'Bob S' },
      { op: 'Add', path: 'title', value: 'Engineer' },
      { op: 'Remove', path: 'name.familyName' },
      { op: 'REPLACE', path: 'nickName', value: 'B' },
    );
    assert.equal(resource.displayName, 'Bob S');
    assert.equal(resource.title, 'Engineer');
    assert.equal(resource.nickName, 'B');
    assert.deepEqual(resource.name, { givenName: 'Bob' });
  });

  it('shape 2: string booleans for active', () => {
    assert.equal(patchUser({ op: 'Replace', path: 'active', value: 'False' }).resource.active, false);
    assert.equal(patchUser({ op: 'replace', path: 'active', value: 'true' }).resource.active, true);
    assert.equal(patchUser({ op: 'replace', value: { active: 'FALSE' } }).resource.active, false);
    failsWith(
      () => patchUser({ op: 'replace', path: 'active', value: 'no' }),
      'invalidValue',
      /active must be true or false/,
    );
  });

  it('shape 3: Okta deactivates with a path-less replace', () => {
    const { resource, changed } = patchUser({ op: 'replace', value: { active: false } });
    assert.equal(resource.active, false);
    assert.equal(changed, true);
  });

  it('shape 4: dotted sub-attributes and extension URNs as keys of a path-less value', () => {
    const { resource } = patchUser({
      op: 'replace',
      value: { 'name.givenName': 'K', [`${EXT}:employeeNumber`]: '7', [`${EXT}:manager.value`]: 'u-9' },
    });
    assert.deepEqual(resource.name, { givenName: 'K', familyName: 'Smith' });
    assert.deepEqual(resource[EXT], { employeeNumber: '7', manager: { value: 'u-9' } });
    assert.deepEqual(resource.schemas, [USER_SCHEMA, EXT]);
  });

  it('shape 4: an extension object keyed by its URN, and a path naming the extension', () => {
    const first = patchUser({
      op: 'add',
      value: { [EXT]: { department: 'Sales', costCenter: '42' } },
    }).resource;
    assert.deepEqual(first[EXT], { department: 'Sales', costCenter: '42' });
    const second = applyPatch(
      first,
      [{ op: 'replace', path: EXT, value: { department: 'Ops' } }],
      'User',
    ).resource;
    assert.deepEqual(second[EXT], { department: 'Ops', costCenter: '42' });
    const third = applyPatch(second, [{ op: 'remove', path: EXT }], 'User').resource;
    assert.equal(third[EXT], undefined);
    assert.deepEqual(third.schemas, [USER_SCHEMA]);
  });

  it('shape 5: remove with a value list removes the listed emails only', () => {
    const start = patchUser({
      op: 'add',
      path: 'emails',
      value: [{ value: 'b2@x' }, { value: 'b3@x' }],
    }).resource;
    const { resource } = applyPatch(
      start,
      [{ op: 'Remove', path: 'emails', value: [{ value: 'B2@x' }] }],
      'User',
    );
    assert.deepEqual(resource.emails, [
      { value: 'bob@example.com', type: 'work', primary: true },
      { value: 'b3@x' },
    ]);
    const all = applyPatch(start, [{ op: 'remove', path: 'emails' }], 'User').resource;
    assert.equal(all.emails, undefined);
  });

  it('shape 8: emails[type eq "work"].value is set, or the element created when missing', () => {
    const op = { op: 'Add', path: 'emails[type eq "work"].value', value: 'robert@example.com' };
    assert.deepEqual(patchUser(op).resource.emails, [
      { value: 'robert@example.com', type: 'work', primary: true },
    ]);
    const withoutEmail = { ...bob(), emails: undefined };
    delete withoutEmail.emails;
    assert.deepEqual(applyPatch(withoutEmail, [op], 'User').resource.emails, [
      { type: 'work', value: 'robert@example.com' },
    ]);
    const home = { op: 'replace', path: 'emails[type eq "home"].value', value: 'bob@home.example' };
    assert.deepEqual(patchUser(home).resource.emails, [
      { value: 'bob@example.com', type: 'work', primary: true },
      { type: 'home', value: 'bob@home.example' },
    ]);
    const mobile = { op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 206 555 0100' };
    assert.deepEqual(patchUser(mobile).resource.phoneNumbers, [{ type: 'mobile', value: '+1 206 555 0100' }]);
  });

  it('shape 8: a filter that describes no element to create is noTarget', () => {
    failsWith(
      () =>
        patchUser({ op: 'replace', path: 'emails[type eq "home" or type eq "other"].value', value: 'a@b' }),
      'noTarget',
      /does not describe one/,
    );
  });

  it('shape 8: a value filter as a key of a path-less value', () => {
    const { resource } = patchUser({
      op: 'Add',
      value: {
        'emails[type eq "work"].value': 'rob@example.com',
        'phoneNumbers[type eq "mobile"].value': '+1',
      },
    });
    assert.deepEqual(resource.emails, [{ value: 'rob@example.com', type: 'work', primary: true }]);
    assert.deepEqual(resource.phoneNumbers, [{ type: 'mobile', value: '+1' }]);
    assert.equal(
      patchUser({ op: 'add', value: { 'addresses[type eq "work"].formatted': 'x' } }).changed,
      false,
    );
  });

  it('shape 9: several replaces in one PATCH, including a userName rename', () => {
    const { resource } = patchUser(
      { op: 'Replace', path: 'userName', value: 'robert@example.com' },
      { op: 'Replace', path: 'name.givenName', value: 'Robert' },
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'robert@example.com' },
      { op: 'Replace', path: 'displayName', value: 'Robert Smith' },
    );
    assert.equal(resource.userName, 'robert@example.com');
    assert.deepEqual(resource.name, { givenName: 'Robert', familyName: 'Smith' });
    assert.deepEqual(resource.emails, [{ value: 'robert@example.com', type: 'work', primary: true }]);
    assert.equal(resource.displayName, 'Robert Smith');
  });

  it('shape 10: the manager as a bare string or as { value }', () => {
    const path = `${EXT}:manager`;
    assert.deepEqual(patchUser({ op: 'Add', path, value: 'u-9' }).resource[EXT], {
      manager: { value: 'u-9' },
    });
    assert.deepEqual(patchUser({ op: 'replace', path, value: { value: 'u-8', $ref: null } }).resource[EXT], {
      manager: { value: 'u-8' },
    });
    assert.deepEqual(patchUser({ op: 'replace', value: { [EXT]: { manager: 'u-7' } } }).resource[EXT], {
      manager: { value: 'u-7' },
    });
    const named = patchUser({ op: 'Add', path, value: { value: 'u-9', displayName: 'Nick' } }).resource;
    const renamed = applyPatch(
      named,
      [{ op: 'replace', path, value: { displayName: 'Nick F' } }],
      'User',
    ).resource;
    assert.deepEqual(renamed[EXT], { manager: { value: 'u-9', displayName: 'Nick F' } });
    const another = applyPatch(named, [{ op: 'replace', path, value: 'u-8' }], 'User').resource;
    assert.deepEqual(another[EXT], { manager: { value: 'u-8' } });
    const managed = patchUser({ op: 'Add', path, value: 'u-9' }).resource;
    assert.equal(applyPatch(managed, [{ op: 'Remove', path }], 'User').resource[EXT], undefined);
    assert.equal(applyPatch(managed, [{ op: 'Replace', path, value: '' }], 'User').resource[EXT], undefined);
  });

  it("shape 11: an id equal to the resource's is ignored, another id is mutability", () => {
    const group = { schemas: [GROUP_SCHEMA], id: 'g-1', displayName: 'Sales' };
    const { resource, changed } = applyPatch(
      group,
      [{ op: 'replace', value: { id: 'g-1', displayName: 'Sales EMEA' } }],
      'Group',
    );
    assert.deepEqual(resource, { schemas: [GROUP_SCHEMA], id: 'g-1', displayName: 'Sales EMEA' });
    assert.equal(changed, true);
    failsWith(
      () => applyPatch(group, [{ op: 'replace', value: { id: 'g-2', displayName: 'X' } }], 'Group'),
      'mutability',
      /id is read-only/,
    );
    failsWith(() => applyPatch(group, [{ op: 'replace', path: 'id', value: 'g-2' }], 'Group'), 'mutability');
  });

  it('shape 13: a whole replace through path-less values, as PUT-like pushes do', () => {
    const { resource } = patchUser({
      op: 'replace',
      value: {
        schemas: [USER_SCHEMA],
        meta: { version: 'x' },
        userName: 'bob@example.com',
        active: 'False',
        emails: [{ value: 'new@x', primary: 'true' }],
      },
    });
    assert.equal(resource.active, false);
    assert.deepEqual(resource.emails, [{ value: 'new@x', primary: true }]);
    assert.deepEqual(resource.meta, bob().meta);
  });

  it('shape 18: a PATCH that changes nothing reports no change', () => {
    const same = patchUser(
      { op: 'replace', path: 'active', value: 'True' },
      { op: 'replace', value: { userName: 'bob@example.com', id: 'u-1' } },
      { op: 'add', path: 'emails', value: [{ value: 'bob@example.com', type: 'work', primary: true }] },
      { op: 'remove', path: 'title' },
      { op: 'remove', path: 'emails[type eq "home"]' },
    );
    assert.equal(same.changed, false);
    assert.deepEqual(same.resource, bob());
  });

  it('never changes its input', () => {
    const input = bob();
    const frozen = structuredClone(input);
    applyPatch(
      input,
      [
        { op: 'replace', path: 'name.givenName', value: 'X' },
        { op: 'remove', path: 'emails' },
      ],
      'User',
    );
    assert.deepEqual(input, frozen);
  });
});

describe('applyPatch: RFC 7644 §3.5.2 rules', () => {
  it('add appends new values to a multi-valued attribute; replace sets the list', () => {
    const added = patchUser({ op: 'add', path: 'emails', value: [{ value: 'b2@x', type: 'home' }] }).resource;
    assert.equal((added.emails as unknown[]).length, 2);
    const replaced = patchUser({ op: 'replace', path: 'emails', value: [{ value: 'only@x' }] }).resource;
    assert.deepEqual(replaced.emails, [{ value: 'only@x' }]);
  });

  it('primary: true on one value sets it false on the others', () => {
    const { resource } = patchUser({ op: 'add', path: 'emails', value: [{ value: 'b2@x', primary: true }] });
    assert.deepEqual(resource.emails, [
      { value: 'bob@example.com', type: 'work', primary: false },
      { value: 'b2@x', primary: true },
    ]);
    const start = patchUser({ op: 'add', path: 'emails', value: [{ value: 'b2@x', type: 'home' }] }).resource;
    const viaFilter = applyPatch(
      start,
      [{ op: 'replace', path: 'emails[type eq "home"].primary', value: true }],
      'User',
    );
    assert.deepEqual(viaFilter.resource.emails, [
      { value: 'bob@example.com', type: 'work', primary: false },
      { value: 'b2@x', type: 'home', primary: true },
    ]);
  });

  it('a complex attribute merges its sub-attributes on add and replace', () => {
    assert.deepEqual(patchUser({ op: 'replace', path: 'name', value: { middleName: 'J' } }).resource.name, {
      givenName: 'Bob',
      familyName: 'Smith',
      middleName: 'J',
    });
  });

  it('remove through a filter removes the matching values; no match is a no-op', () => {
    assert.equal(patchUser({ op: 'remove', path: 'emails[type eq "work"]' }).resource.emails, undefined);
    const none = patchUser({ op: 'remove', path: 'emails[value eq "nobody@x"]' });
    assert.equal(none.changed, false);
    const sub = patchUser({ op: 'remove', path: 'emails[type eq "work"].primary' }).resource;
    assert.deepEqual(sub.emails, [{ value: 'bob@example.com', type: 'work' }]);
  });

  it('names in any case and URN-prefixed core names', () => {
    const { resource } = patchUser(
      { op: 'replace', path: 'NAME.GIVENNAME', value: 'Robert' },
      { op: 'replace', path: `${USER_SCHEMA}:title`, value: 'Boss' },
      { op: 'replace', path: `${EXT.toLowerCase()}:DEPARTMENT`, value: 'Ops' },
    );
    assert.deepEqual(resource.name, { givenName: 'Robert', familyName: 'Smith' });
    assert.equal(resource.title, 'Boss');
    assert.deepEqual(resource[EXT], { department: 'Ops' });
  });

  it("attributes Belfry does not keep are accepted and dropped (Entra's addresses, roles)", () => {
    const result = patchUser(
      { op: 'Add', path: 'addresses[type eq "work"].formatted', value: '1 Main St' },
      { op: 'Add', path: 'roles', value: [{ value: 'admin', primary: 'False' }] },
      { op: 'replace', value: { 'urn:example:custom:1.0:User:badge': '9', nosuch: 1 } },
      {
        op: 'Add',
        path: 'urn:ietf:params:scim:schemas:extension:greenhouse:2.0:User:department_ids',
        value: [{ value: '1' }],
      },
    );
    assert.equal(result.changed, false);
  });

  it('a password is accepted and never kept', () => {
    const result = patchUser(
      { op: 'replace', path: 'password', value: 'Hunter2!' },
      { op: 'replace', value: { password: 'Hunter3!' } },
    );
    assert.equal(result.changed, false);
  });

  it('remove without a path is noTarget', () => {
    failsWith(() => patchUser({ op: 'remove' }), 'noTarget', /without a path/);
  });

  it('an unknown op is invalidSyntax; add or replace without a value is invalidValue', () => {
    failsWith(
      () => patchUser({ op: 'move', path: 'title', value: 'x' }),
      'invalidSyntax',
      /Operation 1 has op "move"/,
    );
    failsWith(() => patchUser({ op: 'add', path: 'title' }), 'invalidValue', /needs a value/);
    failsWith(() => patchUser({ op: 'replace', value: 'x' }), 'invalidValue', /must be an object/);
  });

  it('an unknown path is invalidPath', () => {
    failsWith(
      () => patchUser({ op: 'replace', path: 'nosuch', value: 'x' }),
      'invalidPath',
      /Unknown attribute nosuch/,
    );
    failsWith(() => patchUser({ op: 'replace', path: 'name.nosuch', value: 'x' }), 'invalidPath');
    failsWith(() => patchUser({ op: 'replace', path: `${EXT}:nosuch`, value: 'x' }), 'invalidPath');
    failsWith(() => patchUser({ op: 'replace', path: 'emails[type eq "work"', value: 'x' }), 'invalidPath');
    failsWith(
      () => patchUser({ op: 'replace', path: 'emails[type eq "work"].nosuch', value: 'x' }),
      'invalidPath',
    );
    failsWith(
      () => patchUser({ op: 'replace', path: 'title[value eq "x"]', value: 'x' }),
      'invalidPath',
      /not multi-valued/,
    );
    failsWith(() => patchUser({ op: 'replace', path: 'title extra', value: 'x' }), 'invalidPath');
  });

  it('bounds hostile paths like filters', () => {
    failsWith(
      () => patchUser({ op: 'remove', path: `emails[value eq "${'x'.repeat(5000)}"]` }),
      'invalidPath',
      /longer than 4096/,
    );
    failsWith(
      () => patchUser({ op: 'remove', path: `emails[${'('.repeat(40)}value pr${')'.repeat(40)}]` }),
      'invalidPath',
      /nests deeper/,
    );
  });

  it('a value of the wrong type is invalidValue, naming the attribute', () => {
    failsWith(
      () => patchUser({ op: 'replace', path: 'title', value: 5 }),
      'invalidValue',
      /title must be a string/,
    );
    failsWith(
      () => patchUser({ op: 'replace', path: 'name', value: 'Bob' }),
      'invalidValue',
      /name must be an object/,
    );
    failsWith(() => patchUser({ op: 'replace', path: 'emails', value: [5] }), 'invalidValue', /emails\[0\]/);
    failsWith(() => patchUser({ op: 'replace', value: { [EXT]: 'x' } }), 'invalidValue');
    failsWith(
      () => patchUser({ op: 'replace', path: 'userName', value: 'x'.repeat(257) }),
      'invalidValue',
      /longer than 256/,
    );
    failsWith(
      () => patchUser({ op: 'replace', path: 'userName', value: '' }),
      'invalidValue',
      /userName is required/,
    );
  });

  it('removing a required attribute, or writing a read-only one, is mutability', () => {
    failsWith(() => patchUser({ op: 'remove', path: 'userName' }), 'mutability', /userName is required/);
    failsWith(() => patchUser({ op: 'remove', path: 'id' }), 'mutability');
    failsWith(
      () => patchUser({ op: 'replace', path: 'meta.version', value: 'x' }),
      'mutability',
      /meta.version is read-only/,
    );
    failsWith(() => patchUser({ op: 'add', path: 'groups', value: [{ value: 'g' }] }), 'mutability');
    failsWith(() => patchUser({ op: 'add', value: { groups: [{ value: 'g' }] } }), 'mutability');
    assert.equal(patchUser({ op: 'add', value: { groups: [] } }).changed, false);
    failsWith(
      () => applyPatch({ id: 'g', displayName: 'G' }, [{ op: 'remove', path: 'displayName' }], 'Group'),
      'mutability',
    );
  });
});

describe('splitGroupPatch', () => {
  const split = (...operations: PatchOperation[]) => splitGroupPatch(operations);

  it('add members, with a path or path-less', () => {
    assert.deepEqual(
      split({ op: 'Add', path: 'members', value: [{ value: 'u1' }, { value: 'u2' }] }).memberChanges,
      [{ kind: 'add', ids: ['u1', 'u2'] }],
    );
    assert.deepEqual(split({ op: 'add', value: { members: [{ value: 'u3' }] } }), {
      memberChanges: [{ kind: 'add', ids: ['u3'] }],
      otherOperations: [],
    });
  });

  it('shape 5: remove members with a value list removes those listed, never the whole list', () => {
    assert.deepEqual(split({ op: 'Remove', path: 'members', value: [{ value: 'u1' }] }).memberChanges, [
      { kind: 'remove', ids: ['u1'] },
    ]);
    assert.deepEqual(split({ op: 'remove', path: 'members' }).memberChanges, [{ kind: 'removeAll' }]);
  });

  it('shape 6: remove through members[value eq …] filters', () => {
    assert.deepEqual(split({ op: 'remove', path: 'members[value eq "u1"]' }).memberChanges, [
      { kind: 'remove', ids: ['u1'] },
    ]);
    assert.deepEqual(split({ op: 'Remove', path: 'Members[Value EQ "a" or value eq "b"]' }).memberChanges, [
      { kind: 'remove', ids: ['a', 'b'] },
    ]);
    const other = split({ op: 'remove', path: 'members[display co "x"]' }).memberChanges;
    const valuePath = parseFilter('members[display co "x"]', 'Group') as { filter: Filter };
    assert.deepEqual(other, [{ kind: 'removeWhere', filter: valuePath.filter }]);
    // the store evaluates it on one member at a time
    const [change] = other;
    assert.ok(change?.kind === 'removeWhere');
    assert.equal(matchesFilter({ members: [{ value: 'u1', display: 'Max' }] }, change.filter, 'Group'), true);
    assert.equal(
      matchesFilter({ members: [{ value: 'u2', display: 'Bob' }] }, change.filter, 'Group'),
      false,
    );
    assert.deepEqual(split({ op: 'remove', path: 'members[value eq "u1"].display' }).memberChanges, []);
  });

  it('shape 7: $ref null, display and type inside member values are tolerated', () => {
    assert.deepEqual(
      split({
        op: 'Add',
        path: 'members',
        value: [{ value: 'u1', $ref: null, display: 'Bob', type: 'User' }],
      }).memberChanges,
      [{ kind: 'add', ids: ['u1'] }],
    );
  });

  it("shape 11: Okta's { id, displayName } value goes to the other operations", () => {
    const op = { op: 'replace', value: { id: 'g-1', displayName: 'Sales' } };
    assert.deepEqual(split(op), { memberChanges: [], otherOperations: [op] });
  });

  it('shape 12: a remove and an add in one PATCH, and a replace of the whole list, in order', () => {
    assert.deepEqual(
      split(
        { op: 'remove', path: 'members[value eq "u1"]' },
        { op: 'add', path: 'members', value: [{ value: 'u2' }] },
        { op: 'replace', path: 'members', value: [{ value: 'u3' }, { value: 'u4' }] },
        { op: 'replace', path: 'members', value: [] },
      ).memberChanges,
      [
        { kind: 'remove', ids: ['u1'] },
        { kind: 'add', ids: ['u2'] },
        { kind: 'replace', ids: ['u3', 'u4'] },
        { kind: 'replace', ids: [] },
      ],
    );
  });

  it('a path-less value with members and displayName is split into both', () => {
    assert.deepEqual(split({ op: 'replace', value: { displayName: 'Sales', members: [{ value: 'u1' }] } }), {
      memberChanges: [{ kind: 'replace', ids: ['u1'] }],
      otherOperations: [{ op: 'replace', value: { displayName: 'Sales' } }],
    });
  });

  it('other paths go on in order', () => {
    const ops = [
      { op: 'replace', path: 'displayName', value: 'A' },
      { op: 'add', path: 'members', value: [{ value: 'u1' }] },
      { op: 'replace', path: 'externalId', value: 'e' },
    ];
    assert.deepEqual(split(...ops).otherOperations, [ops[0], ops[2]]);
  });

  it('a member needs a non-empty string value', () => {
    failsWith(
      () => split({ op: 'add', path: 'members', value: [{ value: '' }] }),
      'invalidValue',
      /member 1 needs a value/,
    );
    failsWith(() => split({ op: 'add', path: 'members', value: [{ display: 'x' }] }), 'invalidValue');
    failsWith(() => split({ op: 'add', path: 'members', value: [{ value: 5 }] }), 'invalidValue');
    failsWith(() => split({ op: 'add', value: { members: [{}] } }), 'invalidValue');
    failsWith(() => split({ op: 'add', path: 'members' }), 'invalidValue');
  });

  it('an unknown op is invalidSyntax, members or not', () => {
    failsWith(() => split({ op: 'move', value: { members: [{ value: 'u1' }] } }), 'invalidSyntax', /"move"/);
    failsWith(() => split({ op: 'merge', path: 'displayName', value: 'x' }), 'invalidSyntax');
  });

  it('a member filter path with bad syntax is invalidPath; changing a member is mutability', () => {
    failsWith(() => split({ op: 'remove', path: 'members[value eq]' }), 'invalidPath');
    failsWith(
      () => split({ op: 'replace', path: 'members[value eq "u1"].value', value: 'u2' }),
      'mutability',
    );
  });
});
