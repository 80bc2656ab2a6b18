import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from '../errors.js';
import {
  ENTERPRISE_USER_SCHEMA,
  GROUP_SCHEMA,
  USER_SCHEMA,
  type Filter,
  type ScimResource,
} from './contract.js';
import { indexedLookup, matchesFilter, parseFilter } from './filter.js';
import { MAX_FILTER_DEPTH, MAX_FILTER_LENGTH } from './filter-syntax.js';

const user = (attribute: string, subAttribute?: string) =>
  subAttribute === undefined
    ? { schema: USER_SCHEMA, attribute }
    : { schema: USER_SCHEMA, attribute, subAttribute };
const enterprise = (attribute: string, subAttribute?: string) =>
  subAttribute === undefined
    ? { schema: ENTERPRISE_USER_SCHEMA, attribute }
    : { schema: ENTERPRISE_USER_SCHEMA, attribute, subAttribute };

function refused(text: string, type: 'User' | 'Group' = 'User', pattern?: RegExp): void {
  assert.throws(
    () => parseFilter(text, type),
    (error: unknown) => {
      assert.ok(error instanceof DomainError, `${text}: ${String(error)}`);
      assert.equal(error.kind, 'InvalidInput');
      assert.equal(error.reason, 'invalidFilter');
      if (pattern) assert.match(error.message, pattern);
      return true;
    },
    text,
  );
}

const alice: ScimResource = {
  schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
  id: 'u-1',
  externalId: 'Okta-00u1',
  userName: 'Alice@Example.com',
  name: { givenName: 'Alice', familyName: 'Liddell' },
  displayName: 'Alice Liddell',
  active: true,
  emails: [
    { value: 'alice@example.com', type: 'work', primary: true },
    { value: 'alice@home.example', type: 'home' },
  ],
  [ENTERPRISE_USER_SCHEMA]: { employeeNumber: '7', manager: { value: 'u-9' } },
  meta: { resourceType: 'User', created: '2026-01-01T00:00:00Z', lastModified: '2026-03-01T10:00:00.000Z' },
};

/** The comparison value a one-term filter parses to. */
const valueOf = (text: string) => (parseFilter(text, 'User') as { value: unknown }).value;

const matches = (text: string, resource: ScimResource = alice, type: 'User' | 'Group' = 'User') =>
  matchesFilter(resource, parseFilter(text, type), type);

