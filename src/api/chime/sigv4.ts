import { createHmac, hash, timingSafeEqual } from 'node:crypto';

/**
 * Verifies AWS Signature Version 4 on an incoming request, the way `@aws-sdk/client-chime` and
 * the AWS CLI sign it: the canonical path is the raw (already percent-encoded) path encoded once
 * more, with empty and dot segments removed; the body hash is the client's `x-amz-content-sha256`
 * when sent (it must match the body) and the server's own hash otherwise (botocore sends none).
 */
export interface SignedRequest {
  method: string;
  /** path and query exactly as received, e.g. `/phone-numbers/%2B12065550100?operation=restore` */
  rawUrl: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface VerifyOptions {
  service: string;
  /** accepted regions in the credential scope; undefined accepts any */
  regions: readonly string[] | undefined;
  maxSkewMs: number;
  now: Date;
  lookupSecret(accessKeyId: string): Promise<string | undefined>;
}

export type SigV4Failure =
  | 'MissingAuthenticationToken'
  | 'IncompleteSignature'
  | 'UnrecognizedClient'
  | 'InvalidSignature'
  | 'SignatureExpired';

export class SigV4Error extends Error {
  constructor(
    readonly reason: SigV4Failure,
    message: string,
  ) {
    super(message);
  }
}

export interface VerifiedCaller {
  accessKeyId: string;
  region: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const EMPTY_SHA256 = hash('sha256', '', 'hex');
const signingKeys = new Map<string, Buffer>();

export async function verifySigV4(request: SignedRequest, options: VerifyOptions): Promise<VerifiedCaller> {
  const auth = header(request.headers, 'authorization');
  if (!auth)
    throw new SigV4Error(
      'MissingAuthenticationToken',
      'Missing Authentication Token: sign the request with SigV4',
    );
  const parsed = parseAuthorization(auth);
  const { accessKeyId, date, region, service, signedHeaders, signature } = parsed;

  if (service !== options.service)
    throw new SigV4Error(
      'IncompleteSignature',
      `Credential should be scoped to service '${options.service}', not '${service}'`,
    );
  if (options.regions && !options.regions.includes(region))
    throw new SigV4Error(
      'IncompleteSignature',
      `Credential should be scoped to one of the regions ${options.regions.join(', ')}, not '${region}'`,
    );
  // The date is in the string to sign anyway, but SigV4 asks for both headers to be signed, and
  // every AWS client signs them: a request that does not was not made by one.
  for (const required of ['host', 'x-amz-date'])
    if (!signedHeaders.includes(required))
      throw new SigV4Error('IncompleteSignature', `Signed headers must include '${required}'`);
  if (header(request.headers, 'x-amz-security-token') !== undefined)
    throw new SigV4Error(
      'UnrecognizedClient',
      'Session tokens are not supported: sign with an access key made by Belfry',
    );

  const amzDate = header(request.headers, 'x-amz-date');
  if (!amzDate || !/^\d{8}T\d{6}Z$/.test(amzDate))
    throw new SigV4Error(
      'IncompleteSignature',
      'Requests must carry an X-Amz-Date header (YYYYMMDDTHHMMSSZ)',
    );
  if (amzDate.slice(0, 8) !== date)
    throw new SigV4Error('InvalidSignature', 'The credential scope date does not match X-Amz-Date');
  const signedAt = Date.UTC(
    Number(amzDate.slice(0, 4)),
    Number(amzDate.slice(4, 6)) - 1,
    Number(amzDate.slice(6, 8)),
    Number(amzDate.slice(9, 11)),
    Number(amzDate.slice(11, 13)),
    Number(amzDate.slice(13, 15)),
  );
  const skew = options.now.getTime() - signedAt;
  if (Math.abs(skew) > options.maxSkewMs)
    throw new SigV4Error(
      'SignatureExpired',
      `Signature expired: ${amzDate} is ${skew > 0 ? 'earlier' : 'later'} than the server time ${isoBasic(options.now)} by more than ${options.maxSkewMs / 60000} minutes`,
    );

  const bodyHash = request.body.length === 0 ? EMPTY_SHA256 : hash('sha256', request.body, 'hex');
  const claimedHash = header(request.headers, 'x-amz-content-sha256');
  if (claimedHash !== undefined && claimedHash !== bodyHash)
    throw new SigV4Error('InvalidSignature', 'The x-amz-content-sha256 header does not match the body');

  const secret = await options.lookupSecret(accessKeyId);
  if (secret === undefined)
    throw new SigV4Error('UnrecognizedClient', 'The security token included in the request is invalid');

  const canonical = canonicalRequest(request, signedHeaders, claimedHash ?? bodyHash);
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = `${ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`;
  const expected = createHmac('sha256', signingKey(secret, date, region, service))
    .update(stringToSign)
    .digest();
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new SigV4Error(
      'InvalidSignature',
      'The request signature we calculated does not match the signature you provided. Check your secret access key and signing method.',
    );
  return { accessKeyId, region };
}

function parseAuthorization(auth: string) {
  if (!auth.startsWith(`${ALGORITHM} `))
    throw new SigV4Error('IncompleteSignature', `Only ${ALGORITHM} authorization is supported`);
  const fields = new Map<string, string>();
  for (const part of auth.slice(ALGORITHM.length + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!credential || !signedHeaders || !signature || !/^[0-9a-f]{64}$/.test(signature))
    throw new SigV4Error(
      'IncompleteSignature',
      'Authorization header requires Credential, SignedHeaders and Signature',
    );
  const [accessKeyId, date, region, service, terminator, ...rest] = credential.split('/');
  if (!accessKeyId || !date || !region || !service || terminator !== 'aws4_request' || rest.length > 0)
    throw new SigV4Error(
      'IncompleteSignature',
      'Credential must be <key>/<date>/<region>/<service>/aws4_request',
    );
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(';'), signature };
}

function canonicalRequest(request: SignedRequest, signedHeaders: string[], payloadHash: string): string {
  const q = request.rawUrl.indexOf('?');
  const rawPath = q < 0 ? request.rawUrl : request.rawUrl.slice(0, q);
  const rawQuery = q < 0 ? '' : request.rawUrl.slice(q + 1);
  const headerLines = signedHeaders
    .map((name) => {
      const value = request.headers[name];
      const joined = Array.isArray(value) ? value.join(',') : (value ?? '');
      return `${name}:${joined.trim().replace(/\s+/g, ' ')}\n`;
    })
    .join('');
  return [
    request.method.toUpperCase(),
    canonicalPath(rawPath),
    canonicalQuery(rawQuery),
    headerLines,
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
}

/** Non-S3 services encode the (already encoded) path again, after dropping empty and dot segments. */
function canonicalPath(rawPath: string): string {
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    // Clients normalise dot segments away before signing, so a path that still has one was
    // made by hand; refusing it keeps one signature from covering a second route
    // (`/accounts/B/users/..` would verify with the signature of `/accounts/B`).
    if (segment === '.' || segment === '..')
      throw new SigV4Error('IncompleteSignature', 'Paths with "." or ".." segments are not accepted');
    if (segment !== '') segments.push(segment);
  }
  const trailing = segments.length > 0 && rawPath.endsWith('/') ? '/' : '';
  return '/' + segments.map(escapeUri).join('/') + trailing;
}

function canonicalQuery(rawQuery: string): string {
  if (rawQuery === '') return '';
  const pairs: Array<[string, string]> = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    // A raw "+" is decoded as a space, as the router reads the query: the signature covers the
    // values the operation receives. (AWS clients send a space as %20 and "+" as %2B.)
    const key = safeDecode((eq < 0 ? part : part.slice(0, eq)).replaceAll('+', ' '));
    const value = eq < 0 ? '' : safeDecode(part.slice(eq + 1).replaceAll('+', ' '));
    if (key.toLowerCase() === 'x-amz-signature') continue;
    pairs.push([escapeUri(key), escapeUri(value)]);
  }
  pairs.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** RFC 3986 unreserved characters stay; everything else is percent-encoded. */
function escapeUri(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const cacheKey = `${secret}\0${date}\0${region}\0${service}`;
  let key = signingKeys.get(cacheKey);
  if (!key) {
    const kDate = createHmac('sha256', `AWS4${secret}`).update(date).digest();
    const kRegion = createHmac('sha256', kDate).update(region).digest();
    const kService = createHmac('sha256', kRegion).update(service).digest();
    key = createHmac('sha256', kService).update('aws4_request').digest();
    if (signingKeys.size > 1000) signingKeys.clear();
    signingKeys.set(cacheKey, key);
  }
  return key;
}

/** The one-shot `hash` (Node 20.12+) skips the Hash object that `createHash` builds per call. */
function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}

function header(headers: SignedRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function isoBasic(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}
