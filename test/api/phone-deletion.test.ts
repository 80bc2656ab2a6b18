import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  AssociatePhoneNumberWithUserCommand,
  BadRequestException,
  BatchDeletePhoneNumberCommand,
  ConflictException,
  CreatePhoneNumberOrderCommand,
  CreateUserCommand,
  DeletePhoneNumberCommand,
  GetPhoneNumberCommand,
  ListPhoneNumbersCommand,
  NotFoundException,
  RestorePhoneNumberCommand,
  SearchAvailablePhoneNumbersCommand,
  type ChimeClient,
} from '@aws-sdk/client-chime';
import { DAY_MS } from '../../src/lib/clock.js';
import { newAccountId, uniqueEmail } from '../helpers/accounts.js';
import { rejectsWith } from '../helpers/sdk-errors.js';
import type { TestServer } from '../helpers/server.js';
import { eachDialect } from '../helpers/suite.js';

// Numbers of the simulated carrier's pool (555-0100..0199); each test orders from its own area code,
// since the tests of a suite share one inventory (and one clock).
const line = (prefix: string, n: number) => `+1${prefix}555${String(n).padStart(4, '0')}`;

async function acquire(server: TestServer, numbers: string[]) {
  await server
    .client()
    .send(new CreatePhoneNumberOrderCommand({ ProductType: 'BusinessCalling', E164PhoneNumbers: numbers }));
  await server.runJobs();
}

async function getNumber(chime: ChimeClient, id: string) {
  return (await chime.send(new GetPhoneNumberCommand({ PhoneNumberId: id }))).PhoneNumber!;
}

async function assign(chime: ChimeClient, e164: string) {
  const accountId = await newAccountId(chime);
  const { User } = await chime.send(new CreateUserCommand({ AccountId: accountId, Email: uniqueEmail() }));
  await chime.send(
    new AssociatePhoneNumberWithUserCommand({
      AccountId: accountId,
      UserId: User!.UserId!,
      E164PhoneNumber: e164,
    }),
  );
}

const deleteNumber = (chime: ChimeClient, PhoneNumberId: string) =>
  chime.send(new DeletePhoneNumberCommand({ PhoneNumberId }));

