// Informers that survive 410 Gone, silently dropped watches and API-server restarts.
// List, then watch from the list's resourceVersion; on 410 relist; on any other end, rewatch with
// backoff; relist on a timer anyway, so a watch that dropped events without an error heals.
// Handlers see add/update/delete and must be idempotent: a relist replays what changed.
// Optional: a `transform` applied to every object before it is cached (e.g. to drop
// metadata.managedFields), and secondary indexes (byIndex) kept up to date with the cache.
import type { KubeObject, ResourceType } from '../api/meta.ts';
import type { KubeClient, WatchEvent } from './client.ts';
import { KubeError } from './errors.ts';

export interface InformerOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Full relist period; default 5 minutes. */
  relistIntervalMs?: number;
  /** Server-side watch timeout, jittered; default 240–360 s. */
  watchTimeoutSeconds?: number;
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

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * A transform for caches: drops metadata.managedFields (the server keeps them when an update
 * leaves them out) and, with dropLastApplied, kubectl's last-applied-configuration annotation.
 */
export function leanObject(opts: { dropLastApplied?: boolean } = {}): (obj: KubeObject) => KubeObject {
  return (obj) => {
    const m = obj.metadata;
    if (!m) return obj;
    if (m.managedFields !== undefined) delete m.managedFields;
    if (opts.dropLastApplied && m.annotations && LAST_APPLIED_ANNOTATION in m.annotations) {
      delete m.annotations[LAST_APPLIED_ANNOTATION];
    }
    return obj;
  };
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
}

export const keyOf = (o: KubeObject): string =>
  o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : (o.metadata.name ?? '');

export class Informer<T extends KubeObject = KubeObject> {
  private readonly cache = new Map<string, T>();
  /** namespace → cache key → object (list(namespace) without a scan of the whole cache). */
  private readonly byNamespace = new Map<string, Map<string, T>>();
  private readonly indexes = new Map<string, Index<T>>();
  /** Objects this process wrote that the watch has not delivered yet (see noteWritten). */
  private readonly written = new Map<string, { obj: T; until: number }>();
  private readonly handlers: InformerHandlers<T>[] = [];
  private resourceVersion = '';
  private stopped = false;
  private stopWatch: (() => void) | undefined;
  private relistTimer: NodeJS.Timeout | undefined;
  private relistDue = false;
  private synced!: Promise<void>;
  private markSynced!: () => void;
  private failures = 0;
  readonly client: KubeClient;
  readonly resource: ResourceType;
  private readonly opts: InformerOptions;
  /** Counters for tests and metrics. */
  readonly stats = { lists: 0, watches: 0, events: 0, errors: 0 };
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
    const every = this.opts.relistIntervalMs ?? 300_000;
    this.relistTimer = setInterval(() => {
      this.relistDue = true;
      this.stopWatch?.();
    }, every);
    this.relistTimer.unref();
    return this.synced;
  }

  hasSynced(): Promise<void> {
    return this.synced;
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.relistTimer);
    this.stopWatch?.();
  }

  get(name: string, namespace?: string): T | undefined {
    const k = namespace ? `${namespace}/${name}` : name;
    const cached = this.cache.get(k);
    if (this.written.size) {
      const w = this.written.get(k);
      if (w) {
        if (Date.now() < w.until && (!cached || rvOlder(cached.metadata.resourceVersion, w.obj.metadata.resourceVersion))) return w.obj;
        this.written.delete(k);
      }
    }
    return cached;
  }

  /**
   * Read your own writes: obj is what the API server returned for a create or update this process
   * just made. Until the watch delivers that version (or a newer one, or a delete), get() returns
   * obj instead of the older cached version (or nothing), so that a reconcile that runs before the
   * watch event does not create the object again. list() and byIndex() see only the cache. An
   * entry is forgotten after ttlMs in any case.
   */
  noteWritten(obj: T, ttlMs = 30_000): void {
    const rv = obj.metadata?.resourceVersion;
    if (!rv) return;
    const k = keyOf(obj);
    const cached = this.cache.get(k);
    if (cached && !rvOlder(cached.metadata.resourceVersion, rv)) return;
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
    const w = this.written.size ? this.written.get(k) : undefined;
    if (w && !rvOlder(obj.metadata.resourceVersion, w.obj.metadata.resourceVersion)) this.written.delete(k);
    const ns = obj.metadata.namespace ?? '';
    let m = this.byNamespace.get(ns);
    if (!m) this.byNamespace.set(ns, (m = new Map()));
    m.set(k, obj);
    for (const idx of this.indexes.values()) {
      unfile(idx, k);
      fileUnder(idx, k, obj);
    }
  }

  private remove(k: string): T | undefined {
    this.written.delete(k);
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
        if (needList || this.relistDue) {
          this.relistDue = false;
          await this.relist();
          needList = false;
        }
        const err = await this.watchOnce();
        if (this.stopped) return;
        if (err instanceof KubeError && err.code === 410) {
          needList = true;
          continue;
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

  private async watchOnce(): Promise<Error | undefined> {
    this.stats.watches++;
    const timeout = this.opts.watchTimeoutSeconds ?? Math.round(240 + Math.random() * 120);
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
    return goneErr ?? err;
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

/**
 * true when resourceVersion a is known to be older than b. resourceVersions are opaque to clients
 * in general; this API server's are etcd revisions (integers), and anything else counts as not older.
 */
export function rvOlder(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b || !/^\d+$/.test(a) || !/^\d+$/.test(b)) return false;
  return a.length !== b.length ? a.length < b.length : a < b;
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
