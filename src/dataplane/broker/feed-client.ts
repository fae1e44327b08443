// The broker's side of the data-plane feed (ADR 0031; protocol: src/api/eventing/feed.ts): one
// long GET to the controller brings every Broker, Trigger and InMemoryChannel, then their changes,
// over plain HTTP, so the broker loads no TLS and holds no API credentials. The token is the pod's
// projected service account token (audience kn-ts-controller), read again for every connection
// (the kubelet rotates it). A dropped or silent connection is opened again with backoff; the last
// copy keeps serving meanwhile. EventType reports go back to the controller in batches.
import type * as HttpNS from 'node:http';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Addressable } from '../../api/eventing/eventtype-auto.ts';
import { decodeFeed, EVENTTYPES_PATH, FEED_PATH, FEED_PING_MS, FeedMirror, type ObservedEventType, observedKey } from '../../api/eventing/feed.ts';

const http = createRequire(import.meta.url)('node:http') as typeof HttpNS;

export interface FeedClientOptions {
  /** The controller's feed, e.g. http://controller.knative-serving.svc.cluster.local:9095 */
  url: string;
  tokenFile: string;
  log: (o: object, msg: string) => void;
  pingMs?: number;
}

export class FeedClient {
  readonly mirror = new FeedMirror();
  private readonly o: FeedClientOptions;
  private readonly base: URL;
  private readonly listeners: (() => void)[] = [];
  private req: HttpNS.ClientRequest | undefined;
  private retry: NodeJS.Timeout | undefined;
  private silence: NodeJS.Timeout | undefined;
  private failures = 0;
  private lastError = '';
  private stopped = false;
  private firstSync: Promise<void>;
  private onFirstSync!: () => void;
  private readonly seen = new Set<string>();
  private batch: ObservedEventType[] = [];
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(o: FeedClientOptions) {
    this.o = o;
    const base = URL.canParse(o.url) ? new URL(o.url) : undefined;
    if (base?.protocol !== 'http:') throw new Error(`--feed must be an http:// URL (the controller's feed, e.g. http://controller.knative-serving.svc.cluster.local:9095), got "${o.url}"`);
    this.base = base;
    this.firstSync = new Promise((r) => (this.onFirstSync = r));
  }

  /** Called after each change of what the broker serves. */
  onChange(f: () => void): void {
    this.listeners.push(f);
  }

  /** Connects; resolves once the first whole snapshot has arrived. */
  start(): Promise<void> {
    this.connect();
    return this.firstSync;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    clearTimeout(this.silence);
    clearTimeout(this.flushTimer);
    this.req?.destroy();
  }

  private token(): string {
    return readFileSync(this.o.tokenFile, 'utf8').trim();
  }

  private fail(msg: string): void {
    this.req = undefined;
    clearTimeout(this.silence);
    if (this.stopped) return;
    if (msg !== this.lastError) this.o.log({ err: msg, feed: this.base.origin }, 'feed: not connected; retrying (the broker keeps serving what it has)');
    this.lastError = msg;
    const ms = Math.min(10_000, 250 * 2 ** Math.min(this.failures++, 6)) * (0.75 + Math.random() / 2);
    this.retry = setTimeout(() => this.connect(), ms);
  }

  private connect(): void {
    let token: string;
    try {
      token = this.token();
    } catch (e) {
      return this.fail(`the token file ${this.o.tokenFile} cannot be read: ${(e as Error).message}`);
    }
    const req = http.get(new URL(FEED_PATH, this.base), { headers: { authorization: `Bearer ${token}` } });
    this.req = req;
    let done = false;
    const end = (msg: string) => {
      if (done) return;
      done = true;
      req.destroy();
      this.fail(msg);
    };
    const quiet = (this.o.pingMs ?? FEED_PING_MS) * 3;
    const arm = () => {
      clearTimeout(this.silence);
      this.silence = setTimeout(() => end(`nothing heard for ${quiet} ms`), quiet);
      this.silence.unref();
    };
    arm();
    req.on('error', (e) => end(e.message));
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c.slice(0, 200)));
        res.on('end', () => end(`HTTP ${res.statusCode}: ${body.trim()}`));
        return;
      }
      this.mirror.reset();
      let rest = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        arm();
        rest += chunk;
        let i: number;
        let changed = false;
        while ((i = rest.indexOf('\n')) >= 0) {
          const line = rest.slice(0, i);
          rest = rest.slice(i + 1);
          if (!line) continue;
          const m = decodeFeed(line);
          if (!m) return end(`a line that is not the feed's: ${line.slice(0, 80)}`);
          if (this.mirror.apply(m)) changed = true;
          if (m.op === 'synced') {
            this.failures = 0;
            if (this.lastError) this.o.log({ feed: this.base.origin }, 'feed: connected');
            this.lastError = '';
            this.onFirstSync();
          }
        }
        if (changed) for (const f of this.listeners) f();
      });
      res.on('end', () => end('the controller closed the feed'));
      res.on('error', (e) => end(e.message));
    });
  }

  /** Reports an event an addressable accepted; the controller creates its EventType (once per pair here). */
  observe(ref: Addressable, attrs: Record<string, unknown>): void {
    if (!this.mirror.eventTypeAutoCreate) return;
    const o: ObservedEventType = { ref, type: String(attrs.type ?? ''), source: String(attrs.source ?? '') };
    const key = observedKey(o);
    if (this.seen.has(key)) return;
    if (this.seen.size > 10_000) this.seen.clear();
    this.seen.add(key);
    if (typeof attrs.dataschema === 'string') o.dataschema = attrs.dataschema;
    if (typeof attrs.specversion === 'string') o.specversion = attrs.specversion;
    this.batch.push(o);
    this.flushTimer ??= setTimeout(() => this.flush(), 100);
  }

  private flush(): void {
    this.flushTimer = undefined;
    const batch = this.batch;
    this.batch = [];
    const forget = (why: string) => {
      for (const o of batch) this.seen.delete(observedKey(o));
      this.o.log({ err: why, count: batch.length }, 'feed: EventTypes not reported; the next such event reports them again');
    };
    let token: string;
    try {
      token = this.token();
    } catch (e) {
      return forget((e as Error).message);
    }
    const body = JSON.stringify(batch);
    const req = http.request(new URL(EVENTTYPES_PATH, this.base), { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      if (res.statusCode !== 202) forget(`HTTP ${res.statusCode}`);
    });
    req.setTimeout(10_000, () => req.destroy(new Error('no answer in 10 s')));
    req.on('error', (e) => forget(e.message));
    req.end(body);
  }
}
