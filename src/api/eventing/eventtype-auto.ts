// EventType auto-creation (upstream's pkg/eventtype, feature `eventtype-auto-create` in
// config-features, disabled by default), pure: the EventType upstream writes the first time a Broker
// or channel accepts an event of a (type, source), owned by it, or a Trigger's subscriber replies
// with one (owned by the Trigger, as upstream's broker-filter). The broker reports what it sees to
// the controller over the data-plane feed, and the controller creates them (ADR 0031).
import type * as CryptoNS from 'node:crypto';
import { createRequire } from 'node:module';
import type { Broker } from './types.ts';
import type { KubeObject } from '../meta.ts';

// node:crypto through require, when a name is first needed: its ESM wrapper evaluates every export.
const require = createRequire(import.meta.url);

export const EVENTTYPE_DESCRIPTION = 'Event Type auto-created by controller';

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A name made a valid DNS-1123 subdomain as upstream's utils.ToDNS1123Subdomain: unchanged when it is one. */
export function toDNS1123Subdomain(name: string): string {
  if (name.length <= 253 && DNS1123_SUBDOMAIN.test(name)) return name;
  let n = name.length > 253 ? name.slice(0, 243) : name;
  n = n.toLowerCase().replace(/[^-.a-z0-9]+/g, '');
  return n.replace(/^[-.]+|[-.]+$/g, '');
}

/** The name upstream gives an auto-created EventType: et-<addressable>-<md5(type+source+namespace+name)>. */
export function autoEventTypeName(addressable: string, namespace: string, type: string, source: string): string {
  const hash = (require('node:crypto') as typeof CryptoNS).createHash('md5').update(`${type}${source}${namespace}${addressable}`).digest('hex');
  return toDNS1123Subdomain(`et-${addressable}-${hash}`);
}

/**
 * What an auto-created EventType refers to and is owned by: the Broker that accepted the event, the
 * Trigger that got it as a reply, or the InMemoryChannel that accepted it.
 */
export interface Addressable {
  kind: 'Broker' | 'Trigger' | 'InMemoryChannel';
  /** eventing.knative.dev/v1 unless given (messaging.knative.dev/v1 for a channel). */
  apiVersion?: string;
  name: string;
  namespace: string;
  uid: string;
  /** The name of the Broker's address (status.address.name). */
  address?: string;
}

export const brokerAddressable = (b: Broker): Addressable => ({
  kind: 'Broker',
  name: b.metadata.name ?? '',
  namespace: b.metadata.namespace ?? '',
  uid: b.metadata.uid ?? '',
  ...(b.status?.address?.name ? { address: b.status.address.name } : {}),
});

/**
 * The EventType upstream's auto-create writes for an event (pure). Upstream writes v1beta3
 * (attributes) and stores v1beta2 (type, source, schema) through its conversion webhook; kn-ts has
 * no conversion, so the object carries both, and reads the same at either version.
 */
export function autoEventType(a: Addressable | Broker, attrs: Record<string, unknown>): KubeObject {
  const x = 'metadata' in a ? brokerAddressable(a) : a;
  const type = String(attrs.type ?? '');
  const source = String(attrs.source ?? '');
  const schema = String(attrs.dataschema ?? '');
  const apiVersion = x.apiVersion ?? 'eventing.knative.dev/v1';
  return {
    apiVersion: 'eventing.knative.dev/v1beta2',
    kind: 'EventType',
    metadata: { name: autoEventTypeName(x.name, x.namespace, type, source), namespace: x.namespace, ownerReferences: [{ apiVersion, kind: x.kind, name: x.name, uid: x.uid }] },
    spec: {
      type,
      ...(source ? { source } : {}),
      ...(schema ? { schema } : {}),
      reference: { apiVersion, kind: x.kind, name: x.name, namespace: x.namespace, ...(x.address ? { address: x.address } : {}) },
      description: EVENTTYPE_DESCRIPTION,
      attributes: [
        { name: 'type', required: true, value: type },
        { name: 'source', required: true, value: source },
        { name: 'schemadata', required: true, value: schema },
        { name: 'specversion', required: true, value: String(attrs.specversion ?? '1.0') },
        { name: 'id', required: true },
      ],
    },
  };
}
