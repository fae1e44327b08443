// Activation inside the gateway (docs/adr/0017-gateway-activation.md): requests for a revision with
// no ready endpoint are held here instead of in a separate activator hop.
// - one FIFO queue per revision, bounded (full → 503 "pending request queue full", as upstream's
//   activator breaker);
// - each held request bounded by the revision's timeout (the route's timeoutMs) → 504 "activator
//   request timeout", as upstream's activator TimeoutHandler;
// - the first held request of a revision pokes the autoscaler at once (stats.ts);
// - while requests are held, the revision's not-yet-ready endpoints (EndpointSlice addresses with
//   ready=false) are probed directly every 10 ms, within 300 ms each, with the revision's readiness
//   probe as upstream's queue-proxy runs it for the activator (src/api/autoscaling/readiness.ts): an
//   HTTP GET of its path answering 200–399 when the user set an httpGet probe, else a TCP connect
//   of the serving port; each endpoint at most one probe at a time. The first that passes is added
//   to the split and the queue is released in arrival order, without waiting for the kubelet's
//   readiness period and EndpointSlice propagation. (Upstream's activator probes every 200 ms;
//   10 ms keeps the activation cost near 5 ms at the price of a SYN per pending pod every 10 ms,
//   only while requests are held.)
// - a table rebuild that brings ready endpoints releases the queue too;
// - a client that disconnects while held leaves the queue at once;
// - with containerConcurrency > 0 (a per-pod breaker, as upstream's activator pod trackers): a
//   request goes to the least-loaded endpoint below that many in flight; when every endpoint is
//   full it waits in the same queue (same bound, same timeout) and takes the first slot that frees.
//   A request keeps its deadline when it is re-queued.
import { http } from './node-http.ts';
import net from 'node:net';
import { type ReadinessCheck, TCP_CHECK } from '../../api/autoscaling/readiness.ts';
import type { RoutingTable, Split, Upstream } from './table.ts';

export const QUEUE_FULL = 'pending request queue full\n';
export const HOLD_TIMEOUT = 'activator request timeout\n';
/** Upstream's breakerQueueDepth. */
export const DEFAULT_QUEUE_DEPTH = 10_000;

export interface HeldRequest {
  split: Split;
  /** Identity of the request across re-queues (its deadline is kept); the response object. */
  id: object;
  /** Dispatch again (the table now has an endpoint for it). */
  retry(): void;
  /** Answer with a status and a body (the request is not dispatched). */
  reply(status: number, body: string): void;
  /** Register a callback for the client going away. */
  onClose(cb: () => void): void;
  timer?: NodeJS.Timeout;
  done?: boolean;
}

export interface ActivatorOptions {
  queueDepth?: number;
  probeIntervalMs?: number;
  probeTimeoutMs?: number;
  /** Called when a revision gets its first held request (poke the autoscaler). */
  onPoke?(split: Split): void;
  /** Probes one endpoint; default: probeEndpoint (the revision's readiness check). */
  probe?(ep: Upstream, timeoutMs: number, check: ReadinessCheck): Promise<boolean>;
}

/** The User-Agent of the activator's HTTP readiness probes (upstream's activator probe's). */
export const PROBE_USER_AGENT = 'Knative-Activator-Probe';

export function tcpProbe(ep: Upstream, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: ep.host, port: ep.port });
    const done = (ok: boolean) => {
      clearTimeout(t);
      s.destroy();
      resolve(ok);
    };
    const t = setTimeout(() => done(false), timeoutMs);
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** An HTTP GET of path on the endpoint: ready when it answers 200–399 within timeoutMs (the kubelet's httpGet rule). */
export function httpProbe(ep: Upstream, path: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (ok: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(t);
      req.destroy();
      resolve(ok);
    };
    const req = http.get({ host: ep.host, port: ep.port, path, agent: false, headers: { 'user-agent': PROBE_USER_AGENT, accept: '*/*' } }, (res) => {
      const code = res.statusCode ?? 0;
      res.resume();
      done(code >= 200 && code < 400);
    });
    const t = setTimeout(() => done(false), timeoutMs);
    req.once('error', () => done(false));
  });
}

