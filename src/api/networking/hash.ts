// The KIngress hash upstream's ingress implementations put in `K-Network-Hash` (knative.dev/networking
// pkg/ingress ComputeHash): the SHA-256 of the spec as Go's encoding/json writes the typed struct,
// followed by the namespace and the name. A probe carrying `K-Network-Hash: override` reaches the
// backend with this hash instead, so a prober can tell which version of the KIngress a gateway serves.
//
// Go writes struct fields in declaration order, drops `omitempty` fields at their zero value (empty
// string, 0, empty slice or map), writes a nil slice without omitempty as `null`, sorts map keys and
// escapes <, >, & and U+2028/U+2029. The writer below follows the v1alpha1 types field for field.
import { createHash } from 'node:crypto';
import type { HTTPIngressPath, Ingress, IngressBackendSplit, IngressRule, IngressSpec, IngressTLS } from './types.ts';

export const HASH_HEADER = 'k-network-hash';
/** The request value that asks the gateway to put the KIngress's hash in its place. */
export const HASH_OVERRIDE = 'override';

function str(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

type Part = [name: string, json: string | undefined];

function obj(parts: Part[]): string {
  return `{${parts
    .filter((p): p is [string, string] => p[1] !== undefined)
    .map(([k, v]) => `${str(k)}:${v}`)
    .join(',')}}`;
}

/** `omitempty` string. */
const optStr = (s: string | undefined): string | undefined => (s ? str(s) : undefined);
/** A slice: omitted when empty with omitempty, else `null` when absent. */
function list<T>(xs: T[] | undefined | null, each: (x: T) => string, omitEmpty: boolean): string | undefined {
  if (!xs || xs.length === 0) return omitEmpty ? undefined : xs ? '[]' : 'null';
  return `[${xs.map(each).join(',')}]`;
}
function map<T>(m: Record<string, T> | undefined, each: (v: T) => string): string | undefined {
  const keys = Object.keys(m ?? {});
  if (keys.length === 0) return undefined;
  return `{${keys
    .sort()
    .map((k) => `${str(k)}:${each(m![k]!)}`)
    .join(',')}}`;
}

const tls = (t: IngressTLS) => obj([['hosts', list(t.hosts, str, true)], ['secretName', optStr(t.secretName)], ['secretNamespace', optStr(t.secretNamespace)]]);

const split = (s: IngressBackendSplit) =>
  obj([
    ['serviceNamespace', str(s.serviceNamespace ?? '')],
    ['serviceName', str(s.serviceName ?? '')],
    ['servicePort', typeof s.servicePort === 'string' ? str(s.servicePort) : String(Math.trunc(s.servicePort ?? 0))],
    ['percent', s.percent ? String(Math.trunc(s.percent)) : undefined],
    ['appendHeaders', map(s.appendHeaders, str)],
  ]);

const path = (p: HTTPIngressPath) =>
  obj([
    ['path', optStr(p.path)],
    ['rewriteHost', optStr(p.rewriteHost)],
    ['headers', map(p.headers, (h) => obj([['exact', str(h?.exact ?? '')]]))],
    ['splits', list(p.splits, split, false)],
    ['appendHeaders', map(p.appendHeaders, str)],
  ]);

const rule = (r: IngressRule) =>
  obj([
    ['hosts', list(r.hosts, str, true)],
    ['visibility', optStr(r.visibility)],
    ['http', r.http ? obj([['paths', list(r.http.paths, path, false)]]) : undefined],
  ]);

/** The spec as Go's json.Marshal writes knative.dev/networking's IngressSpec. */
export function goIngressSpec(spec: IngressSpec | undefined): string {
  const s = spec ?? {};
  return obj([
    ['tls', list(s.tls, tls, true)],
    ['rules', list(s.rules, rule, true)],
    ['httpOption', optStr(s.httpOption)],
  ]);
}

/** Upstream's ComputeHash of a KIngress, as lower-case hex. */
export function ingressHash(ing: Ingress): string {
  return createHash('sha256')
    .update(goIngressSpec(ing.spec))
    .update(ing.metadata.namespace ?? '')
    .update(ing.metadata.name ?? '')
    .digest('hex');
}
