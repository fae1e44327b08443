// The routing table: a pure function from the KIngresses and EndpointSlices the gateway watches to
// everything the proxy needs per request, precomputed so the hot path only does lookups:
//   host (exact, lower-case, no port) → visibility → ordered paths → weighted splits → endpoints.
// No I/O here; the proxy swaps whole tables atomically when the informers change.
import type { KubeObject } from '../../api/meta.ts';
import type { HTTPIngressPath, Ingress, IngressBackendSplit, IngressVisibility } from '../../api/networking/types.ts';
import { IDLE_TIMEOUT_LABEL, KOURIER_INGRESS_CLASS, RESPONSE_START_TIMEOUT_LABEL, REVISION_TIMEOUT_LABEL } from '../../api/networking/types.ts';
import { CONTAINER_CONCURRENCY_LABEL } from '../../api/autoscaling/annotations.ts';
import { parseReadinessLabel, READINESS_PROBE_LABEL, type ReadinessCheck, TCP_CHECK } from '../../api/autoscaling/readiness.ts';
import { A, H } from '../../api/serving/labels.ts';
import { ingressHash } from '../../api/networking/hash.ts';

/** discovery.k8s.io/v1 EndpointSlice, the fields the gateway reads. */
export interface EndpointSlice extends KubeObject {
  addressType?: 'IPv4' | 'IPv6' | 'FQDN';
  endpoints?: {
    addresses: string[];
    conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
  }[];
  ports?: { name?: string; port?: number; protocol?: string; appProtocol?: string }[] | null;
}

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
/** The alternate spelling of the class annotation that upstream also honours. */
export const INGRESS_CLASS_ALT = 'networking.knative.dev/ingress-class';
/**
 * kn-ts extension: the request timeout (seconds) of every route of this KIngress. KIngress has no
 * timeout field; the Route reconciler may copy the largest revision timeoutSeconds here.
 */
export const TIMEOUT_ANNOTATION = 'networking.kn-ts.dev/timeout-seconds';

export { IDLE_TIMEOUT_LABEL, RESPONSE_START_TIMEOUT_LABEL, REVISION_TIMEOUT_LABEL };
export const DEFAULT_TIMEOUT_MS = 300_000;
export { CONTAINER_CONCURRENCY_LABEL };

/** Per-revision counters the proxy bumps and the admin port exports; shared across table rebuilds. */
export interface SplitStats {
  namespace: string;
  revision: string;
  inFlight: number;
  requests: number;
}

export interface Upstream {
  host: string; // IP (or name) to dial
  port: number;
}

export interface Split {
  namespace: string;
  service: string;
  /** `namespace/service`: the key of the stats and of held requests. */
  key: string;
  /** The Knative-Serving-Revision the split appends, else the service name. */
  revision: string;
  servicePort: number | string;
  percent: number;
  /**
   * Headers to set on the upstream request (path-level merged with split-level, split wins), as
   * [lower-case name, value] pairs — they replace any header of the same name (Envoy's
   * OVERWRITE_IF_EXISTS_OR_ADD).
   */
  appendHeaders: [string, string][];
  /** Ready endpoints, in a stable order. */
  endpoints: Upstream[];
  /** Endpoints not ready yet (not terminating): the activator probes these directly while it holds requests (activator.ts). */
  pending: Upstream[];
  /** Requests one endpoint takes at once (CONTAINER_CONCURRENCY_LABEL); 0: unlimited. */
  containerConcurrency: number;
  /** How the activator probes a pending endpoint (READINESS_PROBE_LABEL): the revision's HTTP readiness probe, else a TCP connect. */
  readiness: ReadinessCheck;
  /** The upstream speaks h2c (prior knowledge): its EndpointSlice port is named h2c/http2 or has appProtocol kubernetes.io/h2c. */
  h2c: boolean;
  /**
   * The revision's timeoutSeconds (REVISION_TIMEOUT_LABEL, else the KIngress's): the time allowed
   * until the response starts. As upstream's queue-proxy (v0.42 TimeoutHandler), a response that has
   * started is not cut by it.
   */
  timeoutMs: number;
  /** responseStartTimeoutSeconds (RESPONSE_START_TIMEOUT_LABEL): 504 when no response has started by then; 0: none. */
  responseStartTimeoutMs: number;
  /** idleTimeoutSeconds (IDLE_TIMEOUT_LABEL): the longest the upstream may send nothing; 0: none. */
  idleTimeoutMs: number;
  /** Round-robin cursor; mutable, reset when the table is rebuilt. */
  rr: number;
  stats: SplitStats;
}

