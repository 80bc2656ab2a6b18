import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  AssociatePhoneNumberWithUserCommand,
  BatchDeletePhoneNumberCommand,
  ConflictException,
  CreateUserCommand,
  GetPhoneNumberCommand,
  GetUserCommand,
  ListPhoneNumbersCommand,
  type ChimeClient,
} from '@aws-sdk/client-chime';
import { newAccountId, uniqueEmail } from '../helpers/accounts.js';
import { freshNumber, importNumbers } from '../helpers/phone-numbers.js';
import { eachDialect } from '../helpers/suite.js';

// Acceptance: two concurrent assignments of one number end with exactly one winner, the others
// get a ConflictException, and no number ever ends up on two users. Each contender has its own
// client (its own connections), so on PostgreSQL the requests really run side by side.
const ROUNDS = 10;

interface Member {
  accountId: string;
  userId: string;
}

await eachDialect('phone assignment race', (server) => {
  const operator = () => server().client();
  /** One warmed-up client per contender, created once per suite. */
  const contenders: ChimeClient[] = [];

  async function clients(n: number): Promise<ChimeClient[]> {
    while (contenders.length < n) {
      const client = server().client();
      await client.send(new ListPhoneNumbersCommand({ MaxResults: 1 })); // opens its connection
      contenders.push(client);
    }
    return contenders.slice(0, n);
  }

  async function member(accountId: string): Promise<Member> {
    const { User } = await operator().send(
      new CreateUserCommand({ AccountId: accountId, Email: uniqueEmail() }),
    );
    return { accountId, userId: User!.UserId! };
  }

  async function numbers(n: number): Promise<string[]> {
    const wanted = Array.from({ length: n }, () => freshNumber());
    assert.deepEqual(await importNumbers(server(), wanted), wanted);
    return wanted;
  }

  /**
   * Starts every assignment at once; asserts exactly one succeeded and every other got a
   * ConflictException. Returns the index of the winner.
   */
  async function race(attempts: Array<{ member: Member; e164: string }>): Promise<number> {
    const sdk = await clients(attempts.length);
    const settled = await Promise.allSettled(
      attempts.map(({ member: m, e164 }, i) =>
        sdk[i]!.send(
          new AssociatePhoneNumberWithUserCommand({
            AccountId: m.accountId,
            UserId: m.userId,
            E164PhoneNumber: e164,
          }),
        ),
      ),
    );
    const winners = settled.flatMap((s, i) => (s.status === 'fulfilled' ? [i] : []));
    assert.equal(winners.length, 1, `expected one winner, got ${winners.length}`);
    for (const s of settled)
      if (s.status === 'rejected')
        assert.ok(
          s.reason instanceof ConflictException,
          `expected ConflictException, got ${String(s.reason)}`,
        );
    return winners[0]!;
  }

  /** What GetUser and ListPhoneNumbers say a user holds; they must agree. */
  async function held(m: Member): Promise<string | undefined> {
    const chime = operator();
    const user = await chime.send(new GetUserCommand({ AccountId: m.accountId, UserId: m.userId }));
    const listed = await chime.send(
      new ListPhoneNumbersCommand({ FilterName: 'UserId', FilterValue: m.userId }),
    );
    const numbersListed = listed.PhoneNumbers?.map((n) => n.E164PhoneNumber) ?? [];
    assert.ok(numbersListed.length <= 1, `user ${m.userId} holds ${numbersListed.join(', ')}`);
    assert.equal(user.User?.PrimaryProvisionedNumber, numbersListed[0]);
    return numbersListed[0];
  }

  /** The number is Assigned to the winner alone, and no contender holds anything else. */
  async function assertOnlyWinnerHolds(e164: string, members: Member[], winner: Member) {
    const { PhoneNumber } = await operator().send(new GetPhoneNumberCommand({ PhoneNumberId: e164 }));
    assert.equal(PhoneNumber?.Status, 'Assigned');
    assert.deepEqual(
      PhoneNumber?.Associations?.map((a) => [a.Name, a.Value]),
      [
        ['AccountId', winner.accountId],
        ['UserId', winner.userId],
      ],
    );
    for (const m of members) assert.equal(await held(m), m === winner ? e164 : undefined);
  }

  it(`two assignments of one number in one account: one wins, ${ROUNDS} rounds`, async () => {
    const accountId = await newAccountId(operator());
    for (const e164 of await numbers(ROUNDS)) {
      const members = [await member(accountId), await member(accountId)];
      const winner = await race(members.map((m) => ({ member: m, e164 })));
      await assertOnlyWinnerHolds(e164, members, members[winner]!);
    }
  });

  it(`two assignments of one number from two accounts: one wins, ${ROUNDS} rounds`, async () => {
    const [a, b] = [await newAccountId(operator()), await newAccountId(operator())];
    for (const e164 of await numbers(ROUNDS)) {
      const members = [await member(a), await member(b)];
      const winner = await race(members.map((m) => ({ member: m, e164 })));
      await assertOnlyWinnerHolds(e164, members, members[winner]!);
    }
  });

  it(`a burst of five assignments of one number: one wins, ${ROUNDS} rounds`, async () => {
    const [a, b] = [await newAccountId(operator()), await newAccountId(operator())];
    for (const e164 of await numbers(ROUNDS)) {
      const members = [await member(a), await member(b), await member(a), await member(b), await member(a)];
      const winner = await race(members.map((m) => ({ member: m, e164 })));
      await assertOnlyWinnerHolds(e164, members, members[winner]!);
    }
  });

  it(`two numbers for one user at once: one wins, the other stays free, ${ROUNDS} rounds`, async () => {
    const accountId = await newAccountId(operator());
    const all = await numbers(2 * ROUNDS);
    for (let round = 0; round < ROUNDS; round++) {
      const pair = all.slice(2 * round, 2 * round + 2);
      const m = await member(accountId);
      const winner = await race(pair.map((e164) => ({ member: m, e164 })));
      assert.equal(await held(m), pair[winner]);
      const loser = pair[1 - winner]!;
      const { PhoneNumber } = await operator().send(new GetPhoneNumberCommand({ PhoneNumberId: loser }));
      assert.equal(PhoneNumber?.Status, 'Unassigned');
      assert.deepEqual(PhoneNumber?.Associations, []);
    }
  });

  it('runs two batches over the same numbers in opposite orders side by side, without a deadlock', async () => {
    // A batch is one transaction that locks its numbers as it goes: in the order asked, two such
    // batches would each wait for the other on PostgreSQL, and one would fail.
    const wanted = await numbers(40);
    const [first, second] = await clients(2);
    const answers = await Promise.all([
      first!.send(new BatchDeletePhoneNumberCommand({ PhoneNumberIds: wanted })),
      second!.send(new BatchDeletePhoneNumberCommand({ PhoneNumberIds: [...wanted].reverse() })),
    ]);
    // Each number is deleted by one batch and reported by the other as already being deleted.
    const refused = answers.flatMap((a) => a.PhoneNumberErrors!.map((e) => e.PhoneNumberId!));
    assert.deepEqual(refused.sort(), [...wanted].sort());
    for (const e164 of wanted) {
      const { PhoneNumber } = await operator().send(new GetPhoneNumberCommand({ PhoneNumberId: e164 }));
      assert.equal(PhoneNumber?.Status, 'DeleteInProgress');
    }
  });

  it('leaves every assigned number on exactly one user, and every user with at most one', async () => {
    const assigned = await operator().send(
      new ListPhoneNumbersCommand({ Status: 'Assigned', MaxResults: 99 }),
    );
    const users = assigned.PhoneNumbers!.map(
      (n) => n.Associations?.filter((a) => a.Name === 'UserId').map((a) => a.Value) ?? [],
    );
    assert.equal(users.length, 4 * ROUNDS);
    for (const u of users) assert.equal(u.length, 1);
    assert.equal(new Set(users.flat()).size, users.length);
  });
});
