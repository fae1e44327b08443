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
import { AddressableResolver } from '../addressable/index.ts';
import { EventingConfig, isOurs, markDeadLetterSink } from '../broker/index.ts';
import { ConditionManager } from '../networking/conditions.ts';
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

export function makeTriggerReconciler(config = new EventingConfig()): Reconciler<Trigger> {
  const addressables = new AddressableResolver();
  return {
    name: 'trigger',
    resource: R.Trigger,
    // The subscriber and dead-letter sink may be any addressable: the resolver caches and watches
    // its kind. Brokers also change a Trigger's class (annotations), hence the watch here.
    watches: [
      // The Triggers of a Broker, and those that send to it or dead-letter to it.
      { resource: R.Broker, map: (o) => addressables.keysFor('Broker', 'eventing.knative.dev', o) },
      { resource: R.Service, map: (o) => addressables.keysFor('Service', 'serving.knative.dev', o) },
    ],
    relevant: (r, a, b) => r === R.Trigger || JSON.stringify(a.status) !== JSON.stringify(b.status) || JSON.stringify(a.metadata.annotations) !== JSON.stringify(b.metadata.annotations),
    async reconcile(t, ctx) {
      const ns = t.metadata.namespace ?? '';
      const key = `${ns}/${t.metadata.name}`;
      const { name: brokerName, namespace: brokerNs } = triggerBroker(t);
      const readable = await addressables.track(ctx, key, ns, [
        { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name: brokerName, namespace: brokerNs },
        t.spec?.subscriber?.ref,
        t.spec?.delivery?.deadLetterSink?.ref,
      ]);
      const broker = ctx.lister<Broker>(R.Broker).get(brokerName, brokerNs);
      const { defaults } = await config.get(ctx);
      // A Trigger of a Broker of another class belongs to that class's controller.
      if (broker && !isOurs(broker, defaults.clusterDefault.brokerClass)) return;
      const patch = triggerDefaultsPatch(t);
      if (patch) {
        await ctx.client.patch(R.Trigger, t.metadata.name ?? '', ns, patch, 'merge');
        return;
      }
      t.status = triggerStatus(t, { broker, lookup: addressables.lookup(), now: () => ctx.now() });
      // A kind not readable yet (its CRD installed later, a slow first list): look again.
      return readable ? undefined : { requeueAfterMs: 5000 };
    },
  };
}
