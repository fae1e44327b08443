// Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection does it.
//
// Expiry is never computed from the times written in the lease (another replica's clock): a
// replica remembers, on its own monotonic clock, when it last saw the lease record change (holder,
// renewTime, acquireTime, duration, transitions) and takes the lease over only once
// leaseDurationSeconds have passed on that clock without a change. A replica whose wall clock is
// hours ahead or behind therefore neither steals a live lease nor keeps a dead one.
//
// A leader renews every retry period; when no renew succeeded within the renew deadline it stops
// leading (before any peer can consider the lease expired, since renewDeadline < leaseDuration).
// A graceful stop releases the lease (empty holder, 1 s duration) so a peer takes over at once.
import type { KubeObject } from '../api/meta.ts';
import { R } from '../api/resources.ts';
import type { KubeClient } from './client.ts';
import { KubeError } from './errors.ts';

export interface Lease extends KubeObject {
  spec: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

export interface LeaderElectionOptions {
  name: string;
  namespace: string;
  identity: string;
  /** How long a peer waits, after it last saw the lease change, before taking it over: 15 s (client-go's default). */
  leaseDurationSeconds?: number;
  /** A leader that could not renew for this long stops leading: 10 s. Must be below the lease duration. */
  renewDeadlineMs?: number;
  /** Between acquire or renew attempts: 2 s. */
  retryPeriodMs?: number;
  onStartedLeading(): void;
  onStoppedLeading(): void;
  /** An acquire or renew attempt failed (not a conflict, not a lease held by another): say, its namespace does not exist or RBAC forbids it. */
  onError?(e: unknown): void;
  /** Wall clock, for the times written into the lease (informational only): Date.now. */
  now?: () => number;
  /** Monotonic clock in ms, for every expiry decision: performance.now. */
  monotonic?: () => number;
}

const microTime = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

/** The parts of a lease whose change proves its holder alive (client-go compares the whole record). */
const recordOf = (l: Lease): string => {
  const s = l.spec ?? {};
  return JSON.stringify([s.holderIdentity ?? '', s.leaseDurationSeconds ?? 0, s.acquireTime ?? '', s.renewTime ?? '', s.leaseTransitions ?? 0]);
};

export class LeaderElector {
  private leading = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private deadline: NodeJS.Timeout | undefined;
  /** Monotonic time of the last successful acquire or renew. */
  private lastRenew = 0;
  /** The lease record as last seen, and the monotonic time at which it was seen to change. */
  private observed: { record: string; at: number; durationMs: number; holder: string } | undefined;
  private readonly o: Required<Omit<LeaderElectionOptions, 'onError'>> & { onError?: (e: unknown) => void };
  private readonly client: KubeClient;

  constructor(client: KubeClient, o: LeaderElectionOptions) {
    this.client = client;
    this.o = { leaseDurationSeconds: 15, renewDeadlineMs: 10_000, retryPeriodMs: 2_000, now: Date.now, monotonic: () => performance.now(), ...o };
    const { leaseDurationSeconds, renewDeadlineMs, retryPeriodMs } = this.o;
    // client-go's checks: a leader must give up before a peer may take over.
    if (!(leaseDurationSeconds * 1000 > renewDeadlineMs)) throw new Error(`leader election: the lease duration (${leaseDurationSeconds} s) must be longer than the renew deadline (${renewDeadlineMs} ms)`);
    if (!(renewDeadlineMs > retryPeriodMs * 1.2)) throw new Error(`leader election: the renew deadline (${renewDeadlineMs} ms) must be longer than 1.2 × the retry period (${retryPeriodMs} ms)`);
  }

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    void this.tick();
  }

