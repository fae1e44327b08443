// Informers that survive 410 Gone, dropped watches and API-server restarts, as client-go's
// reflector: list once, then watch from the list's resourceVersion. A watch that ends (the
// server's timeout, randomised in [5, 10) minutes as client-go's) or breaks (a restart, a reset
// connection) is opened again from the last resourceVersion seen, with backoff; only 410 Gone (that
// version was compacted away) or an ERROR event in the stream makes the informer list again.
// There is no periodic LIST: a resync (resyncPeriodMs) re-delivers the cached objects to the
// handlers' resync(), from memory, without a request.
// resourceVersions are opaque: they are passed back to the server as given and compared for
// equality only, never for order.
// Handlers see add/update/delete and must be idempotent: a relist replays what changed.
// Optional: a `transform` applied to every object before it is cached (e.g. to drop
// metadata.managedFields), and secondary indexes (byIndex) kept up to date with the cache.
import { type KubeObject, LAST_APPLIED_ANNOTATION, type ResourceType } from '../api/meta.ts';
import type { KubeClient, WatchEvent } from './client.ts';
import { KubeError } from './errors.ts';

export interface InformerOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Every so often, hand every cached object to the handlers' resync() (no request); default: never. */
  resyncPeriodMs?: number;
  /** Watch timeouts are drawn from [min, 2·min) seconds; default (and floor) 300, as client-go. */
  minWatchTimeoutSeconds?: number;
  /** First and largest reconnect delay. */
  backoffMs?: [number, number];
  /**
   * Applied to every object (list items and watch events) before it is cached or handed to a
   * handler: strip what the users of this cache never read, to keep memory down. It may mutate
   * and return its argument. Objects written back whole (PUT) from the cache lose what it strips.
   */
  transform?: (obj: KubeObject) => KubeObject;
}

/** A secondary index: the index values of an object (e.g. `namespace/configuration-label`). */
export interface IndexDef<T extends KubeObject = KubeObject> {
  name: string;
  keys(obj: T): string[];
}


/**
 * A transform for caches: drops metadata.managedFields (the server keeps them when an update
 * leaves them out) and, with dropLastApplied, kubectl's last-applied-configuration annotation.
 */
export function leanObject(opts: { dropLastApplied?: boolean; shareStrings?: boolean } = {}): (obj: KubeObject) => KubeObject {
  return (obj) => {
    if (opts.shareStrings) shareStrings(obj);
    const m = obj.metadata;
    if (!m) return obj;
    // Copies without the field rather than `delete`: V8 turns an object that loses a property
    // into a hash table (dictionary mode), ≈ 600 bytes more for every cached metadata.
    if (m.managedFields !== undefined) {
      const { managedFields: _, ...rest } = m;
      obj.metadata = rest;
    }
    const a = obj.metadata.annotations;
    if (opts.dropLastApplied && a && LAST_APPLIED_ANNOTATION in a) {
      const { [LAST_APPLIED_ANNOTATION]: _, ...rest } = a;
      obj.metadata.annotations = rest;
    }
    return obj;
  };
}

/**
 * Replaces every string value in a parsed object (in place) by V8's one shared copy of that string.
 * JSON.parse makes a fresh string for every value, so 500 Services' caches held thousands of copies
 * of the same image, label values, condition types, reasons and messages, timestamps. A string used
 * as a property key is internalized (V8's string table, which is weak: an entry no longer referenced
 * is collected), and for-in hands back that internalized copy.
 */
export function shareStrings(v: unknown): void {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      if (typeof x === 'string') v[i] = shared(x);
      else if (x && typeof x === 'object') shareStrings(x);
    }
  } else if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    for (const k in o) {
      const x = o[k];
      if (typeof x === 'string') o[k] = shared(x);
      else if (x && typeof x === 'object') shareStrings(x);
    }
  }
}

/** Longer strings (a ConfigMap's data, a last-applied annotation) are left as they are. */
const MAX_SHARED_LENGTH = 1024;

function shared(s: string): string {
  if (s.length > MAX_SHARED_LENGTH) return s;
  const o: Record<string, 0> = { [s]: 0 };
  for (const k in o) return k;
  return s;
}

