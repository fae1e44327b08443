// The Subscription reconciler (upstream's pkg/reconciler/subscription): finds the channel (a
// Channel's backing channel, or an InMemoryChannel), resolves subscriber, reply and dead-letter sink
// into status.physicalSubscription, writes itself into the channel's spec.subscribers (a merge
// patch carrying the channel's resourceVersion), and reports ChannelReady from the channel's
// status.subscribers. On deletion its finalizer takes the entry out of the channel again.
import { type Lookup, resolveDestination } from '../../api/eventing/destination.ts';
import type { DeliverySpec } from '../../api/eventing/types.ts';
import {
  type Channel,
  type InMemoryChannel,
  type PhysicalSubscription,
  type SubscriberSpec,
  type Subscription,
  SUBSCRIPTION_CONDITIONS,
  SUBSCRIPTION_FINALIZER,
} from '../../api/messaging/types.ts';
import { getCondition, type Status } from '../../api/meta.ts';
import { R, resourceOf } from '../../api/resources.ts';
import { KubeError } from '../../kube/errors.ts';
import { OIDC_DISABLED_REASON } from '../trigger/index.ts';
import { AddressableResolver } from '../addressable/index.ts';
import { ConditionManager } from '../networking/conditions.ts';
import type { ReconcileContext, Reconciler } from '../runtime/types.ts';

export type ChannelLookup = (kind: 'Channel' | 'InMemoryChannel', name: string, namespace: string) => Channel | InMemoryChannel | undefined;

/** The channel a Subscription writes into: an InMemoryChannel, or a Channel's backing channel. */
export function subscriptionChannel(sub: Subscription, get: ChannelLookup): { channel?: InMemoryChannel; error?: string } {
  const ref = sub.spec?.channel;
  const ns = sub.metadata.namespace ?? '';
  if (!ref?.name) return { error: 'spec.channel is missing' };
  const r = resourceOf(ref.apiVersion ?? '', ref.kind);
  if (r === R.Channel) {
    const ch = get('Channel', ref.name, ns) as Channel | undefined;
    if (!ch) return { error: `channels.messaging.knative.dev "${ref.name}" not found` };
    const backing = ch.status?.channel;
    if (getCondition(ch.status, 'Ready')?.status !== 'True' || !backing) return { error: 'channel is not ready.' };
    if (resourceOf(backing.apiVersion ?? '', backing.kind) !== R.InMemoryChannel) return { error: `backing channel kind ${backing.kind} is not supported` };
    const imc = get('InMemoryChannel', backing.name, ns) as InMemoryChannel | undefined;
    return imc ? { channel: imc } : { error: `inmemorychannels.messaging.knative.dev "${backing.name}" not found` };
  }
  if (r === R.InMemoryChannel) {
    const imc = get('InMemoryChannel', ref.name, ns) as InMemoryChannel | undefined;
    return imc ? { channel: imc } : { error: `inmemorychannels.messaging.knative.dev "${ref.name}" not found` };
  }
  return { error: `channel kind ${ref.apiVersion ?? ''} ${ref.kind} is not supported by kn-ts (supported: Channel, InMemoryChannel)` };
}

export interface Resolution {
  physical: PhysicalSubscription;
  failure?: { reason: string; message: string };
}

/** status.physicalSubscription: subscriber, reply, and the dead-letter sink (the Subscription's, else the channel's). */
export function resolveSubscription(sub: Subscription, channel: InMemoryChannel, lookup: Lookup): Resolution {
  const ns = sub.metadata.namespace ?? '';
  const physical: PhysicalSubscription = {};
  const subscriber = sub.spec?.subscriber;
  if (subscriber && (subscriber.ref || subscriber.uri)) {
    const x = resolveDestination(subscriber, ns, lookup);
    if (!x.url) return { physical, failure: { reason: 'SubscriberResolveFailed', message: `Failed to resolve spec.subscriber: ${x.error ?? ''}` } };
    physical.subscriberUri = x.url;
    if (x.CACerts) physical.subscriberCACerts = x.CACerts;
    if (x.audience) physical.subscriberAudience = x.audience;
  }
  const reply = sub.spec?.reply;
  if (reply && (reply.ref || reply.uri)) {
    const x = resolveDestination(reply, ns, lookup);
    if (!x.url) return { physical, failure: { reason: 'ReplyResolveFailed', message: `Failed to resolve spec.reply: ${x.error ?? ''}` } };
    physical.replyUri = x.url;
    if (x.CACerts) physical.replyCACerts = x.CACerts;
    if (x.audience) physical.replyAudience = x.audience;
  }
  const dls = sub.spec?.delivery?.deadLetterSink;
  if (dls) {
    const x = resolveDestination(dls, ns, lookup);
    if (!x.url) return { physical, failure: { reason: 'DeadLetterSinkResolveFailed', message: `Failed to resolve spec.delivery.deadLetterSink: ${x.error ?? ''}` } };
    physical.deadLetterSinkUri = x.url;
  } else if (channel.spec?.delivery?.deadLetterSink) {
    if (!channel.status?.deadLetterSinkUri) return { physical, failure: { reason: 'DeadLetterSinkResolveFailed', message: `channel ${channel.metadata.name} didn't set status.deadLetterSinkURI` } };
    physical.deadLetterSinkUri = channel.status.deadLetterSinkUri;
  }
  return { physical };
}

