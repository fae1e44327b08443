// The Sequence and Parallel reconcilers (upstream's pkg/reconciler/sequence and parallel): fill in
// spec.channelTemplate from default-ch-webhook, create or update the channels and subscriptions of
// flows/resources.ts, delete those a shorter spec no longer names, and report per-child statuses,
// ChannelsReady, SubscriptionsReady and status.address (the first / the ingress channel's).
import { type FlowChannelStatus, FLOW_CONDITIONS, type Parallel, type Sequence, type Subscription } from '../../api/messaging/types.ts';
import { isControlledBy, type KubeObject, type ResourceType } from '../../api/meta.ts';
import { R, resourceOf } from '../../api/resources.ts';
import { EP_DISABLED } from '../broker/index.ts';
import { channelTemplatePatch } from '../messaging/channel.ts';
import { ChannelDefaultsCache, ensureChild } from '../messaging/common.ts';
import { ConditionManager } from '../networking/conditions.ts';
import type { ReconcileContext, Reconciler } from '../runtime/types.ts';
import { channelStatusOf, parallelChannelStatusOf, parallelResources, sequenceResources, subscriptionStatusOf } from './resources.ts';

type Flow = Sequence | Parallel;

/** Channels and subscriptions the flow owns that the current spec no longer names. */
function stale(ctx: ReconcileContext, r: ResourceType, f: Flow, keep: Set<string>): KubeObject[] {
  return ctx
    .lister(r)
    .list()
    .filter((o) => o.metadata.namespace === f.metadata.namespace && isControlledBy(o, f) && !keep.has(o.metadata.name ?? ''));
}

async function sync(ctx: ReconcileContext, f: Flow, channels: KubeObject[], subs: Subscription[]): Promise<{ channels: (KubeObject | undefined)[]; subs: (KubeObject | undefined)[]; error?: string }> {
  const r = resourceOf(channels[0]?.apiVersion ?? '', channels[0]?.kind ?? '');
  if (channels.length && r !== R.InMemoryChannel) {
    return { channels: [], subs: [], error: `channel kind ${channels[0]!.apiVersion} ${channels[0]!.kind} is not supported by kn-ts` };
  }
  const outC: (KubeObject | undefined)[] = [];
  const outS: (KubeObject | undefined)[] = [];
  try {
    for (const c of channels) outC.push(await ensureChild(ctx, r!, c, f, []));
    for (const s of subs) outS.push(await ensureChild(ctx, R.Subscription, s, f, ['spec']));
    for (const o of stale(ctx, R.InMemoryChannel, f, new Set(channels.map((c) => c.metadata.name ?? '')))) await ctx.client.delete(R.InMemoryChannel, o.metadata.name ?? '', o.metadata.namespace);
    for (const o of stale(ctx, R.Subscription, f, new Set(subs.map((s) => s.metadata.name ?? '')))) await ctx.client.delete(R.Subscription, o.metadata.name ?? '', o.metadata.namespace);
  } catch (e) {
    return { channels: outC, subs: outS, error: (e as Error).message };
  }
  return { channels: outC, subs: outS };
}

const allTrue = (xs: { ready: { status: string } }[]) => xs.length > 0 && xs.every((x) => x.ready.status === 'True');

function flowConditions(f: Flow, now: () => Date): ConditionManager {
  const status = (f.status ??= {});
  const cm = new ConditionManager(status, FLOW_CONDITIONS, now);
  cm.initialize();
  cm.markTrue('EventPoliciesReady', EP_DISABLED.reason, EP_DISABLED.message);
  return cm;
}

function setAddress(f: Flow, cm: ConditionManager, ch: KubeObject | undefined, unknown: boolean): void {
  const url = (ch?.status as { address?: { url?: string } } | undefined)?.address?.url;
  if (url) {
    f.status!.address = { name: 'http', url };
    cm.markTrue('Addressable');
  } else {
    delete f.status!.address;
    if (unknown) cm.markUnknown('Addressable', 'emptyAddress', 'addressable is nil');
    else cm.markFalse('Addressable', 'emptyAddress', 'addressable is nil');
  }
}

