// The controller manager: shared informers (one per kind, on every replica, so a new leader starts
// with a warm cache), one keyed work queue per reconciler fed by them, workers that run
// reconcileKey only while this replica holds the Lease, the knative-serving ConfigMaps, metrics and
// health on one HTTP port, and a graceful stop (stop taking work, finish in-flight, release the
// lease).
//
// Leadership comes in terms. Each term has an AbortSignal (ReconcileContext.signal); when the term
// ends (the lease was lost), the signal aborts, every write the reconcilers attempt from then on
// is refused (LeadershipLostError) so in-flight reconciles stop, and the work queues are emptied.
// A new term starts with a resync of every cached object. Every resyncPeriodMs (default 10 h, as
// knative.dev/pkg) the informers hand their cached objects back for a resync: no LIST.
import type * as HttpNS from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { KubeObject, ResourceType } from '../../api/meta.ts';
import { R } from '../../api/resources.ts';
import type { KubeClient } from '../../kube/client.ts';
import { Informer, keyOf, leanObject, type WriteMark } from '../../kube/informer.ts';
import { LeaderElector } from '../../kube/lease.ts';
import { KubeEventRecorder } from './events.ts';
import { ControllerMetrics } from './metrics.ts';
import { WorkQueue } from './queue.ts';
import { LeadershipLostError, ReconcileState, reconcileKey } from './reconcile.ts';
import type { EventRecorder, Logger, ReconcileContext, Reconciler } from './types.ts';

// node:http is loaded with require, not import: the ESM facade of node:http reads every export,
// and one is a lazy getter that loads Node's bundled fetch (≈ 2 MiB of heap the controller never
// uses; docs/adr/0029-controller-memory.md).
const http = createRequire(import.meta.url)('node:http') as typeof HttpNS;

export interface LeaderElectionConfig {
  name: string;
  namespace: string;
  identity: string;
  leaseDurationSeconds?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

export interface ManagerOptions {
  client: KubeClient;
  reconcilers: Reconciler[];
  log: Logger;
  /** Namespace of the config-* ConfigMaps; default knative-serving. */
  systemNamespace?: string;
  /** false: lead at once (single replica, tests). */
  leaderElection: LeaderElectionConfig | false;
  /** Concurrent reconciles per reconciler (default 4). */
  workers?: number;
  /** Serve /metrics, /healthz, /readyz on this port (0 = any free port; undefined = no server). */
  httpPort?: number;
  httpHost?: string;
  metrics?: ControllerMetrics;
  recorder?: EventRecorder;
  now?: () => Date;
  /** Hand every cached object back to its reconcilers this often (from memory); default 10 h. */
  resyncPeriodMs?: number;
}

/** knative.dev/pkg's controller.DefaultResyncPeriod. */
export const DEFAULT_RESYNC_PERIOD_MS = 10 * 60 * 60 * 1000;

const typeKey = (r: ResourceType, ns = '') => `${r.group}/${r.version}/${r.plural}@${ns}`;

interface Ctl {
  rec: Reconciler;
  queue: WorkQueue;
  workers: Promise<void>[];
  ctx: ReconcileContext;
  state: ReconcileState;
}

export class Manager {
  readonly metrics: ControllerMetrics;
  private readonly o: ManagerOptions;
  private readonly informers = new Map<string, Informer>();
  private readonly ctls: Ctl[] = [];
  private readonly recorder: EventRecorder;
  /** The client the reconcilers get: the same, but its writes are noted in our caches (readYourWrites). */
  private readonly reconcilerClient: KubeClient;
  private configInformer!: Informer;
  private elector: LeaderElector | undefined;
  private server: HttpNS.Server | undefined;
  private leading = false;
  /** The current leadership term: aborted when it ends. */
  private term = new AbortController();
  private synced = false;
  /** Informers started (at start, or later by informerFor), with their first list. */
  private readonly started = new Map<string, Promise<void>>();
  private stopping = false;
  /** Reconciles run, per reconciler name (tests and benchmarks). */
  readonly counts: Record<string, number> = {};

  constructor(o: ManagerOptions) {
    this.o = o;
    this.metrics = o.metrics ?? new ControllerMetrics();
    this.term.abort(); // no term until this replica leads
    const prev = o.client.onRequest;
    const host = new URL(o.client.server).host;
    o.client.onRequest = (m, p, s, ms) => {
      prev?.(m, p, s, ms);
      this.metrics.request(host, m, p, s, ms);
    };
    this.reconcilerClient = this.readYourWrites(o.client);
    this.recorder = o.recorder ?? new KubeEventRecorder(o.client, { log: o.log, component: 'controller', instance: o.leaderElection ? o.leaderElection.identity : '' });
  }

