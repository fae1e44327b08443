// Host names and URLs of Routes: config-network's domain-template and tag-template (a small subset of
// Go's text/template: `{{.Name}}`, `{{.Namespace}}`, `{{.Domain}}`, `{{.Tag}}`, `{{.Annotations.key}}`,
// `{{.Labels.key}}` and `{{index .Annotations "key"}}`), cluster-local host names and visibility.
// Pure: no I/O.
import { L, VISIBILITY_CLUSTER_LOCAL } from './labels.ts';

export const DEFAULT_DOMAIN_TEMPLATE = '{{.Name}}.{{.Namespace}}.{{.Domain}}';
export const DEFAULT_TAG_TEMPLATE = '{{.Tag}}-{{.Name}}';
/** The cluster's DNS domain (kubelet --cluster-domain). */
export const CLUSTER_DOMAIN = 'cluster.local';
/** The domain suffix of cluster-local routes. */
export const CLUSTER_LOCAL_DOMAIN = `svc.${CLUSTER_DOMAIN}`;

export interface TemplateData {
  Name?: string;
  Namespace?: string;
  Domain?: string;
  Tag?: string;
  Annotations?: Record<string, string>;
  Labels?: Record<string, string>;
}

export class TemplateError extends Error {
  override name = 'TemplateError';
}

// Go prints a missing map key as "<no value>"; the result then fails host-name validation, as upstream.
const NO_VALUE = '<no value>';

function evalAction(action: string, data: TemplateData, tpl: string): string {
  const a = action.trim().replace(/^-\s*/, '').replace(/\s*-$/, '');
  const index = /^index\s+\.(Annotations|Labels)\s+"([^"]*)"$/.exec(a);
  if (index) {
    // Go's `index` yields the element type's zero value for a missing key (unlike `.Map.key`).
    const m = data[index[1] as 'Annotations' | 'Labels'];
    return m?.[index[2] ?? ''] ?? '';
  }
  const field = /^\.([A-Za-z]+)(?:\.([A-Za-z0-9_]+))?$/.exec(a);
  if (!field) throw new TemplateError(`template ${JSON.stringify(tpl)}: unsupported action {{${action}}}`);
  const [, name = '', key] = field;
  if (name === 'Annotations' || name === 'Labels') {
    if (key === undefined) throw new TemplateError(`template ${JSON.stringify(tpl)}: {{.${name}}} needs a key`);
    return data[name]?.[key] ?? NO_VALUE;
  }
  if (key !== undefined || !['Name', 'Namespace', 'Domain', 'Tag'].includes(name) || !(name in data)) {
    throw new TemplateError(`template ${JSON.stringify(tpl)}: can't evaluate field ${a.slice(1)}`);
  }
  return String(data[name as 'Name' | 'Namespace' | 'Domain' | 'Tag'] ?? '');
}

/** Renders a Go-style template with the fields above; throws TemplateError on anything else. */
export function renderTemplate(tpl: string, data: TemplateData): string {
  let out = '';
  let i = 0;
  while (i < tpl.length) {
    const open = tpl.indexOf('{{', i);
    if (open < 0) {
      out += tpl.slice(i);
      break;
    }
    const close = tpl.indexOf('}}', open + 2);
    if (close < 0) throw new TemplateError(`template ${JSON.stringify(tpl)}: unclosed action`);
    out += tpl.slice(i, open);
    out += evalAction(tpl.slice(open + 2, close), data, tpl);
    i = close + 2;
  }
  return out;
}

/**
 * config-network's check of domain-template, as upstream: render it for sample values (no annotations
 * or labels), parse `https://<result>` as a URL, and require a host name and no path or query.
 */