export interface HeaderMatch {
  name: string; // lower-case
  value: string;
}

export interface RoutePath {
  /** The literal prefix, '/' for catch-all. */
  prefix: string;
  headers: HeaderMatch[];
  rewriteHost: string | undefined;
  splits: Split[];
  /** cumulative[i] = sum of percent of splits[0..i]; the last is the total. */
  cumulative: number[];
  total: number;
  /** The KIngress this path comes from, `namespace/name`. */
  ingress: string;
  /** The KIngress's hash (upstream's ComputeHash): sent as K-Network-Hash when a request asks with `override`. */
  hash: string;
}

export interface HostRoutes {
  /** Paths of ExternalIP rules (served on the external and the internal listener). */
  external: RoutePath[];
  /** Paths of all rules (the internal listener serves every rule, as Kourier's local route config). */
  internal: RoutePath[];
}

export interface RoutingTable {
  hosts: Map<string, HostRoutes>;
  /** Rules with no hosts ("*"). */
  wildcard: HostRoutes | undefined;
  /** KIngress `namespace/name` → metadata.generation of every KIngress in the table. */
  generations: Map<string, number>;
  /** Hosts claimed by more than one KIngress: host → the KIngresses; the first wins, the others are not served at all. */
  conflicts: Map<string, string[]>;
}

export interface BuildOptions {
  defaultTimeoutMs?: number;
  /** Reuse counters across rebuilds (key → stats); new ones are added to it. */
  stats?: Map<string, SplitStats>;
}

export function isOurIngress(ing: Ingress): boolean {
  const a = ing.metadata.annotations ?? {};
  const cls = a[A.ingressClass] ?? a[INGRESS_CLASS_ALT];
  return cls === undefined || cls === '' || cls === KOURIER_INGRESS_CLASS;
}

/** 'Foo.Example.COM:8080' → 'foo.example.com'; '[::1]:80' → '[::1]'. */
export function normalizeHost(h: string): string {
  let end = h.length;
  if (h.charCodeAt(0) === 91 /* [ */) {
    const close = h.indexOf(']');
    if (close > 0) end = close + 1;
  } else {
    const colon = h.indexOf(':');
    if (colon >= 0) end = colon;
  }
  if (end > 0 && h.charCodeAt(end - 1) === 46 /* . */) end--;
  const s = end === h.length ? h : h.slice(0, end);
  return s.toLowerCase();
}

type SlicePort = NonNullable<EndpointSlice['ports']>[number];

const CONVENTIONAL_PORT_NAMES: Record<number, string[]> = {
  80: ['http', 'http1', 'http-web'],
  81: ['http2', 'h2c'],
  443: ['https'],
};

/**
 * Which EndpointSlice port carries a KIngress servicePort. EndpointSlices carry the target ports
 * under the Service port's name, not the Service port number, and the gateway reads no Services, so:
 * a string servicePort matches by name; a numeric one takes the slice's only port, else the port
 * conventionally named for it (80 → http, 81 → http2/h2c, 443 → https), else the same number.
 */
export function pickPort(ports: SlicePort[], servicePort: number | string): SlicePort | undefined {
  if (ports.length === 0) return undefined;
  if (typeof servicePort === 'string' && !/^\d+$/.test(servicePort)) return ports.find((p) => p.name === servicePort);
  const n = Number(servicePort);
  if (ports.length === 1) return ports[0];
  const names = CONVENTIONAL_PORT_NAMES[n];
  if (names) {
    const byName = ports.find((p) => p.name !== undefined && names.includes(p.name));
    if (byName) return byName;
  }
  return ports.find((p) => p.port === n);
}

function isH2c(p: SlicePort): boolean {
  return p.name === 'h2c' || p.name === 'http2' || p.appProtocol === 'kubernetes.io/h2c';
}

interface ServiceEndpoints {
  slices: EndpointSlice[];
}

function indexSlices(slices: readonly EndpointSlice[]): Map<string, ServiceEndpoints> {
  const m = new Map<string, ServiceEndpoints>();
  for (const s of slices) {
    const svc = s.metadata.labels?.[SERVICE_NAME_LABEL];
    if (!svc || !s.metadata.namespace) continue;
    if (s.addressType === 'FQDN') continue;
    const k = `${s.metadata.namespace}/${svc}`;
    let e = m.get(k);
    if (!e) m.set(k, (e = { slices: [] }));
    e.slices.push(s);
  }
  // Stable order whatever order the informer hands the slices over.
  for (const e of m.values()) e.slices.sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  return m;
}

