// Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection does it:
// acquire when the lease is free or expired, renew every retry period, give up after the renew
// deadline, release on graceful stop so another replica takes over at once.
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
  leaseDurationSeconds?: number; // 15
  renewDeadlineMs?: number; // 10 s
  retryPeriodMs?: number; // 2 s
  onStartedLeading(): void;
  onStoppedLeading(): void;
  /** An acquire or renew attempt failed (not a conflict, not a lease held by another): say, its namespace does not exist or RBAC forbids it. */
  onError?(e: unknown): void;
  now?: () => number;
}

const microTime = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

export class LeaderElector {
  private leading = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private lastRenew = 0;
  private readonly o: Required<Omit<LeaderElectionOptions, 'now' | 'onError'>> & { now: () => number; onError?: (e: unknown) => void };
  private readonly client: KubeClient;

  constructor(client: KubeClient, o: LeaderElectionOptions) {
    this.client = client;
    this.o = { leaseDurationSeconds: 15, renewDeadlineMs: 10_000, retryPeriodMs: 2_000, now: Date.now, ...o };
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
    if (!this.leading) return;
    this.leading = false;
    try {
      const lease = await this.client.get<Lease>(R.Lease, this.o.name, this.o.namespace);
      if (lease.spec.holderIdentity === this.o.identity) {
        lease.spec.holderIdentity = '';
        lease.spec.leaseDurationSeconds = 1;
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
    try {
      ok = await this.tryAcquireOrRenew();
    } catch (e) {
      ok = false;
      try {
        this.o.onError?.(e);
      } catch {
        /* a failing error handler must not stop the election loop */
      }
    }
    const now = this.o.now();
    if (ok) {
      this.lastRenew = now;
      if (!this.leading) {
        this.leading = true;
        this.o.onStartedLeading();
      }
    } else if (this.leading && now - this.lastRenew > this.o.renewDeadlineMs) {
      this.leading = false;
      this.o.onStoppedLeading();
    }
    if (!this.stopped) {
      this.timer = setTimeout(() => void this.tick(), this.o.retryPeriodMs);
      this.timer.unref?.();
    }
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = this.o.now();
    const { name, namespace, identity, leaseDurationSeconds } = this.o;
    let lease = await this.client.find<Lease>(R.Lease, name, namespace);
    if (!lease) {
      try {
        await this.client.create<Lease>(R.Lease, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name, namespace },
          spec: { holderIdentity: identity, leaseDurationSeconds, acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: 0 },
        });
        return true;
      } catch (e) {
        if (e instanceof KubeError && e.alreadyExists) return false;
        throw e;
      }
    }
    const holder = lease.spec.holderIdentity ?? '';
    const renewed = lease.spec.renewTime ? Date.parse(lease.spec.renewTime) : 0;
    const expired = renewed + (lease.spec.leaseDurationSeconds ?? leaseDurationSeconds) * 1000 < now;
    if (holder && holder !== identity && !expired) return false;
    lease = {
      ...lease,
      spec: {
        ...lease.spec,
        holderIdentity: identity,
        leaseDurationSeconds,
        renewTime: microTime(now),
        ...(holder !== identity
          ? { acquireTime: microTime(now), leaseTransitions: (lease.spec.leaseTransitions ?? 0) + 1 }
          : {}),
      },
    };
    try {
      await this.client.replace(R.Lease, lease); // resourceVersion makes this a compare-and-swap
      return true;
    } catch (e) {
      if (e instanceof KubeError && e.conflict) return false;
      throw e;
    }
  }
}
