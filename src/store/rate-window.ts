/**
 * Counts in fixed time buckets over a sliding window (e.g. 60 × 1 s for events/min,
 * 15 × 60 s for the per-minute chart). O(1) per add, O(buckets) per read, no timers.
 */
export class RateWindow {
  readonly #bucketMs: number;
  readonly #stamps: Float64Array;
  readonly #counts: Float64Array;

  constructor(buckets: number, bucketMs: number) {
    this.#bucketMs = bucketMs;
    this.#stamps = new Float64Array(buckets).fill(-1);
    this.#counts = new Float64Array(buckets);
  }

  add(nowMs: number, n = 1): void {
    const slot = Math.floor(nowMs / this.#bucketMs);
    const i = slot % this.#stamps.length;
    if (this.#stamps[i] !== slot) {
      this.#stamps[i] = slot;
      this.#counts[i] = 0;
    }
    this.#counts[i]! += n;
  }

  /** Sum over the window ending at `nowMs` (the current bucket included). */
  total(nowMs: number): number {
    const current = Math.floor(nowMs / this.#bucketMs);
    let sum = 0;
    for (let i = 0; i < this.#stamps.length; i++) {
      const stamp = this.#stamps[i]!;
      if (stamp > current - this.#stamps.length && stamp <= current) sum += this.#counts[i]!;
    }
    return sum;
  }

  /** One entry per bucket, oldest first, ending with the current bucket. */
  series(nowMs: number): Array<{ at: string; count: number }> {
    const current = Math.floor(nowMs / this.#bucketMs);
    const out: Array<{ at: string; count: number }> = [];
    for (let slot = current - this.#stamps.length + 1; slot <= current; slot++) {
      const i = ((slot % this.#stamps.length) + this.#stamps.length) % this.#stamps.length;
      out.push({
        at: new Date(slot * this.#bucketMs).toISOString(),
        count: this.#stamps[i] === slot ? this.#counts[i]! : 0,
      });
    }
    return out;
  }
}