  /** Stops; a leader releases the lease so a peer can take it without waiting for expiry. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.deadline);
    if (!this.leading) return;
    this.leading = false;
    try {
      const lease = await this.client.get<Lease>(R.Lease, this.o.name, this.o.namespace);
      if (lease.spec.holderIdentity === this.o.identity) {
        const now = this.o.now();
        lease.spec = { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, acquireTime: microTime(now), renewTime: microTime(now) };
        await this.client.replace(R.Lease, lease);
      }
    } catch {
      /* best effort */
    }
    this.o.onStoppedLeading();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    let ok: boolean;
    let timer: NodeJS.Timeout | undefined;
    try {
      // An attempt that hangs (an API server that accepts and never answers) must not keep a
      // leader leading past its renew deadline: it counts as failed when the deadline comes.
      const left = this.leading ? this.o.renewDeadlineMs - (this.o.monotonic() - this.lastRenew) : this.o.renewDeadlineMs;
      const deadline = new Promise<boolean>((r) => {
        timer = setTimeout(() => r(false), Math.max(0, left));
        timer.unref?.();
      });
      ok = await Promise.race([this.tryAcquireOrRenew(), deadline]);
    } catch (e) {
      ok = false;
      try {
        this.o.onError?.(e);
      } catch {
        /* a failing error handler must not stop the election loop */
      }
    } finally {
      clearTimeout(timer);
    }
    if (this.stopped) return;
    const now = this.o.monotonic();
    if (ok) {
      this.lastRenew = now;
      // Whatever the ticks do, a leader without a successful renew for renewDeadline steps down.
      clearTimeout(this.deadline);
      this.deadline = setTimeout(() => this.stepDown(), this.o.renewDeadlineMs);
      this.deadline.unref?.();
      if (!this.leading) {
        this.leading = true;
        this.o.onStartedLeading();
      }
    } else if (this.leading && (now - this.lastRenew >= this.o.renewDeadlineMs || (this.observed && this.observed.holder !== this.o.identity))) {
      // No renew within the deadline, or the lease is someone else's: stop at once.
      this.stepDown();
    }
    this.schedule();
  }

  private stepDown(): void {
    clearTimeout(this.deadline);
    if (!this.leading) return;
    this.leading = false;
    this.o.onStoppedLeading();
  }

  private schedule(): void {
    if (this.stopped) return;
    // A leader renews at the retry period; a follower retries with client-go's jitter (up to 1.2×).
    const wait = this.leading ? this.o.retryPeriodMs : this.o.retryPeriodMs * (1 + Math.random() * 0.2);
    this.timer = setTimeout(() => void this.tick(), wait);
    this.timer.unref?.();
  }

  /** Notes the lease as read; a changed record restarts the expiry clock. */
  private observe(lease: Lease): void {
    const record = recordOf(lease);
    if (this.observed?.record === record) return;
    this.observed = {
      record,
      at: this.o.monotonic(),
      durationMs: (lease.spec.leaseDurationSeconds ?? this.o.leaseDurationSeconds) * 1000,
      holder: lease.spec.holderIdentity ?? '',
    };
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const wall = this.o.now();
    const { name, namespace, identity, leaseDurationSeconds } = this.o;
    let lease = await this.client.find<Lease>(R.Lease, name, namespace);
    if (!lease) {
      try {
        const created = await this.client.create<Lease>(R.Lease, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name, namespace },
          spec: { holderIdentity: identity, leaseDurationSeconds, acquireTime: microTime(wall), renewTime: microTime(wall), leaseTransitions: 0 },
        });
        this.observe(created);
        return true;
      } catch (e) {
        if (e instanceof KubeError && e.alreadyExists) return false;
        throw e;
      }
    }
    this.observe(lease);
    const holder = lease.spec.holderIdentity ?? '';
    const obs = this.observed!;
    if (holder && holder !== identity && this.o.monotonic() < obs.at + obs.durationMs) return false;
    lease = {
      ...lease,
      spec: {
        ...lease.spec,
        holderIdentity: identity,
        leaseDurationSeconds,
        renewTime: microTime(wall),
        ...(holder !== identity ? { acquireTime: microTime(wall), leaseTransitions: (lease.spec.leaseTransitions ?? 0) + 1 } : {}),
      },
    };
    try {
      const out = await this.client.replace(R.Lease, lease); // resourceVersion makes this a compare-and-swap
      this.observe(out);
      return true;
    } catch (e) {
      if (e instanceof KubeError && e.conflict) return false;
      throw e;
    }
  }
}
