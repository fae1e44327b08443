// config-features: upstream's eventing feature flags with their defaults. Pure, and free of the
// yaml library (config.ts needs it for config-br-defaults): the broker reads config-features for
// EventType auto-creation, and the yaml library costs it ≈ 4 MiB of RSS (docs/benchmarks.md).
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
