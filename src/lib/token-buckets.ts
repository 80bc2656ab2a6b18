/** A bucket's state: tokens left when last touched, at that monotonic time in milliseconds. */
interface Bucket {
  tokens: number;
  at: number;
}

export interface BucketLimits {
  /** tokens added per second */
  ratePerSecond: number;
  /** the most a bucket holds: the burst allowed after a quiet spell */
  capacity: number;
}

/**
 * Token buckets by key, in memory: one `take` is a map lookup and some arithmetic, cheap
 * enough for every request. A bucket is refilled lazily from the time elapsed, and one that
 * would be full again is forgotten by `sweep` (it is the same as a new one), so memory follows
 * the keys active lately.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private limits: BucketLimits,
    /** monotonic milliseconds: wall-clock jumps must neither refill nor drain a bucket */
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** New limits for every bucket; tokens above the new capacity are dropped. */
  setLimits(limits: BucketLimits): void {
    this.limits = limits;
  }

  /** Takes one token; returns 0 when there was one, else the seconds until there will be. */
  take(key: string): number {
    const { ratePerSecond, capacity } = this.limits;
    const now = this.now();
    const bucket = this.buckets.get(key);
    const tokens = bucket
      ? Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * ratePerSecond)
      : capacity;
    if (tokens >= 1) {
      if (bucket) [bucket.tokens, bucket.at] = [tokens - 1, now];
      else this.buckets.set(key, { tokens: tokens - 1, at: now });
      return 0;
    }
    if (bucket) [bucket.tokens, bucket.at] = [tokens, now];
    return (1 - tokens) / ratePerSecond;
  }

  /** Forgets the buckets that have refilled to capacity. */
  sweep(): void {
    const { ratePerSecond, capacity } = this.limits;
    const now = this.now();
    for (const [key, bucket] of this.buckets)
      if (bucket.tokens + ((now - bucket.at) / 1000) * ratePerSecond >= capacity) this.buckets.delete(key);
  }

  get size(): number {
    return this.buckets.size;
  }
}