  get isLeader(): boolean {
    return this.leading;
  }

  get ready(): boolean {
    return this.synced && !this.stopping;
  }

  /** The port the HTTP server listens on. */
  get port(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }

  /** The cluster-wide informer of a kind if the reconcilers watch it; undefined otherwise (nothing is started). */
  watched<T extends KubeObject = KubeObject>(r: ResourceType): Informer<T> | undefined {
    return this.informers.get(typeKey(r)) as unknown as Informer<T> | undefined;
  }

  informer<T extends KubeObject = KubeObject>(r: ResourceType, namespace?: string): Informer<T> {
    const k = typeKey(r, namespace);
    let inf = this.informers.get(k);
    if (!inf) {
      // The caches keep no managedFields (nothing here reads them; a PUT without them keeps the
      // server's), and no kubectl last-applied annotation on Knative objects (the reconcilers copy
      // it nowhere, and only patch or write the status of objects users apply).
      // Every string value is shared with its equal ones (leanObject's shareStrings).
      const transform = leanObject({ dropLastApplied: r.group === 'serving.knative.dev', shareStrings: true });
      inf = new Informer(this.o.client, r, { ...(namespace ? { namespace } : {}), transform, resyncPeriodMs: this.o.resyncPeriodMs ?? DEFAULT_RESYNC_PERIOD_MS });
      inf.onError = (e) => this.o.log.warn({ err: e, resource: r.plural }, 'informer error; retrying');
      this.informers.set(k, inf);
    }
    return inf as unknown as Informer<T>;
  }

