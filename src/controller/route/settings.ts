// The Route/DomainMapping/GC view of the knative-serving ConfigMaps (config-domain, config-network,
// config-features, config-gc), parsed by src/api/serving/config.ts.
import { domainForRoute, GC_DISABLED, parseServingConfig } from '../../api/serving/config.ts';
import type { RouteSettings } from './resources.ts';

export type ConfigMaps = Record<string, Record<string, string> | undefined>;

export interface NetworkSettings extends RouteSettings {
  autocreateClusterDomainClaims: boolean;
}

/** The domain suffix for a route with these labels, from config-domain data (config.ts's domainForRoute). */
export function lookupDomain(data: Record<string, string> | undefined, labels: Record<string, string>): string {
  return domainForRoute(parseServingConfig({ 'config-domain': data }).config, labels);
}

export function routeSettings(maps: ConfigMaps): NetworkSettings {
  const { config } = parseServingConfig(maps);
  const net = config.network;
  const features = maps['config-features'] ?? {};
  return {
    domainTemplate: net.domainTemplate,
    tagTemplate: net.tagTemplate,
    ingressClass: net.ingressClass,
    defaultExternalScheme: net.defaultExternalScheme,
    httpProtocol: net.httpProtocol,
    tagHeaderBasedRouting: (features['tag-header-based-routing'] ?? '').toLowerCase() === 'enabled',
    autocreateClusterDomainClaims: net.autocreateClusterDomainClaims,
    domainFor: (labels) => domainForRoute(config, labels),
  };
}

/** config-gc; durations in ms, `undefined` = "disabled". */
export interface GCSettings {
  retainSinceCreateTimeMs: number | undefined;
  retainSinceLastActiveTimeMs: number | undefined;
  minNonActiveRevisions: number;
  maxNonActiveRevisions: number | undefined;
}

const orUndefined = (n: number): number | undefined => (n === GC_DISABLED ? undefined : n);

export function gcSettings(maps: ConfigMaps): GCSettings {
  const gc = parseServingConfig(maps).config.gc;
  return {
    retainSinceCreateTimeMs: orUndefined(gc.retainSinceCreateTimeMs),
    retainSinceLastActiveTimeMs: orUndefined(gc.retainSinceLastActiveTimeMs),
    minNonActiveRevisions: gc.minNonActiveRevisions,
    maxNonActiveRevisions: orUndefined(gc.maxNonActiveRevisions),
  };
}
