// The Broker reconciler (upstream's pkg/reconciler/broker for the MTChannelBasedBroker class): every
// Broker of the class is served by the one broker process in knative-eventing, so there is no channel
// to create. The reconciler fills in what upstream's defaulting webhook would (class annotation,
// spec.config, spec.delivery from config-br-defaults), resolves the dead-letter sink, and reports
// IngressReady/FilterReady from the broker-ingress EndpointSlices, then the address
// http://broker-ingress.knative-eventing.svc.cluster.local/<namespace>/<name>.
import type { KubeObject } from '../../api/meta.ts';
import { R } from '../../api/resources.ts';
import { type BrokerDefaults, brokerDefaultsFor, parseBrokerDefaults, parseFeatures } from '../../api/eventing/config.ts';
import { deliveryErrors } from '../../api/eventing/delivery.ts';
import { type Lookup, resolveDestination } from '../../api/eventing/destination.ts';
import {
  BROKER_CLASS_ANNOTATION,
  BROKER_CONDITIONS,
  BROKER_INGRESS_SERVICE,
  type Broker,
  type BrokerStatus,
  brokerAddress,
  type DeliverySpec,
  type DeliveryStatus,
  EVENTING_NAMESPACE,
  MT_BROKER_CLASS,
} from '../../api/eventing/types.ts';
import { ConditionManager } from '../networking/conditions.ts';
import { AddressableResolver } from '../addressable/index.ts';
import type { ReconcileContext, Reconciler } from '../runtime/types.ts';

export const DLS_NOT_CONFIGURED = { reason: 'DeadLetterSinkNotConfigured', message: 'No dead letter sink is configured.' };
export const DLS_FAILED_REASON = "Unable to get the dead letter sink's URI";
export const EP_DISABLED = { reason: 'OIDCDisabled', message: 'Feature "authentication-oidc" must be enabled to support Authorization' };

/** The patch that gives a Broker upstream's defaults (annotation, spec.config, spec.delivery); undefined when it has them. */
export function brokerDefaultsPatch(b: Broker, d: BrokerDefaults): { metadata?: object; spec?: object } | undefined {
  const ns = b.metadata.namespace ?? '';
  const cls = b.metadata.annotations?.[BROKER_CLASS_ANNOTATION];
  const def = brokerDefaultsFor(d, ns, cls);
  const patch: { metadata?: object; spec?: Record<string, unknown> } = {};
  if (!cls) patch.metadata = { annotations: { [BROKER_CLASS_ANNOTATION]: def.brokerClass } };
  if (!b.spec?.config && def.config) (patch.spec ??= {}).config = def.config;
  if (!b.spec?.delivery && def.delivery) (patch.spec ??= {}).delivery = def.delivery;
  return patch.metadata || patch.spec ? patch : undefined;
}

/**
 * status.deadLetterSink* and DeadLetterSinkResolved from a DeliverySpec (Broker and Trigger alike);
 * `inherited` is the Broker's resolved sink for a Trigger without delivery of its own.
 */
export function markDeadLetterSink(
  status: DeliveryStatus,
  cm: ConditionManager,
  delivery: DeliverySpec | undefined,
  ns: string,
  lookup: Lookup,
  inherited?: DeliveryStatus,
): void {
  delete status.deadLetterSinkUri;
  delete status.deadLetterSinkCACerts;
  delete status.deadLetterSinkAudience;
  const errs = deliveryErrors(delivery);
  if (errs.length) return cm.markFalse('DeadLetterSinkResolved', 'InvalidDelivery', errs.join('; '));
  let r: DeliveryStatus = {};
  if (delivery?.deadLetterSink) {
    const x = resolveDestination(delivery.deadLetterSink, ns, lookup);
    if (!x.url) return cm.markFalse('DeadLetterSinkResolved', DLS_FAILED_REASON, x.error ?? '');
    r = { deadLetterSinkUri: x.url, deadLetterSinkCACerts: x.CACerts, deadLetterSinkAudience: x.audience };
  } else if (!delivery && inherited?.deadLetterSinkUri) r = inherited;
  if (!r.deadLetterSinkUri) return cm.markTrue('DeadLetterSinkResolved', DLS_NOT_CONFIGURED.reason, DLS_NOT_CONFIGURED.message);
  status.deadLetterSinkUri = r.deadLetterSinkUri;
  if (r.deadLetterSinkCACerts) status.deadLetterSinkCACerts = r.deadLetterSinkCACerts;
  if (r.deadLetterSinkAudience) status.deadLetterSinkAudience = r.deadLetterSinkAudience;
  cm.markTrue('DeadLetterSinkResolved');
}

export interface BrokerInputs {
  /** Whether the broker-ingress Service has a ready endpoint; a string is the error reading them. */
  ingress: boolean | string;
  lookup: Lookup;
  now: () => Date;
}