await eachDialect('phone number deletion queue', (server) => {
  it('queues a deleted number as DeleteInProgress with its DeletionTimestamp', async () => {
    const chime = server().client();
    const e164 = line('206', 100);
    await acquire(server(), [e164]);
    const out = await deleteNumber(chime, `%2B${e164.slice(1)}`);
    assert.equal(out.$metadata.httpStatusCode, 204);
    const queued = await getNumber(chime, e164);
    assert.equal(queued.Status, 'DeleteInProgress');
    assert.equal(queued.DeletionTimestamp?.getTime(), server().clock.now().getTime());
    const listed = await chime.send(new ListPhoneNumbersCommand({ Status: 'DeleteInProgress' }));
    assert.deepEqual(
      listed.PhoneNumbers?.map((n) => n.E164PhoneNumber),
      [e164],
    );
    // Still owned while queued: not for sale.
    const offered = await chime.send(
      new SearchAvailablePhoneNumbersCommand({ AreaCode: '206', MaxResults: 500 }),
    );
    assert.ok(!offered.E164PhoneNumbers?.includes(e164));
    await rejectsWith(deleteNumber(chime, e164), ConflictException, /DeleteInProgress/);
  });

  it('deletes only unassigned numbers that exist', async () => {
    const chime = server().client();
    const e164 = line('212', 100);
    await acquire(server(), [e164]);
    await assign(chime, e164);
    await rejectsWith(deleteNumber(chime, e164), BadRequestException, /assigned to a user/);
    assert.equal((await getNumber(chime, e164)).Status, 'Assigned');
    await rejectsWith(deleteNumber(chime, line('212', 199)), NotFoundException, /not found/);
    await rejectsWith(deleteNumber(chime, 'nobody'), BadRequestException, /not a valid E.164/);
  });

  it('batch-deletes numbers, reporting each failure and queueing the rest', async () => {
    const chime = server().client();
    const [free, alsoFree, taken] = [100, 101, 102].map((n) => line('303', n));
    await acquire(server(), [free!, alsoFree!, taken!]);
    await assign(chime, taken!);
    const out = await chime.send(
      new BatchDeletePhoneNumberCommand({
        PhoneNumberIds: [free!, `%2B${alsoFree!.slice(1)}`, taken!, line('303', 199), 'nobody'],
      }),
    );
    assert.deepEqual(
      out.PhoneNumberErrors?.map((e) => [e.PhoneNumberId, e.ErrorCode]),
      [
        [taken, 'PhoneNumberAssociationsExist'],
        [line('303', 199), 'NotFound'],
        ['nobody', 'BadRequest'],
      ],
    );
    assert.equal((await getNumber(chime, free!)).Status, 'DeleteInProgress');
    assert.equal((await getNumber(chime, alsoFree!)).Status, 'DeleteInProgress');
    assert.equal((await getNumber(chime, taken!)).Status, 'Assigned');
    await rejectsWith(
      chime.send(new BatchDeletePhoneNumberCommand({ PhoneNumberIds: [] })),
      BadRequestException,
      /phoneNumberIds/i,
    );
  });

  it('restores a queued number to Unassigned, and only a queued one', async () => {
    const chime = server().client();
    const e164 = line('305', 100);
    await acquire(server(), [e164]);
    await rejectsWith(
      chime.send(new RestorePhoneNumberCommand({ PhoneNumberId: e164 })),
      ConflictException,
      /not in the deletion queue/,
    );
    await deleteNumber(chime, e164);
    const restored = await chime.send(new RestorePhoneNumberCommand({ PhoneNumberId: e164 }));
    assert.equal(restored.PhoneNumber?.Status, 'Unassigned');
    assert.equal(restored.PhoneNumber?.DeletionTimestamp, undefined);
    assert.equal((await getNumber(chime, e164)).Status, 'Unassigned');
    await rejectsWith(
      chime.send(new RestorePhoneNumberCommand({ PhoneNumberId: line('305', 199) })),
      NotFoundException,
      /not found/,
    );
  });

  it('releases a queued number after 7 days, so it is gone and for sale again', async () => {
    const chime = server().client();
    const [released, restored] = [line('312', 100), line('312', 101)];
    await acquire(server(), [released, restored]);
    await chime.send(new BatchDeletePhoneNumberCommand({ PhoneNumberIds: [released, restored] }));
    await chime.send(new RestorePhoneNumberCommand({ PhoneNumberId: restored }));
    server().clock.advance(7 * DAY_MS - 60_000);
    await server().runJobs();
    assert.equal((await getNumber(chime, released)).Status, 'DeleteInProgress');
    server().clock.advance(60_000);
    await server().runJobs();
    await rejectsWith(
      chime.send(new GetPhoneNumberCommand({ PhoneNumberId: released })),
      NotFoundException,
      /not found/,
    );
    const offered = await chime.send(
      new SearchAvailablePhoneNumbersCommand({ AreaCode: '312', MaxResults: 500 }),
    );
    assert.ok(offered.E164PhoneNumbers?.includes(released));
    assert.ok(!offered.E164PhoneNumbers?.includes(restored));
    assert.equal((await getNumber(chime, restored)).Status, 'Unassigned');
    // Released, it can be ordered again like any number of the pool.
    await acquire(server(), [released]);
    assert.equal((await getNumber(chime, released)).Status, 'Unassigned');
  });

  it('counts 7 days from the latest deletion when a restored number is deleted again', async () => {
    const chime = server().client();
    const e164 = line('404', 100);
    await acquire(server(), [e164]);
    await deleteNumber(chime, e164);
    await chime.send(new RestorePhoneNumberCommand({ PhoneNumberId: e164 }));
    server().clock.advance(3 * DAY_MS);
    await deleteNumber(chime, e164);
    // The first deletion's release falls due now, but the number was deleted again since.
    server().clock.advance(4 * DAY_MS);
    await server().runJobs();
    assert.equal((await getNumber(chime, e164)).Status, 'DeleteInProgress');
    server().clock.advance(3 * DAY_MS);
    await server().runJobs();
    await rejectsWith(
      chime.send(new GetPhoneNumberCommand({ PhoneNumberId: e164 })),
      NotFoundException,
      /not found/,
    );
  });
});
