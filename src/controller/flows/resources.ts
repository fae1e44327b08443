// The channels and subscriptions a Sequence or a Parallel is made of, named and wired as upstream's
// pkg/reconciler/sequence/resources and parallel/resources, and the per-child statuses they report.
// Pure.
import type { Destination, KReference } from '../../api/eventing/types.ts';
import {
  type FlowChannelStatus,
  type FlowSubscriptionStatus,
  MESSAGING_V1,
  type Parallel,
  parallelBranchChannelName,
  parallelChannelName,
  parallelFilterSubscriptionName,
  parallelSubscriptionName,
  type Sequence,
  sequenceChannelName,
  sequenceSubscriptionName,
  type Subscription,
} from '../../api/messaging/types.ts';
import { type Condition, controllerRef, getCondition, type KubeObject } from '../../api/meta.ts';

type Flow = Sequence | Parallel;

/** A channel of the flow's template kind. */
export function flowChannel(f: Flow, name: string): KubeObject {
  const t = f.spec?.channelTemplate ?? {};
  return {
    apiVersion: t.apiVersion,
    kind: t.kind,
    metadata: { name, namespace: f.metadata.namespace, ownerReferences: [controllerRef(f)] },
    spec: { ...(t.spec ?? {}) },
  };
}

const channelRef = (f: Flow, name: string, withNamespace: boolean): KReference => ({
  apiVersion: f.spec?.channelTemplate?.apiVersion ?? '',
  kind: f.spec?.channelTemplate?.kind ?? '',
  name,
  ...(withNamespace ? { namespace: f.metadata.namespace ?? '' } : {}),
});

const copyDest = (d: Destination | undefined): Destination | undefined => (d ? structuredClone(d) : undefined);

function subscription(f: Flow, name: string, spec: Subscription['spec']): Subscription {
  const s = structuredClone(spec ?? {});
  for (const k of Object.keys(s) as (keyof typeof s)[]) if (s[k] === undefined) delete s[k];
  return { apiVersion: MESSAGING_V1, kind: 'Subscription', metadata: { name, namespace: f.metadata.namespace, ownerReferences: [controllerRef(f)] }, spec: s };
}

/** Channel i and subscription i per step; each step replies to the next channel, the last to spec.reply. */
export function sequenceResources(s: Sequence): { channels: KubeObject[]; subscriptions: Subscription[] } {
  const steps = s.spec?.steps ?? [];
  const name = s.metadata.name ?? '';
  const channels = steps.map((_, i) => flowChannel(s, sequenceChannelName(name, i)));
  const subscriptions = steps.map((step, i) => {
    const { delivery, ...dest } = step;
    const reply = i < steps.length - 1 ? { ref: channelRef(s, sequenceChannelName(name, i + 1), true) } : copyDest(s.spec?.reply);
    return subscription(s, sequenceSubscriptionName(name, i), { channel: channelRef(s, sequenceChannelName(name, i), false), subscriber: dest, reply, delivery });
  });
  return { channels, subscriptions };
}

/**
 * The ingress channel, a channel per branch, and per branch a filter subscription on the ingress
 * channel (subscriber: the filter, reply: the branch channel; without a filter the branch channel
 * itself is the subscriber) and a subscription on the branch channel (subscriber, reply: the
 * branch's or spec.reply).
 */
export function parallelResources(p: Parallel): { ingress: KubeObject; channels: KubeObject[]; filters: Subscription[]; subscriptions: Subscription[] } {
  const name = p.metadata.name ?? '';
  const branches = p.spec?.branches ?? [];
  const ingress = flowChannel(p, parallelChannelName(name));
  const channels = branches.map((_, i) => flowChannel(p, parallelBranchChannelName(name, i)));
  const filters = branches.map((b, i) => {
    const branchChannel = { ref: channelRef(p, parallelBranchChannelName(name, i), true) };
    return subscription(
      p,
      parallelFilterSubscriptionName(name, i),
      b.filter ? { channel: channelRef(p, parallelChannelName(name), false), subscriber: copyDest(b.filter), reply: branchChannel } : { channel: channelRef(p, parallelChannelName(name), false), subscriber: branchChannel },
    );
  });
  const subscriptions = branches.map((b, i) =>
    subscription(p, parallelSubscriptionName(name, i), {
      channel: channelRef(p, parallelBranchChannelName(name, i), false),
      subscriber: copyDest(b.subscriber),
      reply: copyDest(b.reply ?? p.spec?.reply),
      delivery: b.delivery ? structuredClone(b.delivery) : undefined,
    }),
  );
  return { ingress, channels, filters, subscriptions };
}

const ref = (o: KubeObject | undefined, fallback: KubeObject) => ({
  apiVersion: (o ?? fallback).apiVersion ?? '',
  kind: (o ?? fallback).kind ?? '',
  name: (o ?? fallback).metadata.name ?? '',
  namespace: (o ?? fallback).metadata.namespace ?? '',
});

function readyOf(o: KubeObject | undefined, what: 'Channel' | 'Subscription', now: () => Date): Condition {
  const c = getCondition((o?.status ?? undefined) as never, 'Ready');
  if (c) return c;
  return { type: 'Ready', status: 'Unknown', reason: 'NoReady', message: `${what} does not have Ready condition`, lastTransitionTime: now().toISOString().replace(/\.\d{3}Z$/, 'Z') };
}

/** A channel's entry in a flow status (its Ready condition, or Unknown NoReady). */
export function channelStatusOf(actual: KubeObject | undefined, desired: KubeObject, now: () => Date): FlowChannelStatus {
  return { channel: ref(actual, desired), ready: readyOf(actual, 'Channel', now) };
}

export function subscriptionStatusOf(actual: KubeObject | undefined, desired: KubeObject, now: () => Date): FlowSubscriptionStatus {
  return { subscription: ref(actual, desired), ready: readyOf(actual, 'Subscription', now) };
}

/** A Parallel's channel entry: Ready True when the channel has an address (parallel_lifecycle.go). */
export function parallelChannelStatusOf(actual: KubeObject | undefined, desired: KubeObject): FlowChannelStatus {
  const addressed = !!(actual?.status as { address?: { url?: string } } | undefined)?.address;
  return {
    channel: ref(actual, desired),
    ready: addressed ? { type: 'Ready', status: 'True' } : { type: 'Ready', status: 'False', reason: 'NotAddressable', message: 'Channel is not addressable' },
  };
}
