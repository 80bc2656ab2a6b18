import assert from 'node:assert/strict';
import { request } from 'node:http';
import { it } from 'node:test';
import { upsertAppWebhook } from '../../src/store/app-webhooks.js';
import { createAccount } from '../helpers/accounts.js';
import { signedFetch } from '../helpers/signed-fetch.js';
import { eachDialect } from '../helpers/suite.js';

/** What the model fuzz (test/api/fuzz.test.ts) found, kept as plain cases. */
await eachDialect('answers the fuzz once got wrong', (server) => {
  const signed = (options: Parameters<typeof signedFetch>[2]) =>
    signedFetch(server().url, server().operator, options);

  it('reads a member sent as null as one not sent (it was a 500)', async () => {
    const account = await createAccount(server().client());
    const updated = await signed({
      method: 'POST',
      path: `/accounts/${account.AccountId}`,
      body: { Name: null },
    });
    assert.equal(updated.status, 200, updated.text);
    assert.equal(updated.json.Account.Name, account.Name);
    const created = await signed({
      method: 'POST',
      path: `/accounts/${account.AccountId}/users`,
      query: { operation: 'create' },
      body: { Username: null, Email: `null-${Date.now()}@example.com`, UserType: null },
    });
    assert.equal(created.status, 201, created.text);
    // A required member sent as null is missing, and a null item of a list is still refused.
    const required = await signed({ method: 'POST', path: '/accounts', body: { Name: null } });
    assert.match(
      required.json.Message,
      /Value null at 'name' failed to satisfy constraint: Member must not be null/,
    );
    const item = await signed({
      method: 'POST',
      path: `/accounts/${account.AccountId}/users`,
      query: { operation: 'suspend' },
      body: { UserIdList: [null] },
    });
    assert.equal(item.status, 400);
    assert.match(item.json.Message, /Value at 'userIdList.1' must not be null/);
  });

  it('answers a request line past the size limit in the Chime format (it was a bare 431)', async () => {
    const url = new URL(server().url);
    const answer = await new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
      (resolve, reject) => {
        const req = request(
          { host: url.hostname, port: url.port, path: `/accounts/${'h'.repeat(100_000)}`, method: 'GET' },
          (res) => {
            let body = '';
            res.on('data', (chunk) => (body += chunk));
            res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
          },
        );
        req.on('error', reject);
        req.end();
      },
    );
    assert.equal(answer.status, 431);
    assert.equal(answer.headers['x-amzn-errortype'], 'BadRequestException');
    assert.ok(answer.headers['x-amzn-requestid']);
    assert.deepEqual(Object.keys(JSON.parse(answer.body)), ['Code', 'Message']);
    assert.equal(JSON.parse(answer.body).Code, 'BadRequest');
  });

  it('tells a webhook set for an app deleted meanwhile from a failure (it was a 500 on PostgreSQL)', async () => {
    const at = new Date().toISOString();
    const set = await upsertAppWebhook(server().services.db, {
      clientId: 'deleted-by-a-concurrent-request',
      url: 'https://127.0.0.1:9/hook',
      secretSealed: 'sealed',
      createdAt: at,
      updatedAt: at,
    });
    assert.equal(set, false);
  });
});