/** The revision's readiness check against one endpoint. */
export function probeEndpoint(ep: Upstream, timeoutMs: number, check: ReadinessCheck = TCP_CHECK): Promise<boolean> {
  return check.kind === 'http' ? httpProbe(ep, check.path, timeoutMs) : tcpProbe(ep, timeoutMs);
}

interface Queue {
  split: Split;
  held: HeldRequest[];
  probing: NodeJS.Timeout | undefined;
  /** Endpoints ("host:port") with a probe in flight. */
  inProbe: Set<string>;
}

export class Activator {
  private readonly queues = new Map<string, Queue>();
  private readonly depth: number;
  private readonly probeIntervalMs: number;
  private readonly probeTimeoutMs: number;
  private readonly onPoke: ((s: Split) => void) | undefined;
  private readonly probe: (ep: Upstream, timeoutMs: number, check: ReadinessCheck) => Promise<boolean>;
  /** Requests in flight through the breaker, per endpoint "host:port". */
  private readonly active = new Map<string, number>();
  private readonly deadlines = new WeakMap<object, number>();
  /** Set while a released request is dispatched again: it goes before the queue, not behind it. */
  private bypass = false;
  /** Counters (admin /metrics, tests). */
  readonly counts = { held: 0, released: 0, timedOut: 0, rejected: 0, abandoned: 0, probesOk: 0 };

  constructor(o: ActivatorOptions = {}) {
    this.depth = o.queueDepth ?? DEFAULT_QUEUE_DEPTH;
    this.probeIntervalMs = o.probeIntervalMs ?? 10;
    this.probeTimeoutMs = o.probeTimeoutMs ?? 300;
    this.onPoke = o.onPoke;
    this.probe = o.probe ?? probeEndpoint;
  }

  /** Requests held now, per revision key (`namespace/revision`), for the concurrency reports. */
  heldByRevision(): Map<string, number> {
    const out = new Map<string, number>();
    for (const q of this.queues.values()) {
      const k = `${q.split.namespace}/${q.split.revision}`;
      out.set(k, (out.get(k) ?? 0) + q.held.length);
    }
    return out;
  }

  get heldCount(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.held.length;
    return n;
  }

  hold(h: HeldRequest): void {
    const key = h.split.key;
    let q = this.queues.get(key);
    if (q && q.held.length >= this.depth) {
      this.counts.rejected++;
      h.reply(503, QUEUE_FULL);
      return;
    }
    const first = !q;
    if (!q) this.queues.set(key, (q = { split: h.split, held: [], probing: undefined, inProbe: new Set() }));
    q.split = h.split;
    q.held.push(h);
    this.counts.held++;
    const now = Date.now();
    const deadline = this.deadlines.get(h.id) ?? now + h.split.timeoutMs;
    this.deadlines.set(h.id, deadline);
    h.timer = setTimeout(() => {
      if (!this.remove(h)) return;
      this.counts.timedOut++;
      h.reply(504, HOLD_TIMEOUT);
    }, Math.max(0, deadline - now));
    h.onClose(() => {
      if (this.remove(h)) this.counts.abandoned++;
    });
    if (first) {
      this.onPoke?.(h.split);
      this.startProbing(q);
    }
  }

  private remove(h: HeldRequest): boolean {
    if (h.done) return false;
    h.done = true;
    clearTimeout(h.timer);
    const q = this.queues.get(h.split.key);
    if (!q) return true;
    const i = q.held.indexOf(h);
    if (i >= 0) q.held.splice(i, 1);
    if (q.held.length === 0) this.drop(h.split.key);
    return true;
  }

  private drop(key: string): void {
    const q = this.queues.get(key);
    if (!q) return;
    clearInterval(q.probing);
    this.queues.delete(key);
  }

  /** Releases every held request of key, in arrival order. */
  private release(key: string): void {
    const q = this.queues.get(key);
    if (!q) return;
    this.drop(key);
    for (const h of q.held) {
      if (h.done) continue;
      h.done = true;
      clearTimeout(h.timer);
      this.counts.released++;
      h.retry();
    }
  }

