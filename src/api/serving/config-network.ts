// config-domain and config-network: the domain of each route and the networking settings. Pure.
import { parseYaml } from '../yaml.ts';
import { validateDomainTemplate, validateTagTemplate } from './domains.ts';
import { Reader, atLeast } from './config-reader.ts';

/** A config-domain entry: routes whose labels match `selector` get this domain. */
export interface DomainSelector {
  /** Label key → value, all of which must match. Empty: the default for every route. */
  selector: Record<string, string>;
}

export interface DomainConfig {
  /** Domain suffix → selector, as config-domain lists them (`_example` excluded). Always has a default entry. */
  domains: Record<string, DomainSelector>;
}

export type TLSMode = 'Enabled' | 'Disabled';

export interface NetworkConfig {
  /** domain-template: Go template over {Name, Namespace, Domain, Annotations, Labels}. */
  domainTemplate: string;
  /** tag-template: Go template over {Name, Tag}. */
  tagTemplate: string;
  /** ingress-class (legacy key ingress.class). */
  ingressClass: string;
  /** certificate-class (legacy key certificate.class). */
  certificateClass: string;
  /** default-external-scheme: the scheme of external URLs. */
  defaultExternalScheme: 'http' | 'https';
  /** autocreate-cluster-domain-claims: DomainMapping creates its ClusterDomainClaim itself. */
  autocreateClusterDomainClaims: boolean;
  /** http-protocol: Enabled serves plain HTTP; Redirected redirects it to HTTPS. */
  httpProtocol: 'Enabled' | 'Redirected';
  /** rollout-duration, in whole seconds (0: instant). */
  rolloutDurationSeconds: number;
  /** external-domain-tls (legacy key auto-tls). */
  externalDomainTLS: TLSMode;
  /** cluster-local-domain-tls. */
  clusterLocalDomainTLS: TLSMode;
  /** system-internal-tls (legacy boolean key internal-encryption). */
  systemInternalTLS: TLSMode;
  /** namespace-wildcard-cert-selector: a label selector in YAML, '' when unset. */
  namespaceWildcardCertSelector: string;
  /** enable-mesh-pod-addressability. */
  enableMeshPodAddressability: boolean;
  /** mesh-compatibility-mode. */
  meshCompatibilityMode: 'enabled' | 'disabled' | 'auto';
}

/** The domain routes get when config-domain names no default. */
export const DEFAULT_DOMAIN = 'example.com';
/** The domain of cluster-local routes. */
export const CLUSTER_LOCAL_DOMAIN = 'svc.cluster.local';
export const VISIBILITY_LABEL = 'networking.knative.dev/visibility';
export const KOURIER_INGRESS_CLASS = 'kourier.ingress.networking.knative.dev';

export function parseDomain(data: Record<string, string> | undefined, warnings: string[]): DomainConfig {
  const domains: Record<string, DomainSelector> = {};
  let hasDefault = false;
  for (const [key, value] of Object.entries(data ?? {})) {
    if (key === '_example') continue;
    const domain = key.trim();
    let selector: Record<string, string> = {};
    const text = value.trim();
    if (text !== '') {
      let doc: unknown;
      try {
        doc = parseYaml(text);
      } catch (e) {
        warnings.push(`config-domain: invalid selector for ${domain}: ${(e as Error).message.split('\n')[0]}; entry ignored`);
        continue;
      }
      const sel = doc && typeof doc === 'object' ? (doc as { selector?: unknown }).selector : undefined;
      if (doc !== null && (typeof doc !== 'object' || (sel !== undefined && (sel === null || typeof sel !== 'object' || Array.isArray(sel))))) {
        warnings.push(`config-domain: invalid selector for ${domain}: expected "selector:" with a map of labels; entry ignored`);
        continue;
      }
      for (const [k, v] of Object.entries((sel as Record<string, unknown> | undefined) ?? {})) selector[k] = String(v);
    }
    if (Object.keys(selector).length === 0) {
      hasDefault = true;
      selector = {};
    }
    domains[domain] = { selector };
  }
  if (!hasDefault) domains[DEFAULT_DOMAIN] = { selector: {} };
  return { domains };
}

const TLS = ['Enabled', 'Disabled'] as const;

export function parseNetwork(data: Record<string, string> | undefined, warnings: string[], d: NetworkConfig): NetworkConfig {
  const r = new Reader('config-network', data, warnings);
  let systemInternalTLS = r.oneOf<TLSMode>(d.systemInternalTLS, 'system-internal-tls', TLS, true);
  if (!r.raw('system-internal-tls') && r.bool(false, 'internal-encryption')) systemInternalTLS = 'Enabled';
  return {
    domainTemplate: r.str(d.domainTemplate, 'domain-template', validateDomainTemplate),
    tagTemplate: r.str(d.tagTemplate, 'tag-template', validateTagTemplate),
    ingressClass: r.str(d.ingressClass, ['ingress-class', 'ingress.class'], (v) => (v ? undefined : 'must not be empty')),
    certificateClass: r.str(d.certificateClass, ['certificate-class', 'certificate.class'], (v) => (v ? undefined : 'must not be empty')),
    defaultExternalScheme: r.oneOf(d.defaultExternalScheme, 'default-external-scheme', ['http', 'https'] as const, true),
    autocreateClusterDomainClaims: r.bool(d.autocreateClusterDomainClaims, 'autocreate-cluster-domain-claims'),
    httpProtocol: r.oneOf(d.httpProtocol, 'http-protocol', ['Enabled', 'Redirected'] as const, true),
    rolloutDurationSeconds: r.int(d.rolloutDurationSeconds, 'rollout-duration', atLeast(0)),
    externalDomainTLS: r.oneOf<TLSMode>(d.externalDomainTLS, ['external-domain-tls', 'auto-tls'], TLS, true),
    clusterLocalDomainTLS: r.oneOf<TLSMode>(d.clusterLocalDomainTLS, 'cluster-local-domain-tls', TLS, true),
    systemInternalTLS,
    namespaceWildcardCertSelector: r.str(d.namespaceWildcardCertSelector, 'namespace-wildcard-cert-selector'),
    enableMeshPodAddressability: r.bool(d.enableMeshPodAddressability, 'enable-mesh-pod-addressability'),
    meshCompatibilityMode: r.oneOf(d.meshCompatibilityMode, 'mesh-compatibility-mode', ['enabled', 'disabled', 'auto'] as const, true),
  };
}

function matches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** The domain suffix for a route: config-domain selectors matched against the route's labels; default "svc.cluster.local" for cluster-local. */
export function domainForRoute(cfg: { domain: DomainConfig }, routeLabels: Record<string, string>): string {
  if (routeLabels[VISIBILITY_LABEL] === 'cluster-local') return CLUSTER_LOCAL_DOMAIN;
  // The most specific matching selector wins; among equals, the lexicographically smallest domain.
  let domain = '';
  let specificity = -1;
  for (const [d, { selector }] of Object.entries(cfg.domain.domains)) {
    const n = Object.keys(selector).length;
    if (!matches(selector, routeLabels) || n < specificity) continue;
    if (n > specificity || d < domain) {
      domain = d;
      specificity = n;
    }
  }
  return domain || DEFAULT_DOMAIN;
}

/** True when routes with these labels are cluster-local (their domain is svc.cluster.local). */
export function isClusterLocalRoute(cfg: { domain: DomainConfig }, routeLabels: Record<string, string>): boolean {
  return domainForRoute(cfg, routeLabels) === CLUSTER_LOCAL_DOMAIN;
}