describe('parseFilter: the RFC 7644 §3.4.2.2 grammar', () => {
  it('reads attrPath compareOp compValue for every operator', () => {
    for (const op of ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'] as const)
      assert.deepEqual(parseFilter(`userName ${op} "bjensen"`, 'User'), {
        op,
        path: user('userName'),
        value: 'bjensen',
      });
  });

  it('reads pr', () => {
    assert.deepEqual(parseFilter('title pr', 'User'), { op: 'pr', path: user('title') });
  });

  it('binds and tighter than or, left to right', () => {
    const a = { op: 'eq', path: user('title'), value: 'a' } as const;
    const b = { op: 'eq', path: user('nickName'), value: 'b' } as const;
    const c = { op: 'eq', path: user('locale'), value: 'c' } as const;
    assert.deepEqual(parseFilter('title eq "a" or nickName eq "b" and locale eq "c"', 'User'), {
      op: 'or',
      left: a,
      right: { op: 'and', left: b, right: c },
    });
    assert.deepEqual(parseFilter('title eq "a" and nickName eq "b" or locale eq "c"', 'User'), {
      op: 'or',
      left: { op: 'and', left: a, right: b },
      right: c,
    });
    assert.deepEqual(parseFilter('(title eq "a" or nickName eq "b") and locale eq "c"', 'User'), {
      op: 'and',
      left: { op: 'or', left: a, right: b },
      right: c,
    });
  });

  it('reads not (…), with or without a space', () => {
    const inner: Filter = { op: 'pr', path: user('title') };
    assert.deepEqual(parseFilter('not (title pr)', 'User'), { op: 'not', filter: inner });
    assert.deepEqual(parseFilter('NOT(title pr)', 'User'), { op: 'not', filter: inner });
  });

  it('reads JSON strings with escapes, numbers, true, false, null', () => {
    assert.equal(valueOf('displayName eq "say \\"hi\\" \\u00e9\\\\"'), 'say "hi" é\\');
    assert.equal(valueOf(`${ENTERPRISE_USER_SCHEMA}:employeeNumber eq 7`), '7');
    assert.equal(valueOf('active eq true'), true);
    assert.equal(valueOf('active eq FALSE'), false);
    assert.equal(valueOf('title eq null'), null);
    assert.equal(valueOf('externalId eq -1.5e3'), '-1500');
  });

  it('shape 14: operators and attribute names in any case, canonical names out', () => {
    assert.deepEqual(parseFilter('USERNAME EQ "x"', 'User'), {
      op: 'eq',
      path: user('userName'),
      value: 'x',
    });
    assert.deepEqual(parseFilter('ExternalID Eq "x"', 'Group'), {
      op: 'eq',
      path: { schema: GROUP_SCHEMA, attribute: 'externalId' },
      value: 'x',
    });
    assert.deepEqual(parseFilter('displayname eq "Sales" AND id Pr', 'Group'), {
      op: 'and',
      left: { op: 'eq', path: { schema: GROUP_SCHEMA, attribute: 'displayName' }, value: 'Sales' },
      right: { op: 'pr', path: { schema: GROUP_SCHEMA, attribute: 'id' } },
    });
  });

  it('reads URN-prefixed names, for the extension and the core', () => {
    assert.deepEqual(
      parseFilter('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "7"', 'User'),
      {
        op: 'eq',
        path: enterprise('employeeNumber'),
        value: '7',
      },
    );
    assert.deepEqual(
      parseFilter(
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "u-9"',
        'User',
      ),
      {
        op: 'eq',
        path: enterprise('manager', 'value'),
        value: 'u-9',
      },
    );
    assert.deepEqual(parseFilter('URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER:username eq "x"', 'User'), {
      op: 'eq',
      path: user('userName'),
      value: 'x',
    });
  });

  it('reads sub-attributes and meta', () => {
    assert.deepEqual(parseFilter('name.givenName sw "Al"', 'User'), {
      op: 'sw',
      path: user('name', 'givenName'),
      value: 'Al',
    });
    assert.deepEqual(parseFilter('meta.lastModified gt "2026-01-01T00:00:00Z"', 'User'), {
      op: 'gt',
      path: user('meta', 'lastModified'),
      value: '2026-01-01T00:00:00Z',
    });
  });

  it('reads value paths, alone and followed by a sub-attribute comparison', () => {
    const work: Filter = { op: 'eq', path: user('emails', 'type'), value: 'work' };
    assert.deepEqual(parseFilter('emails[type eq "work"]', 'User'), {
      op: 'valuePath',
      path: user('emails'),
      filter: work,
    });
    assert.deepEqual(parseFilter('emails[type eq "work"].value eq "a@b.c"', 'User'), {
      op: 'valuePath',
      path: user('emails'),
      filter: { op: 'and', left: work, right: { op: 'eq', path: user('emails', 'value'), value: 'a@b.c' } },
    });
    assert.deepEqual(parseFilter('emails[type eq "work" and not (primary eq false)]', 'User'), {
      op: 'valuePath',
      path: user('emails'),
      filter: {
        op: 'and',
        left: work,
        right: { op: 'not', filter: { op: 'eq', path: user('emails', 'primary'), value: false } },
      },
    });
    assert.deepEqual(parseFilter('members[value eq "u1" or value eq "u2"]', 'Group').op, 'valuePath');
  });

  it("reads Entra's string booleans as booleans", () => {
    assert.deepEqual(parseFilter('active eq "True"', 'User'), {
      op: 'eq',
      path: user('active'),
      value: true,
    });
  });
});

describe('parseFilter: refusals are invalidFilter', () => {
  it('shape 15: refuses unknown attributes and sub-attributes, never an unfiltered list', () => {
    refused('nosuch eq "x"', 'User', /Unknown attribute nosuch at position 1/);
    refused('name.nosuch eq "x"');
    refused('members eq "x"', 'User');
    refused('userName eq "x"', 'Group');
    refused('urn:example:custom:thing eq "x"');
    refused('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:nosuch eq "x"');
    refused('addresses[type eq "work"]', 'User', /Unknown attribute addresses/);
    refused('name.givenName.more eq "x"');
    refused('emails[nosuch eq "x"]', 'User', /emails has no sub-attribute nosuch/);
  });

  it('refuses bad syntax and trailing garbage', () => {
    refused('', 'User', /empty/);
    refused('   ');
    refused('userName', 'User', /ends where an operator/);
    refused('userName eq', 'User', /ends where a value/);
    refused('userName eq "x" garbage', 'User', /Unexpected garbage at position 17/);
    refused('userName eq "x")');
    refused('(userName eq "x"');
    refused('userName equals "x"', 'User', /Expected an operator after userName/);
    refused('userName eq bjensen', 'User', /Expected a value for userName/);
    refused('userName eq "unterminated');
    refused('userName eq "bad \\q escape"', 'User', /invalid escape/);
    refused('userName eq 01');
    refused('userName eq 1x');
    refused("userName eq 'single'");
    refused('userName eq "x" and');
    refused('userName eq "x" or or title pr');
    refused('not title pr', 'User', /Expected \(/);
    refused('and userName eq "x"');
    refused('emails[type eq "work"] .value eq "x"');
    refused('emails[type eq "work"].nosuch eq "x"');
    refused('emails[type eq "work"');
    refused('emails[type[value eq "x"] eq "y"]', 'User', /cannot be nested/);
    refused('userName eq "x" ; drop');
  });

  it('refuses ordering booleans or complex attributes, and meaningless comparisons', () => {
    refused('active gt true', 'User', /boolean/);
    refused('active co "t"', 'User', /boolean/);
    refused('active eq "maybe"', 'User', /boolean/);
    refused('name eq "Alice"', 'User', /complex/);
    refused('emails gt "a"', 'User', /complex/);
    refused('meta lt "x"', 'User', /complex/);
    refused('userName eq true', 'User', /string/);
    refused('title gt null', 'User', /null/);
    refused('meta.lastModified gt "yesterday"', 'User', /date and time/);
    refused('meta.lastModified gt 5', 'User', /date and time/);
  });

  it('refuses a value path on an attribute that is not multi-valued', () => {
    refused('name[givenName eq "x"]', 'User', /not multi-valued/);
    refused('userName[value eq "x"]', 'User', /not multi-valued/);
    refused('emails.value[value eq "x"]', 'User', /not multi-valued/);
  });

  it('bounds hostile input: length and nesting depth', () => {
    refused(`userName eq "${'x'.repeat(MAX_FILTER_LENGTH)}"`, 'User', /longer than 4096/);
    refused(
      `${'('.repeat(MAX_FILTER_DEPTH + 1)}title pr${')'.repeat(MAX_FILTER_DEPTH + 1)}`,
      'User',
      /nests deeper/,
    );
    refused(`${'not ('.repeat(10_000)}title pr`, 'User');
    const deepest = `${'('.repeat(MAX_FILTER_DEPTH)}title pr${')'.repeat(MAX_FILTER_DEPTH)}`;
    assert.deepEqual(parseFilter(deepest, 'User'), { op: 'pr', path: user('title') });
  });

  it('evaluates the longest chain a bounded filter allows without exhausting the stack', () => {
    const terms = Array.from({ length: 500 }, (_, i) => `title eq "t${i}"`).join(' or ');
    const text = terms.slice(0, MAX_FILTER_LENGTH - 20).replace(/ or [^o]*$/, '') + ' or title pr';
    const filter = parseFilter(text, 'User');
    assert.equal(matchesFilter({ ...alice, title: 'boss' }, filter, 'User'), true);
    assert.equal(matchesFilter(alice, filter, 'User'), false);
  });
});

describe('matchesFilter', () => {
  it('shape 14: userName and displayName compare without case, id and externalId exactly', () => {
    assert.equal(matches('userName eq "alice@example.com"'), true);
    assert.equal(matches('USERNAME EQ "ALICE@EXAMPLE.COM"'), true);
    assert.equal(matches('displayName eq "alice liddell"'), true);
    assert.equal(matches('externalId eq "Okta-00u1"'), true);
    assert.equal(matches('externalId eq "okta-00u1"'), false);
    assert.equal(matches('id eq "u-1"'), true);
    assert.equal(matches('id eq "U-1"'), false);
    assert.equal(matches('displayName eq "SALES"', { displayName: 'Sales', id: 'g' }, 'Group'), true);
  });

  it('shape 14: emails[type eq "work"].value eq, emails.value, and with other terms', () => {
    assert.equal(matches('emails[type eq "work"].value eq "ALICE@example.com"'), true);
    assert.equal(matches('emails[type eq "home"].value eq "alice@example.com"'), false);
    assert.equal(matches('emails.value eq "alice@home.example"'), true);
    assert.equal(matches('emails eq "alice@home.example"'), true);
    assert.equal(matches('emails[value eq "alice@home.example"]'), true);
    assert.equal(matches('emails[type eq "work" and primary eq true]'), true);
    assert.equal(matches('emails[type eq "home" and primary eq true]'), false);
    assert.equal(matches('userName eq "alice@example.com" and externalId eq "Okta-00u1"'), true);
    assert.equal(matches('userName eq "alice@example.com" and externalId eq "other"'), false);
  });

  it('value paths: or inside the brackets, pr after them, under not, on one element at a time', () => {
    assert.equal(matches('emails[type eq "other" or value ew "@home.example"]'), true);
    assert.equal(matches('emails[type eq "home"].primary pr'), false);
    assert.equal(matches('emails[type eq "work"].primary pr'), true);
    assert.equal(matches('not (emails[type eq "other"])'), true);
    // one element must pass both tests: the home address is not primary
    assert.equal(matches('emails[value eq "alice@home.example" and primary eq true]'), false);
    assert.equal(matches('emails.value eq "alice@home.example" and emails.primary eq true'), true);
  });

  it('every operator on strings', () => {
    assert.equal(matches('userName co "EXAMPLE"'), true);
    assert.equal(matches('userName sw "alice@"'), true);
    assert.equal(matches('userName ew ".COM"'), true);
    assert.equal(matches('userName ne "bob"'), true);
    assert.equal(matches('userName ne "ALICE@example.com"'), false);
    assert.equal(matches('name.familyName gt "K"'), true);
    assert.equal(matches('name.familyName ge "liddell"'), true);
    assert.equal(matches('name.familyName lt "liddell"'), false);
    assert.equal(matches('name.familyName le "liddell"'), true);
  });

  it('or, not, parentheses', () => {
    assert.equal(matches('userName eq "bob" or title pr'), false);
    assert.equal(matches('userName eq "bob" or name.givenName eq "alice"'), true);
    assert.equal(matches('not (userName eq "bob")'), true);
    assert.equal(matches('not (userName eq "bob" or active eq true)'), false);
  });

  it('a missing attribute: eq false, ne true, pr false; eq null means absent', () => {
    assert.equal(matches('title eq "x"'), false);
    assert.equal(matches('title ne "x"'), true);
    assert.equal(matches('title pr'), false);
    assert.equal(matches('title eq null'), true);
    assert.equal(matches('title ne null'), false);
    assert.equal(matches('phoneNumbers.value ne "1"'), true);
    assert.equal(matches('userName pr'), true);
    assert.equal(matches('name pr'), true);
    assert.equal(matches('title pr', { ...alice, title: '' }), false);
  });

  it('multi-valued attributes: any value matches; ne when none equals', () => {
    assert.equal(matches('emails.type eq "home"'), true);
    assert.equal(matches('emails.type ne "home"'), false);
    assert.equal(matches('emails.type ne "other"'), true);
  });

  it('booleans, shape 22: inactive users are still found', () => {
    const inactive = { ...alice, active: false };
    assert.equal(matches('active eq false', inactive), true);
    assert.equal(matches('active eq true', inactive), false);
    assert.equal(matches('active ne true', inactive), true);
  });

  it('dates compare in time, whatever their text', () => {
    assert.equal(matches('meta.lastModified gt "2026-03-01T09:00:00Z"'), true);
    assert.equal(matches('meta.lastModified gt "2026-03-01T11:00:00+02:00"'), true);
    assert.equal(matches('meta.lastModified eq "2026-03-01T10:00:00Z"'), true);
    assert.equal(matches('meta.lastModified lt "2026-03-01T10:00:00Z"'), false);
    assert.equal(matches('meta.created le "2026-01-01T00:00:00.000Z"'), true);
    assert.equal(matches('meta.created sw "2026-01"'), true);
    assert.equal(matches('meta.lastModified co "T10:"'), true);
  });

  it('extension attributes, including the manager as a complex value', () => {
    assert.equal(
      matches('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "7"'),
      true,
    );
    assert.equal(
      matches('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "u-9"'),
      true,
    );
    assert.equal(
      matches('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager eq "u-9"'),
      true,
    );
    assert.equal(matches('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department pr'), false);
    assert.equal(
      matches('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department pr', { id: 'x' }),
      false,
    );
  });

  it('group members by value', () => {
    const group = { id: 'g', displayName: 'Sales', members: [{ value: 'u1' }, { value: 'u2' }] };
    assert.equal(matches('members[value eq "u2"]', group, 'Group'), true);
    assert.equal(matches('members.value eq "U2"', group, 'Group'), false);
    assert.equal(matches('members pr', { id: 'g', displayName: 'Empty', members: [] }, 'Group'), false);
  });
});

describe('indexedLookup', () => {
  const lookup = (text: string, type: 'User' | 'Group' = 'User') =>
    indexedLookup(parseFilter(text, type), type);

  it('shape 14: the store answers the filters IdPs send from an index', () => {
    assert.deepEqual(lookup('userName eq "Alice@x"'), { attribute: 'userName', value: 'Alice@x' });
    assert.deepEqual(lookup('externalId eq "e1"'), { attribute: 'externalId', value: 'e1' });
    assert.deepEqual(lookup('id eq "u1"'), { attribute: 'id', value: 'u1' });
    assert.deepEqual(lookup('emails.value eq "a@x"'), { attribute: 'emails.value', value: 'a@x' });
    assert.deepEqual(lookup('emails[type eq "work"].value eq "a@x"'), {
      attribute: 'emails.value',
      value: 'a@x',
    });
    assert.deepEqual(lookup('emails[value eq "a@x"]'), { attribute: 'emails.value', value: 'a@x' });
    assert.deepEqual(lookup('displayName eq "Sales"', 'Group'), { attribute: 'displayName', value: 'Sales' });
    assert.deepEqual(lookup('externalId eq "g1"', 'Group'), { attribute: 'externalId', value: 'g1' });
    assert.deepEqual(lookup('id eq "g1"', 'Group'), { attribute: 'id', value: 'g1' });
  });

  it('inside an and, the most selective term', () => {
    assert.deepEqual(lookup('active eq true and userName eq "a"'), { attribute: 'userName', value: 'a' });
    assert.deepEqual(lookup('externalId eq "e" and (userName eq "a" and title pr)'), {
      attribute: 'userName',
      value: 'a',
    });
    assert.deepEqual(lookup('emails[type eq "work"].value eq "a@x" and id eq "u"'), {
      attribute: 'id',
      value: 'u',
    });
  });

  it('nothing for filters an index cannot answer alone', () => {
    assert.equal(lookup('userName eq "a" or userName eq "b"'), undefined);
    assert.equal(lookup('not (userName eq "a")'), undefined);
    assert.equal(lookup('userName ne "a"'), undefined);
    assert.equal(lookup('userName sw "a"'), undefined);
    assert.equal(lookup('userName eq null'), undefined);
    assert.equal(lookup('displayName eq "A"'), undefined);
    assert.equal(lookup('emails.type eq "work"'), undefined);
    assert.equal(lookup('emails[type eq "work"]'), undefined);
    assert.equal(lookup('emails[value eq "a" or value eq "b"]'), undefined);
    assert.equal(lookup('members[value eq "u"]', 'Group'), undefined);
    assert.equal(lookup('name.givenName eq "a"'), undefined);
  });
});