  /** In flight through the breaker on one endpoint. */
  inFlight(ep: Upstream): number {
    return this.active.get(`${ep.host}:${ep.port}`) ?? 0;
  }

  private pickFree(split: Split): Upstream | undefined {
    let best: Upstream | undefined;
    let bestN = Infinity;
    for (const ep of split.endpoints) {
      const n = this.inFlight(ep);
      if (n < split.containerConcurrency && n < bestN) {
        best = ep;
        bestN = n;
      }
    }
    return best;
  }

  /**
   * The per-pod breaker (split.containerConcurrency > 0): go(pinned) dispatches to one endpoint
   * with a free slot (pinned is the split with only that endpoint); else the request is held.
   */
  throttle(split: Split, h: HeldRequest, go: (pinned: Split) => void): void {
    const q = this.queues.get(split.key);
    const ep = !q || q.held.length === 0 || this.bypass ? this.pickFree(split) : undefined;
    if (!ep) {
      this.hold(h);
      return;
    }
    const k = `${ep.host}:${ep.port}`;
    this.active.set(k, (this.active.get(k) ?? 0) + 1);
    let freed = false;
    h.onClose(() => {
      if (freed) return;
      freed = true;
      const n = (this.active.get(k) ?? 1) - 1;
      if (n > 0) this.active.set(k, n);
      else this.active.delete(k);
      this.drain(split.key);
    });
    go({ ...split, endpoints: [ep] });
  }

  /** A breaker slot freed: the first held request of key takes it. */
  private drain(key: string): void {
    const q = this.queues.get(key);
    if (!q || q.split.endpoints.length === 0 || !this.pickFree(q.split)) return;
    const h = q.held.shift();
    if (!h) return;
    if (q.held.length === 0) this.drop(key);
    h.done = true;
    clearTimeout(h.timer);
    this.counts.released++;
    this.bypass = true;
    try {
      h.retry();
    } finally {
      this.bypass = false;
    }
  }

  /** A new routing table: queues whose split now has ready endpoints are released; the rest probe the new pending set. */
  onTable(t: RoutingTable): void {
    if (this.queues.size === 0) return;
    const fresh = new Map<string, Split>();
    const visit = (paths: { splits: Split[] }[] | undefined) => {
      for (const p of paths ?? []) for (const s of p.splits) if (this.queues.has(s.key)) fresh.set(s.key, s);
    };
    for (const hr of t.hosts.values()) visit(hr.internal);
    visit(t.wildcard?.internal);
    for (const [key, s] of fresh) {
      const q = this.queues.get(key);
      if (!q) continue;
      q.split = s;
      if (s.endpoints.length > 0 && (!(s.containerConcurrency > 0) || this.pickFree(s))) this.release(key);
    }
  }

  private startProbing(q: Queue): void {
    const tick = () => {
      if (this.queues.get(q.split.key) !== q) return;
      for (const ep of q.split.pending) {
        const k = `${ep.host}:${ep.port}`;
        if (q.inProbe.has(k)) continue;
        q.inProbe.add(k);
        void this.probe(ep, this.probeTimeoutMs, q.split.readiness ?? TCP_CHECK).then((ok) => {
          q.inProbe.delete(k);
          if (!ok || this.queues.get(q.split.key) !== q) return;
          this.counts.probesOk++;
          // The pod answers: route to it now (the next table rebuild brings it in as ready anyway).
          const split = q.split;
          if (!split.endpoints.some((e) => e.host === ep.host && e.port === ep.port)) split.endpoints.push(ep);
          split.pending = split.pending.filter((e) => e !== ep);
          this.release(split.key);
        });
      }
    };
    q.probing = setInterval(tick, this.probeIntervalMs);
    q.probing.unref();
    tick();
  }

  close(): void {
    for (const [key, q] of [...this.queues]) {
      this.drop(key);
      for (const h of q.held) {
        if (h.done) continue;
        h.done = true;
        clearTimeout(h.timer);
        h.reply(503, 'gateway shutting down\n');
      }
    }
  }
}
