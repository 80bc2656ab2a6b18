/**
 * Issue 14's SCIM benchmark, against one Belfry on loopback (a fresh database), all in one run:
 * - SCIM user creates per second (`POST /Users`, the user joining the account with their tier
 *   derived) against Belfry's own `CreateUser` (an invitation in a Team account), same
 *   concurrency, ratio printed;
 * - one group PATCH adding 1,000 members (1,000 tiers derived and applied) against setting the
 *   same 1,000 tiers with `BatchUpdateUser` (20 users a call, Chime's limit), ratio printed;
 * - an initial push of 10,000 users, timed (target on SQLite: under 60 s, PASS or MISS).
 *
 *   node --import tsx bench/scim/push.ts [--dialect sqlite|postgres] [--creates 1000] [--members 1000]
 *     [--push 10000] [--concurrency 4]
 */
import { parseArgs } from 'node:util';
import { BatchUpdateUserCommand, CreateUserCommand } from '@aws-sdk/client-chime';
import type { Dialect } from '../../src/store/database.js';
import { newAccountId } from '../../test/helpers/accounts.js';
import {
  enterpriseAccount,
  GROUP,
  mapGroups,
  mintToken,
  patchOp,
  scimClient,
  USER,
} from '../../test/helpers/scim.js';
import { startTestServer, type TestServer } from '../../test/helpers/server.js';

const { values: args } = parseArgs({
  options: {
    dialect: { type: 'string', default: 'sqlite' },
    creates: { type: 'string', default: '1000' },
    members: { type: 'string', default: '1000' },
    push: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '4' },
  },
});
const concurrency = Number(args.concurrency);
const PUSH_TARGET_S = 60;

/** Runs `count` tasks with `concurrency` at a time; answers the seconds taken. */
async function timed(count: number, task: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
  return (performance.now() - start) / 1000;
}

function check(status: number, expected: number, what: string, body?: unknown) {
  if (status !== expected) throw new Error(`${what}: ${status} ${JSON.stringify(body)}`);
}

async function scimAccount(server: TestServer, tag: string) {
  const { accountId, domain } = await enterpriseAccount(server);
  const scim = scimClient(server, (await mintToken(server, accountId, tag)).token);
  await mapGroups(server, accountId, [{ GroupName: 'chime-pro', Tier: 'Pro' }]);
  const createUser = async (name: string) => {
    const created = await scim.post('/Users', {
      schemas: [USER],
      userName: `${name}@${domain}`,
      name: { givenName: name, familyName: 'Bench' },
      emails: [{ value: `${name}@${domain}`, type: 'work', primary: true }],
      active: true,
    });
    check(created.status, 201, 'POST /Users', created.body);
    return created.body!.id as string;
  };
  return { accountId, scim, createUser };
}

async function creates(server: TestServer, count: number) {
  const { createUser } = await scimAccount(server, 'bench-creates');
  const scimSeconds = await timed(count, async (i) => void (await createUser(`c${i}`)));
  const teamId = await newAccountId(server.client());
  const chime = server.client();
  const chimeSeconds = await timed(count, async (i) => {
    await chime.send(
      new CreateUserCommand({ AccountId: teamId, Email: `c${i}@team.example`, UserType: 'PrivateUser' }),
    );
  });
  const [scimRate, chimeRate] = [count / scimSeconds, count / chimeSeconds];
  console.log(
    `user creates: SCIM POST /Users ${scimRate.toFixed(0)}/s, CreateUser ${chimeRate.toFixed(0)}/s ` +
      `(ratio SCIM/CreateUser ${(scimRate / chimeRate).toFixed(2)}; ${count} each, ${concurrency} at a time)`,
  );
}

