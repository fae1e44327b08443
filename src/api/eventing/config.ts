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

export type FeatureState = 'enabled' | 'disabled' | 'allowed';

export const FEATURE_DEFAULTS: Record<string, string> = {
  'kreference-group': 'disabled',
  'delivery-retryafter': 'disabled',
  'delivery-timeout': 'enabled',
  'kreference-mapping': 'disabled',
  'transport-encryption': 'disabled',
  'eventtype-auto-create': 'disabled',
  'authentication-oidc': 'disabled',
  'default-authorization-mode': 'allow-same-namespace',
  'cross-namespace-event-links': 'disabled',
  'new-apiserversource-filters': 'disabled',
};

/** config-features: name → value, with upstream's defaults for missing keys. */
export function parseFeatures(data: Record<string, string> | undefined): Record<string, string> {
  const out = { ...FEATURE_DEFAULTS };
  for (const [k, v] of Object.entries(data ?? {})) if (!k.startsWith('_')) out[k] = v.trim().toLowerCase();
  return out;
}

export const featureOn = (f: Record<string, string>, name: string): boolean => f[name] === 'enabled' || f[name] === 'allowed';
