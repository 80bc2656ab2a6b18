import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './usage.js';

/**
 * Saves a key as one profile of an AWS shared-credentials file (mode 0600). Only that profile's
 * section is replaced, in place; every other profile, and any comment, stays as it was.
 * Returns the absolute path written.
 */
export function saveCredentialsProfile(
  path: string,
  profile: string,
  key: { accessKeyId: string; secretAccessKey: string },
): string {
  if (!/^[^\s[\]]+$/.test(profile)) throw new UsageError(`"${profile}" is not a usable profile name`);
  const file = resolve(path);
  const section = [
    `[${profile}]`,
    `aws_access_key_id = ${key.accessKeyId}`,
    `aws_secret_access_key = ${key.secretAccessKey}`,
  ];
  const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n') : [];
  if (lines.at(-1) === '') lines.pop();

  const start = lines.findIndex((l) => sectionName(l) === profile);
  if (start === -1) {
    if (lines.length > 0 && lines.at(-1)!.trim() !== '') lines.push('');
    lines.push(...section);
  } else {
    let end = start + 1;
    while (end < lines.length && sectionName(lines[end]!) === undefined) end++;
    // Keep the blank line that separated the old section from the next one.
    const gap = end < lines.length && lines[end - 1]!.trim() === '' ? [''] : [];
    lines.splice(start, end - start, ...section, ...gap);
  }

  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  // Tighten an existing file before the secret goes in, not after.
  if (existsSync(file)) chmodSync(file, 0o600);
  writeFileSync(file, lines.join('\n') + '\n', { mode: 0o600 });
  return file;
}

function sectionName(line: string): string | undefined {
  return /^\s*\[\s*([^\]]*?)\s*\]\s*$/.exec(line)?.[1];
}
