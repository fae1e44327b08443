// The broker's engine: accepts an event for a Broker (TTL, arrival time, the memory bound), queues
// it for every matching Trigger, and delivers each queue on its own: up to `concurrency` requests
// in flight per Trigger, retries after upstream's backoff without holding a slot, then the
// dead-letter sink with the knativeerror* extensions. A reply (a 2xx answer carrying an event)
// re-enters the Broker; a reply the Broker refuses fails the delivery, which is then retried
// (the spec: the initial event SHOULD be redelivered). Nothing is accepted that cannot be queued:
// when the process holds maxBytes of events, or a matching Trigger has maxPending deliveries, the
// ingress answers 429 instead of 202.
import { deadLetterExtensions, retryable, waitBefore } from '../../api/eventing/delivery.ts';
import { Client, type Response } from './client.ts';
import { type BrokerEvent, binaryHeadLines, encodeStructured, headLines, parseEvent, responseHasEvent, toJSON } from './event.ts';
import type { Matcher } from '../../api/eventing/filters.ts';
import type { BrokerEntry, Route, Table } from './table.ts';

export const TTL_EXTENSION = 'knativebrokerttl';
export const ARRIVAL_EXTENSION = 'knativearrivaltime';

export interface EngineOptions {
  /** Bytes of events held at once (all Brokers). */
  maxBytes: number;
  /** Deliveries pending per Trigger (queued, in flight or waiting to retry). */
  maxPending: number;
  /** Requests in flight per Trigger. */
  concurrency: number;
  /** Initial TTL (MAX_TTL upstream). */
  maxTtl: number;
  /** Largest response body read from a subscriber. */
  maxResponseBytes: number;
}

export const DEFAULT_ENGINE_OPTIONS: EngineOptions = { maxBytes: 32 << 20, maxPending: 10_000, concurrency: 100, maxTtl: 255, maxResponseBytes: 4 << 20 };

interface Held extends BrokerEvent {
  refs: number;
  brokerKey: string;
}

interface Job {
  ev: Held;
  /** Attempts made at the current target. */
  attempt: number;
  dls: boolean;
  /** The dead-letter extensions, once the subscriber has failed. */
  errExt?: Record<string, string | number>;
}

export interface Stats {
  accepted: number;
  rejected: number;
  backpressure: number;
  deliveries: number;
  delivered: number;
  deadLettered: number;
  failed: number;
  dropped: number;
  retries: number;
  replies: number;
}

class TriggerQueue {
  private r!: Route;
  /** The broker's own header lines of this Trigger's deliveries. */
  extraLines = '';
  brokerKey: string;
  readonly jobs: Job[] = [];
  private head = 0;
  inFlight = 0;
  pending = 0;
  closed = false;
  constructor(route: Route, brokerKey: string) {
    this.route = route;
    this.brokerKey = brokerKey;
  }
  get route(): Route {
    return this.r;
  }
  set route(r: Route) {
    this.r = r;
    this.extraLines = headLines({ prefer: 'reply', 'kn-namespace': r.namespace });
  }
  push(j: Job): void {
    this.jobs.push(j);
  }
  shift(): Job | undefined {
    if (this.head >= this.jobs.length) return undefined;
    const j = this.jobs[this.head]!;
    this.jobs[this.head++] = undefined as unknown as Job;
    if (this.head > 1024 && this.head * 2 > this.jobs.length) {
      this.jobs.splice(0, this.head);
      this.head = 0;
    }
    return j;
  }
  get queued(): number {
    return this.jobs.length - this.head;
  }
}

export interface Tail {
  filter?: Matcher;
  write(line: string): boolean;
}

/** A Broker's Triggers for fan-out: by the event type their filter requires, and the rest. */
interface Fanout {
  byType: Map<string, TriggerQueue[]>;
  rest: TriggerQueue[];
}
const NONE: TriggerQueue[] = [];

