// The messaging and flows reconcilers (Channel, InMemoryChannel, Subscription, Sequence, Parallel),
// registered only when the cluster serves messaging.knative.dev/v1 and flows.knative.dev/v1 (an
// informer on a missing resource would hold the controller's cache sync forever).
import type { KubeClient } from '../../kube/client.ts';
import { makeParallelReconciler, makeSequenceReconciler } from '../flows/index.ts';
import type { Reconciler } from '../runtime/types.ts';
import { makeChannelReconciler } from './channel.ts';
import { ChannelDefaultsCache } from './common.ts';
import { makeImcReconciler } from './imc.ts';
import { makeSubscriptionReconciler } from './subscription.ts';

async function serves(client: KubeClient, groupVersion: string, plurals: string[]): Promise<boolean> {
  try {
    const list = await client.raw<{ resources?: { name: string }[] }>('GET', `/apis/${groupVersion}`);
    const names = new Set((list.resources ?? []).map((r) => r.name));
    return plurals.every((p) => names.has(p));
  } catch {
    return false;
  }
}

export async function messagingReconcilers(client: KubeClient): Promise<Reconciler[]> {
  const [eventing, messaging, flows] = await Promise.all([
    serves(client, 'eventing.knative.dev/v1', ['brokers']),
    serves(client, 'messaging.knative.dev/v1', ['channels', 'inmemorychannels', 'subscriptions']),
    serves(client, 'flows.knative.dev/v1', ['sequences', 'parallels']),
  ]);
  // The reconcilers resolve Brokers, Sequences and Parallels as addressables: all three groups must be served.
  if (!eventing || !messaging || !flows) return [];
  const defaults = new ChannelDefaultsCache();
  return [makeChannelReconciler(defaults), makeImcReconciler(), makeSubscriptionReconciler(), makeSequenceReconciler(defaults), makeParallelReconciler(defaults)] as unknown as Reconciler[];
}
