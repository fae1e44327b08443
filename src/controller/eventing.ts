// The Eventing reconcilers (Broker, Trigger, EventType), registered only when the cluster serves
// their API: a cluster installed without Eventing has no Broker CRD, and an informer on a missing
// resource would hold the controller's cache sync forever.
import type { KubeClient } from '../kube/client.ts';
import { EventingConfig, makeBrokerReconciler } from './broker/index.ts';
import { makeEventTypeReconciler } from './eventtype/index.ts';
import type { Reconciler } from './runtime/types.ts';
import { makeTriggerReconciler } from './trigger/index.ts';

const served = async (client: KubeClient, groupVersion: string): Promise<Set<string>> => {
  try {
    const list = await client.raw<{ resources?: { name: string }[] }>('GET', `/apis/${groupVersion}`);
    return new Set((list.resources ?? []).map((r) => r.name));
  } catch {
    return new Set();
  }
};

export async function eventingReconcilers(client: KubeClient): Promise<Reconciler[]> {
  const [v1, v1beta2] = await Promise.all([served(client, 'eventing.knative.dev/v1'), served(client, 'eventing.knative.dev/v1beta2')]);
  if (!v1.has('brokers') || !v1.has('triggers')) return [];
  const config = new EventingConfig();
  const out: Reconciler[] = [makeBrokerReconciler(config), makeTriggerReconciler(config)] as unknown as Reconciler[];
  if (v1beta2.has('eventtypes')) out.push(makeEventTypeReconciler() as unknown as Reconciler);
  return out;
}
