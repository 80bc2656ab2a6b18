import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { CONSOLE_DIST } from '../../src/api/console/static.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * The console's assets go out compressed when the browser accepts it (the build compressed them
 * once), byte for byte the same once decoded; a browser that accepts neither gets them as built.
 */
describe('the console assets, compressed', () => {
  let server: TestServer;
  let script: string;
  before(async () => {
    const build = fileURLToPath(new URL('../../scripts/build-console.mjs', import.meta.url));
    assert.equal(spawnSync(process.execPath, [build, '--if-stale'], { stdio: 'inherit' }).status, 0);
    script = readdirSync(join(CONSOLE_DIST, 'assets')).find((n) => n.endsWith('.js'))!;
    server = await startTestServer('sqlite');
  });
  after(() => server.close());

  const get = (encoding: string | undefined) =>
    server.app.inject({
      method: 'GET',
      url: `/console/assets/${script}`,
      headers: encoding === undefined ? {} : { 'accept-encoding': encoding },
    });

  it('sends Brotli first, gzip next, and the file itself otherwise', async () => {
    const original = readFileSync(join(CONSOLE_DIST, 'assets', script));
    const br = await get('gzip, deflate, br');
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(br.headers.vary, 'accept-encoding');
    assert.ok(br.rawPayload.length < original.length / 2, 'a fraction of the bytes');
    assert.deepEqual(brotliDecompressSync(br.rawPayload), original);

    const gzip = await get('br;q=0, gzip');
    assert.equal(gzip.headers['content-encoding'], 'gzip');
    assert.deepEqual(gunzipSync(gzip.rawPayload), original);

    for (const plain of [undefined, 'identity', 'br;q=0']) {
      const answer = await get(plain);
      assert.equal(answer.headers['content-encoding'], undefined, `for ${plain}`);
      assert.deepEqual(answer.rawPayload, original);
    }
    assert.match(String(br.headers['content-type']), /^text\/javascript/);
  });
});
