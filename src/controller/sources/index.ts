// The sources reconcilers (PingSource, ApiServerSource, ContainerSource, SinkBinding), registered
// only when the cluster serves sources.knative.dev/v1 (an informer on a missing resource would hold
// the cache sync forever). The PingSource reconciler comes with the shared ping adapter it feeds.
import { PingScheduler, type PingSchedulerOptions } from '../../dataplane/adapters/ping.ts';
import type { KubeClient } from '../../kube/client.ts';
import type { Logger, Reconciler } from '../runtime/types.ts';
import { makeApiServerSourceReconciler, ownImage } from './apiserver.ts';
import { makeContainerSourceReconciler } from './container.ts';
import { makePingSourceReconciler } from './ping.ts';
import { makeSinkBindingReconciler } from './sinkbinding.ts';

export interface SourcesOptions {
  log: Logger;
  /** Options of the ping adapter (tests and benchmarks: jitter, onSent). */
  ping?: Partial<PingSchedulerOptions>;
  /** The adapter image for ApiServerSources (default: the controller's own). */
  image?: () => Promise<string>;
}

export async function sourcesReconcilers(client: KubeClient, o: SourcesOptions): Promise<{ reconcilers: Reconciler[]; scheduler?: PingScheduler }> {
  try {
    const list = await client.raw<{ resources?: { name: string }[] }>('GET', '/apis/sources.knative.dev/v1');
    const names = new Set((list.resources ?? []).map((r) => r.name));
    if (!['pingsources', 'apiserversources', 'containersources', 'sinkbindings'].every((n) => names.has(n))) return { reconcilers: [] };
  } catch {
    return { reconcilers: [] };
  }
  const scheduler = new PingScheduler({ log: o.log, ...o.ping });
  const reconcilers = [
    makePingSourceReconciler(scheduler),
    makeApiServerSourceReconciler({ image: o.image ?? ownImage({ client }) }),
    makeContainerSourceReconciler(),
    makeSinkBindingReconciler(),
  ] as unknown as Reconciler[];
  return { reconcilers, scheduler };
}
