// The autoscaler's running part (serving:pkg/autoscaler/scaling/multiscaler.go, in the controller
// process): one Decider per KPA-class PodAutoscaler, fed with the gateways' per-revision reports,
// ticked every 2 s; a changed decision, or a poke (traffic for a revision at zero), enqueues the
// PA at once so its reconciler applies it. Reports from several gateway replicas for the same
// second add up (each reports only its own share of the traffic).
//
// A report names every revision the gateway saw traffic for in its interval. While any gateway
// reports, a revision it does not name had no traffic there: the tick records a 0 for every known
// decider so "idle" is data, not a gap (otherwise a revision nobody calls would have no data after a
// stable window, and no data means "keep the current scale", never zero). With no gateway reporting
// at all the deciders get no data and keep their scale: an outage of the metrics path never scales
// anything to zero.
import { type DeciderSpec } from '../../api/autoscaling/annotations.ts';
import { Decider, type ScaleResult } from '../../api/autoscaling/decider.ts';

/** What one gateway replica reports for one revision over its interval. */
export interface RevisionStat {
  namespace: string;
  revision: string;
  /** Time-averaged in-flight requests (including requests held while the revision scales up). */
  concurrency: number;
  /** Requests per second that arrived. */
  rps: number;
}

export interface StatReport {
  /** The reporting gateway replica (pod name). */
  gateway: string;
  stats: RevisionStat[];
  /** A request arrived for a revision with no ready pod: decide now. */
  poke?: { namespace: string; revision: string }[];
}

export const TICK_MS = 2_000;
/** A gateway that reported within this long keeps the metrics path "alive". */
const ALIVE_MS = 5_000;

interface Entry {
  decider: Decider;
  ready: number;
  lastDesired: number;
}

export class Autoscaler {
  private readonly entries = new Map<string, Entry>();
  private readonly gateways = new Map<string, number>();
  /** Pokes for PAs without a decider yet (a controller that just started): recorded when it is created. */
  private readonly pendingPokes = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  /** Set by the PA reconciler: reconcile this PA (namespace/name) soon. */
  enqueue: ((key: string) => void) | undefined;
  /** Set by the PA reconciler: whether the PA still exists (deciders of deleted PAs are dropped on the tick). */
  exists: ((key: string) => boolean) | undefined;
  /** Counters for /metrics and tests. */
  readonly counts = { reports: 0, pokes: 0, ticks: 0 };

  constructor(o: { now?: () => number } = {}) {
    this.now = o.now ?? Date.now;
  }

  /** Creates or updates the decider of a PA; readyPods is what the PA reconciler sees now. */
  ensure(key: string, spec: DeciderSpec, readyPods: number): Decider {
    let e = this.entries.get(key);
    if (!e) {
      e = { decider: new Decider(spec, this.now(), readyPods), ready: readyPods, lastDesired: -1 };
      this.entries.set(key, e);
      if (this.pendingPokes.delete(key)) e.decider.record(this.now(), 1);
      this.start();
    } else {
      e.decider.update(spec);
      e.ready = readyPods;
    }
    return e.decider;
  }

  /** The latest decision for a PA (computed now), or undefined when it has no decider. */
  decide(key: string): ScaleResult | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    const r = e.decider.scale(this.now(), e.ready);
    if (r.valid) e.lastDesired = r.desired;
    return r;
  }

  forget(key: string): void {
    this.entries.delete(key);
    if (this.entries.size === 0) this.stop();
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** A gateway's report. */
  ingest(r: StatReport): void {
    const now = this.now();
    this.counts.reports++;
    this.gateways.set(r.gateway, now);
    for (const s of r.stats) {
      const e = this.entries.get(`${s.namespace}/${s.revision}`);
      if (!e) continue;
      e.decider.record(now, e.decider.spec.metric === 'rps' ? s.rps : s.concurrency);
    }
    for (const p of r.poke ?? []) {
      const key = `${p.namespace}/${p.revision}`;
      const e = this.entries.get(key);
      this.counts.pokes++;
      if (!e) {
        if (this.pendingPokes.size < 10_000) this.pendingPokes.add(key);
        this.enqueue?.(key);
        continue;
      }
      // As the activator's first report for a revision: one request in flight.
      e.decider.record(now, 1);
      const before = e.lastDesired;
      const res = this.decide(key);
      if (res && (before <= 0 || e.ready === 0 || res.desired !== before)) this.enqueue?.(key);
    }
  }

  /** One tick: idle revisions record 0 while gateways report; changed decisions enqueue their PA. */
  tick(): void {
    const now = this.now();
    this.counts.ticks++;
    let alive = false;
    for (const [g, t] of this.gateways) {
      if (now - t <= ALIVE_MS) alive = true;
      else if (now - t > 10 * ALIVE_MS) this.gateways.delete(g);
    }
    for (const [key, e] of this.entries) {
      if (this.exists && !this.exists(key)) {
        this.forget(key);
        continue;
      }
      if (alive) e.decider.record(now, 0);
      const before = e.lastDesired;
      const r = this.decide(key);
      if (r?.valid && r.desired !== before) this.enqueue?.(key);
    }
  }

  /** Ticks every TICK_MS (started by the first decider). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
