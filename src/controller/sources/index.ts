// The sources reconcilers (PingSource, ApiServerSource, ContainerSource, SinkBinding), registered
// only when the cluster serves sources.knative.dev/v1 (an informer on a missing resource would hold
// the cache sync forever). The PingSource reconciler comes with the shared ping adapter it feeds.
import type { PingSource } from '../../api/sources/types.ts';
import type { PingScheduler, PingSchedulerOptions } from '../../dataplane/adapters/ping.ts';
import type { KubeClient } from '../../kube/client.ts';
import type { Logger, Reconciler } from '../runtime/types.ts';
import { makeApiServerSourceReconciler, ownImage } from './apiserver.ts';
import { makeContainerSourceReconciler } from './container.ts';
import { makePingSourceReconciler, type PingSchedule } from './ping.ts';
import { makeSinkBindingReconciler } from './sinkbinding.ts';

export interface SourcesOptions {
  log: Logger;
  /** Options of the ping adapter (tests and benchmarks: jitter, onSent). */
  ping?: Partial<PingSchedulerOptions>;
  /** The adapter image for ApiServerSources (default: the controller's own). */
  image?: () => Promise<string>;
}

/**
 * The ping adapter, loaded when the first PingSource is scheduled: it brings an HTTP client
 * (undici) and a cron library, ≈ 5 MiB of heap that a controller with no PingSource never needs
 * (docs/adr/0029-controller-memory.md). Until then nothing is scheduled, so has() is false and
 * remove() and stopAll() have nothing to do.
 */
export class LazyPingScheduler implements PingSchedule {
  private real: PingScheduler | undefined;
  private loading: Promise<PingScheduler> | undefined;
  private readonly o: Partial<PingSchedulerOptions> & { log: Logger };
  lookup: (namespace: string, name: string) => PingSource | undefined = () => undefined;

  constructor(o: Partial<PingSchedulerOptions> & { log: Logger }) {
    this.o = o;
  }

  ready(): Promise<PingScheduler> {
    this.loading ??= import('../../dataplane/adapters/ping.ts').then(({ PingScheduler }) => {
      this.real = new PingScheduler({ ...this.o, lookup: (ns, name) => this.lookup(ns, name) });
      return this.real;
    });
    return this.loading;
  }

  get size(): number {
    return this.real?.size ?? 0;
  }

  has(key: string): boolean {
    return this.real?.has(key) ?? false;
  }

  /** Call after ready(). */
  ensure(src: PingSource): void {
    if (!this.real) throw new Error('the ping adapter is not loaded yet: await ready() first');
    this.real.ensure(src);
  }

  remove(key: string): void {
    this.real?.remove(key);
  }

  stopAll(): void {
    this.real?.stopAll();
  }

  async fire(namespace: string, name: string): Promise<void> {
    return (await this.ready()).fire(namespace, name);
  }
}

export async function sourcesReconcilers(client: KubeClient, o: SourcesOptions): Promise<{ reconcilers: Reconciler[]; scheduler?: LazyPingScheduler }> {
  try {
    const list = await client.raw<{ resources?: { name: string }[] }>('GET', '/apis/sources.knative.dev/v1');
    const names = new Set((list.resources ?? []).map((r) => r.name));
    if (!['pingsources', 'apiserversources', 'containersources', 'sinkbindings'].every((n) => names.has(n))) return { reconcilers: [] };
  } catch {
    return { reconcilers: [] };
  }
  const scheduler = new LazyPingScheduler({ ...o.ping, log: o.log });
  const reconcilers = [
    makePingSourceReconciler(scheduler),
    makeApiServerSourceReconciler({ image: o.image ?? ownImage({ client }) }),
    makeContainerSourceReconciler(),
    makeSinkBindingReconciler(),
  ] as unknown as Reconciler[];
  return { reconcilers, scheduler };
}