/** The status of a Broker of kn-ts's class (pure). */
export function brokerStatus(b: Broker, inp: BrokerInputs): BrokerStatus {
  const status: BrokerStatus = structuredClone(b.status ?? {});
  const cm = new ConditionManager(status, BROKER_CONDITIONS, inp.now);
  cm.initialize();
  const ns = b.metadata.namespace ?? '';
  // No channel: events stay in the broker process. What upstream checks of the channel holds.
  cm.markTrue('TriggerChannelReady');
  cm.markTrue('EventPoliciesReady', EP_DISABLED.reason, EP_DISABLED.message);

  markDeadLetterSink(status, cm, b.spec?.delivery, ns, inp.lookup);

  if (inp.ingress !== true) {
    const [reason, message] = typeof inp.ingress === 'string' ? ['ServiceFailure', inp.ingress] : ['EndpointSlicesUnavailable', 'EndpointSlices are unavailable.'];
    cm.markFalse('IngressReady', reason, message);
    cm.markFalse('FilterReady', reason, message);
    cm.markUnknown('Addressable', 'NoAddress', 'Broker has no address: the broker ingress is not ready');
    delete status.address;
    return status;
  }
  cm.markTrue('IngressReady');
  cm.markTrue('FilterReady');
  status.address = { name: 'http', url: brokerAddress(ns, b.metadata.name ?? '') };
  delete status.addresses;
  cm.markTrue('Addressable');
  return status;
}

/** Cached reads of the eventing ConfigMaps (config-br-defaults, config-features): get, at most every 5 s. */
export class EventingConfig {
  private at = 0;
  private data: { defaults: BrokerDefaults; features: Record<string, string> } | undefined;
  private readonly ttlMs: number;
  constructor(ttlMs = 5000) {
    this.ttlMs = ttlMs;
  }
  async get(ctx: ReconcileContext): Promise<{ defaults: BrokerDefaults; features: Record<string, string> }> {
    if (this.data && Date.now() - this.at < this.ttlMs) return this.data;
    const [br, ft] = await Promise.all(
      ['config-br-defaults', 'config-features'].map((n) => ctx.client.find<KubeObject & { data?: Record<string, string> }>(R.ConfigMap, n, EVENTING_NAMESPACE)),
    );
    let defaults: BrokerDefaults;
    try {
      defaults = parseBrokerDefaults(br?.data);
    } catch (e) {
      ctx.log.warn({ err: String((e as Error).message) }, 'config-br-defaults: default-br-config is not valid YAML; using the built-in defaults');
      defaults = parseBrokerDefaults(undefined);
    }
    this.data = { defaults, features: parseFeatures(ft?.data) };
    this.at = Date.now();
    return this.data;
  }
}

/** Whether the broker ingress has a ready endpoint (EndpointSlices of Service broker-ingress in knative-eventing). */
export async function ingressReady(ctx: ReconcileContext): Promise<boolean | string> {
  try {
    const slices = await ctx.client.list<KubeObject & { endpoints?: { conditions?: { ready?: boolean } }[] }>(R.EndpointSlice, {
      namespace: EVENTING_NAMESPACE,
      labelSelector: `kubernetes.io/service-name=${BROKER_INGRESS_SERVICE}`,
    });
    return slices.items.some((s) => (s.endpoints ?? []).some((e) => e.conditions?.ready !== false));
  } catch (e) {
    return String((e as Error).message);
  }
}

export const isOurs = (b: Broker, defaultClass = MT_BROKER_CLASS): boolean => (b.metadata.annotations?.[BROKER_CLASS_ANNOTATION] || defaultClass) === MT_BROKER_CLASS;

export function makeBrokerReconciler(config = new EventingConfig()): Reconciler<Broker> {
  const addressables = new AddressableResolver();
  return {
    name: 'broker',
    resource: R.Broker,
    // The dead-letter sink may be any addressable: the resolver caches and watches its kind.
    watches: [{ resource: R.Service, map: (o) => addressables.keysFor('Service', 'serving.knative.dev', o) }],
    relevant: (r, a, b) => r !== R.Service || JSON.stringify(a.status) !== JSON.stringify(b.status),
    async reconcile(b, ctx) {
      const { defaults } = await config.get(ctx);
      const key = `${b.metadata.namespace}/${b.metadata.name}`;
      if (!isOurs(b, defaults.clusterDefault.brokerClass)) return;
      const patch = brokerDefaultsPatch(b, defaults);
      if (patch) {
        // Upstream's defaulting webhook would have done this on create.
        await ctx.client.patch(R.Broker, b.metadata.name ?? '', b.metadata.namespace, patch, 'merge');
        return;
      }
      const readable = await addressables.track(ctx, key, b.metadata.namespace ?? '', [b.spec?.delivery?.deadLetterSink?.ref]);
      const ingress = await ingressReady(ctx);
      b.status = brokerStatus(b, { ingress, lookup: addressables.lookup(), now: () => ctx.now() });
      // The ingress's endpoints are not watched: look again while they are missing.
      return ingress === true && readable ? undefined : { requeueAfterMs: 5000 };
    },
  };
}
