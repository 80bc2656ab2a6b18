import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { failsWith } from '../../../test/helpers/scim-errors.js';
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA, type ScimResource } from './contract.js';
import {
  isReturned,
  memberIds,
  readResource,
  resourceSchemas,
  resourceTypes,
  schemaResources,
  selectAttributes,
  serviceProviderConfig,
} from './resource.js';

const EXT = ENTERPRISE_USER_SCHEMA;

/** What Okta posts on create, password and empty groups included (shape 21). */
const oktaCreate = {
  schemas: [USER_SCHEMA, EXT],
  userName: 'carol@example.com',
  name: { givenName: 'Carol', familyName: 'Danvers' },
  emails: [{ primary: true, value: 'carol@example.com', type: 'work' }],
  displayName: 'Carol Danvers',
  locale: 'en-US',
  externalId: '00u1abcd',
  groups: [],
  password: 'Hunter2!',
  active: true,
  [EXT]: { employeeNumber: '42', manager: { value: 'u-9', displayName: 'Nick' } },
};

describe('readResource', () => {
  it("shape 21: Okta's create keeps the profile and drops password and groups", () => {
    const { password, groups, ...kept } = oktaCreate;
    assert.ok(password && groups);
    assert.deepEqual(readResource(oktaCreate, 'User'), kept);
  });

  it('shape 2: Entra\'s "True" in a POST, and canonical names from any case', () => {
    const read = readResource(
      { UserName: 'd@x', Active: 'True', EMAILS: [{ Value: 'd@x', Primary: 'false' }] },
      'User',
    );
    assert.deepEqual(read, {
      schemas: [USER_SCHEMA],
      userName: 'd@x',
      active: true,
      emails: [{ value: 'd@x', primary: false }],
    });
  });

  it('shape 10: a bare-string manager, and extension attributes as dotted URN keys', () => {
    const read = readResource(
      { userName: 'e@x', [`${EXT}:manager`]: 'u-1', [`${EXT}:department`]: 'Ops', 'name.givenName': 'E' },
      'User',
    );
    assert.deepEqual(read, {
      schemas: [USER_SCHEMA, EXT],
      userName: 'e@x',
      name: { givenName: 'E' },
      [EXT]: { manager: { value: 'u-1' }, department: 'Ops' },
    });
  });

  it('shape 13: a PUT body reads the same way, deactivation included', () => {
    const read = readResource(
      { ...oktaCreate, id: 'u-5', meta: { version: 'W/"3"' }, active: false },
      'User',
    );
    assert.equal(read.active, false);
    assert.equal(read.id, undefined);
    assert.equal(read.meta, undefined);
  });

  it('drops unknown attributes, other extensions and the RFC attributes Belfry does not keep', () => {
    const read = readResource(
      {
        schemas: [USER_SCHEMA, 'urn:example:custom:1.0:User'],
        userName: 'f@x',
        nosuch: 1,
        addresses: [{ formatted: 'x' }],
        roles: [{ value: 'admin' }],
        'urn:example:custom:1.0:User': { badge: 1 },
        emails: [{ value: 'f@x', $ref: null, nosuch: 'x' }],
      },
      'User',
    );
    assert.deepEqual(read, { schemas: [USER_SCHEMA], userName: 'f@x', emails: [{ value: 'f@x' }] });
  });

  it('keeps one primary value: the first that says so', () => {
    const read = readResource(
      {
        userName: 'g@x',
        emails: [
          { value: 'a', primary: true },
          { value: 'b', primary: true },
        ],
      },
      'User',
    );
    assert.deepEqual(read.emails, [
      { value: 'a', primary: true },
      { value: 'b', primary: false },
    ]);
  });

  it('groups: displayName required, members left for the caller', () => {
    const body = {
      schemas: [GROUP_SCHEMA],
      displayName: 'Sales',
      externalId: 'e1',
      members: [{ value: 'u1', $ref: null }],
    };
    assert.deepEqual(readResource(body, 'Group'), {
      schemas: [GROUP_SCHEMA],
      displayName: 'Sales',
      externalId: 'e1',
    });
    assert.deepEqual(memberIds(body.members, 'members'), ['u1']);
    failsWith(() => readResource({ displayName: '' }, 'Group'), 'invalidValue', /displayName is required/);
  });

  it('refuses a body that is no resource: invalidSyntax', () => {
    failsWith(() => readResource('x', 'User'), 'invalidSyntax');
    failsWith(() => readResource(null, 'User'), 'invalidSyntax');
    failsWith(
      () => readResource({ schemas: [GROUP_SCHEMA], userName: 'x' }, 'User'),
      'invalidSyntax',
      /must include/,
    );
    failsWith(() => readResource({ schemas: USER_SCHEMA, userName: 'x' }, 'User'), 'invalidSyntax');
    assert.equal(readResource({ schemas: [USER_SCHEMA.toLowerCase()], userName: 'x' }, 'User').userName, 'x');
  });

  it('refuses values of the wrong type or size: invalidValue naming the attribute', () => {
    failsWith(() => readResource({ active: true }, 'User'), 'invalidValue', /userName is required/);
    failsWith(() => readResource({ userName: '  ' }, 'User'), 'invalidValue', /userName/);
    failsWith(() => readResource({ userName: 7 }, 'User'), 'invalidValue', /userName must be a string/);
    failsWith(() => readResource({ userName: 'x'.repeat(257) }, 'User'), 'invalidValue', /longer than 256/);
    failsWith(
      () => readResource({ userName: 'x', title: 'x'.repeat(1025) }, 'User'),
      'invalidValue',
      /title is longer than 1024/,
    );
    failsWith(() => readResource({ userName: 'x', active: 'yes' }, 'User'), 'invalidValue', /active/);
    failsWith(
      () => readResource({ userName: 'x', name: 'X' }, 'User'),
      'invalidValue',
      /name must be an object/,
    );
    failsWith(
      () => readResource({ userName: 'x', emails: [{ value: 1 }] }, 'User'),
      'invalidValue',
      /emails\[0\]\.value/,
    );
    failsWith(() => readResource({ userName: 'x', [EXT]: [] }, 'User'), 'invalidValue', /must be an object/);
    const many = Array.from({ length: 101 }, (_, i) => ({ value: `${i}@x` }));
    failsWith(() => readResource({ userName: 'x', emails: many }, 'User'), 'invalidValue', /more than 100/);
  });
});

