// The autoscaler's running part (serving:pkg/autoscaler/scaling/multiscaler.go, in the controller
// process): one Decider per KPA-class PodAutoscaler, fed with the gateways' per-revision reports,
// ticked every 2 s; a changed decision, or a poke (traffic for a revision at zero), enqueues the
// PA at once so its reconciler applies it.
//
// Each gateway replica reports once a second, at its own phase. The autoscaler keeps each
// replica's latest report per revision and, once a second, records their sum (each reports only
// its own share of the traffic), as upstream's scraper records one sample a second: two reports of
// one replica that fall in the same second never count twice (which a one-bucket panic window
// would read as a burst).
//
// A report names every revision the gateway saw traffic for in its interval. While any gateway
// reports, a revision no fresh report names had no traffic: the sum recorded is 0, so "idle" is
// data, not a gap (otherwise a revision nobody calls would have no data after a stable window, and
// no data means "keep the current scale", never zero). With no gateway reporting at all the
// deciders get no data and keep their scale: an outage of the metrics path never scales anything
// to zero.
import { type DeciderSpec } from '../../api/autoscaling/annotations.ts';
import { Decider, type ScaleResult } from '../../api/autoscaling/decider.ts';
import type { Logger } from '../runtime/types.ts';

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
/** Reports are summed and recorded this often. */
export const COLLECT_MS = 1_000;
/** A gateway's latest report for a revision counts this long (it reports every second). */
const FRESH_MS = 2_000;
/** A gateway that reported within this long keeps the metrics path "alive". */
const ALIVE_MS = 5_000;

interface Entry {
  decider: Decider;
  ready: number;
  lastDesired: number;
  /** When this replica created the decider (a new leader: when it took over). */
  createdMs: number;
  /** Each gateway replica's latest value of the decider's metric, and when it came. */
  latest: Map<string, { t: number; value: number }>;
}

export class Autoscaler {
  private readonly entries = new Map<string, Entry>();
  private readonly gateways = new Map<string, number>();
  /** The revisions each gateway's last report named. */
  private readonly named = new Map<string, Set<string>>();
  /** Pokes for PAs without a decider yet (a controller that just started): recorded when it is created. */
  private readonly pendingPokes = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  /** The COLLECT_MS bucket of the last collection (one record per bucket). */
  private collected = -1;
  private readonly now: () => number;
  /** Set by the PA reconciler: reconcile this PA (namespace/name) soon. */
  enqueue: ((key: string) => void) | undefined;
  /** Set by the PA reconciler: the controller's log (a decider's creation, its changed decisions, its end). */
  log: Logger | undefined;
  /** Set by the PA reconciler: whether the PA still exists (deciders of deleted PAs are dropped on the tick). */
  exists: ((key: string) => boolean) | undefined;
  /** Whether this controller replica leads (set by startController; alone: always). Only the leader takes reports and decides. */
  leading: () => boolean = () => true;
  /** Counters for /metrics and tests. */
  readonly counts = { reports: 0, pokes: 0, ticks: 0, refused: 0 };

  constructor(o: { now?: () => number } = {}) {
    this.now = o.now ?? Date.now;
  }

  /** Creates or updates the decider of a PA; readyPods is what the PA reconciler sees now. */
  ensure(key: string, spec: DeciderSpec, readyPods: number): Decider {
    let e = this.entries.get(key);
    if (!e) {
      e = { decider: new Decider(spec, this.now(), readyPods), ready: readyPods, lastDesired: -1, createdMs: this.now(), latest: new Map() };
      this.entries.set(key, e);
      if (this.pendingPokes.delete(key)) e.decider.record(this.now(), 1);
      this.log?.info({ pa: key, readyPods, windowMs: spec.stableWindowMs }, 'autoscaler: decider created');
      this.start();
    } else {
      e.decider.update(spec);
      e.ready = readyPods;
    }
    return e.decider;
  }

