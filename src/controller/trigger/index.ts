// The Trigger reconciler (upstream's pkg/reconciler/broker/trigger): propagates the Broker's
// readiness, resolves the subscriber (Knative Service, Kubernetes Service, Broker, a URI, or a ref
// plus a relative uri) into status.subscriberUri, and the dead-letter sink (the Trigger's, else the
// Broker's). There is no Subscription: the broker process reads Triggers itself. A subscriber or
// Broker that does not exist yet is a False condition that resolves when it appears (the Broker
// and Knative Service informers enqueue the Triggers that name them).
import { type Lookup, resolveDestination } from '../../api/eventing/destination.ts';
import { filterErrors } from '../../api/eventing/filters.ts';
import { BROKER_LABEL, type Broker, type Trigger, TRIGGER_CONDITIONS, type TriggerStatus, triggerBroker } from '../../api/eventing/types.ts';
import { getCondition } from '../../api/meta.ts';
import { R } from '../../api/resources.ts';
import { cacheLookup, EventingConfig, isOurs, markDeadLetterSink } from '../broker/index.ts';
import { ConditionManager } from '../networking/conditions.ts';
import { Tracker } from '../runtime/tracker.ts';
import type { Reconciler } from '../runtime/types.ts';

export const SUBSCRIBER_FAILED_REASON = "Unable to get the Subscriber's URI";
export const OIDC_DISABLED_REASON = 'authentication-oidc feature disabled';

/** The patch that gives a Trigger upstream's defaults (broker label, filter {}, subscriber ref namespace); undefined when it has them. */
export function triggerDefaultsPatch(t: Trigger): { metadata?: object; spec?: object } | undefined {
  const patch: { metadata?: object; spec?: Record<string, unknown> } = {};
  const broker = t.spec?.broker;
  if (broker && t.metadata.labels?.[BROKER_LABEL] !== broker) patch.metadata = { labels: { [BROKER_LABEL]: broker } };
  if (!t.spec?.filter) (patch.spec ??= {}).filter = {};
  const ref = t.spec?.subscriber?.ref;
  if (ref && !ref.namespace) (patch.spec ??= {}).subscriber = { ...t.spec!.subscriber, ref: { ...ref, namespace: t.metadata.namespace } };
  return patch.metadata || patch.spec ? patch : undefined;
}

export interface TriggerInputs {
  /** The Trigger's Broker from the cache, if it exists. */
  broker: Broker | undefined;
  lookup: Lookup;
  now: () => Date;
}

/** The status of a Trigger (pure). */
export function triggerStatus(t: Trigger, inp: TriggerInputs): TriggerStatus {
  const status: TriggerStatus = structuredClone(t.status ?? {});
  const cm = new ConditionManager(status, TRIGGER_CONDITIONS, inp.now);
  cm.initialize();
  const ns = t.metadata.namespace ?? '';
  const { name: brokerName } = triggerBroker(t);
  cm.markTrue('OIDCIdentityCreated', OIDC_DISABLED_REASON);
  // The knative.dev/dependency annotation is not tracked by kn-ts: nothing to wait for.
  cm.markTrue('DependencyReady');

  const b = inp.broker;
  if (!b) {
    cm.markFalse('BrokerReady', 'BrokerDoesNotExist', `Broker "${brokerName}" does not exist`);
  } else {
    const ready = getCondition(b.status, 'Ready');
    const current = b.status?.observedGeneration === b.metadata.generation;
    if (ready?.status === 'True' && current) cm.markTrue('BrokerReady');
    else if (ready?.status === 'False' && current) cm.markFalse('BrokerReady', ready.reason ?? 'BrokerNotReady', ready.message ?? '');
    else cm.markUnknown('BrokerReady', 'BrokerNotConfigured', 'Broker has not yet been reconciled.');
  }

  const ferrs = filterErrors(t);
  if (ferrs.length) cm.markFalse('SubscriptionReady', 'InvalidFilters', ferrs.join('; '));
  else cm.markTrue('SubscriptionReady');

  const sub = resolveDestination(t.spec?.subscriber, ns, inp.lookup);
  if (sub.url) {
    status.subscriberUri = sub.url;
    if (sub.CACerts) status.subscriberCACerts = sub.CACerts;
    else delete status.subscriberCACerts;
    if (sub.audience) status.subscriberAudience = sub.audience;
    else delete status.subscriberAudience;
    cm.markTrue('SubscriberResolved');
  } else {
    delete status.subscriberUri;
    cm.markFalse('SubscriberResolved', SUBSCRIBER_FAILED_REASON, sub.error ?? '');
  }

  markDeadLetterSink(status, cm, t.spec?.delivery, ns, inp.lookup, b?.status);
  return status;
}

const refKey = (kind: string, apiVersion: string | undefined) => (kind === 'Service' && apiVersion?.startsWith('serving.knative.dev') ? 'Service.serving.knative.dev' : kind);

export function makeTriggerReconciler(config = new EventingConfig()): Reconciler<Trigger> {
  const tracker = new Tracker();
  return {
    name: 'trigger',
    resource: R.Trigger,
    watches: [
      {
        resource: R.Broker,
        // The Triggers of a Broker, and those that send to it or dead-letter to it.
        map: (o) => [...new Set([...tracker.lookup(Tracker.ref('Broker', o.metadata.namespace, o.metadata.name ?? ''))])],
      },
      { resource: R.Service, map: (o) => tracker.lookup(Tracker.ref('Service.serving.knative.dev', o.metadata.namespace, o.metadata.name ?? '')) },
    ],
    relevant: (r, a, b) => r === R.Trigger || JSON.stringify(a.status) !== JSON.stringify(b.status) || JSON.stringify(a.metadata.annotations) !== JSON.stringify(b.metadata.annotations),
    async reconcile(t, ctx) {
      const ns = t.metadata.namespace ?? '';
      const key = `${ns}/${t.metadata.name}`;
      const { name: brokerName, namespace: brokerNs } = triggerBroker(t);
      const refs = [Tracker.ref('Broker', brokerNs, brokerName)];
      for (const d of [t.spec?.subscriber, t.spec?.delivery?.deadLetterSink]) if (d?.ref) refs.push(Tracker.ref(refKey(d.ref.kind, d.ref.apiVersion), d.ref.namespace || ns, d.ref.name));
      tracker.track(key, refs);
      const broker = ctx.lister<Broker>(R.Broker).get(brokerName, brokerNs);
      const { defaults } = await config.get(ctx);
      // A Trigger of a Broker of another class belongs to that class's controller.
      if (broker && !isOurs(broker, defaults.clusterDefault.brokerClass)) return;
      const patch = triggerDefaultsPatch(t);
      if (patch) {
        await ctx.client.patch(R.Trigger, t.metadata.name ?? '', ns, patch, 'merge');
        return;
      }
      t.status = triggerStatus(t, { broker, lookup: cacheLookup(ctx), now: () => ctx.now() });
    },
  };
}
