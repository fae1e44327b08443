// The Channel reconciler (upstream's pkg/reconciler/channel): fills in spec.channelTemplate from
// default-ch-webhook (what the defaulting webhook would do), creates the backing channel of the
// template's kind with the Channel's name, and copies its readiness, address, dead-letter sink and
// subscriber statuses up. Subscriptions to a Channel write themselves into the backing channel.
import type { ChannelDefaults } from '../../api/messaging/config.ts';
import { channelTemplateFor } from '../../api/messaging/config.ts';
import { type Channel, CHANNEL_CONDITIONS, type ChannelableStatus, type ChannelTemplateSpec, type InMemoryChannel } from '../../api/messaging/types.ts';
import { controllerRef, getCondition, type KubeObject } from '../../api/meta.ts';
import { R, resourceOf } from '../../api/resources.ts';
import { EP_DISABLED } from '../broker/index.ts';
import { ConditionManager } from '../networking/conditions.ts';
import type { Reconciler } from '../runtime/types.ts';
import { ChannelDefaultsCache, ensureChild } from './common.ts';

/** The patch giving a Channel (or a Sequence/Parallel) its default channel template; undefined when it has one. */
export function channelTemplatePatch(o: { metadata: { namespace?: string }; spec?: { channelTemplate?: ChannelTemplateSpec } }, d: ChannelDefaults): { spec: { channelTemplate: ChannelTemplateSpec } } | undefined {
  if (o.spec?.channelTemplate?.kind) return undefined;
  const t = channelTemplateFor(d, o.metadata.namespace ?? '');
  return t ? { spec: { channelTemplate: t } } : undefined;
}

/** The backing channel of a Channel: the template's kind, the Channel's name, delivery and the template's spec. */
export function backingChannel(ch: Channel): KubeObject {
  const t = ch.spec?.channelTemplate ?? {};
  return {
    apiVersion: t.apiVersion,
    kind: t.kind,
    metadata: { name: ch.metadata.name, namespace: ch.metadata.namespace, ownerReferences: [controllerRef(ch)] },
    spec: { ...(t.spec ?? {}), ...(ch.spec?.delivery ? { delivery: ch.spec.delivery } : {}) },
  };
}

/** The status of a Channel given its backing channel (pure); `error` is why the backing channel could not be made. */
export function channelStatus(ch: Channel, backing: InMemoryChannel | undefined, now: () => Date, error?: string): Channel['status'] & object {
  const status: NonNullable<Channel['status']> = structuredClone(ch.status ?? {});
  const cm = new ConditionManager(status, CHANNEL_CONDITIONS, now);
  cm.initialize();
  cm.markTrue('EventPoliciesReady', EP_DISABLED.reason, EP_DISABLED.message);
  const t = ch.spec?.channelTemplate;
  if (error || !backing) {
    cm.markFalse('BackingChannelReady', 'ChannelFailure', error ?? 'BackingChannel has not yet been created.');
    delete status.address;
    cm.markFalse('Addressable', 'EmptyHostname', 'hostname is the empty string');
    cm.markTrue('DeadLetterSinkResolved', 'DeadLetterSinkNotConfigured', 'No dead letter sink is configured.');
    return status;
  }
  status.channel = { apiVersion: t?.apiVersion ?? '', kind: t?.kind ?? '', name: backing.metadata.name ?? '', namespace: backing.metadata.namespace ?? '' };
  const bs: ChannelableStatus = backing.status ?? {};
  const ready = getCondition(bs, 'Ready');
  if (!ready) cm.markUnknown('BackingChannelReady', 'BackingChannelNotConfigured', 'BackingChannel has not yet been reconciled.');
  else if (ready.status === 'True') cm.markTrue('BackingChannelReady');
  else if (ready.status === 'False') cm.markFalse('BackingChannelReady', ready.reason ?? '', ready.message ?? '');
  else cm.markUnknown('BackingChannelReady', ready.reason ?? '', ready.message ?? '');
  if (bs.address?.url) {
    status.address = bs.address;
    cm.markTrue('Addressable');
  } else {
    delete status.address;
    cm.markFalse('Addressable', 'EmptyHostname', 'hostname is the empty string');
  }
  if (bs.subscribers?.length) status.subscribers = bs.subscribers;
  else delete status.subscribers;
  delete status.deadLetterSinkUri;
  if (bs.deadLetterSinkUri) {
    status.deadLetterSinkUri = bs.deadLetterSinkUri;
    cm.markTrue('DeadLetterSinkResolved');
  } else cm.markTrue('DeadLetterSinkResolved', 'DeadLetterSinkNotConfigured', 'No dead letter sink is configured.');
  return status;
}

export function makeChannelReconciler(defaults = new ChannelDefaultsCache()): Reconciler<Channel> {
  return {
    name: 'channel',
    resource: R.Channel,
    owns: [R.InMemoryChannel],
    relevant: (r, a, b) => r === R.Channel || JSON.stringify(a.status) !== JSON.stringify(b.status),
    async reconcile(ch, ctx) {
      const patch = channelTemplatePatch(ch, await defaults.get(ctx));
      if (patch) {
        await ctx.client.patch(R.Channel, ch.metadata.name ?? '', ch.metadata.namespace, patch, 'merge');
        return;
      }
      const desired = backingChannel(ch);
      const r = resourceOf(desired.apiVersion ?? '', desired.kind ?? '');
      if (r !== R.InMemoryChannel) {
        ch.status = channelStatus(ch, undefined, () => ctx.now(), `channel kind ${desired.apiVersion} ${desired.kind} is not supported by kn-ts (supported: messaging.knative.dev/v1 InMemoryChannel)`);
        return;
      }
      let backing: InMemoryChannel;
      try {
        backing = await ensureChild<InMemoryChannel>(ctx, r, desired as InMemoryChannel, ch, []);
        // Only spec.delivery is the Channel's to keep in step: spec.subscribers belongs to the Subscriptions.
        const want = (desired as InMemoryChannel).spec?.delivery;
        if (JSON.stringify(backing.spec?.delivery) !== JSON.stringify(want)) {
          backing = await ctx.client.patch<InMemoryChannel>(r, ch.metadata.name ?? '', ch.metadata.namespace, { spec: { delivery: want ?? null } }, 'merge');
        }
      } catch (e) {
        ch.status = channelStatus(ch, undefined, () => ctx.now(), `Failed to reconcile the backing channel: ${(e as Error).message}`);
        return;
      }
      ch.status = channelStatus(ch, backing, () => ctx.now());
    },
  };
}