const stored: ScimResource = {
  schemas: [USER_SCHEMA, EXT],
  id: 'u-1',
  userName: 'h@x',
  name: { givenName: 'H', familyName: 'J' },
  emails: [{ value: 'h@x', type: 'work' }],
  password: 'never',
  [EXT]: { department: 'Ops', employeeNumber: '1' },
  meta: { resourceType: 'User', version: 'W/"1"' },
};

describe('selectAttributes', () => {
  it('by default returns all but password', () => {
    const { password, ...rest } = stored;
    void password;
    assert.deepEqual(selectAttributes(stored, 'User', {}), rest);
  });

  it('attributes: the named ones, with id and schemas; names in any case, sub-attributes, URNs', () => {
    assert.deepEqual(
      selectAttributes(stored, 'User', { attributes: ['USERNAME', 'name.familyName', 'emails.value'] }),
      {
        schemas: [USER_SCHEMA, EXT],
        id: 'u-1',
        userName: 'h@x',
        name: { familyName: 'J' },
        emails: [{ value: 'h@x' }],
      },
    );
    assert.deepEqual(
      selectAttributes(stored, 'User', { attributes: [`${EXT}:department`, 'meta', 'password'] }),
      {
        schemas: [USER_SCHEMA, EXT],
        id: 'u-1',
        [EXT]: { department: 'Ops' },
        meta: stored.meta,
      },
    );
    assert.deepEqual(selectAttributes(stored, 'User', { attributes: [EXT, 'nosuch'] }), {
      schemas: [USER_SCHEMA, EXT],
      id: 'u-1',
      [EXT]: stored[EXT],
    });
  });

  it('reads comma-separated names as the query parameter sends them', () => {
    assert.deepEqual(selectAttributes(stored, 'User', { attributes: ['userName, name.givenName'] }), {
      schemas: [USER_SCHEMA, EXT],
      id: 'u-1',
      userName: 'h@x',
      name: { givenName: 'H' },
    });
  });

  it('excludedAttributes: never id or schemas', () => {
    const result = selectAttributes(stored, 'User', {
      excludedAttributes: ['emails', 'id', 'schemas', 'name.givenName', EXT, 'meta'],
    });
    assert.deepEqual(result, {
      schemas: [USER_SCHEMA, EXT],
      id: 'u-1',
      userName: 'h@x',
      name: { familyName: 'J' },
    });
    assert.deepEqual(stored.name, { givenName: 'H', familyName: 'J' });
  });

  it('shape 17: excludedAttributes=members on groups', () => {
    const group = { schemas: [GROUP_SCHEMA], id: 'g', displayName: 'Sales', members: [{ value: 'u1' }] };
    assert.deepEqual(selectAttributes(group, 'Group', { excludedAttributes: ['members'] }), {
      schemas: [GROUP_SCHEMA],
      id: 'g',
      displayName: 'Sales',
    });
    assert.equal(isReturned('Group', { excludedAttributes: ['members'] }, 'members'), false);
    assert.equal(isReturned('Group', { attributes: ['displayName'] }, 'members'), false);
    assert.equal(isReturned('Group', {}, 'members'), true);
    assert.equal(isReturned('Group', { attributes: ['Members.value'] }, 'members'), true);
  });
});