function resolveEndpoints(
  se: ServiceEndpoints | undefined,
  servicePort: number | string,
): { endpoints: Upstream[]; pending: Upstream[]; h2c: boolean; containerConcurrency: number; readiness: ReadinessCheck; timeouts: Timeouts } {
  const endpoints: Upstream[] = [];
  const timeouts: Timeouts = { timeoutMs: 0, responseStartTimeoutMs: 0, idleTimeoutMs: 0 };
  const pending: Upstream[] = [];
  let h2c = false;
  let containerConcurrency = 0;
  let readiness = TCP_CHECK;
  const seen = new Set<string>();
  for (const s of se?.slices ?? []) {
    const cc = Number(s.metadata.labels?.[CONTAINER_CONCURRENCY_LABEL]);
    if (Number.isInteger(cc) && cc > 0) containerConcurrency = cc;
    const probe = s.metadata.labels?.[READINESS_PROBE_LABEL];
    if (probe) readiness = parseReadinessLabel(probe);
    const l = s.metadata.labels;
    if (l) {
      timeouts.timeoutMs = seconds(l[REVISION_TIMEOUT_LABEL]) || timeouts.timeoutMs;
      timeouts.responseStartTimeoutMs = seconds(l[RESPONSE_START_TIMEOUT_LABEL]) || timeouts.responseStartTimeoutMs;
      timeouts.idleTimeoutMs = seconds(l[IDLE_TIMEOUT_LABEL]) || timeouts.idleTimeoutMs;
    }
    const port = pickPort(s.ports ?? [], servicePort);
    if (!port || port.port === undefined) continue;
    if (isH2c(port)) h2c = true;
    for (const ep of s.endpoints ?? []) {
      const addr = ep.addresses[0];
      if (!addr) continue;
      // A nil ready condition means ready (EndpointSlice API semantics).
      if (ep.conditions?.ready === false) {
        if (!ep.conditions.terminating) pending.push({ host: addr, port: port.port });
        continue;
      }
      const k = `${addr}:${port.port}`;
      if (seen.has(k)) continue;
      seen.add(k);
      endpoints.push({ host: addr, port: port.port });
    }
  }
  return { endpoints, pending, h2c, containerConcurrency, readiness, timeouts };
}

interface Timeouts {
  timeoutMs: number;
  responseStartTimeoutMs: number;
  idleTimeoutMs: number;
}

/** A label's whole seconds as ms; 0 when absent or not a positive number. */
function seconds(v: string | undefined): number {
  const n = v === undefined ? NaN : Number(v);
  return Number.isFinite(n) && n > 0 ? Math.round(n * 1000) : 0;
}

function headerPairs(...maps: (Record<string, string> | undefined)[]): [string, string][] {
  const out = new Map<string, string>();
  for (const m of maps) for (const [k, v] of Object.entries(m ?? {})) out.set(k.toLowerCase(), v);
  return [...out];
}

function timeoutOf(ing: Ingress, dflt: number): number {
  const v = ing.metadata.annotations?.[TIMEOUT_ANNOTATION];
  const n = v === undefined ? NaN : Number(v);
  return Number.isFinite(n) && n > 0 ? Math.round(n * 1000) : dflt;
}

function buildPath(
  ing: Ingress,
  p: HTTPIngressPath,
  slices: Map<string, ServiceEndpoints>,
  timeoutMs: number,
  stats: Map<string, SplitStats>,
): RoutePath {
  const ns = ing.metadata.namespace ?? '';
  const raw: IngressBackendSplit[] = p.splits ?? [];
  const splits: Split[] = raw.map((s) => {
    const namespace = s.serviceNamespace || ns;
    const key = `${namespace}/${s.serviceName}`;
    const appendHeaders = headerPairs(p.appendHeaders, s.appendHeaders);
    const revision = s.appendHeaders?.[H.revision] ?? p.appendHeaders?.[H.revision] ?? s.serviceName;
    const statsKey = `${namespace}/${revision}`;
    let st = stats.get(statsKey);
    if (!st) stats.set(statsKey, (st = { namespace, revision, inFlight: 0, requests: 0 }));
    const { endpoints, pending, h2c, containerConcurrency, readiness, timeouts } = resolveEndpoints(slices.get(key), s.servicePort);
    return {
      namespace,
      service: s.serviceName,
      key,
      revision,
      servicePort: s.servicePort,
      // A single split with no percent means 100 (the webhook default).
      percent: raw.length === 1 && !s.percent ? 100 : Math.max(0, s.percent ?? 0),
      appendHeaders,
      endpoints,
      pending,
      containerConcurrency,
      readiness,
      h2c,
      timeoutMs: timeouts.timeoutMs || timeoutMs,
      responseStartTimeoutMs: timeouts.responseStartTimeoutMs,
      idleTimeoutMs: timeouts.idleTimeoutMs,
      rr: 0,
      stats: st,
    };
  });
  const cumulative: number[] = [];
  let total = 0;
  for (const s of splits) cumulative.push((total += s.percent));
  const prefix = p.path && p.path !== '' ? p.path : '/';
  return {
    prefix,
    headers: Object.entries(p.headers ?? {})
      .filter(([, m]) => m.exact !== undefined)
      .map(([name, m]) => ({ name: name.toLowerCase(), value: m.exact ?? '' })),
    rewriteHost: p.rewriteHost || undefined,
    splits,
    cumulative,
    total,
    ingress: `${ns}/${ing.metadata.name ?? ''}`,
    hash: hashOf(ing),
  };
}

