// default-ch-webhook (key default-ch-config): the channel template a Channel, Sequence or Parallel
// gets when it names none, per namespace or cluster-wide (upstream's pkg/apis/messaging/config).
// Without an admission webhook the reconcilers apply it with a merge patch. Pure.
import { parseYaml } from '../yaml.ts';
import { type ChannelTemplateSpec, IMC_KIND, MESSAGING_V1 } from './types.ts';

export interface ChannelDefaults {
  clusterDefault?: ChannelTemplateSpec;
  namespaceDefaults?: Record<string, ChannelTemplateSpec>;
}

export const DEFAULT_CHANNEL_DEFAULTS: ChannelDefaults = { clusterDefault: { apiVersion: MESSAGING_V1, kind: IMC_KIND } };

/** Parses default-ch-config; the built-in default (InMemoryChannel) when absent. Throws on bad YAML. */
export function parseChannelDefaults(data: Record<string, string> | undefined): ChannelDefaults {
  const raw = data?.['default-ch-config'];
  if (!raw) return DEFAULT_CHANNEL_DEFAULTS;
  const y = (parseYaml(raw) ?? {}) as ChannelDefaults;
  return { ...(y.clusterDefault ? { clusterDefault: y.clusterDefault } : {}), ...(y.namespaceDefaults ? { namespaceDefaults: y.namespaceDefaults } : {}) };
}

/** The template for a namespace (GetChannelConfig): the namespace's entry, else the cluster default. */
export function channelTemplateFor(d: ChannelDefaults, namespace: string): ChannelTemplateSpec | undefined {
  return d.namespaceDefaults?.[namespace] ?? d.clusterDefault;
}
