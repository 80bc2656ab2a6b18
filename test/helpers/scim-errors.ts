import assert from 'node:assert/strict';
import { DomainError } from '../../src/domain/errors.js';

/** Asserts that an action throws the InvalidInput `DomainError` SCIM shows with this `scimType`. */
export function failsWith(action: () => unknown, scimType: string, pattern?: RegExp): void {
  assert.throws(action, (error: unknown) => {
    assert.ok(error instanceof DomainError, String(error));
    assert.equal(error.kind, 'InvalidInput');
    assert.equal(error.reason, scimType, error.message);
    if (pattern) assert.match(error.message, pattern);
    return true;
  });
}
