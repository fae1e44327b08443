// What the broker serves, built from the Brokers and Triggers it reads (pure): every Broker of
// kn-ts's class by namespace/name, each with the Triggers that subscribe to it, their compiled
// filters, resolved subscriber and dead-letter URIs and retry configs.
import { retryConfig, type RetryConfig } from '../../api/eventing/delivery.ts';
import { type Matcher, triggerMatcher } from '../../api/eventing/filters.ts';
import type { BrokerEvent } from './event.ts';
import { type Broker, brokerAddress, MT_BROKER_CLASS, BROKER_CLASS_ANNOTATION, type Trigger, triggerBroker } from '../../api/eventing/types.ts';

export interface Route {
  /** Trigger uid (the key of its queue). */
  uid: string;
  namespace: string;
  name: string;
  match: Matcher;
  subscriberUri: string;
  dlsUri: string | undefined;
  retry: RetryConfig;
  format: 'binary' | 'json';
  /** The spec the route was compiled from (to reuse a compiled matcher). */
  specKey: string;
  /** The event type the filter requires exactly, if it does (the engine indexes Triggers by it; match still decides). */
  exactType?: string | undefined;
  /** Where a reply goes instead of back into the Broker (a channel subscription's reply): 202 when taken. */
  reply?: (ev: BrokerEvent) => number;
  /** The knativeerrordest of a refused reply (with `reply`). */
  replyDest?: string;
}

export interface BrokerEntry {
  namespace: string;
  name: string;
  address: string;
  routes: Route[];
  /** A channel (InMemoryChannel): no TTL, no knativearrivaltime, as upstream's channel dispatcher. */
  channel?: boolean;
}

export type Table = Map<string, BrokerEntry>;

const absolute = (u: string | undefined) => (u && /^[a-z][a-z0-9+.-]*:\/\//i.test(u) ? u : undefined);

export function buildTable(brokers: Broker[], triggers: Trigger[], previous?: Table): Table {
  const table: Table = new Map();
  const old = new Map<string, Route>();
  for (const e of previous?.values() ?? []) for (const r of e.routes) old.set(r.uid, r);
  for (const b of brokers) {
    const cls = b.metadata.annotations?.[BROKER_CLASS_ANNOTATION] ?? MT_BROKER_CLASS;
    if (cls !== MT_BROKER_CLASS || b.metadata.deletionTimestamp) continue;
    const ns = b.metadata.namespace ?? '';
    const name = b.metadata.name ?? '';
    table.set(`${ns}/${name}`, { namespace: ns, name, address: brokerAddress(ns, name), routes: [] });
  }
  const brokerByKey = new Map(brokers.map((b) => [`${b.metadata.namespace}/${b.metadata.name}`, b]));
  for (const t of triggers) {
    const { name: bn, namespace: bns } = triggerBroker(t);
    const entry = table.get(`${bns}/${bn}`);
    if (!entry || t.metadata.deletionTimestamp) continue;
    const broker = brokerByKey.get(`${bns}/${bn}`);
    // The reconciler's resolution; an absolute spec.subscriber.uri serves before it has run.
    const subscriberUri = t.status?.subscriberUri ?? (t.spec?.subscriber?.ref ? undefined : absolute(t.spec?.subscriber?.uri));
    if (!subscriberUri) continue;
    const delivery = t.spec?.delivery ?? broker?.spec?.delivery;
    const dlsUri =
      t.status?.deadLetterSinkUri ??
      (t.spec?.delivery ? absolute(t.spec.delivery.deadLetterSink?.ref ? undefined : t.spec.delivery.deadLetterSink?.uri) : (broker?.status?.deadLetterSinkUri ?? absolute(broker?.spec?.delivery?.deadLetterSink?.ref ? undefined : broker?.spec?.delivery?.deadLetterSink?.uri)));
    const specKey = JSON.stringify([t.spec?.filter, t.spec?.filters]);
    const uid = t.metadata.uid || `${t.metadata.namespace}/${t.metadata.name}`;
    const prev = old.get(uid);
    entry.routes.push({
      uid,
      namespace: t.metadata.namespace ?? '',
      name: t.metadata.name ?? '',
      match: prev && prev.specKey === specKey ? prev.match : triggerMatcher(t),
      subscriberUri,
      dlsUri,
      retry: retryConfig(delivery),
      format: delivery?.format === 'json' ? 'json' : 'binary',
      specKey,
      exactType: exactType(t),
    });
  }
  return table;
}

/**
 * The `type` a Trigger's filter requires exactly, by the filters' rules (filters.ts): a non-empty
 * legacy `filter.attributes.type`, or, when `filters` is set, a top-level `exact` with a `type`
 * whose keys and values are all non-empty (an exact filter with an empty one is ignored).
 */
export function exactType(t: Pick<Trigger, 'spec'>): string | undefined {
  const filters = t.spec?.filters;
  if (filters && filters.length) {
    for (const f of filters) {
      const e = f.exact;
      if (!e || typeof e.type !== 'string' || !e.type) continue;
      if (Object.entries(e).every(([k, v]) => k && v)) return e.type;
    }
    return undefined;
  }
  const ty = t.spec?.filter?.attributes?.type;
  return typeof ty === 'string' && ty ? ty : undefined;
}
