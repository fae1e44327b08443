// A keyed, de-duplicating, rate-limited work queue (client-go's workqueue.RateLimitingInterface):
// - a key waiting in the queue is queued once, however often it is added;
// - a key being processed is never handed out twice at once; added again meanwhile, it is
//   processed once more after done();
// - addRateLimited delays by max(per-key exponential backoff 5 ms … 1000 s, an overall token
//   bucket of 10/s with a burst of 100), like client-go's DefaultControllerRateLimiter.

export interface RateLimiter {
  when(key: string): number;
  forget(key: string): void;
  retries(key: string): number;
}

export class ExponentialFailureRateLimiter implements RateLimiter {
  private readonly failures = new Map<string, number>();
  private readonly baseMs: number;
  private readonly maxMs: number;
  constructor(baseMs = 5, maxMs = 1_000_000) {
    this.baseMs = baseMs;
    this.maxMs = maxMs;
  }
  when(key: string): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    return Math.min(this.maxMs, this.baseMs * 2 ** Math.min(n, 40));
  }
  forget(key: string): void {
    this.failures.delete(key);
  }
  retries(key: string): number {
    return this.failures.get(key) ?? 0;
  }
}

/** A token bucket: `qps` tokens a second, at most `burst` saved up; when() reserves one. */
export class BucketRateLimiter implements RateLimiter {
  private tokens: number;
  private last: number;
  private readonly qps: number;
  private readonly burst: number;
  private readonly now: () => number;
  constructor(qps = 10, burst = 100, now: () => number = Date.now) {
    this.qps = qps;
    this.burst = burst;
    this.now = now;
    this.tokens = burst;
    this.last = now();
  }
  when(): number {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.qps);
    this.last = t;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.qps) * 1000);
  }
  forget(): void {}
  retries(): number {
    return 0;
  }
}

export class MaxOfRateLimiter implements RateLimiter {
  private readonly limiters: RateLimiter[];
  constructor(...limiters: RateLimiter[]) {
    this.limiters = limiters;
  }
  when(key: string): number {
    return Math.max(0, ...this.limiters.map((l) => l.when(key)));
  }
  forget(key: string): void {
    for (const l of this.limiters) l.forget(key);
  }
  retries(key: string): number {
    return Math.max(0, ...this.limiters.map((l) => l.retries(key)));
  }
}

export const defaultRateLimiter = (): RateLimiter => new MaxOfRateLimiter(new ExponentialFailureRateLimiter(5, 1_000_000), new BucketRateLimiter(10, 100));

export interface QueueMetrics {
  add(): void;
  retry(): void;
  depth(n: number): void;
  /** A key waited this many seconds between add and get. */
  queued?(seconds: number): void;
  /** A key was processed (get to done) in this many seconds. */
  worked?(seconds: number): void;
}

export class WorkQueue {
  private readonly queue: string[] = [];
  private head = 0;
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly waiters: ((k: string | undefined) => void)[] = [];
  private readonly delayed = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  /** When a waiting key was added, and when a key being processed was handed out (metrics). */
  private readonly addedAt = new Map<string, number>();
  private readonly startedAt = new Map<string, number>();
  private shuttingDown = false;
  readonly limiter: RateLimiter;
  private readonly metrics: QueueMetrics | undefined;

  constructor(limiter: RateLimiter = defaultRateLimiter(), metrics?: QueueMetrics) {
    this.limiter = limiter;
    this.metrics = metrics;
  }

  get length(): number {
    return this.queue.length - this.head;
  }

  get inFlight(): number {
    return this.processing.size;
  }

  get isShutDown(): boolean {
    return this.shuttingDown;
  }

  add(key: string): void {
    if (this.shuttingDown) return;
    this.metrics?.add();
    if (this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.metrics?.queued) this.addedAt.set(key, performance.now());
    if (this.processing.has(key)) return;
    this.push(key);
  }

  private push(key: string): void {
    const w = this.waiters.shift();
    if (w) {
      this.dirty.delete(key);
      this.processing.add(key);
      this.handedOut(key);
      w(key);
    } else {
      this.queue.push(key);
    }
    this.metrics?.depth(this.length);
  }

  /** Adds after ms; of several pending delays for one key the earliest wins. */
  addAfter(key: string, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) return this.add(key);
    const at = Date.now() + ms;
    const cur = this.delayed.get(key);
    if (cur && cur.at <= at) return;
    if (cur) clearTimeout(cur.timer);
    const timer = setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, ms);
    timer.unref?.();
    this.delayed.set(key, { at, timer });
  }

  addRateLimited(key: string): void {
    this.metrics?.retry();
    this.addAfter(key, this.limiter.when(key));
  }

  forget(key: string): void {
    this.limiter.forget(key);
  }

  retries(key: string): number {
    return this.limiter.retries(key);
  }

  /** Whether key waits to be handed out (again): added since it was last handed out. */
  isDirty(key: string): boolean {
    return this.dirty.has(key);
  }

  /** The next key, or undefined once the queue is shut down. Call done(key) after processing. */
  get(): Promise<string | undefined> {
    if (this.shuttingDown) return Promise.resolve(undefined);
    if (this.length > 0) {
      const key = this.queue[this.head++] as string;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      this.dirty.delete(key);
      this.processing.add(key);
      this.handedOut(key);
      this.metrics?.depth(this.length);
      return Promise.resolve(key);
    }
    return new Promise((r) => this.waiters.push(r));
  }

  private handedOut(key: string): void {
    if (!this.metrics?.queued) return;
    const now = performance.now();
    const at = this.addedAt.get(key);
    this.addedAt.delete(key);
    if (at !== undefined) this.metrics.queued((now - at) / 1000);
    this.startedAt.set(key, now);
  }

  done(key: string): void {
    this.processing.delete(key);
    const t = this.startedAt.get(key);
    if (t !== undefined) {
      this.startedAt.delete(key);
      this.metrics?.worked?.((performance.now() - t) / 1000);
    }
    if (this.dirty.has(key) && !this.shuttingDown) this.push(key);
  }

  /**
   * Drops every waiting and delayed key (leadership lost: the new leader has them, and a resync
   * brings them back when this replica leads again). Keys being processed still call done().
   */
  clear(): void {
    for (const d of this.delayed.values()) clearTimeout(d.timer);
    this.delayed.clear();
    this.queue.length = 0;
    this.head = 0;
    this.dirty.clear();
    this.addedAt.clear();
    this.metrics?.depth(0);
  }

  /** Stops handing out keys: pending get()s resolve undefined; in-flight keys may still call done(). */
  shutDown(): void {
    this.shuttingDown = true;
    for (const d of this.delayed.values()) clearTimeout(d.timer);
    this.delayed.clear();
    for (const w of this.waiters.splice(0)) w(undefined);
  }
}
