/**
 * A token bucket per client address: a burst of `burst` searches, then `perSecond`. One phone
 * hammering search cannot starve a classroom on a Raspberry Pi.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly burst = Math.max(1, perSecond * 2),
  ) {}

  /** Whether the client may go ahead now; always true when the limit is off (0). */
  allow(client: string, now = Date.now()): boolean {
    if (this.perSecond <= 0) return true;
    const bucket = this.buckets.get(client) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    this.buckets.set(client, bucket);
    if (this.buckets.size > 10_000) this.forgetIdle(now);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  private forgetIdle(now: number): void {
    for (const [client, bucket] of this.buckets) {
      if (now - bucket.at > 60_000) this.buckets.delete(client);
    }
  }
}