interface Index<T extends KubeObject> {
  def: IndexDef<T>;
  /** index value → cache key → object */
  byValue: Map<string, Map<string, T>>;
  /** cache key → the values it is filed under */
  valuesOf: Map<string, string[]>;
}

export interface InformerHandlers<T> {
  add?(obj: T): void;
  update?(oldObj: T, newObj: T): void;
  delete?(obj: T): void;
  /** A periodic resync hands every cached object here (client-go calls update(obj, obj)). */
  resync?(obj: T): void;
}

/** A write of one key in flight (Informer.writeStarted): notes whether an event for it arrived meanwhile. */
export interface WriteMark {
  readonly key: string;
  touched: boolean;
}

/** The smallest watch timeout client-go uses (its minWatchTimeout), in seconds. */
export const MIN_WATCH_TIMEOUT_SECONDS = 300;

export const keyOf = (o: KubeObject): string =>
  o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : (o.metadata.name ?? '');

export class Informer<T extends KubeObject = KubeObject> {
  private readonly cache = new Map<string, T>();
  /** namespace → cache key → object (list(namespace) without a scan of the whole cache). */
  private readonly byNamespace = new Map<string, Map<string, T>>();
  private readonly indexes = new Map<string, Index<T>>();
  /** Objects this process wrote that the watch has not delivered yet (see noteWritten). */
  private readonly written = new Map<string, { obj: T; until: number }>();
  /** Writes in flight, per key (see writeStarted). */
  private readonly writing = new Map<string, Set<WriteMark>>();
  private readonly handlers: InformerHandlers<T>[] = [];
  private resourceVersion = '';
  private stopped = false;
  private stopWatch: (() => void) | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private synced!: Promise<void>;
  private markSynced!: () => void;
  private failures = 0;
  readonly client: KubeClient;
  readonly resource: ResourceType;
  private readonly opts: InformerOptions;
  /** Counters for tests and metrics. */
  readonly stats = { lists: 0, watches: 0, events: 0, errors: 0, resyncs: 0 };
  /** The timeoutSeconds of the last watch opened (tests). */
  lastWatchTimeoutSeconds = 0;
  onError: (e: unknown) => void = () => {};

  constructor(client: KubeClient, resource: ResourceType, opts: InformerOptions = {}) {
    this.client = client;
    this.resource = resource;
    this.opts = opts;
    this.synced = new Promise((r) => (this.markSynced = r));
  }

  on(h: InformerHandlers<T>): this {
    this.handlers.push(h);
    return this;
  }

  /** Starts the loop; resolves once the first list is in the cache. */
  start(): Promise<void> {
    void this.run();
    const every = this.opts.resyncPeriodMs;
    if (every && every > 0) {
      this.resyncTimer = setInterval(() => this.resync(), every);
      this.resyncTimer.unref();
    }
    return this.synced;
  }

