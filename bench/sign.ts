import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';

/** A request to replay under load: the URL and the headers to send with it. */
export interface SignedGet {
  url: string;
  headers: Record<string, string>;
}

/**
 * Signs a GET the way @aws-sdk/client-chime does (SigV4, service chime, path escaped once more).
 * Belfry accepts a signature for 15 minutes and does not refuse replays, so one signature serves
 * a whole measurement: the server still verifies it and looks the key up on every request.
 */
export async function signGet(
  origin: string,
  pathAndQuery: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
): Promise<SignedGet> {
  const url = new URL(pathAndQuery, origin);
  const signer = new SignatureV4({
    credentials,
    region: 'us-east-1',
    service: 'chime',
    sha256: NodeSha256,
    uriEscapePath: true,
  });
  const signed = await signer.sign({
    method: 'GET',
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: { host: url.host },
  });
  return { url: url.toString(), headers: signed.headers };
}

/** SHA-256 (or HMAC-SHA-256 with a secret) from node:crypto, in the shape the signer asks for. */
class NodeSha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = this.fresh();
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(typeof data === 'string' ? data : toBuffer(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
  reset(): void {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    if (this.secret === undefined) return createHash('sha256');
    return createHmac('sha256', typeof this.secret === 'string' ? this.secret : toBuffer(this.secret));
  }
}

function toBuffer(data: ArrayBuffer | ArrayBufferView): Buffer {
  return ArrayBuffer.isView(data)
    ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
    : Buffer.from(data);
}