async function members(server: TestServer, count: number) {
  const { scim, createUser, accountId } = await scimAccount(server, 'bench-members');
  const ids: string[] = [];
  await timed(count, async (i) => void ids.push(await createUser(`m${i}`)));
  const group = await scim.post('/Groups', { schemas: [GROUP], displayName: 'chime-pro' });
  check(group.status, 201, 'POST /Groups', group.body);
  const start = performance.now();
  const patched = await scim.patch(
    `/Groups/${group.body!.id}`,
    patchOp({ op: 'add', path: 'members', value: ids.map((value) => ({ value })) }),
  );
  check(patched.status, 204, 'PATCH /Groups', patched.body);
  const patchSeconds = (performance.now() - start) / 1000;

  // the same 1,000 tier changes by hand, in an EnterpriseLWA account of the same size
  const { accountId: lwaId } = await enterpriseAccount(server);
  void accountId;
  const userIds = await lwaUsers(server, lwaId, count);
  const chime = server.client();
  const batches = Array.from({ length: Math.ceil(count / 20) }, (_, b) => userIds.slice(b * 20, b * 20 + 20));
  const batchSeconds = await timed(batches.length, async (b) => {
    const answer = await chime.send(
      new BatchUpdateUserCommand({
        AccountId: lwaId,
        UpdateUserRequestItems: batches[b]!.map((UserId) => ({ UserId, LicenseType: 'Basic' })),
      }),
    );
    if ((answer.UserErrors ?? []).length > 0) throw new Error(JSON.stringify(answer.UserErrors));
  });
  console.log(
    `${count} members: one SCIM group PATCH ${patchSeconds.toFixed(2)} s, BatchUpdateUser ×${batches.length} ` +
      `${batchSeconds.toFixed(2)} s (ratio PATCH/BatchUpdateUser ${(patchSeconds / batchSeconds).toFixed(2)})`,
  );
}

/** Members of an EnterpriseLWA account, as its domain brings them (inserted through the store). */
async function lwaUsers(server: TestServer, accountId: string, count: number): Promise<string[]> {
  const { newMember } = await import('../../src/domain/users/rules.js');
  const { insertUsers } = await import('../../src/store/users.js');
  const at = new Date().toISOString();
  const users = Array.from({ length: count }, (_, i) =>
    newMember(
      {
        id: server.services.ids.uuid(),
        accountId,
        email: `lwa${i}@lwa.example`,
        displayName: `lwa ${i}`,
        license: 'Pro',
        userType: 'PrivateUser',
        joined: 'registered',
      },
      at,
    ),
  );
  await insertUsers(server.services.db, users);
  return users.map((u) => u.id);
}

async function push(server: TestServer, count: number) {
  const { createUser } = await scimAccount(server, 'bench-push');
  const seconds = await timed(count, async (i) => void (await createUser(`p${i}`)));
  // The target is SQLite's (the embedded store); on PostgreSQL the figure is reported only.
  const verdict =
    args.dialect === 'sqlite' ? (seconds < PUSH_TARGET_S ? 'PASS' : 'MISS') : '(no target on PostgreSQL)';
  console.log(
    `initial push of ${count} users: ${seconds.toFixed(1)} s (${(count / seconds).toFixed(0)}/s, ` +
      `${concurrency} at a time; target < ${PUSH_TARGET_S} s on SQLite) ${verdict}`,
  );
}

const server = await startTestServer(args.dialect as Dialect, {
  BELFRY_SCIM_RATE_PER_SECOND: '1000000',
  BELFRY_SCIM_BURST: '1000000',
  BELFRY_API_REQUESTS_PER_SECOND: '1000000',
  BELFRY_API_BURST: '1000000',
});
try {
  console.log(`SCIM benchmark on ${args.dialect}`);
  // V8 compiles the hot paths during the first few hundred requests: not counted
  const warm = await scimAccount(server, 'bench-warm-up');
  await timed(200, async (i) => void (await warm.createUser(`w${i}`)));
  await creates(server, Number(args.creates));
  await members(server, Number(args.members));
  await push(server, Number(args.push));
} finally {
  await server.close();
}
