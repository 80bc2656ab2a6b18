import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readPasswordFile } from './directory.js';
import { CliError } from './usage.js';

describe('readPasswordFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'belfry-bind-pw-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string, mode = 0o600) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    chmodSync(path, mode);
    return path;
  };

  it('drops exactly one trailing newline, keeping every other character', () => {
    assert.equal(readPasswordFile(file('a', 'pa ss\n')), 'pa ss');
    assert.equal(readPasswordFile(file('b', 'pass\r\n')), 'pass');
    assert.equal(readPasswordFile(file('c', 'pass\n\n')), 'pass\n');
    assert.equal(readPasswordFile(file('d', ' pass ')), ' pass ');
  });

  it('refuses an empty file and one that cannot be read, naming the file', () => {
    assert.throws(
      () => readPasswordFile(file('e', '\n')),
      (e: Error) => e instanceof CliError && /is empty/.test(e.message),
    );
    assert.throws(
      () => readPasswordFile(join(dir, 'missing')),
      /cannot read the bind password file .*missing/,
    );
  });

  it('warns when others may read the file, and still reads it', (t) => {
    const written: string[] = [];
    t.mock.method(process.stderr, 'write', (text: string) => (written.push(text), true));
    assert.equal(readPasswordFile(file('f', 'pass\n', 0o644)), 'pass');
    assert.match(written.join(''), /can be read by other users .*chmod 600/);
    written.length = 0;
    readPasswordFile(file('g', 'pass\n', 0o600));
    assert.deepEqual(written, []);
  });
});