  hasSynced(): Promise<void> {
    return this.synced;
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.resyncTimer);
    this.stopWatch?.();
  }

  /** Hands every cached object to the handlers' resync(), from memory (no request). */
  resync(): void {
    this.stats.resyncs++;
    for (const obj of [...this.cache.values()]) for (const h of this.handlers) h.resync?.(obj);
  }

  get(name: string, namespace?: string): T | undefined {
    const k = namespace ? `${namespace}/${name}` : name;
    const cached = this.cache.get(k);
    if (this.written.size) {
      const w = this.written.get(k);
      if (w) {
        if (Date.now() < w.until) return w.obj;
        this.written.delete(k);
      }
    }
    return cached;
  }

  /**
   * Call before sending a write of key: events for key that arrive until noteWritten (or
   * writeFailed) mark the returned WriteMark touched.
   */
  writeStarted(key: string): WriteMark {
    const mark: WriteMark = { key, touched: false };
    let set = this.writing.get(key);
    if (!set) this.writing.set(key, (set = new Set()));
    set.add(mark);
    return mark;
  }

  /** The write of writeStarted failed: forget its mark. */
  writeFailed(mark: WriteMark): void {
    this.endWrite(mark);
  }

  private endWrite(mark: WriteMark): void {
    const set = this.writing.get(mark.key);
    set?.delete(mark);
    if (set?.size === 0) this.writing.delete(mark.key);
  }

  /**
   * Read your own writes: obj is what the API server returned for a create or update this process
   * just made. Until the watch delivers the next event for that key, get() returns obj instead of
   * the cached version (or nothing), so that a reconcile that runs before the watch event does not
   * create the object again. list() and byIndex() see only the cache. An entry is forgotten after
   * ttlMs in any case.
   *
   * No resourceVersion is compared for order (they are opaque): the watch stream is ordered, so
   * an event for the key that arrives after the write is the write's own or a later one, and the
   * cache is then at least as new. The one exception, an older event still in flight (a patch
   * without a precondition), then makes get() return an older version than ours: the next write
   * from it fails with a conflict and is retried, as without this shortcut. When an event for
   * the key arrived while the write was in flight (mark.touched), nothing is remembered: the cache
   * already moved, and we cannot tell where our write stands against it.
   */
  noteWritten(obj: T, mark?: WriteMark, ttlMs = 30_000): void {
    if (mark) this.endWrite(mark);
    const rv = obj.metadata?.resourceVersion;
    if (!rv || mark?.touched) return;
    const k = keyOf(obj);
    if (this.cache.get(k)?.metadata.resourceVersion === rv) return;
    const copy = structuredClone(obj);
    this.written.set(k, { obj: this.opts.transform ? (this.opts.transform(copy) as T) : copy, until: Date.now() + ttlMs });
  }

  list(namespace?: string): T[] {
    if (namespace === undefined || namespace === '') return [...this.cache.values()];
    const m = this.byNamespace.get(namespace);
    return m ? [...m.values()] : [];
  }

  /** Number of cached objects. */
  get size(): number {
    return this.cache.size;
  }

  /**
   * The cached objects filed under `value` in index `def`. The index is built on first use (one
   * scan of the cache) and kept up to date from then on; an index is identified by its name.
   */
  byIndex(def: IndexDef<T>, value: string): T[] {
    let idx = this.indexes.get(def.name);
    if (!idx) {
      idx = { def, byValue: new Map(), valuesOf: new Map() };
      this.indexes.set(def.name, idx);
      for (const [k, o] of this.cache) fileUnder(idx, k, o);
    }
    const m = idx.byValue.get(value);
    return m ? [...m.values()] : [];
  }

  private put(k: string, obj: T): void {
    this.cache.set(k, obj);
    this.arrived(k);
    const ns = obj.metadata.namespace ?? '';
    let m = this.byNamespace.get(ns);
    if (!m) this.byNamespace.set(ns, (m = new Map()));
    m.set(k, obj);
    for (const idx of this.indexes.values()) {
      unfile(idx, k);
      fileUnder(idx, k, obj);
    }
  }

  /** An event (or a relisted item) for k reached the cache: it holds our write or something later. */
  private arrived(k: string): void {
    if (this.written.size) this.written.delete(k);
    if (this.writing.size) for (const m of this.writing.get(k) ?? []) m.touched = true;
  }

  private remove(k: string): T | undefined {
    this.arrived(k);
    const old = this.cache.get(k);
    if (!old) return undefined;
    this.cache.delete(k);
    const ns = old.metadata.namespace ?? '';
    const m = this.byNamespace.get(ns);
    m?.delete(k);
    if (m?.size === 0) this.byNamespace.delete(ns);
    for (const idx of this.indexes.values()) unfile(idx, k);
    return old;
  }

  private async run(): Promise<void> {
    let needList = true;
    while (!this.stopped) {
      try {
        if (needList) {
          await this.relist();
          needList = false;
        }
        const { err, streamError } = await this.watchOnce();
        if (this.stopped) return;
        if (streamError) {
          // The server said something went wrong in the stream (410 Gone, or another error
          // status): the cache may have missed events, so list again.
          needList = true;
          if (streamError.code === 410) continue;
          throw streamError;
        }
        if (err) throw err;
        this.failures = 0;
      } catch (e) {
        if (this.stopped) return;
        this.stats.errors++;
        this.onError(e);
        if (e instanceof KubeError && e.code === 410) needList = true;
        this.failures++;
        const [first, max] = this.opts.backoffMs ?? [500, 30_000];
        const delay = Math.min(max, first * 2 ** Math.min(this.failures - 1, 16));
        await sleep(delay * (0.8 + Math.random() * 0.4));
      }
    }
  }

  private async relist(): Promise<void> {
    this.stats.lists++;
    const list = await this.client.listAll<T>(this.resource, {
      namespace: this.opts.namespace,
      labelSelector: this.opts.labelSelector,
      fieldSelector: this.opts.fieldSelector,
    });
    this.resourceVersion = list.metadata?.resourceVersion ?? '';
    const seen = new Set<string>();
    const transform = this.opts.transform as ((o: T) => T) | undefined;
    for (const item of list.items) {
      const obj = transform ? transform(item) : item;
      const k = keyOf(obj);
      seen.add(k);
      this.upsert(k, obj);
    }
    for (const k of [...this.cache.keys()]) {
      if (!seen.has(k)) {
        const old = this.remove(k);
        if (old) for (const h of this.handlers) h.delete?.(old);
      }
    }
    this.failures = 0;
    this.markSynced();
  }

  private upsert(k: string, obj: T): void {
    const old = this.cache.get(k);
    this.put(k, obj);
    if (!old) for (const h of this.handlers) h.add?.(obj);
    else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) for (const h of this.handlers) h.update?.(old, obj);
  }

  private async watchOnce(): Promise<{ err?: Error; streamError?: KubeError }> {
    this.stats.watches++;
    const min = Math.max(MIN_WATCH_TIMEOUT_SECONDS, this.opts.minWatchTimeoutSeconds ?? MIN_WATCH_TIMEOUT_SECONDS);
    const timeout = Math.floor(min * (1 + Math.random()));
    this.lastWatchTimeoutSeconds = timeout;
    let goneErr: KubeError | undefined;
    const w = this.client.watch<T>(
      this.resource,
      {
        namespace: this.opts.namespace,
        labelSelector: this.opts.labelSelector,
        fieldSelector: this.opts.fieldSelector,
        resourceVersion: this.resourceVersion,
        timeoutSeconds: timeout,
        allowWatchBookmarks: true,
      },
      (e: WatchEvent<T>) => this.handle(e, (g) => {
        goneErr = g;
        w.stop();
      }),
    );
    this.stopWatch = () => w.stop();
    const err = await w.done;
    this.stopWatch = undefined;
    if (goneErr) return { streamError: goneErr };
    // A watch refused with 410 (its resourceVersion is too old) is a stream error too.
    if (err instanceof KubeError && err.code === 410) return { streamError: err };
    return err ? { err } : {};
  }

  private handle(e: WatchEvent<T>, gone: (e: KubeError) => void): void {
    this.stats.events++;
    if (e.type === 'ERROR') {
      const s = e.object as unknown as { code?: number; message?: string; reason?: string };
      gone(new KubeError(s.message ?? 'watch error', s.code ?? 500, s.reason ?? 'Unknown'));
      return;
    }
    const rv = e.object.metadata?.resourceVersion;
    if (rv) this.resourceVersion = rv;
    if (e.type === 'BOOKMARK') return;
    const obj = this.opts.transform ? (this.opts.transform(e.object) as T) : e.object;
    const k = keyOf(obj);
    if (e.type === 'DELETED') {
      const old = this.remove(k);
      if (old) for (const h of this.handlers) h.delete?.(obj);
    } else {
      this.upsert(k, obj);
    }
  }
}

function fileUnder<T extends KubeObject>(idx: Index<T>, k: string, obj: T): void {
  const values = [...new Set(idx.def.keys(obj))];
  if (!values.length) return;
  idx.valuesOf.set(k, values);
  for (const v of values) {
    let m = idx.byValue.get(v);
    if (!m) idx.byValue.set(v, (m = new Map()));
    m.set(k, obj);
  }
}

function unfile<T extends KubeObject>(idx: Index<T>, k: string): void {
  const values = idx.valuesOf.get(k);
  if (!values) return;
  idx.valuesOf.delete(k);
  for (const v of values) {
    const m = idx.byValue.get(v);
    m?.delete(k);
    if (m?.size === 0) idx.byValue.delete(v);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref?.());
}