export function validateDomainTemplate(tpl: string): string | undefined {
  let out: string;
  try {
    out = renderTemplate(tpl, { Name: 'foo', Namespace: 'bar', Domain: 'baz.com', Annotations: {}, Labels: {} });
  } catch (e) {
    return (e as Error).message;
  }
  const end = out.search(/[/?#]/);
  const authority = end < 0 ? out : out.slice(0, end);
  // Go's url.Parse rejects these in a host (and a % that does not start an escape).
  // eslint-disable-next-line no-control-regex -- Go rejects control characters in a host
  const bad = /[\x00-\x20\x7f{}|\\^`]|%(?![0-9A-Fa-f]{2})/.exec(authority);
  if (bad) return `parse ${JSON.stringify(`https://${out}`)}: invalid character ${JSON.stringify(bad[0])} in host name`;
  const host = authority.slice(authority.lastIndexOf('@') + 1).replace(/:\d*$/, '');
  if (host === '') return 'empty hostname';
  const rest = end < 0 ? '' : out.slice(end).replace(/#.*$/, '');
  const q = rest.indexOf('?');
  const path = q < 0 ? rest : rest.slice(0, q);
  const requestURI = (path || '/') + (q < 0 ? '' : `?${rest.slice(q + 1)}`);
  if (requestURI !== '/') return `domain template has url path: ${requestURI}`;
  return undefined;
}

/** config-network's check of tag-template. */
export function validateTagTemplate(tpl: string): string | undefined {
  try {
    renderTemplate(tpl, { Name: 'foo', Tag: 'bar' });
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Kubernetes' IsFullyQualifiedDomainName: at least two DNS-1123 labels, ≤ 63 each, ≤ 253 in all. */
export function fqdnErrors(name: string): string[] {
  const errs: string[] = [];
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  if (n.length === 0) return ['Required value'];
  if (n.length > 253) errs.push('must be no more than 253 characters');
  const labels = n.split('.');
  if (labels.length < 2) errs.push('should be a domain with at least two segments separated by dots');
  for (const l of labels) {
    if (l.length > 63) errs.push(`label ${JSON.stringify(l)} must be no more than 63 characters`);
    else if (!DNS1123_LABEL.test(l)) {
      errs.push(
        `a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character`,
      );
    }
  }
  return [...new Set(errs)];
}

/** The host name of a traffic target: the route name, or tag-template for a tag. */
export function hostnameFor(routeName: string, tag: string | undefined, tagTemplate = DEFAULT_TAG_TEMPLATE): string {
  if (!tag) return routeName;
  return renderTemplate(tagTemplate, { Name: routeName, Tag: tag });
}

export interface DomainInput {
  /** The host name (route name or tag host name). */
  name: string;
  namespace: string;
  /** The domain suffix (config-domain lookup), e.g. example.com or svc.cluster.local. */
  domain: string;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
}

export class DomainNameError extends Error {
  override name = 'DomainNameError';
}

/** The FQDN from domain-template; cluster-local domains always use the default template. */
export function domainNameFromTemplate(input: DomainInput, template = DEFAULT_DOMAIN_TEMPLATE): string {
  const tpl = input.domain === CLUSTER_LOCAL_DOMAIN ? DEFAULT_DOMAIN_TEMPLATE : template;
  let host: string;
  try {
    host = renderTemplate(tpl, {
      Name: input.name,
      Namespace: input.namespace,
      Domain: input.domain,
      Annotations: input.annotations ?? {},
      Labels: input.labels ?? {},
    });
  } catch (e) {
    throw new DomainNameError((e as Error).message);
  }
  const errs = fqdnErrors(host);
  if (errs.length) throw new DomainNameError(`invalid domain name ${JSON.stringify(host)}: url: Invalid value: ${JSON.stringify(host)}: ${errs.join(', ')}`);
  return host;
}

/** `name.ns`, `name.ns.svc`, `name.ns.svc.cluster.local` (upstream's ExpandedHosts, sorted). */
export function clusterLocalHosts(name: string, namespace: string): string[] {
  return [`${name}.${namespace}`, `${name}.${namespace}.svc`, `${name}.${namespace}.${CLUSTER_LOCAL_DOMAIN}`];
}

/** The full cluster-local name of a K8s Service: `name.ns.svc.cluster.local`. */
export function serviceHostname(name: string, namespace: string): string {
  return `${name}.${namespace}.${CLUSTER_LOCAL_DOMAIN}`;
}

export function urlOf(scheme: string, host: string): string {
  return `${scheme}://${host}`;
}

/** status.address.url of a Route: always `http://<route>.<ns>.svc.cluster.local`. */
export function routeAddressURL(routeName: string, namespace: string): string {
  return urlOf('http', serviceHostname(routeName, namespace));
}

/** True when the labels carry `networking.knative.dev/visibility: cluster-local`. */
export function isClusterLocalLabel(labels: Record<string, string> | undefined): boolean {
  return labels?.[L.visibility] === VISIBILITY_CLUSTER_LOCAL;
}

/** True when the host is inside the cluster-local domain. */
export function isClusterLocalHost(host: string): boolean {
  return host === CLUSTER_LOCAL_DOMAIN || host.endsWith(`.${CLUSTER_LOCAL_DOMAIN}`) || host.endsWith(`.${CLUSTER_DOMAIN}`);
}
