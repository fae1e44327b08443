// The broker's engine: accepts an event for a Broker (TTL, arrival time, the memory bound), queues
// it for every matching Trigger, and delivers each queue on its own: up to `concurrency` requests
// in flight per Trigger, retries after upstream's backoff without holding a slot, then the
// dead-letter sink with the knativeerror* extensions. A reply (a 2xx answer carrying an event)
// re-enters the Broker; a reply the Broker refuses fails the delivery, which is then retried
// (the spec: the initial event SHOULD be redelivered). Nothing is accepted that cannot be queued:
// when the process holds maxBytes of events, or a matching Trigger has maxPending deliveries, the
// ingress answers 429 instead of 202.
import { Agent, request } from 'undici';
import { deadLetterExtensions, retryable, waitBefore } from '../../api/eventing/delivery.ts';
import { type BrokerEvent, encodeBinary, encodeStructured, parseEvent, responseHasEvent, toJSON } from './event.ts';
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
  route: Route;
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

export class Engine {
  private table: Table = new Map();
  private readonly queues = new Map<string, TriggerQueue>();
  private readonly tails = new Map<string, Set<Tail>>();
  private readonly agent: Agent;
  private readonly timers = new Set<NodeJS.Timeout>();
  readonly o: EngineOptions;
  bytes = 0;
  readonly stats: Stats = { accepted: 0, rejected: 0, backpressure: 0, deliveries: 0, delivered: 0, deadLettered: 0, failed: 0, dropped: 0, retries: 0, replies: 0 };
  /** Called for every event a Broker accepts (EventType auto-creation). */
  onAccepted: ((brokerKey: string, attrs: Record<string, unknown>) => void) | undefined;
  /** Called when an event reaches its end (delivered, dead-lettered, failed or dropped): tests and benchmarks count with it. */
  onDone: ((outcome: 'delivered' | 'deadLettered' | 'failed' | 'dropped', trigger: string) => void) | undefined;

  constructor(o: Partial<EngineOptions> = {}) {
    this.o = { ...DEFAULT_ENGINE_OPTIONS, ...o };
    this.agent = new Agent({ connections: this.o.concurrency, keepAliveTimeout: 30_000, pipelining: 1 });
  }

  setTable(t: Table): void {
    this.table = t;
    const live = new Set<string>();
    for (const [key, e] of t) {
      for (const r of e.routes) {
        live.add(r.uid);
        const q = this.queues.get(r.uid);
        if (q) {
          q.route = r;
          q.brokerKey = key;
        } else this.queues.set(r.uid, new TriggerQueue(r, key));
      }
    }
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
    const matched: TriggerQueue[] = [];
    for (const r of b.routes) {
      if (!r.match(ev.attrs)) continue;
      const q = this.queues.get(r.uid);
      if (!q) continue;
      if (q.pending >= this.o.maxPending) {
        this.stats.backpressure++;
        return 429;
      }
      matched.push(q);
    }
    if (matched.length && this.bytes + ev.size > this.o.maxBytes) {
      this.stats.backpressure++;
      return 429;
    }
    if (!b.channel) {
      ev.attrs[TTL_EXTENSION] = ttl;
      ev.attrs[ARRIVAL_EXTENSION] = new Date().toISOString();
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
    for (const q of matched) {
      q.pending++;
      q.push({ ev: held, attempt: 0, dls: false });
      this.pump(q);
    }
    return 202;
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
      void this.attempt(q, j).finally(() => {
        q.inFlight--;
        this.pump(q);
      });
    }
  }

  private finish(q: TriggerQueue, j: Job, outcome: 'delivered' | 'deadLettered' | 'failed' | 'dropped'): void {
    this.stats[outcome]++;
    q.pending--;
    if (--j.ev.refs === 0) this.bytes -= j.ev.size;
    this.onDone?.(outcome, q.route.uid);
  }

  private async attempt(q: TriggerQueue, j: Job): Promise<void> {
    const route = q.route;
    const target = j.dls ? route.dlsUri! : route.subscriberUri;
    const attrs: Record<string, unknown> = { ...j.ev.attrs };
    if (j.dls) Object.assign(attrs, j.errExt);
    else delete attrs[TTL_EXTENSION];
    const msg = route.format === 'json' ? encodeStructured(attrs, j.ev.data) : encodeBinary(attrs, j.ev.data);
    const headers: Record<string, string> = { ...j.ev.headers, ...msg.headers, prefer: 'reply', 'kn-namespace': route.namespace };
    this.stats.deliveries++;
    let status: number;
    let rh: Record<string, string | string[] | undefined> = {};
    let body: Buffer;
    try {
      const res = await request(target, {
        method: 'POST',
        headers,
        body: msg.body,
        dispatcher: this.agent,
        ...(route.retry.timeoutMs ? { signal: AbortSignal.timeout(route.retry.timeoutMs) } : {}),
      });
      status = res.statusCode;
      rh = res.headers;
      // The common answer (an empty 2xx) is drained without reading it chunk by chunk.
      if (res.headers['content-length'] === '0') {
        await res.body.dump();
        body = EMPTY;
      } else body = await readLimited(res.body, this.o.maxResponseBytes);
    } catch (e) {
      status = 0;
      body = Buffer.from(`dispatch error: ${(e as Error).message}`);
    }
    if (q.closed) {
      this.finish(q, j, 'dropped');
      return;
    }
    let dest = target;
    if (status >= 200 && status < 300) {
      if (j.dls) return this.finish(q, j, 'deadLettered');
      if (responseHasEvent(rh)) {
        let code: number;
        try {
          const reply = parseEvent(rh, body);
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
          body = Buffer.alloc(0);
        }
      } else if (body.length === 0 || route.reply) return this.finish(q, j, 'delivered'); // a channel discards a non-event answer
      else status = 502; // "The response MUST be either empty or a valid CloudEvent"
    }
    // A failure.
    if (retryable(status) && j.attempt < route.retry.retry) {
      j.attempt++;
      this.stats.retries++;
      const wait = waitBefore(route.retry, j.attempt, status, first(rh['retry-after']));
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
    await this.agent.close();
  }
}

const EMPTY = Buffer.alloc(0);
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

async function readLimited(body: AsyncIterable<Buffer | Uint8Array> & { destroy?(): void }, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of body) {
    n += c.length;
    if (n > max) {
      body.destroy?.();
      break;
    }
    chunks.push(Buffer.from(c));
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}
