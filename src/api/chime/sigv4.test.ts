import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { SignatureV4 } from '@smithy/signature-v4';
import {
  SigV4Error,
  verifySigV4,
  type SigV4Failure,
  type SignedRequest,
  type VerifyOptions,
} from './sigv4.js';

/** The sha256 constructor @smithy/signature-v4 expects (hash, or HMAC when given a secret). */
class Sha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
}

const bytes = (data: string | ArrayBuffer | ArrayBufferView) =>
  typeof data === 'string'
    ? data
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);

const KEY = {
  accessKeyId: 'BKIATESTKEY000000001',
  secretAccessKey: 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNl',
};
const NOW = new Date('2026-03-01T12:00:00.000Z');
const MINUTE = 60_000;

interface ToSign {
  method?: string;
  /** raw path as a client sends it, already percent-encoded */
  path: string;
  /** query pairs in the order the raw URL carries them */
  query?: Array<[string, string]>;
  body?: string;
  headers?: Record<string, string>;
}

interface SignOptions {
  region?: string;
  service?: string;
  secret?: string;
  accessKeyId?: string;
  sessionToken?: string;
  at?: Date;
  /** false: no x-amz-content-sha256 header, like botocore */
  applyChecksum?: boolean;
  uriEscapePath?: boolean;
  /** headers to leave out of SignedHeaders */
  unsigned?: string[];
}

/** Signs with the real @smithy/signature-v4 and returns the request as the server receives it. */
async function sign(request: ToSign, options: SignOptions = {}): Promise<SignedRequest> {
  const signer = new SignatureV4({
    service: options.service ?? 'chime',
    region: options.region ?? 'us-east-1',
    credentials: {
      accessKeyId: options.accessKeyId ?? KEY.accessKeyId,
      secretAccessKey: options.secret ?? KEY.secretAccessKey,
      ...(options.sessionToken !== undefined && { sessionToken: options.sessionToken }),
    },
    sha256: Sha256,
    uriEscapePath: options.uriEscapePath ?? true,
    applyChecksum: options.applyChecksum ?? true,
  });
  const pairs = request.query ?? [];
  const headers: Record<string, string> = { host: 'belfry.test:8080', ...request.headers };
  if (request.body !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(request.body));
  }
  const signed = await signer.sign(
    {
      method: request.method ?? 'GET',
      protocol: 'http:',
      hostname: 'belfry.test',
      port: 8080,
      path: request.path,
      query: Object.fromEntries(pairs),
      headers,
      ...(request.body !== undefined && { body: request.body }),
    },
    { signingDate: options.at ?? NOW, unsignableHeaders: new Set(options.unsigned ?? []) },
  );
  const rawQuery = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  return {
    method: signed.method,
    rawUrl: rawQuery ? `${request.path}?${rawQuery}` : request.path,
    // Node hands the server lower-cased header names.
    headers: Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v])),
    body: Buffer.from(request.body ?? ''),
  };
}

function verify(request: SignedRequest, options: Partial<VerifyOptions> = {}) {
  return verifySigV4(request, {
    service: 'chime',
    regions: undefined,
    maxSkewMs: 15 * MINUTE,
    now: NOW,
    lookupSecret: async (id) => (id === KEY.accessKeyId ? KEY.secretAccessKey : undefined),
    ...options,
  });
}

async function assertRefused(promise: Promise<unknown>, reason: SigV4Failure, message?: RegExp) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof SigV4Error, `expected a SigV4Error, got ${String(error)}`);
    assert.equal(error.reason, reason, error.message);
    if (message) assert.match(error.message, message);
    return true;
  });
}

const createUser = (): ToSign => ({
  method: 'POST',
  path: '/accounts/a1/users',
  query: [['operation', 'create']],
  body: JSON.stringify({ Email: 'ana@example.com' }),
});

describe('verifySigV4 accepts what the SDK signs', () => {
  it('a GET without a body', async () => {
    const caller = await verify(await sign({ path: '/accounts', query: [['max-results', '10']] }));
    assert.deepEqual(caller, { accessKeyId: KEY.accessKeyId, region: 'us-east-1' });
  });

  it('a POST with a JSON body', async () => {
    await verify(await sign(createUser()));
  });

  it('a path with %2B and %20%2F, encoded once more in the canonical request', async () => {
    const request: ToSign = {
      method: 'POST',
      path: '/accounts/a%2Bb/users/u%201%2Fx',
      query: [['operation', 'logout']],
    };
    await verify(await sign(request));
    await verify(await sign({ method: 'DELETE', path: '/phone-numbers/%2B12065550100' }));
    // A signer that does not double-encode produces a different canonical path.
    await assertRefused(verify(await sign(request, { uriEscapePath: false })), 'InvalidSignature');
  });

  it('a query in any order (botocore puts the literal first, the JS SDK sorts)', async () => {
    const query: Array<[string, string]> = [
      ['type', 'phone-numbers'],
      ['area-code', '206'],
      ['max-results', '3'],
      ['next-token', 'tok/+='],
    ];
    await verify(await sign({ path: '/search', query }));
    await verify(await sign({ path: '/search', query: [...query].reverse() }));
  });

  it('with and without x-amz-content-sha256', async () => {
    const withHash = await sign(createUser());
    assert.equal(
      withHash.headers['x-amz-content-sha256'],
      createHash('sha256').update(withHash.body).digest('hex'),
    );
    await verify(withHash);
    const withoutHash = await sign(createUser(), { applyChecksum: false });
    assert.equal(withoutHash.headers['x-amz-content-sha256'], undefined);
    await verify(withoutHash);
  });

  it('any region in the credential scope unless a list is configured', async () => {
    for (const region of ['us-east-1', 'us-west-2', 'eu-west-1']) {
      const caller = await verify(await sign({ path: '/accounts' }, { region }));
      assert.equal(caller.region, region);
    }
    const regions = ['us-east-1', 'us-west-2'];
    await verify(await sign({ path: '/accounts' }, { region: 'us-west-2' }), { regions });
    await assertRefused(
      verify(await sign({ path: '/accounts' }, { region: 'eu-west-1' }), { regions }),
      'IncompleteSignature',
      /eu-west-1/,
    );
  });

  it('a date up to the allowed skew either way', async () => {
    await verify(await sign({ path: '/accounts' }, { at: new Date(NOW.getTime() - 14 * MINUTE) }));
    await verify(await sign({ path: '/accounts' }, { at: new Date(NOW.getTime() + 14 * MINUTE) }));
  });

  it('headers that were not signed may change', async () => {
    const request = await sign({ path: '/accounts' });
    request.headers['user-agent'] = 'changed/1.0';
    await verify(request);
  });
});

