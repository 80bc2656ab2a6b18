import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { schemas } from '../../src/api/chime/generated/model.js';
import { startTestDns } from '../helpers/dns.js';
import {
  allOperations,
  fuzzRequest,
  seededRandom,
  type FuzzRequest,
  type IdPools,
} from '../helpers/model-fuzz.js';
import type { TestServer } from '../helpers/server.js';
import { signedFetch, type SignedResponse } from '../helpers/signed-fetch.js';
import { eachDialect } from '../helpers/suite.js';

/**
 * Every operation of the model, fuzzed: valid-shaped requests with one mutation each, signed with
 * the operator's key. No answer may be a 5xx, and every error must be in the Chime format.
 * FUZZ_SEED replays a run (FUZZ_LOG_LEVEL=error shows the server's errors); FUZZ_REQUESTS and
 * FUZZ_SECONDS bound it (per dialect).
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261203);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 8000);
const SECONDS = Number(process.env.FUZZ_SECONDS ?? 90);
const CONCURRENCY = 4;
/** the Code values an error body may carry: the model's ErrorCode enum */
const ERROR_CODES = new Set((schemas.ErrorCode as { values: readonly string[] }).values);

const dns = await startTestDns();
after(() => dns.close());

await eachDialect(
  'fuzzing every operation of the model',
  (server) => {
    let ids: IdPools = {};
    before(async () => {
      ids = await fixtures(server());
    });

    it(`answers no 5xx and every error in the Chime format (seed ${SEED})`, async (t) => {
      const random = seededRandom(SEED);
      const requests: FuzzRequest[] = Array.from({ length: REQUESTS }, (_, i) =>
        fuzzRequest(allOperations[i % allOperations.length]!, random, ids),
      );
      const deadline = Date.now() + SECONDS * 1000;
      const problems: string[] = [];
      const statuses = new Map<number, number>();
      let sent = 0;
      let next = 0;
      const worker = async () => {
        while (next < requests.length && Date.now() < deadline) {
          const request = requests[next++]!;
          const response = await send(server(), request);
          sent++;
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          const problem = wrongAnswer(response);
          if (problem)
            problems.push(
              `${request.operation} [${request.mutation}] ${request.method} ${request.path.slice(0, 200)}?${request.rawQuery.slice(0, 200)}: ${problem}`,
            );
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      t.diagnostic(
        `seed ${SEED} (FUZZ_SEED to replay): ${sent} requests over ${allOperations.length} operations; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`,
      );
      assert.deepEqual(problems.slice(0, 20), [], `${problems.length} wrong answers`);
      // Bounded by time on a slow machine, but never so short that an operation goes untried.
      assert.ok(sent >= allOperations.length, `only ${sent} requests within ${SECONDS} s`);
    });
  },
  {
    // Thousands of requests from one key: the default budget would answer most of them 429.
    BELFRY_API_REQUESTS_PER_SECOND: '1000000',
    BELFRY_API_BURST: '10000000',
    DNS_SERVERS: dns.address,
    // FUZZ_LOG_LEVEL=error prints the server's account of each failure when replaying a seed.
    LOG_LEVEL: process.env.FUZZ_LOG_LEVEL ?? 'silent',
  },
);

function send(server: TestServer, request: FuzzRequest): Promise<SignedResponse> {
  return signedFetch(server.url, server.operator, {
    method: request.method,
    path: request.path,
    rawQuery: request.rawQuery,
    ...(request.rawBody && { rawBody: request.rawBody }),
  });
}

/** What is wrong with an answer, or undefined: a 5xx, or an error not in the Chime format. */
function wrongAnswer(response: SignedResponse): string | undefined {
  const body = response.text.slice(0, 300);
  if (response.status >= 500) return `${response.status} ${body}`;
  if (response.status < 400) {
    if (response.status !== 204 && response.json === undefined)
      return `${response.status} without JSON: ${body}`;
    return undefined;
  }
  if (!response.errorType?.endsWith('Exception'))
    return `${response.status} with X-Amzn-ErrorType ${response.errorType}`;
  if (!response.headers.get('content-type')?.startsWith('application/json'))
    return `${response.status} as ${response.headers.get('content-type')}`;
  const { Code, Message } = (response.json ?? {}) as { Code?: unknown; Message?: unknown };
  if (typeof Code !== 'string' || !ERROR_CODES.has(Code))
    return `${response.status} with Code ${String(Code)}: ${body}`;
  if (typeof Message !== 'string' || Message === '') return `${response.status} without a Message: ${body}`;
  if (!response.requestId) return `${response.status} without x-amzn-RequestId`;
  return undefined;
}

/** Accounts, users, numbers, an order, an app client and a claimed domain for the ids to name. */
async function fixtures(server: TestServer): Promise<IdPools> {
  const call = async (
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    query: Record<string, string>,
    body?: unknown,
  ) => {
    const response = await signedFetch(server.url, server.operator, { method, path, query, body });
    assert.ok(response.status < 300, `${method} ${path}: ${response.text}`);
    return response.json;
  };
  const accountIds: string[] = [];
  const userIds: string[] = [];
  for (let i = 0; i < 2; i++) {
    const { Account } = await call('POST', '/accounts', {}, { Name: `Fuzz ${i} ${Date.now()}` });
    accountIds.push(Account.AccountId);
    for (let j = 0; j < 2; j++) {
      const { User } = await call(
        'POST',
        `/accounts/${Account.AccountId}/users`,
        { operation: 'create' },
        {
          Email: `fuzz-${i}-${j}-${Date.now()}@example.com`,
        },
      );
      userIds.push(User.UserId);
    }
  }
  const numbers = Array.from({ length: 6 }, (_, i) => `+1206555${String(3000 + i)}`);
  await call(
    'POST',
    '/phone-numbers',
    { operation: 'import' },
    { ProductType: 'BusinessCalling', E164PhoneNumbers: numbers },
  );
  const { PhoneNumberOrder } = await call(
    'POST',
    '/phone-number-orders',
    {},
    {
      ProductType: 'BusinessCalling',
      E164PhoneNumbers: ['+12065550100'],
    },
  );
  const { AppClient } = await call(
    'POST',
    '/app-clients',
    {},
    {
      Name: 'Fuzz app',
      RedirectUris: ['https://127.0.0.1:9/callback'],
    },
  );
  await call('POST', `/accounts/${accountIds[0]}/domains`, {}, { DomainName: 'fuzz.example.com' });
  return {
    AccountId: accountIds,
    UserId: userIds,
    PhoneNumberId: numbers,
    E164PhoneNumber: numbers,
    PhoneNumberOrderId: [PhoneNumberOrder.PhoneNumberOrderId],
    ClientId: [AppClient.ClientId],
    DomainName: ['fuzz.example.com'],
  };
}
