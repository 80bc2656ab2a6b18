import assert from 'node:assert/strict';
import { it } from 'node:test';
import { TokenBuckets } from './token-buckets.js';

it('allows a burst, then one request per refilled token, and says how long to wait', () => {
  let now = 0;
  const buckets = new TokenBuckets({ ratePerSecond: 2, capacity: 3 }, () => now);
  assert.deepEqual([buckets.take('a'), buckets.take('a'), buckets.take('a')], [0, 0, 0]);
  assert.equal(buckets.take('a'), 0.5);
  assert.equal(buckets.take('b'), 0, 'each key has its own bucket');
  now = 250;
  assert.equal(buckets.take('a'), 0.25, 'a refused request spends nothing');
  now = 500;
  assert.equal(buckets.take('a'), 0);
  now = 60_000;
  assert.deepEqual(
    [buckets.take('a'), buckets.take('a'), buckets.take('a'), buckets.take('a')],
    [0, 0, 0, 0.5],
  );
});

it('applies new limits to existing buckets and forgets the full ones', () => {
  let now = 0;
  const buckets = new TokenBuckets({ ratePerSecond: 10, capacity: 10 }, () => now);
  buckets.take('a');
  buckets.take('b');
  buckets.setLimits({ ratePerSecond: 1, capacity: 2 });
  assert.deepEqual([buckets.take('a'), buckets.take('a')], [0, 0]);
  assert.equal(buckets.take('a'), 1);
  now = 10_000;
  buckets.sweep();
  assert.equal(buckets.size, 0);
});