/** Sequence status from its children as the caches see them (pure apart from now). */
export function sequenceStatus(s: Sequence, channels: (KubeObject | undefined)[], subs: (KubeObject | undefined)[], now: () => Date, error?: string): void {
  const want = sequenceResources(s);
  const cm = flowConditions(s, now);
  const chs: FlowChannelStatus[] = want.channels.map((c, i) => channelStatusOf(channels[i], c, now));
  const sss = want.subscriptions.map((x, i) => subscriptionStatusOf(subs[i], x, now));
  s.status!.channelStatuses = chs;
  s.status!.subscriptionStatuses = sss;
  if (allTrue(chs)) cm.markTrue('ChannelsReady');
  else cm.markUnknown('ChannelsReady', 'ChannelsNotReady', error ?? 'Channels are not ready yet, or there are none');
  if (allTrue(sss)) cm.markTrue('SubscriptionsReady');
  else cm.markUnknown('SubscriptionsReady', 'SubscriptionsNotReady', 'Subscriptions are not ready yet, or there are none');
  setAddress(s, cm, channels[0], true);
}

export function parallelStatus(p: Parallel, ingress: KubeObject | undefined, channels: (KubeObject | undefined)[], filters: (KubeObject | undefined)[], subs: (KubeObject | undefined)[], now: () => Date, error?: string): void {
  const want = parallelResources(p);
  const cm = flowConditions(p, now);
  const ing = parallelChannelStatusOf(ingress, want.ingress);
  p.status!.ingressChannelStatus = ing;
  p.status!.branchStatuses = want.channels.map((c, i) => ({
    filterSubscriptionStatus: subscriptionStatusOf(filters[i], want.filters[i]!, now),
    filterChannelStatus: parallelChannelStatusOf(channels[i], c),
    subscriberSubscriptionStatus: subscriptionStatusOf(subs[i], want.subscriptions[i]!, now),
  }));
  const bs = p.status!.branchStatuses;
  if (ing.ready.status === 'True' && bs.every((b) => b.filterChannelStatus.ready.status === 'True')) cm.markTrue('ChannelsReady');
  else cm.markFalse('ChannelsReady', 'ChannelsNotReady', error ?? 'Channels are not ready yet, or there are none');
  if (allTrue(bs.flatMap((b) => [{ ready: b.filterSubscriptionStatus.ready }, { ready: b.subscriberSubscriptionStatus.ready }]))) cm.markTrue('SubscriptionsReady');
  else cm.markFalse('SubscriptionsReady', 'SubscriptionsNotReady', 'Subscriptions are not ready yet, or there are none');
  setAddress(p, cm, ingress, false);
}

const CHILDREN = [R.InMemoryChannel, R.Subscription];
const relevant = (r: ResourceType, a: KubeObject, b: KubeObject) => r === R.Sequence || r === R.Parallel || JSON.stringify(a.status) !== JSON.stringify(b.status) || JSON.stringify(a.spec) !== JSON.stringify(b.spec);

/**
 * A flow reconciler: the default channel template first (a merge patch, as the defaulting webhook
 * would), then its children created or updated through sync() and its status from them.
 */
function makeFlowReconciler<F extends Flow>(name: string, resource: ResourceType, defaults: ChannelDefaultsCache, children: (f: F, ctx: ReconcileContext) => Promise<void>): Reconciler<F> {
  return {
    name,
    resource,
    owns: CHILDREN,
    relevant,
    async reconcile(f, ctx) {
      const patch = channelTemplatePatch(f, await defaults.get(ctx));
      if (patch) return void (await ctx.client.patch(resource, f.metadata.name ?? '', f.metadata.namespace, patch, 'merge'));
      await children(f, ctx);
    },
  };
}

export const makeSequenceReconciler = (defaults = new ChannelDefaultsCache()): Reconciler<Sequence> =>
  makeFlowReconciler<Sequence>('sequence', R.Sequence, defaults, async (s, ctx) => {
    const want = sequenceResources(s);
    const got = await sync(ctx, s, want.channels, want.subscriptions);
    sequenceStatus(s, got.channels, got.subs, () => ctx.now(), got.error);
  });

export const makeParallelReconciler = (defaults = new ChannelDefaultsCache()): Reconciler<Parallel> =>
  makeFlowReconciler<Parallel>('parallel', R.Parallel, defaults, async (p, ctx) => {
    const want = parallelResources(p);
    const n = want.channels.length;
    const got = await sync(ctx, p, [want.ingress, ...want.channels], [...want.filters, ...want.subscriptions]);
    parallelStatus(p, got.channels[0], got.channels.slice(1), got.subs.slice(0, n), got.subs.slice(n), () => ctx.now(), got.error);
  });