const RETRY_KEYS = ['retry', 'backoffPolicy', 'backoffDelay', 'timeout', 'retryAfterMax'] as const;

/** The delivery written into the channel (upstream's deliverySpec): the resolved sink plus the Subscription's, else the channel's, retry settings. */
export function effectiveSubscriberDelivery(sub: Subscription, channel: InMemoryChannel, physical: PhysicalSubscription): DeliverySpec | undefined {
  const from = sub.spec?.delivery === undefined && channel.spec?.delivery ? channel.spec.delivery : sub.spec?.delivery;
  let d: DeliverySpec | undefined;
  if (physical.deadLetterSinkUri) d = { deadLetterSink: { uri: physical.deadLetterSinkUri } };
  if (from && RETRY_KEYS.some((k) => from[k] !== undefined)) {
    d ??= {};
    for (const k of RETRY_KEYS) if (from[k] !== undefined) (d as Record<string, unknown>)[k] = from[k];
  }
  return d;
}

/** The channel's spec.subscribers entry of a Subscription. */
export function subscriberEntry(sub: Subscription, channel: InMemoryChannel, physical: PhysicalSubscription): SubscriberSpec {
  const delivery = effectiveSubscriberDelivery(sub, channel, physical);
  const e: SubscriberSpec = { name: sub.metadata.name, uid: sub.metadata.uid, generation: sub.metadata.generation };
  for (const k of ['subscriberUri', 'subscriberCACerts', 'subscriberAudience', 'replyUri', 'replyCACerts', 'replyAudience'] as const) if (physical[k]) e[k] = physical[k];
  if (delivery) e.delivery = delivery;
  return e;
}

/** spec.subscribers with the entry added or replaced (by uid); or without the uid when entry is undefined. */
export function withSubscriber(list: SubscriberSpec[] | undefined, uid: string | undefined, entry: SubscriberSpec | undefined): SubscriberSpec[] {
  const out = (list ?? []).filter((s) => s.uid !== uid);
  const i = (list ?? []).findIndex((s) => s.uid === uid);
  if (entry) out.splice(i < 0 ? out.length : i, 0, entry);
  return out;
}

export interface SubscriptionInputs {
  channelError?: string;
  resolution?: Resolution;
  /** Whether the entry is in the channel's spec.subscribers; a string is why writing it failed. */
  added?: boolean | string;
  channel?: InMemoryChannel;
  now: () => Date;
}

/** The status of a Subscription (pure). */
export function subscriptionStatus(sub: Subscription, inp: SubscriptionInputs): NonNullable<Subscription['status']> {
  const status: Status & { physicalSubscription?: PhysicalSubscription } = structuredClone(sub.status ?? {});
  const cm = new ConditionManager(status, SUBSCRIPTION_CONDITIONS, inp.now);
  cm.initialize();
  cm.markTrue('OIDCIdentityCreated', OIDC_DISABLED_REASON);
  if (inp.channelError !== undefined) {
    cm.markUnknown('ReferencesResolved', 'ChannelReferenceFailed', `Failed to get Spec.Channel or backing channel: ${inp.channelError}`);
    return status;
  }
  const res = inp.resolution!;
  status.physicalSubscription = res.physical;
  if (res.failure) {
    cm.markFalse('ReferencesResolved', res.failure.reason, res.failure.message);
    return status;
  }
  cm.markTrue('ReferencesResolved');
  if (typeof inp.added === 'string') {
    cm.markFalse('AddedToChannel', 'PhysicalChannelSyncFailed', `Failed to sync physical Channel: ${inp.added}`);
    return status;
  }
  if (inp.added) cm.markTrue('AddedToChannel');
  const st = inp.channel?.status?.subscribers?.find((s) => s.uid === sub.metadata.uid && s.observedGeneration === sub.metadata.generation);
  if (!st) cm.markUnknown('ChannelReady', 'SubscriptionNotMarkedReadyByChannel', `Failed to get subscription status: subscription "${sub.metadata.name}" not present in channel "${inp.channel?.metadata.name}" subscriber's list`);
  else if (st.ready === 'True') cm.markTrue('ChannelReady');
  else if (st.ready === 'False') cm.markFalse('ChannelReady', 'SubscriptionNotMarkedReadyByChannel', 'Subscription marked by Channel as False');
  else cm.markUnknown('ChannelReady', 'SubscriptionNotMarkedReadyByChannel', 'Subscription marked by Channel as Unknown');
  return status;
}

