import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { createSecretBox } from './secret-box.js';

describe('derived values', () => {
  it('are the same for one key, purpose and value, and differ when any of them does', () => {
    const key = randomBytes(32);
    const box = createSecretBox(key);
    const value = box.derive('invitation-link', 'invite-1');
    assert.match(value, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(createSecretBox(Buffer.from(key)).derive('invitation-link', 'invite-1'), value);
    assert.notEqual(box.derive('invitation-link', 'invite-2'), value);
    assert.notEqual(box.derive('another-purpose', 'invite-1'), value);
    assert.notEqual(createSecretBox(randomBytes(32)).derive('invitation-link', 'invite-1'), value);
  });
});
