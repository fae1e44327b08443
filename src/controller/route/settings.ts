// The Route/DomainMapping/GC view of the knative-serving ConfigMaps (config-domain, config-network,
// config-features, config-gc).
import { KOURIER_INGRESS_CLASS } from '../../api/networking/types.ts';
import {
  CLUSTER_LOCAL_DOMAIN,
  DEFAULT_DOMAIN_TEMPLATE,
  DEFAULT_TAG_TEMPLATE,
  isClusterLocalLabel,
  validateDomainTemplate,
  validateTagTemplate,
} from '../../api/serving/domains.ts';
import type { RouteSettings } from './resources.ts';

export type ConfigMaps = Record<string, Record<string, string> | undefined>;

export interface NetworkSettings extends RouteSettings {
  autocreateClusterDomainClaims: boolean;
}

/** config-domain: domain → label selector (empty = the default domain). */
function parseDomainConfig(data: Record<string, string> | undefined): { domain: string; selector: Record<string, string> }[] {
  const out: { domain: string; selector: Record<string, string> }[] = [];
  for (const [domain, value] of Object.entries(data ?? {})) {
    if (domain.startsWith('_')) continue;
    const selector: Record<string, string> = {};
    // `selector:\n  app: foo` (YAML); only the flat map under "selector" is meaningful.
    let inSelector = false;
    for (const line of value.split('\n')) {
      if (/^selector:\s*$/.test(line)) {
        inSelector = true;
        continue;
      }
      const m = /^\s+([^:\s]+):\s*"?([^"]*)"?\s*$/.exec(line);
      if (inSelector && m?.[1]) selector[m[1]] = m[2] ?? '';
    }
    out.push({ domain, selector });
  }
  return out;
}

/** The domain suffix for a route: the most specific matching selector wins, ties go to the smallest name. */
export function lookupDomain(data: Record<string, string> | undefined, labels: Record<string, string>): string {
  if (isClusterLocalLabel(labels)) return CLUSTER_LOCAL_DOMAIN;
  let best: { domain: string; n: number } | undefined;
  for (const { domain, selector } of parseDomainConfig(data)) {
    const entries = Object.entries(selector);
    if (!entries.every(([k, v]) => labels[k] === v)) continue;
    const n = entries.length;
    if (!best || n > best.n || (n === best.n && domain < best.domain)) best = { domain, n };
  }
  return best?.domain ?? 'example.com';
}

export function routeSettings(maps: ConfigMaps): NetworkSettings {
  const net = maps['config-network'] ?? {};
  const features = maps['config-features'] ?? {};
  const domainTemplate = net['domain-template'] && !validateDomainTemplate(net['domain-template']) ? net['domain-template'] : DEFAULT_DOMAIN_TEMPLATE;
  const tagTemplate = net['tag-template'] && !validateTagTemplate(net['tag-template']) ? net['tag-template'] : DEFAULT_TAG_TEMPLATE;
  const domainData = maps['config-domain'];
  return {
    domainTemplate,
    tagTemplate,
    ingressClass: net['ingress-class'] || net['ingress.class'] || KOURIER_INGRESS_CLASS,
    defaultExternalScheme: net['default-external-scheme'] || 'http',
    httpProtocol: (net['http-protocol'] ?? '').toLowerCase() === 'redirected' ? 'Redirected' : 'Enabled',
    tagHeaderBasedRouting: (features['tag-header-based-routing'] ?? '').toLowerCase() === 'enabled',
    autocreateClusterDomainClaims: (net['autocreate-cluster-domain-claims'] ?? '').toLowerCase() === 'true',
    domainFor: (labels) => lookupDomain(domainData, labels),
  };
}

/** config-gc; durations in ms, `undefined` = "disabled". */
export interface GCSettings {
  retainSinceCreateTimeMs: number | undefined;
  retainSinceLastActiveTimeMs: number | undefined;
  minNonActiveRevisions: number;
  maxNonActiveRevisions: number | undefined;
}

const HOUR = 3_600_000;
export const DEFAULT_GC: GCSettings = {
  retainSinceCreateTimeMs: 48 * HOUR,
  retainSinceLastActiveTimeMs: 15 * HOUR,
  minNonActiveRevisions: 20,
  maxNonActiveRevisions: 1000,
};

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: HOUR };

/** A Go duration ("48h", "1m30s", "0") in ms; undefined when malformed. */
export function parseGoDuration(s: string): number | undefined {
  const t = s.trim();
  if (t === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    total += Number(m[1]) * (UNITS[m[2] ?? ''] ?? 0);
    matched = re.lastIndex;
  }
  return matched === t.length && matched > 0 ? total : undefined;
}

export function gcSettings(maps: ConfigMaps): GCSettings {
  const d = maps['config-gc'] ?? {};
  const dur = (k: string, def: number | undefined) => {
    const v = d[k];
    if (v === undefined || v === '') return def;
    if (v.toLowerCase() === 'disabled') return undefined;
    return parseGoDuration(v) ?? def;
  };
  const int = (k: string, def: number | undefined, allowDisabled: boolean) => {
    const v = d[k];
    if (v === undefined || v === '') return def;
    if (allowDisabled && v.toLowerCase() === 'disabled') return undefined;
    const n = Number(v);
    return Number.isInteger(n) && n >= 0 ? n : def;
  };
  return {
    retainSinceCreateTimeMs: dur('retain-since-create-time', DEFAULT_GC.retainSinceCreateTimeMs),
    retainSinceLastActiveTimeMs: dur('retain-since-last-active-time', DEFAULT_GC.retainSinceLastActiveTimeMs),
    minNonActiveRevisions: int('min-non-active-revisions', DEFAULT_GC.minNonActiveRevisions, false) ?? 20,
    maxNonActiveRevisions: int('max-non-active-revisions', DEFAULT_GC.maxNonActiveRevisions, true),
  };
}