  /**
   * The reconcilers' view of the client. Every write is refused once the leadership term it
   * started in has ended (LeadershipLostError), so a replica that lost the lease stops writing.
   * What a create, update or patch returns is noted in the informer of that kind
   * (Informer.noteWritten), so a reconcile that runs before the watch event arrives sees its own
   * earlier write instead of creating the object a second time (a 409 and a GET, or an update from
   * a stale copy).
   */
  private readYourWrites(client: KubeClient): KubeClient {
    const guard = () => {
      if (this.term.signal.aborted) throw new LeadershipLostError();
    };
    const noted = async <T>(r: ResourceType, key: string | undefined, write: () => Promise<T>): Promise<T> => {
      guard();
      const inf = key ? this.informers.get(typeKey(r)) : undefined;
      const mark: WriteMark | undefined = inf?.writeStarted(key!);
      let out: T;
      try {
        out = await write();
      } catch (e) {
        if (mark) inf!.writeFailed(mark);
        throw e;
      }
      const written = out as unknown as KubeObject | undefined;
      if (inf && written && typeof written === 'object' && written.metadata) inf.noteWritten(written, mark);
      else if (mark) inf!.writeFailed(mark);
      return out;
    };
    const keyIn = (r: ResourceType, name: string | undefined, namespace: string | undefined) => (name ? (r.namespaced && namespace ? `${namespace}/${name}` : name) : undefined);
    const wrapped: Partial<KubeClient> = {
      create: ((r: ResourceType, obj: KubeObject, wo?: object) => noted(r, keyIn(r, obj.metadata.name, obj.metadata.namespace), () => client.create(r, obj, wo))) as KubeClient['create'],
      replace: ((r: ResourceType, obj: KubeObject, wo?: object) => noted(r, keyIn(r, obj.metadata.name, obj.metadata.namespace), () => client.replace(r, obj, wo))) as KubeClient['replace'],
      patch: ((...args: Parameters<KubeClient['patch']>) =>
        // A patch of a subresource returns the whole object too, but only the main resource is cached as such.
        noted(args[0], args[5]?.subresource ? undefined : keyIn(args[0], args[1], args[2]), () => client.patch(...args))) as KubeClient['patch'],
      replaceStatus: ((...args: Parameters<KubeClient['replaceStatus']>) => {
        guard();
        return client.replaceStatus(...args);
      }) as KubeClient['replaceStatus'],
      apply: ((...args: Parameters<KubeClient['apply']>) => {
        guard();
        return client.apply(...args);
      }) as KubeClient['apply'],
      delete: ((...args: Parameters<KubeClient['delete']>) => {
        guard();
        return client.delete(...args);
      }) as KubeClient['delete'],
      raw: ((...args: Parameters<KubeClient['raw']>) => {
        if (args[0] !== 'GET') guard();
        return client.raw(...args);
      }) as KubeClient['raw'],
    };
    return new Proxy(client, {
      get(target, prop) {
        if (typeof prop === 'string' && prop in wrapped) return wrapped[prop as keyof typeof wrapped];
        const v = Reflect.get(target, prop, target) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  }

  private configMaps(): Record<string, Record<string, string> | undefined> {
    const out: Record<string, Record<string, string> | undefined> = {};
    for (const cm of this.configInformer.list()) {
      const n = cm.metadata.name ?? '';
      if (n.startsWith('config-')) out[n] = (cm.data as Record<string, string> | undefined) ?? {};
    }
    return out;
  }

  async start(): Promise<void> {
    const { o } = this;
    if (o.httpPort !== undefined) await this.listen(o.httpPort, o.httpHost ?? '0.0.0.0');
    this.configInformer = this.informer(R.ConfigMap, o.systemNamespace ?? 'knative-serving');
    this.configInformer.on({
      add: () => this.resyncAll(),
      update: (a, b) => {
        if (JSON.stringify(a.data) !== JSON.stringify(b.data)) this.resyncAll();
      },
      delete: () => this.resyncAll(),
    });
    for (const rec of o.reconcilers) this.wire(rec);
    o.log.info({ informers: [...this.informers.keys()] }, 'starting informers');
    await Promise.all([...this.informers].map(([k, i]) => this.startInformer(k, i)));
    this.synced = true;
    o.log.info({}, 'caches synced');
    for (const c of this.ctls) for (let i = 0; i < (o.workers ?? 4); i++) c.workers.push(this.work(c));
    if (o.leaderElection) {
      const le = o.leaderElection;
      this.elector = new LeaderElector(o.client, {
        ...le,
        onStartedLeading: () => this.setLeading(true),
        onStoppedLeading: () => this.setLeading(false),
        onError: (e) => o.log.warn({ err: e, lease: `${le.namespace}/${le.name}` }, 'leader election: could not acquire or renew the lease; retrying'),
      });
      this.elector.start();
    } else {
      this.setLeading(true);
    }
  }

  private setLeading(v: boolean): void {
    if (this.leading === v) return;
    this.leading = v;
    const le = this.o.leaderElection;
    this.metrics.leader.set({ name: le ? le.name : '' }, v ? 1 : 0);
    if (v) {
      this.term = new AbortController();
    } else {
      // In-flight reconciles stop at their next write; queued keys are the new leader's.
      this.term.abort();
      for (const c of this.ctls) c.queue.clear();
    }
    this.o.log.info({ identity: le ? le.identity : '' }, v ? 'became leader' : 'lost leadership: stopping reconciles and work queues');
    if (v) this.resyncAll();
  }

  /** Enqueues every object of every reconciler's kind. */
  resyncAll(): void {
    if (!this.synced || !this.leading) return;
    for (const c of this.ctls) for (const obj of this.informer(c.rec.resource).list()) c.queue.add(keyOf(obj));
  }

  private wire(rec: Reconciler): void {
    const queue = new WorkQueue(undefined, this.metrics.queue(rec.name));
    const declared = new Set<string>();
    const use = (r: ResourceType) => {
      declared.add(typeKey(r));
      return this.informer(r);
    };
    const enqueue = (k: string) => {
      if (this.leading) queue.add(k);
    };
    const state = new ReconcileState();
    const relevant = rec.relevant ?? (() => true);
    use(rec.resource).on({
      add: (o) => {
        state.observe(keyOf(o), o.metadata.resourceVersion);
        enqueue(keyOf(o));
      },
      update: (a, b) => {
        const k = keyOf(b);
        // The echo of our own status write: the object is what that reconcile saw plus the status
        // it wrote, so reconciling it again would change nothing.
        if (state.observe(k, b.metadata.resourceVersion)) return;
        if (relevant(rec.resource, a, b)) enqueue(k);
      },
      delete: (o) => state.forget(keyOf(o)),
      resync: (o) => enqueue(keyOf(o)),
    });
    /** A child or watched kind: every add and delete, and the updates the reconciler reads, call h. */
    const follow = (r: ResourceType, h: (obj: KubeObject) => void) =>
      use(r).on({ add: h, update: (a, b) => (relevant(r, a, b) ? h(b) : undefined), delete: h });
    const ownerGroup = rec.resource.group;
    const ownerOf = (child: KubeObject): string | undefined => {
      const ref = child.metadata.ownerReferences?.find((x) => x.controller && x.kind === rec.resource.kind && (x.apiVersion.includes('/') ? x.apiVersion.split('/')[0] : '') === ownerGroup);
      if (!ref) return undefined;
      return child.metadata.namespace ? `${child.metadata.namespace}/${ref.name}` : ref.name;
    };
    for (const r of rec.owns ?? []) {
      follow(r, (obj) => {
        const k = ownerOf(obj);
        if (k) enqueue(k);
      });
    }
    for (const w of rec.watches ?? []) {
      follow(w.resource, (obj) => {
        for (const k of w.map(obj)) enqueue(k);
      });
    }
    for (const r of rec.reads ?? []) use(r);
    const ctx: ReconcileContext = {
      client: this.reconcilerClient,
      lister: <T extends KubeObject>(r: ResourceType) => {
        if (!declared.has(typeKey(r))) throw new Error(`reconciler ${rec.name} reads ${r.plural} without declaring it in resource, owns, watches or reads`);
        return this.informer<T>(r);
      },
      informerFor: (r, waitMs) => this.informerFor(r, waitMs),
      configMaps: () => this.configMaps(),
      recorder: this.recorder,
      enqueueAfter: (k, ms) => queue.addAfter(k, ms),
      log: this.o.log,
      now: this.o.now ?? (() => new Date()),
    };
    // The signal of whichever term is current when the reconciler looks.
    Object.defineProperty(ctx, 'signal', { get: () => this.term.signal, enumerable: true });
    this.ctls.push({ rec, queue, workers: [], ctx, state });
  }

  private async work(c: Ctl): Promise<void> {
    for (;;) {
      const key = await c.queue.get();
      if (key === undefined) return;
      if (!this.leading) {
        // Not the leader: skip; whoever leads has it, and we resync when we take over.
        c.queue.done(key);
        continue;
      }
      const t0 = performance.now();
      const signal = this.term.signal;
      let result: 'success' | 'error' | 'requeue_after' | undefined = 'success';
      try {
        const out = await reconcileKey(c.rec, key, c.ctx, c.state, () => c.queue.isDirty(key));
        c.queue.forget(key);
        if (out.requeueAfterMs !== undefined) {
          result = 'requeue_after';
          if (!signal.aborted) c.queue.addAfter(key, out.requeueAfterMs);
        }
      } catch (e) {
        if (e instanceof LeadershipLostError || signal.aborted) {
          // The term ended while this reconcile ran: it stopped at a write; nothing to retry here.
          result = undefined;
          this.o.log.info({ controller: c.rec.name, key }, 'reconcile stopped: leadership lost');
        } else {
          result = 'error';
          this.o.log.warn({ controller: c.rec.name, key, err: e, retries: c.queue.retries(key) }, 'reconcile failed; retrying');
          c.queue.addRateLimited(key);
        }
      } finally {
        this.counts[c.rec.name] = (this.counts[c.rec.name] ?? 0) + 1;
        if (result) this.metrics.reconciled(c.rec.name, result, (performance.now() - t0) / 1000);
        c.queue.done(key);
      }
    }
  }

  private listen(port: number, host: string): Promise<void> {
    this.server = http.createServer((req, res) => {
      const url = (req.url ?? '/').split('?')[0];
      if (url === '/healthz') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      } else if (url === '/readyz') {
        res.writeHead(this.ready ? 200 : 503, { 'content-type': 'text/plain' }).end(this.ready ? 'ok' : 'not ready');
      } else if (url === '/metrics') {
        this.metrics.registry.metrics().then(
          (m) => res.writeHead(200, { 'content-type': this.metrics.registry.contentType }).end(m),
          (e: unknown) => res.writeHead(500).end(String(e)),
        );
      } else {
        res.writeHead(404).end('not found');
      }
    });
    return new Promise((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(port, host, () => resolve());
    });
  }

  private startInformer(k: string, inf: Informer): Promise<void> {
    let p = this.started.get(k);
    if (!p) this.started.set(k, (p = inf.start()));
    return p;
  }

  /** ReconcileContext.informerFor: an informer of any kind, started on first use. */
  async informerFor<T extends KubeObject>(r: ResourceType, waitMs = 3000): Promise<Informer<T> | undefined> {
    const inf = this.informer<T>(r);
    if (this.stopping) return undefined;
    const synced = this.startInformer(typeKey(r), inf as unknown as Informer);
    let timer: NodeJS.Timeout | undefined;
    const ok = await Promise.race([synced.then(() => true), new Promise<boolean>((res) => (timer = setTimeout(() => res(false), waitMs)))]);
    clearTimeout(timer);
    return ok ? inf : undefined;
  }

  /** Graceful stop: no new keys, in-flight reconciles finish, the lease is released. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const c of this.ctls) c.queue.shutDown();
    await Promise.all(this.ctls.flatMap((c) => c.workers));
    if (this.recorder instanceof KubeEventRecorder) await this.recorder.flush();
    await this.elector?.stop();
    this.leading = false;
    for (const i of this.informers.values()) i.stop();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.server?.closeAllConnections?.();
  }
}