/** Informers replace an object on every change: its hash is computed once per version. */
const hashes = new WeakMap<Ingress, string>();
function hashOf(ing: Ingress): string {
  let h = hashes.get(ing);
  if (h === undefined) hashes.set(ing, (h = ingressHash(ing)));
  return h;
}

/** Longest prefix first; ties keep KIngress order (Serving puts header-matching paths first). */
function sortPaths(paths: RoutePath[]): void {
  paths.sort((a, b) => b.prefix.length - a.prefix.length);
}

export function buildRoutingTable(
  ingresses: readonly Ingress[],
  endpointSlices: readonly EndpointSlice[],
  opts: BuildOptions = {},
): RoutingTable {
  const dflt = opts.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const stats = opts.stats ?? new Map<string, SplitStats>();
  const slices = indexSlices(endpointSlices);
  const hosts = new Map<string, HostRoutes>();
  const owner = new Map<string, string>();
  const conflicts = new Map<string, string[]>();
  const generations = new Map<string, number>();
  let wildcard: HostRoutes | undefined;

  // Deterministic: oldest first, then by name, so "first one wins" on a host conflict is stable.
  const ours = ingresses
    .filter((i) => isOurIngress(i) && !i.metadata.deletionTimestamp)
    .sort(
      (a, b) =>
        (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') ||
        `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`),
    );

  // Pass 1: host claims. As Kourier, a KIngress that claims a host another (older) KIngress already
  // serves is rejected as a whole (DomainConflict) and none of its rules are served.
  const accepted: Ingress[] = [];
  for (const ing of ours) {
    const id = `${ing.metadata.namespace ?? ''}/${ing.metadata.name ?? ''}`;
    const mine = new Set<string>();
    for (const rule of ing.spec?.rules ?? []) for (const h of rule.hosts ?? []) if (normalizeHost(h)) mine.add(normalizeHost(h));
    const clashes = [...mine].filter((h) => owner.has(h));
    if (clashes.length > 0) {
      for (const h of clashes) conflicts.set(h, [...(conflicts.get(h) ?? [owner.get(h) ?? '']), id]);
      continue;
    }
    for (const h of mine) owner.set(h, id);
    accepted.push(ing);
  }

  for (const ing of accepted) {
    const id = `${ing.metadata.namespace ?? ''}/${ing.metadata.name ?? ''}`;
    generations.set(id, ing.metadata.generation ?? 0);
    const timeoutMs = timeoutOf(ing, dflt);
    for (const rule of ing.spec?.rules ?? []) {
      const visibility: IngressVisibility = rule.visibility ?? 'ExternalIP';
      const paths = (rule.http?.paths ?? []).map((p) => buildPath(ing, p, slices, timeoutMs, stats));
      const ruleHosts = new Set((rule.hosts ?? []).map(normalizeHost).filter((h) => h !== ''));
      const targets: HostRoutes[] = [];
      if (ruleHosts.size === 0) targets.push((wildcard ??= { external: [], internal: [] }));
      for (const h of ruleHosts) {
        let hr = hosts.get(h);
        if (!hr) hosts.set(h, (hr = { external: [], internal: [] }));
        targets.push(hr);
      }
      for (const hr of targets) {
        hr.internal.push(...paths);
        if (visibility === 'ExternalIP') hr.external.push(...paths);
      }
    }
  }
  for (const hr of hosts.values()) {
    sortPaths(hr.external);
    sortPaths(hr.internal);
  }
  if (wildcard) {
    sortPaths(wildcard.external);
    sortPaths(wildcard.internal);
  }
  return { hosts, wildcard, generations, conflicts };
}

export function emptyTable(): RoutingTable {
  return { hosts: new Map(), wildcard: undefined, generations: new Map(), conflicts: new Map() };
}
