// The Eventing reconcilers (Broker, Trigger), registered only when the cluster serves
// eventing.knative.dev/v1: a cluster installed without Eventing has no Broker CRD, and an informer
// on a missing resource would hold the controller's cache sync forever.
import type { KubeClient } from '../kube/client.ts';
import { EventingConfig, makeBrokerReconciler } from './broker/index.ts';
import type { Reconciler } from './runtime/types.ts';
import { makeTriggerReconciler } from './trigger/index.ts';

export async function eventingReconcilers(client: KubeClient): Promise<Reconciler[]> {
  try {
    const list = await client.raw<{ resources?: { name: string }[] }>('GET', '/apis/eventing.knative.dev/v1');
    const names = new Set((list.resources ?? []).map((r) => r.name));
    if (!names.has('brokers') || !names.has('triggers')) return [];
  } catch {
    return [];
  }
  const config = new EventingConfig();
  return [makeBrokerReconciler(config), makeTriggerReconciler(config)] as unknown as Reconciler[];
}