  /**
   * The latest decision for a PA (computed now), or undefined when it has no decider. A decider
   * younger than its stable window (a controller that just started, or a new leader) never decides
   * 0 for a revision with ready pods: it has not yet seen a whole window of traffic, so it keeps the
   * current scale instead (the counterpart of starting in panic mode above one pod).
   */
  decide(key: string): ScaleResult | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    const now = this.now();
    let r = e.decider.scale(now, e.ready);
    if (r.valid && r.desired === 0 && e.ready > 0 && now - e.createdMs < e.decider.spec.stableWindowMs) r = { ...r, desired: -1, valid: false };
    // The last decision, -1 when there is none (no data, or the young-decider guard above): the tick
    // enqueues the PA when it changes, so a guard that ends, or data that returns, is a change too.
    // (Kept only for valid decisions, a 0 decided while the pod was not yet ready, before the guard
    // applied, made the 0 after the guard look unchanged: a new idle Service kept its pod for ever.)
    e.lastDesired = r.valid ? r.desired : -1;
    return r;
  }

  forget(key: string, why = 'forgotten'): void {
    if (this.entries.delete(key)) this.log?.info({ pa: key, why }, 'autoscaler: decider dropped');
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
    // A revision this gateway named last time and not now had no traffic there since.
    const named = new Set<string>();
    for (const s of r.stats) {
      const key = `${s.namespace}/${s.revision}`;
      const e = this.entries.get(key);
      if (!e) continue;
      named.add(key);
      e.latest.set(r.gateway, { t: now, value: e.decider.spec.metric === 'rps' ? s.rps : s.concurrency });
    }
    for (const key of this.named.get(r.gateway) ?? []) if (!named.has(key)) this.entries.get(key)?.latest.delete(r.gateway);
    this.named.set(r.gateway, named);
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

  /** Records, for every decider, the sum of the gateways' fresh reports (0 when none names it) while any gateway reports. */
  collect(): void {
    const now = this.now();
    const bucket = Math.floor(now / COLLECT_MS);
    if (bucket === this.collected) return;
    let alive = false;
    for (const [g, t] of this.gateways) {
      if (now - t <= ALIVE_MS) alive = true;
      else if (now - t > 10 * ALIVE_MS) {
        this.gateways.delete(g);
        this.named.delete(g);
      }
    }
    if (!alive) return;
    this.collected = bucket;
    for (const e of this.entries.values()) {
      let sum = 0;
      for (const [g, v] of e.latest) {
        if (now - v.t <= FRESH_MS) sum += v.value;
        else e.latest.delete(g);
      }
      e.decider.record(now, sum);
    }
  }

  /** One tick: the reports are recorded (collect); changed decisions enqueue their PA. */
  tick(): void {
    this.counts.ticks++;
    if (!this.leading()) {
      // Leadership lost: the windows stop here; a later term starts afresh (with the guard in decide()).
      for (const key of [...this.entries.keys()]) this.forget(key, 'not the leader');
      this.gateways.clear();
      this.named.clear();
      return;
    }
    this.collect();
    for (const [key, e] of this.entries) {
      if (this.exists && !this.exists(key)) {
        this.forget(key, 'the PodAutoscaler is gone');
        continue;
      }
      const before = e.lastDesired;
      const r = this.decide(key);
      if (r?.valid && r.desired !== before) {
        this.log?.info({ pa: key, from: before, to: r.desired, stable: r.observedStable, panic: r.observedPanic, panicking: r.panicking }, 'autoscaler: decision changed');
        this.enqueue?.(key);
      }
    }
  }

  /**
   * Collects once in every COLLECT_MS bucket and ticks every TICK_MS (started by the first
   * decider). The timer aims at the middle of each second rather than running a setInterval: an
   * interval drifts against the clock and Node's timers may fire a millisecond early, so two
   * collections can land in one bucket (a one-bucket panic window then reads a doubled load and
   * over-provisions) or none in the next. A collection that still finds its bucket taken (a late
   * timer, or collect() called by hand meanwhile) is skipped.
   */
  start(): void {
    if (this.timer) return;
    const schedule = () => {
      const now = this.now();
      const next = (Math.floor(now / COLLECT_MS) + 1) * COLLECT_MS + COLLECT_MS / 2;
      this.timer = setTimeout(fire, next - now);
      this.timer.unref();
    };
    const fire = () => {
      const bucket = Math.floor(this.now() / COLLECT_MS);
      if (bucket % (TICK_MS / COLLECT_MS) === 0) this.tick();
      else if (this.leading()) this.collect();
      if (this.timer) schedule();
    };
    schedule();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
