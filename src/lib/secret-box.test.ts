import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { createSecretBox } from './secret-box.js';

describe('keyed hashes', () => {
  it('are the same for one key, purpose and value, and differ when any of them does', () => {
    const key = randomBytes(32);
    const box = createSecretBox(key);
    const value = box.mac('invitation link', 'invite-1');
    assert.equal(value.length, 32);
    assert.deepEqual(createSecretBox(Buffer.from(key)).mac('invitation link', 'invite-1'), value);
    assert.notDeepEqual(box.mac('invitation link', 'invite-2'), value);
    assert.notDeepEqual(box.mac('another purpose', 'invite-1'), value);
    assert.notDeepEqual(createSecretBox(randomBytes(32)).mac('invitation link', 'invite-1'), value);
  });
});