describe('verifySigV4 refuses', () => {
  it('a tampered body, with and without x-amz-content-sha256', async () => {
    for (const applyChecksum of [true, false]) {
      const request = await sign(createUser(), { applyChecksum });
      request.body = Buffer.from(JSON.stringify({ Email: 'eve@example.com' }));
      await assertRefused(verify(request), 'InvalidSignature');
    }
  });

  it('a tampered signed header value', async () => {
    const request = await sign(createUser(), { applyChecksum: false });
    request.headers['content-type'] = 'text/plain';
    await assertRefused(verify(request), 'InvalidSignature', /does not match/);
  });

  it('a tampered query or path', async () => {
    const request = await sign({ path: '/accounts/a1/users', query: [['max-results', '10']] });
    await assertRefused(
      verify({ ...request, rawUrl: '/accounts/a1/users?max-results=11' }),
      'InvalidSignature',
    );
    await assertRefused(
      verify({ ...request, rawUrl: '/accounts/a2/users?max-results=10' }),
      'InvalidSignature',
    );
  });

  it('a path with dot segments, though it normalises to the signed one', async () => {
    // Signed for GetAccount; replayed as /accounts/a1/users/.., which routes to UpdateUser.
    const request = await sign({ path: '/accounts/a1' });
    await verify(request);
    for (const rawUrl of ['/accounts/a1/users/..', '/accounts/./a1'])
      await assertRefused(verify({ ...request, rawUrl }), 'IncompleteSignature', /"\." or "\.\."/);
  });

  it('a signature that leaves X-Amz-Date out of the signed headers', async () => {
    const request = await sign({ path: '/accounts' }, { unsigned: ['x-amz-date'] });
    assert.doesNotMatch(request.headers['authorization'] as string, /x-amz-date/);
    await assertRefused(verify(request), 'IncompleteSignature', /must include 'x-amz-date'/);
  });

  it('a raw "+" read as anything but the space the router reads', async () => {
    const spaced = await sign({ path: '/accounts', query: [['name', 'Acme Corp']] });
    await verify({ ...spaced, rawUrl: '/accounts?name=Acme+Corp' });
    const plus = await sign({ path: '/accounts', query: [['name', 'Acme+Corp']] });
    assert.equal(plus.rawUrl, '/accounts?name=Acme%2BCorp');
    await assertRefused(verify({ ...plus, rawUrl: '/accounts?name=Acme+Corp' }), 'InvalidSignature');
  });

  it('a wrong secret', async () => {
    await assertRefused(
      verify(await sign({ path: '/accounts' }, { secret: 'not-the-secret' })),
      'InvalidSignature',
    );
  });

  it('an unknown key', async () => {
    await assertRefused(
      verify(await sign({ path: '/accounts' }, { accessKeyId: 'BKIAUNKNOWN000000000' })),
      'UnrecognizedClient',
    );
  });

  it('a credential scoped to another service', async () => {
    await assertRefused(
      verify(await sign({ path: '/accounts' }, { service: 's3' })),
      'IncompleteSignature',
      /chime/,
    );
  });

  it('a date more than 15 minutes in the past or the future', async () => {
    const past = await sign({ path: '/accounts' }, { at: new Date(NOW.getTime() - 16 * MINUTE) });
    await assertRefused(verify(past), 'SignatureExpired', /earlier/);
    const future = await sign({ path: '/accounts' }, { at: new Date(NOW.getTime() + 16 * MINUTE) });
    await assertRefused(verify(future), 'SignatureExpired', /later/);
  });

  it('a request without Authorization', async () => {
    const request = await sign({ path: '/accounts' });
    delete request.headers['authorization'];
    await assertRefused(verify(request), 'MissingAuthenticationToken');
  });

  it('a credential date that differs from X-Amz-Date', async () => {
    const request = await sign({ path: '/accounts' });
    const auth = request.headers['authorization'] as string;
    request.headers['authorization'] = auth.replace('/20260301/', '/20260302/');
    await assertRefused(verify(request), 'InvalidSignature', /scope date/);
  });

  it('a session token (x-amz-security-token)', async () => {
    const request = await sign({ path: '/accounts' }, { sessionToken: 'FwoGZXIvYXdzEJr' });
    assert.equal(request.headers['x-amz-security-token'], 'FwoGZXIvYXdzEJr');
    await assertRefused(verify(request), 'UnrecognizedClient', /Session tokens/);
  });

  it('an x-amz-content-sha256 that does not match the body, even when signed that way', async () => {
    const otherHash = createHash('sha256').update('{}').digest('hex');
    const request = await sign({ ...createUser(), headers: { 'x-amz-content-sha256': otherHash } });
    assert.equal(request.headers['x-amz-content-sha256'], otherHash);
    await assertRefused(verify(request), 'InvalidSignature', /x-amz-content-sha256/);
  });
});
