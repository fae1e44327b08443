// The eventing ConfigMaps kn-ts reads, with upstream's keys and defaults:
// config-br-defaults (default-br-config) and config-features. Pure.
import { parseYaml } from '../yaml.ts';
import { type DeliverySpec, type KReference, MT_BROKER_CLASS } from './types.ts';

export interface BrokerDefaultsEntry {
  brokerClass?: string;
  apiVersion?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  delivery?: DeliverySpec;
}

export interface BrokerDefaults {
  clusterDefault: BrokerDefaultsEntry;
  namespaceDefaults: Record<string, BrokerDefaultsEntry>;
  brokerClasses: Record<string, BrokerDefaultsEntry>;
}

export const DEFAULT_BROKER_DEFAULTS: BrokerDefaults = {
  clusterDefault: {
    brokerClass: MT_BROKER_CLASS,
    apiVersion: 'v1',
    kind: 'ConfigMap',
    name: 'config-br-default-channel',
    namespace: 'knative-eventing',
    delivery: { retry: 10, backoffPolicy: 'exponential', backoffDelay: 'PT0.2S' },
  },
  namespaceDefaults: {},
  brokerClasses: {},
};

/** config-br-defaults's default-br-config; the built-in defaults when absent. Throws on bad YAML. */
export function parseBrokerDefaults(data: Record<string, string> | undefined): BrokerDefaults {
  const raw = data?.['default-br-config'];
  if (!raw) return DEFAULT_BROKER_DEFAULTS;
  const y = (parseYaml(raw) ?? {}) as Partial<BrokerDefaults>;
  return {
    clusterDefault: y.clusterDefault ?? {},
    namespaceDefaults: y.namespaceDefaults ?? {},
    brokerClasses: y.brokerClasses ?? {},
  };
}

/** The class, config and delivery a Broker gets when it names none (broker_defaults.go). */
export function brokerDefaultsFor(d: BrokerDefaults, namespace: string, brokerClass?: string): { brokerClass: string; config?: KReference; delivery?: DeliverySpec } {
  const ns = d.namespaceDefaults[namespace];
  const cls = brokerClass || ns?.brokerClass || d.clusterDefault.brokerClass || MT_BROKER_CLASS;
  const entry = (ns && (!brokerClass || ns.brokerClass === cls) ? ns : undefined) ?? d.brokerClasses[cls] ?? d.clusterDefault;
  const config = entry.kind && entry.name ? { apiVersion: entry.apiVersion ?? 'v1', kind: entry.kind, name: entry.name, namespace: entry.namespace ?? namespace } : undefined;
  return { brokerClass: cls, ...(config ? { config } : {}), ...(entry.delivery ? { delivery: entry.delivery } : {}) };
}

// config-features lives in features.ts (no yaml: the broker reads it and must not load the yaml
// library); re-exported here for the controller.
export { FEATURE_DEFAULTS, type FeatureState, featureOn, parseFeatures } from './features.ts';
