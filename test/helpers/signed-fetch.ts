import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Credentials } from './server.js';

type SourceData = string | ArrayBuffer | ArrayBufferView;

function bytes(data: SourceData): string | Buffer {
  if (typeof data === 'string') return data;
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/** SHA-256 (or HMAC-SHA256 when given a secret) in the shape `@smithy/signature-v4` expects. */
class Sha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

export interface SignedRequestOptions {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** the path as it goes on the wire: labels already percent-encoded (`encodeURIComponent`) */
  path: string;
  /** a list sends the key once per value */
  query?: Record<string, string | string[]>;
  /** serialised as JSON with `Content-Type: application/json`; omit for a bodiless request */
  body?: unknown;
  /** bytes sent as they are (with `Content-Type: application/json`) instead of `body`, e.g. invalid UTF-8 */
  rawBody?: Buffer;
  /**
   * the query exactly as it goes on the wire instead of `query`, e.g. `name=%FF`; signed as the
   * server reads it (each part percent-decoded where it decodes, kept as sent where it does not)
   */
  rawQuery?: string;
  region?: string;
  /** further headers, signed with the rest (an `X-Forwarded-For`, say) */
  headers?: Record<string, string>;
}

export interface SignedResponse {
  status: number;
  headers: Headers;
  /** the parsed JSON body, or undefined when the body is empty (or not JSON) */
  json: any;
  /** the body as received */
  text: string;
  /** `X-Amzn-ErrorType` of an error response */
  errorType: string | null;
  requestId: string | null;
}

/**
 * Sends one SigV4-signed request the way the AWS SDK would, for operations the SDK has no command
 * for (Belfry's extensions) and for wire-level checks. No retries, no client-side validation.
 */
export async function signedFetch(
  baseUrl: string,
  credentials: Credentials,
  options: SignedRequestOptions,
): Promise<SignedResponse> {
  const url = new URL(baseUrl);
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const headers: Record<string, string> = { ...options.headers, host: url.host };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const signer = new SignatureV4({
    service: 'chime',
    region: options.region ?? 'us-east-1',
    credentials,
    sha256: Sha256,
    uriEscapePath: true,
    applyChecksum: true,
  });
  const signed = await signer.sign({
    method: options.method,
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: options.path,
    query: options.rawQuery === undefined ? (options.query ?? {}) : queryAsRead(options.rawQuery),
    headers,
    ...(body !== undefined && { body }),
  });
  const search =
    options.rawQuery ??
    new URLSearchParams(
      Object.entries(options.query ?? {}).flatMap(([k, v]) =>
        (Array.isArray(v) ? v : [v]).map((x): [string, string] => [k, x]),
      ),
    ).toString();
  // fetch derives Host from the URL itself, identical to the signed value.
  const { host: _host, ...sendHeaders } = signed.headers;
  const response = await fetch(`${url.origin}${options.path}${search ? `?${search}` : ''}`, {
    method: options.method,
    headers: sendHeaders,
    ...(body !== undefined && { body }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    json: parseJson(text),
    text,
    errorType: response.headers.get('x-amzn-errortype'),
    requestId: response.headers.get('x-amzn-requestid'),
  };
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A raw query as the server's SigV4 check reads it: parts decoded where they decode. */
function queryAsRead(rawQuery: string): Record<string, string | string[]> {
  const query: Record<string, string[]> = {};
  const decode = (text: string) => {
    try {
      return decodeURIComponent(text.replaceAll('+', ' '));
    } catch {
      return text.replaceAll('+', ' ');
    }
  };
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decode(eq < 0 ? part : part.slice(0, eq));
    (query[key] ??= []).push(decode(eq < 0 ? '' : part.slice(eq + 1)));
  }
  return query;
}