const channelGetter =
  (ctx: ReconcileContext): ChannelLookup =>
  (kind, name, ns) =>
    ctx.lister<Channel | InMemoryChannel>(kind === 'Channel' ? R.Channel : R.InMemoryChannel).get(name, ns);

/** Writes the subscribers list into the channel, conditional on the version read. */
async function patchSubscribers(ctx: ReconcileContext, ch: InMemoryChannel, subscribers: SubscriberSpec[]): Promise<void> {
  await ctx.client.patch(R.InMemoryChannel, ch.metadata.name ?? '', ch.metadata.namespace, { metadata: { resourceVersion: ch.metadata.resourceVersion }, spec: { subscribers } }, 'merge');
}

const MESSAGING = 'messaging.knative.dev';

export function makeSubscriptionReconciler(): Reconciler<Subscription> {
  // The channel and every destination (subscriber, reply, dead-letter sink) through one resolver:
  // any duck-Addressable kind resolves, and a change to any of them re-runs the Subscription.
  const addressables = new AddressableResolver();
  return {
    name: 'subscription',
    resource: R.Subscription,
    finalizer: SUBSCRIPTION_FINALIZER,
    // The channels' specs matter too (spec.subscribers), not only their status.
    watches: [
      { resource: R.Channel, map: (o) => addressables.keysFor('Channel', MESSAGING, o) },
      { resource: R.InMemoryChannel, map: (o) => addressables.keysFor('InMemoryChannel', MESSAGING, o) },
    ],
    relevant: (r, a, b) => r === R.Subscription || JSON.stringify(a.status) !== JSON.stringify(b.status) || (r === R.InMemoryChannel && JSON.stringify(a.spec) !== JSON.stringify(b.spec)),
    async finalize(sub, ctx) {
      const { channel } = subscriptionChannel(sub, channelGetter(ctx));
      if (!channel || !(channel.spec?.subscribers ?? []).some((s) => s.uid === sub.metadata.uid)) return;
      // Conditional on the cached version: a conflict retries with a fresher cache.
      await patchSubscribers(ctx, channel, withSubscriber(channel.spec?.subscribers, sub.metadata.uid, undefined));
    },
    async reconcile(sub, ctx) {
      const ns = sub.metadata.namespace ?? '';
      const key = `${ns}/${sub.metadata.name}`;
      const ch = sub.spec?.channel;
      // A Channel's backing InMemoryChannel has the Channel's name.
      const backing = ch?.kind === 'Channel' ? { apiVersion: `${MESSAGING}/v1`, kind: 'InMemoryChannel', name: ch.name } : undefined;
      const readable = await addressables.track(ctx, key, ns, [ch, backing, sub.spec?.subscriber?.ref, sub.spec?.reply?.ref, sub.spec?.delivery?.deadLetterSink?.ref]);
      const again = readable ? undefined : { requeueAfterMs: 5000 };
      const now = () => ctx.now();
      const { channel, error } = subscriptionChannel(sub, channelGetter(ctx));
      if (!channel) {
        sub.status = subscriptionStatus(sub, { channelError: error ?? '', now });
        return again;
      }
      const resolution = resolveSubscription(sub, channel, addressables.lookup());
      if (resolution.failure) {
        sub.status = subscriptionStatus(sub, { resolution, channel, now });
        return again;
      }
      const entry = subscriberEntry(sub, channel, resolution.physical);
      const want = withSubscriber(channel.spec?.subscribers, sub.metadata.uid, entry);
      let added: boolean | string = true;
      if (JSON.stringify(want) !== JSON.stringify(channel.spec?.subscribers ?? [])) {
        try {
          await patchSubscribers(ctx, channel, want);
        } catch (e) {
          // A conflict: the cache was behind; the channel's update enqueues us again.
          if (e instanceof KubeError && e.code === 409) throw e;
          added = (e as Error).message;
        }
      }
      sub.status = subscriptionStatus(sub, { resolution, added, channel, now });
    },
  };
}
