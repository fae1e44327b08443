// The networking view of the knative-serving ConfigMaps (config-domain, config-network,
// config-features) that the Route and DomainMapping reconcilers share, parsed by
// src/api/serving/config.ts.
import { KOURIER_INGRESS_CLASS } from '../../api/networking/types.ts';
import { domainForRoute } from '../../api/serving/config-network.ts';
import { parseServingConfig } from '../../api/serving/config.ts';
import { DEFAULT_DOMAIN_TEMPLATE, DEFAULT_TAG_TEMPLATE } from '../../api/serving/domains.ts';

/** What the Route reconciler needs from config-domain, config-network and config-features. */
export interface RouteSettings {
  domainTemplate: string;
  tagTemplate: string;
  ingressClass: string;
  defaultExternalScheme: string;
  httpProtocol: 'Enabled' | 'Redirected';
  tagHeaderBasedRouting: boolean;
  /** config-domain lookup for the route's labels; `svc.cluster.local` means cluster-local. */
  domainFor(labels: Record<string, string>): string;
}

export const DEFAULT_ROUTE_SETTINGS: RouteSettings = {
  domainTemplate: DEFAULT_DOMAIN_TEMPLATE,
  tagTemplate: DEFAULT_TAG_TEMPLATE,
  ingressClass: KOURIER_INGRESS_CLASS,
  defaultExternalScheme: 'http',
  httpProtocol: 'Enabled',
  tagHeaderBasedRouting: false,
  domainFor: () => 'example.com',
};

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
