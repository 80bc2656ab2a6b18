import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LdapFailure } from '../types.js';
import { groupDn, memberCount, memberDn, rangeReads, searchAnswer } from './fixtures/ad-ranged-member.js';
import { readAllValues, type AttributeValues } from './ranges.js';

/** Replays the recorded conversation; a request it did not record fails the test. */
function replay(reads: { request: string; answer: AttributeValues }[]) {
  const asked: string[] = [];
  const readRange = async (request: string) => {
    asked.push(request);
    const step = reads.find((r) => r.request === request);
    assert.ok(step, `unrecorded request ${request}`);
    return step.answer;
  };
  return { asked, readRange };
}

test('the recorded AD conversation gives every member, in order, with exactly the recorded reads', async () => {
  const { asked, readRange } = replay(rangeReads);
  const members = await readAllValues('member', groupDn, searchAnswer, readRange);
  assert.equal(members.length, memberCount);
  assert.equal(members[0], memberDn(0));
  assert.equal(members[1500], memberDn(1500));
  assert.equal(members.at(-1), memberDn(memberCount - 1));
  assert.equal(new Set(members).size, memberCount);
  assert.deepEqual(asked, ['member;range=1500-*', 'member;range=3000-*']);
});

test('a group answered at once (Samba) needs no further read', async () => {
  const { asked, readRange } = replay([]);
  const members = await readAllValues('member', groupDn, { member: ['CN=a', 'CN=b'] }, readRange);
  assert.deepEqual(members, ['CN=a', 'CN=b']);
  assert.deepEqual(asked, []);
});

async function assertTruncated(reads: { request: string; answer: AttributeValues }[], pattern: RegExp) {
  const { readRange } = replay(reads);
  await assert.rejects(readAllValues('member', groupDn, searchAnswer, readRange), (error: unknown) => {
    assert.ok(error instanceof LdapFailure);
    assert.equal(error.kind, 'truncated');
    assert.match(error.message, pattern);
    return true;
  });
}

test('a range that goes backwards is truncated', async () => {
  await assertTruncated(
    [{ request: 'member;range=1500-*', answer: { 'member;range=0-1499': [] } }],
    /answered where 1500/,
  );
});

test('a range that never reaches * is truncated, bounded', async () => {
  let low = 1500;
  const { readRange } = replay([]);
  const endless = async (request: string) => {
    if (request !== `member;range=${low}-*`) return readRange(request);
    const answer = { [`member;range=${low}-${low}`]: ['CN=x'] };
    low += 1;
    return answer;
  };
  await assert.rejects(readAllValues('member', groupDn, searchAnswer, endless), /did not end after/);
});

test('an answer without a range, or with missing values, is truncated', async () => {
  await assertTruncated([{ request: 'member;range=1500-*', answer: { member: [] } }], /returned no range/);
  await assertTruncated(
    [{ request: 'member;range=1500-*', answer: { 'member;range=1500-2999': ['CN=only-one'] } }],
    /carried 1 values/,
  );
});
