// Informers that survive 410 Gone, silently dropped watches and API-server restarts.
// List, then watch from the list's resourceVersion; on 410 relist; on any other end, rewatch with
// backoff; relist on a timer anyway, so a watch that dropped events without an error heals.
// Handlers see add/update/delete and must be idempotent: a relist replays what changed.
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
    return this.cache.get(namespace ? `${namespace}/${name}` : name);
  }

  list(namespace?: string): T[] {
    const all = [...this.cache.values()];
    return namespace ? all.filter((o) => o.metadata.namespace === namespace) : all;
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
    for (const obj of list.items) {
      const k = keyOf(obj);
      seen.add(k);
      this.upsert(k, obj);
    }
    for (const [k, old] of this.cache) {
      if (!seen.has(k)) {
        this.cache.delete(k);
        for (const h of this.handlers) h.delete?.(old);
      }
    }
    this.failures = 0;
    this.markSynced();
  }

  private upsert(k: string, obj: T): void {
    const old = this.cache.get(k);
    this.cache.set(k, obj);
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
    const k = keyOf(e.object);
    if (e.type === 'DELETED') {
      const old = this.cache.get(k);
      this.cache.delete(k);
      if (old) for (const h of this.handlers) h.delete?.(e.object);
    } else {
      this.upsert(k, e.object);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref?.());
}
