import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { schemas } from './generated/model.js';
import type { Schema } from './model-types.js';
import { validateMembers, validateShape } from './validate.js';

/** Problems found for a value of a model shape (the generated schemas plus a few of our own). */
function problemsOf(shape: string, value: unknown, extra: Record<string, Schema> = {}): string[] {
  const problems: string[] = [];
  validateShape({ ...schemas, ...extra }, shape, value, 'value', problems);
  return problems;
}

describe('validateShape: strings', () => {
  it('counts length in code points, not UTF-16 units', () => {
    // Each emoji is two UTF-16 units but one code point.
    assert.deepEqual(problemsOf('AccountName', '😀'.repeat(100)), []);
    const tooLong = problemsOf('AccountName', '😀'.repeat(101));
    assert.equal(tooLong.length, 1);
    assert.match(tooLong[0]!, /length less than or equal to 100/);
    assert.deepEqual(problemsOf('Short', '😀😀', { Short: { kind: 'string', min: 2, max: 2 } }), []);
    assert.match(
      problemsOf('Short', '😀', { Short: { kind: 'string', min: 2, max: 2 } })[0]!,
      /greater than or equal to 2/,
    );
  });

  it('treats patterns as unanchored, as Smithy does', () => {
    // AccountName is `\S`: one non-space anywhere is enough.
    assert.deepEqual(problemsOf('AccountName', '  Acme  '), []);
    assert.match(problemsOf('AccountName', '   ')[0]!, /regular expression pattern: \\S/);
    // Anchored patterns still bind both ends.
    assert.deepEqual(problemsOf('E164PhoneNumber', '+12065550100'), []);
    assert.equal(problemsOf('E164PhoneNumber', 'call +12065550100').length, 1);
    assert.equal(problemsOf('EmailAddress', 'not-an-email').length, 1);
  });

  it('does not echo sensitive values in messages', () => {
    const [problem] = problemsOf('EmailAddress', 'secret-address');
    assert.ok(problem);
    assert.doesNotMatch(problem, /secret-address/);
    assert.match(problemsOf('AccountName', '   ')[0]!, /Value ' {3}' at/);
  });

  it('refuses a value of the wrong type', () => {
    assert.match(problemsOf('AccountName', 42)[0]!, /must be a string/);
  });
});

describe('validateShape: enums, numbers, lists and structures', () => {
  it('accepts only the enum values of the model', () => {
    assert.deepEqual(problemsOf('License', 'Pro'), []);
    assert.match(problemsOf('License', 'Gold')[0]!, /enum value set: \[Basic, Plus, Pro, ProTrial\]/);
    assert.equal(problemsOf('License', 'pro').length, 1);
  });

  it('checks integer ranges and integrality', () => {
    assert.deepEqual(problemsOf('ProfileServiceMaxResults', 1), []);
    assert.deepEqual(problemsOf('ProfileServiceMaxResults', 200), []);
    assert.match(problemsOf('ProfileServiceMaxResults', 0)[0]!, /greater than or equal to 1/);
    assert.match(problemsOf('ProfileServiceMaxResults', 201)[0]!, /less than or equal to 200/);
    assert.match(problemsOf('ProfileServiceMaxResults', 1.5)[0]!, /must be an integer/);
    assert.match(problemsOf('ProfileServiceMaxResults', '10')[0]!, /must be an integer/);
  });

  it('checks list lengths and every item', () => {
    const emails = (n: number) => Array.from({ length: n }, (_, i) => `user${i}@example.com`);
    assert.deepEqual(problemsOf('UserEmailList', emails(50)), []);
    assert.match(problemsOf('UserEmailList', emails(51))[0]!, /length less than or equal to 50/);
    const items = problemsOf('UserEmailList', ['a@b.co', 'bad', null]);
    assert.equal(items.length, 2);
    assert.match(items[0]!, /'value\.2'/);
    assert.match(items[1]!, /'value\.3' must not be null/);
    assert.match(problemsOf('UserEmailList', 'a@b.co')[0]!, /must be a list/);
  });

  it('walks nested structures and names the path of each problem', () => {
    const problems = problemsOf('UpdateUserRequestItemList', [
      { UserId: 'u1', LicenseType: 'Pro' },
      { UserId: ' ', LicenseType: 'Gold', AlexaForBusinessMetadata: { IsAlexaForBusinessEnabled: 'yes' } },
    ]);
    assert.equal(problems.length, 3);
    assert.ok(problems.some((p) => p.includes("'value.2.userId'")));
    assert.ok(problems.some((p) => p.includes("'value.2.licenseType'")));
    assert.ok(
      problems.some((p) => p.includes("'value.2.alexaForBusinessMetadata.isAlexaForBusinessEnabled'")),
    );
  });

  it('checks timestamps', () => {
    assert.deepEqual(problemsOf('Iso8601Timestamp', '2026-03-01T12:00:00Z'), []);
    assert.equal(problemsOf('Iso8601Timestamp', 'yesterday').length, 1);
  });
});

describe('validateMembers', () => {
  it('reports every problem of a request at once, required members included', () => {
    const problems: string[] = [];
    const request = schemas['UpdateUserSettingsRequest'];
    assert.ok(request?.kind === 'structure');
    validateMembers(
      schemas,
      request.members,
      { AccountId: 'a1', UserSettings: { Telephony: { SMS: 'no' } } },
      '',
      problems,
    );
    assert.deepEqual(problems.sort(), [
      "Value 'no' at 'userSettings.telephony.sMS' must be a boolean",
      "Value null at 'userId' failed to satisfy constraint: Member must not be null",
      "Value null at 'userSettings.telephony.inboundCalling' failed to satisfy constraint: Member must not be null",
      "Value null at 'userSettings.telephony.outboundCalling' failed to satisfy constraint: Member must not be null",
    ]);
  });

  it('finds nothing wrong with a valid request', () => {
    const problems: string[] = [];
    const request = schemas['InviteUsersRequest'];
    assert.ok(request?.kind === 'structure');
    validateMembers(
      schemas,
      request.members,
      { AccountId: 'a1', UserEmailList: ['a@b.co'], UserType: 'SharedDevice' },
      '',
      problems,
    );
    assert.deepEqual(problems, []);
  });
});
