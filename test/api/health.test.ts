import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ListAccountsCommand } from '@aws-sdk/client-chime';
import { eachDialect } from '../helpers/suite.js';

await eachDialect('health and metrics', (server) => {
  it('answers GET /health without signing', async () => {
    const res = await fetch(`${server().url}/health`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok' });
  });

  it('exposes request metrics by operation in the Prometheus format', async () => {
    await server().client().send(new ListAccountsCommand({}));
    const res = await fetch(`${server().url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
    const text = await res.text();
    assert.match(
      text,
      /belfry_http_request_duration_seconds_count\{operation="ListAccounts",status="200"\} 1/,
    );
    assert.match(text, /belfry_process_cpu_seconds_total/);
  });
});
