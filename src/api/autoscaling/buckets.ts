// Time-bucketed sums over a sliding window, as the autoscaler averages its metrics
// (serving:pkg/autoscaler/aggregation/bucketing.go, linear algorithm). Pure: times are passed in.
//
// Semantics of average(now), in whole buckets:
// - no write within the last window → 0 (and isEmpty);
// - the first write less than a window ago → the average over the buckets since the first write;
// - no write for d < window buckets → the average over the window minus those d stale buckets;
// - gaps shorter than the window count as zeros.
//
// The window's total is summed afresh from its buckets whenever the window moves on (not kept by
// adding and subtracting): a running total of fractional values (0.1 + 0.2 − 0.1 − 0.2 = 5.6e-17)
// never comes back to exactly 0, and ceil(5.6e-17 / target) is one pod that never scales to zero.

export class TimedBuckets {
  private readonly buckets: Float64Array;
  private readonly granularityMs: number;
  private total = 0;
  /** Bucket numbers (floor(t / granularity)) of the first and last write; -1: none. */
  private firstWrite = -1;
  private lastWrite = -1;

  constructor(windowMs: number, granularityMs = 1000) {
    this.granularityMs = granularityMs;
    this.buckets = new Float64Array(Math.max(1, Math.ceil(windowMs / granularityMs)));
  }

  get size(): number {
    return this.buckets.length;
  }

  private bucket(tMs: number): number {
    return Math.floor(tMs / this.granularityMs);
  }

  /** Adds value to the bucket of time tMs. */
  record(tMs: number, value: number): void {
    const b = this.bucket(tMs);
    const n = this.buckets.length;
    if (this.lastWrite < 0) {
      this.firstWrite = this.lastWrite = b;
    } else if (b > this.lastWrite) {
      if (b - this.lastWrite >= n) {
        this.buckets.fill(0);
        this.total = 0;
        this.firstWrite = b;
      } else {
        for (let i = this.lastWrite + 1; i <= b; i++) this.buckets[i % n] = 0;
        this.total = this.sum();
      }
      this.lastWrite = b;
    } else if (b + n <= this.lastWrite) {
      return; // older than the window
    } else if (b < this.firstWrite) {
      this.firstWrite = b;
    }
    this.buckets[b % n]! += value;
    this.total += value;
  }

  /** No write within the last window. */
  isEmpty(nowMs: number): boolean {
    return this.lastWrite < 0 || this.bucket(nowMs) - this.lastWrite >= this.buckets.length;
  }

  average(nowMs: number): number {
    if (this.isEmpty(nowMs)) return 0;
    const n = this.buckets.length;
    const d = this.bucket(nowMs) - this.lastWrite;
    const written = this.lastWrite - this.firstWrite + 1;
    if (d <= 0) return this.total / Math.min(written, n);
    // The buckets still in the window: the d after the last write have gone stale.
    let total = 0;
    for (let i = this.lastWrite + d + 1; i <= this.lastWrite + n; i++) total += this.buckets[i % n]!;
    return total / Math.min(written, n - d);
  }

  private sum(): number {
    let t = 0;
    for (const v of this.buckets) t += v;
    return t;
  }
}

/** The largest value recorded within the last window (serving's max.TimeWindow, for scale-down-delay). */
export class MaxWindow {
  private readonly windowMs: number;
  private readonly granularityMs: number;
  /** [bucket number, max of that bucket], oldest first, values strictly decreasing. */
  private entries: [number, number][] = [];

  constructor(windowMs: number, granularityMs = 1000) {
    this.windowMs = windowMs;
    this.granularityMs = granularityMs;
  }

  record(tMs: number, value: number): void {
    const b = Math.floor(tMs / this.granularityMs);
    const oldest = b - Math.ceil(this.windowMs / this.granularityMs) + 1;
    while (this.entries.length && this.entries[0]![0] < oldest) this.entries.shift();
    while (this.entries.length && this.entries[this.entries.length - 1]![1] <= value) this.entries.pop();
    this.entries.push([b, value]);
  }

  current(): number {
    return this.entries.length ? this.entries[0]![1] : 0;
  }
}