export class Engine {
  private table: Table = new Map();
  private readonly queues = new Map<string, TriggerQueue>();
  private fanout = new Map<string, Fanout>();
  private readonly tails = new Map<string, Set<Tail>>();
  private readonly client: Client;
  /** Reused by ingest() (never re-entered while in use). */
  private readonly matched: TriggerQueue[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  readonly o: EngineOptions;
  bytes = 0;
  readonly stats: Stats = { accepted: 0, rejected: 0, backpressure: 0, deliveries: 0, delivered: 0, deadLettered: 0, failed: 0, dropped: 0, retries: 0, replies: 0 };
  /** Called for every event a Broker accepts (EventType auto-creation). */
  onAccepted: ((brokerKey: string, attrs: Record<string, unknown>) => void) | undefined;
  /** Called for every reply a Trigger's subscriber answers with (EventType auto-creation). */
  onReply: ((route: Route, attrs: Record<string, unknown>) => void) | undefined;
  /** Called when an event reaches its end (delivered, dead-lettered, failed or dropped): tests and benchmarks count with it. */
  onDone: ((outcome: 'delivered' | 'deadLettered' | 'failed' | 'dropped', trigger: string) => void) | undefined;

  constructor(o: Partial<EngineOptions> = {}) {
    this.o = { ...DEFAULT_ENGINE_OPTIONS, ...o };
    this.client = new Client({ maxPerOrigin: this.o.concurrency, maxResponseBytes: this.o.maxResponseBytes });
  }

  setTable(t: Table): void {
    this.table = t;
    const live = new Set<string>();
    const fanout = new Map<string, Fanout>();
    for (const [key, e] of t) {
      const f: Fanout = { byType: new Map(), rest: [] };
      fanout.set(key, f);
      for (const r of e.routes) {
        live.add(r.uid);
        let q = this.queues.get(r.uid);
        if (q) {
          q.route = r;
          q.brokerKey = key;
        } else this.queues.set(r.uid, (q = new TriggerQueue(r, key)));
        if (r.exactType === undefined) f.rest.push(q);
        else {
          const list = f.byType.get(r.exactType);
          if (list) list.push(q);
          else f.byType.set(r.exactType, [q]);
        }
      }
    }
    this.fanout = fanout;
    for (const [uid, q] of this.queues) {
      if (live.has(uid)) continue;
      // A deleted Trigger: what it still had queued is dropped (as upstream, knative/eventing#6984).
      q.closed = true;
      this.queues.delete(uid);
      for (let j = q.shift(); j; j = q.shift()) this.finish(q, j, 'dropped');
    }
  }

  broker(key: string): BrokerEntry | undefined {
    return this.table.get(key);
  }

  /** Accepts an event for a Broker: 202, 404 (no such Broker), 400 (TTL exhausted) or 429 (full). */
  ingest(brokerKey: string, ev: BrokerEvent): number {
    const b = this.table.get(brokerKey);
    if (!b) return 404;
    const raw = ev.attrs[TTL_EXTENSION];
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
    const ttl = Number.isInteger(n) ? Math.max(n - 1, 0) : this.o.maxTtl;
    if (ttl <= 0 && !b.channel) {
      this.stats.rejected++;
      return 400;
    }
    const matched = this.matched;
    matched.length = 0;
    const f = this.fanout.get(brokerKey);
    if (f) {
      const type = ev.attrs.type;
      const typed = typeof type === 'string' ? (f.byType.get(type) ?? NONE) : NONE;
      // Only the Triggers whose filter can pass: those indexed by this type, and the rest.
      if (!this.collect(typed, ev.attrs) || !this.collect(f.rest, ev.attrs)) {
        this.stats.backpressure++;
        return 429;
      }
    }
    if (matched.length && this.bytes + ev.size > this.o.maxBytes) {
      this.stats.backpressure++;
      return 429;
    }
    if (!b.channel) {
      ev.attrs[TTL_EXTENSION] = ttl;
      ev.attrs[ARRIVAL_EXTENSION] = arrivalTime();
    }
    this.stats.accepted++;
    this.onAccepted?.(brokerKey, ev.attrs);
    const tails = this.tails.get(brokerKey);
    if (tails) for (const t of tails) if (!t.filter || t.filter(ev.attrs)) t.write(`${toJSON(ev)}\n`);
    if (!matched.length) return 202;
    const held = ev as Held;
    held.refs = matched.length;
    held.brokerKey = brokerKey;
    this.bytes += ev.size;
    // The scratch list is safe to use here: nothing below re-enters ingest() (a delivery's answer,
    // and so a reply, always arrives in a later callback).
    const count = matched.length;
    for (let i = 0; i < count; i++) {
      const q = matched[i]!;
      q.pending++;
      q.push({ ev: held, attempt: 0, dls: false });
    }
    for (let i = 0; i < count; i++) this.pump(matched[i]!);
    matched.length = 0;
    return 202;
  }

  /** Adds the queues of `list` whose filter passes to this.matched; false when one of them is full. */
  private collect(list: TriggerQueue[], attrs: Record<string, unknown>): boolean {
    for (let i = 0; i < list.length; i++) {
      const q = list[i]!;
      if (!q.route.match(attrs)) continue;
      if (q.pending >= this.o.maxPending) return false;
      this.matched.push(q);
    }
    return true;
  }

  addTail(brokerKey: string, t: Tail): () => void {
    let set = this.tails.get(brokerKey);
    if (!set) this.tails.set(brokerKey, (set = new Set()));
    set.add(t);
    return () => {
      set.delete(t);
      if (!set.size) this.tails.delete(brokerKey);
    };
  }

  /** Deliveries not finished yet (all Triggers). */
  get pending(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.pending;
    return n;
  }

  private pump(q: TriggerQueue): void {
    while (!q.closed && q.inFlight < this.o.concurrency) {
      const j = q.shift();
      if (!j) return;
      q.inFlight++;
      this.attempt(q, j);
    }
  }

  private finish(q: TriggerQueue, j: Job, outcome: 'delivered' | 'deadLettered' | 'failed' | 'dropped'): void {
    this.stats[outcome]++;
    q.pending--;
    if (--j.ev.refs === 0) this.bytes -= j.ev.size;
    this.onDone?.(outcome, q.route.uid);
  }

  /** One delivery attempt: binary mode (or structured for format json), pass-through headers, Prefer: reply. */
  private attempt(q: TriggerQueue, j: Job): void {
    const route = q.route;
    const target = j.dls ? route.dlsUri! : route.subscriberUri;
    let lines: string;
    let body: Buffer | undefined;
    try {
      if (route.format === 'json') {
        const attrs: Record<string, unknown> = { ...j.ev.attrs, ...(j.dls ? j.errExt : {}) };
        if (!j.dls) delete attrs[TTL_EXTENSION];
        const msg = encodeStructured(attrs, j.ev.data);
        lines = 'content-type: application/cloudevents+json\r\n';
        body = Buffer.from(msg.body);
      } else {
        lines = binaryHeadLines(j.ev.attrs, j.dls ? undefined : TTL_EXTENSION, j.dls ? j.errExt : undefined);
        body = j.ev.data;
      }
      lines = headLines(j.ev.headers) + lines + q.extraLines;
    } catch (e) {
      this.stats.deliveries++;
      queueMicrotask(() => this.settle(q, j, target, { status: 0, headers: {}, body: Buffer.from((e as Error).message) }));
      return;
    }
    this.stats.deliveries++;
    this.client.post(target, lines, body, route.retry.timeoutMs ?? 0, (r) => this.settle(q, j, target, r));
  }

  /** What a delivery's answer means: delivered, a reply to ingest, a retry later, the dead-letter sink, or failed. */
  private settle(q: TriggerQueue, j: Job, target: string, r: Response): void {
    q.inFlight--;
    this.outcome(q, j, target, r);
    this.pump(q);
  }

  private outcome(q: TriggerQueue, j: Job, target: string, r: Response): void {
    let status = r.status;
    let body = r.status === 0 ? Buffer.from(`dispatch error: ${r.body.toString()}`) : r.body;
    const rh = r.headers;
    if (q.closed) return this.finish(q, j, 'dropped');
    let dest = target;
    const route = q.route;
    if (status >= 200 && status < 300) {
      if (j.dls) return this.finish(q, j, 'deadLettered');
      if (responseHasEvent(rh)) {
        let code: number;
        try {
          const reply = parseEvent(rh, body);
          this.onReply?.(route, reply.attrs);
          reply.headers = { ...reply.headers, ...j.ev.headers };
          if (route.reply) code = route.reply(reply);
          else {
            reply.attrs[TTL_EXTENSION] = j.ev.attrs[TTL_EXTENSION];
            code = this.ingest(q.brokerKey, reply);
          }
          if (code === 202) this.stats.replies++;
        } catch {
          code = 502;
        }
        if (code === 202) return this.finish(q, j, 'delivered');
        status = code;
        if (code !== 502) {
          dest = route.replyDest ?? this.table.get(q.brokerKey)?.address ?? target;
          body = EMPTY;
        }
      } else if (body.length === 0 || route.reply) return this.finish(q, j, 'delivered'); // a channel discards a non-event answer
      else status = 502; // "The response MUST be either empty or a valid CloudEvent"
    }
    // A failure.
    if (retryable(status) && j.attempt < route.retry.retry) {
      j.attempt++;
      this.stats.retries++;
      const wait = waitBefore(route.retry, j.attempt, status, rh['retry-after']);
      const requeue = () => {
        if (q.closed) return this.finish(q, j, 'dropped');
        q.push(j);
        this.pump(q);
      };
      if (wait <= 0) requeue();
      else {
        const t = setTimeout(() => {
          this.timers.delete(t);
          requeue();
        }, wait);
        this.timers.add(t);
      }
      return;
    }
    if (!j.dls && route.dlsUri) {
      j.dls = true;
      j.attempt = 0;
      j.errExt = deadLetterExtensions(dest, status <= 0 ? 500 : status, body);
      q.push(j);
      return;
    }
    this.finish(q, j, 'failed');
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.client.close();
  }
}

const EMPTY = Buffer.alloc(0);

let arrivalMs = 0;
let arrival = '';
/** The arrival time (RFC 3339, ms), formatted once per millisecond. */
function arrivalTime(): string {
  const now = Date.now();
  if (now !== arrivalMs) {
    arrivalMs = now;
    arrival = new Date(now).toISOString();
  }
  return arrival;
}
