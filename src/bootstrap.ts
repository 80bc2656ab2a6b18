import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { systemActor } from './domain/access/actor.js';
import type { Config } from './config.js';
import type { AccessKeys, NewAccessKey } from './domain/access/keys.js';

/**
 * The installation's master key: BELFRY_MASTER_KEY when set, otherwise `<data dir>/master.key`,
 * created on first start (mode 0600). Every instance sharing one database needs the same key.
 */
export function loadMasterKey(config: Config): Buffer {
  if (config.masterKey) return config.masterKey;
  const file = join(config.dataDir, 'master.key');
  if (existsSync(file)) {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte base64 key`);
    return key;
  }
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600 });
  return key;
}

/**
 * On first start (no access key at all) creates the operator administrator with FullAccess, from
 * BELFRY_BOOTSTRAP_* when given. Returns the new key so the caller can show it once.
 */
export async function ensureOperatorKey(config: Config, keys: AccessKeys): Promise<NewAccessKey | undefined> {
  if (await keys.hasAnyKey()) return undefined;
  return keys.createAccessKey(systemActor(`bootstrap-${randomUUID()}`), {
    name: 'operator',
    policy: 'FullAccess',
    accessKeyId: config.bootstrapKey?.accessKeyId,
    secretAccessKey: config.bootstrapKey?.secretAccessKey,
  });
}

/**
 * Takes back the key ensureOperatorKey just made, for a start that failed before showing it: the
 * next start then finds no key and makes (and shows) one again. The credentials file this start
 * wrote for it goes too. Returns false, leaving both in place, when the key could not be deleted.
 */
export async function withdrawOperatorKey(
  keys: AccessKeys,
  key: NewAccessKey,
  savedFile: string | undefined,
): Promise<boolean> {
  try {
    await keys.deleteAccessKey(systemActor(`bootstrap-${randomUUID()}`), key.accessKeyId);
  } catch {
    return false;
  }
  if (savedFile) rmSync(savedFile, { force: true });
  return true;
}

/** Writes the key in the AWS shared-credentials format under profile `belfry`, mode 0600. */
export function writeCredentialsFile(dataDir: string, key: NewAccessKey): string {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, 'credentials');
  const text = `[belfry]\naws_access_key_id = ${key.accessKeyId}\naws_secret_access_key = ${key.secretAccessKey}\n`;
  // Written beside it with mode 0600 and renamed over it, so the secret is never readable through
  // the looser mode a file already there might have.
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, text, { mode: 0o600 });
  chmodSync(partial, 0o600);
  renameSync(partial, file);
  return file;
}