describe('discovery', () => {
  it('shape 23: lists the User, enterprise and Group schemas with the attributes Belfry keeps', () => {
    const schemas = resourceSchemas();
    assert.deepEqual(
      schemas.map((s) => s.id),
      [USER_SCHEMA, EXT, GROUP_SCHEMA],
    );
    const user = schemas[0]!.attributes;
    const userName = user.find((a) => a.name === 'userName')!;
    assert.equal(userName.required, true);
    assert.equal(userName.caseExact, false);
    assert.equal(userName.uniqueness, 'server');
    assert.equal(user.find((a) => a.name === 'password')!.returned, 'never');
    assert.equal(user.find((a) => a.name === 'id')!.returned, 'always');
    assert.equal(user.find((a) => a.name === 'groups')!.mutability, 'readOnly');
    assert.equal(user.find((a) => a.name === 'externalId')!.caseExact, true);
    const members = schemas[2]!.attributes.find((a) => a.name === 'members')!;
    assert.equal(members.subAttributes!.find((a) => a.name === 'value')!.mutability, 'immutable');
    assert.deepEqual(schemaResources('https://b.example/scim/v2/')[1]!.meta, {
      resourceType: 'Schema',
      location: `https://b.example/scim/v2/Schemas/${EXT}`,
    });
  });

  it('tells the truth in /ServiceProviderConfig', () => {
    const config = serviceProviderConfig('https://b.example/scim/v2');
    assert.deepEqual(config.schemas, ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig']);
    assert.deepEqual(config.patch, { supported: true });
    assert.equal((config.bulk as { supported: boolean }).supported, false);
    assert.deepEqual(config.filter, { supported: true, maxResults: 1000 });
    assert.deepEqual(config.sort, { supported: false });
    assert.deepEqual(config.etag, { supported: true });
    assert.deepEqual(config.changePassword, { supported: false });
    assert.equal((config.authenticationSchemes as { type: string }[])[0]!.type, 'oauthbearertoken');
    assert.equal(
      (config.meta as { location: string }).location,
      'https://b.example/scim/v2/ServiceProviderConfig',
    );
  });

  it('lists User (with the optional enterprise extension) and Group in /ResourceTypes', () => {
    const [user, group] = resourceTypes('https://b.example/scim/v2');
    assert.equal(user!.endpoint, '/Users');
    assert.equal(user!.schema, USER_SCHEMA);
    assert.deepEqual(user!.schemaExtensions, [{ schema: EXT, required: false }]);
    assert.deepEqual(user!.schemas, ['urn:ietf:params:scim:schemas:core:2.0:ResourceType']);
    assert.equal(group!.endpoint, '/Groups');
    assert.equal(group!.schema, GROUP_SCHEMA);
    assert.equal(
      (group!.meta as { location: string }).location,
      'https://b.example/scim/v2/ResourceTypes/Group',
    );
  });
});
