// Table columns, sort orders and cell values of `kn service|revision|route|domain list`, and the
// `--ref` parsing of `kn domain create|update`. Pure.
import { nameError } from '../../api/names.ts';
import type { KubeObject } from '../../api/meta.ts';
import { L } from '../../api/serving/labels.ts';
import type { DomainMapping, Revision, Route, Service } from '../../api/serving/types.ts';
import { ageCell, type Column, conditionsCell, readyCell, reasonCell, trunc50 } from '../output/table.ts';

export const serviceColumns = (now = Date.now()): Column<Service>[] => [
  { name: 'Name', cell: (s) => s.metadata.name ?? '' },
  { name: 'Url', cell: (s) => s.status?.url ?? '' },
  { name: 'Latest', cell: (s) => s.status?.latestReadyRevisionName ?? '' },
  { name: 'Age', cell: (s) => ageCell(s.metadata.creationTimestamp, now) },
  { name: 'Conditions', cell: (s) => conditionsCell(s.status?.conditions) },
  { name: 'Ready', cell: (s) => readyCell(s.status?.conditions) },
  { name: 'Reason', cell: (s) => reasonCell(s.status?.conditions) },
];

/** Revision rows carry the TRAFFIC and TAGS cells computed from their Service. */
export interface RevisionRow extends Revision {
  traffic?: string;
  tags?: string;
}

export const revisionColumns = (now = Date.now()): Column<RevisionRow>[] => [
  { name: 'Name', cell: (r) => trunc50(r.metadata.name ?? '') },
  { name: 'Service', cell: (r) => trunc50(r.metadata.labels?.[L.service] ?? '') },
  { name: 'Traffic', cell: (r) => trunc50(r.traffic ?? '') },
  { name: 'Tags', cell: (r) => trunc50(r.tags ?? '') },
  { name: 'Generation', cell: (r) => trunc50(r.metadata.labels?.[L.configurationGeneration] ?? '') },
  { name: 'Age', cell: (r) => trunc50(ageCell(r.metadata.creationTimestamp, now)) },
  { name: 'Conditions', cell: (r) => trunc50(conditionsCell(r.status?.conditions)) },
  { name: 'Ready', cell: (r) => trunc50(readyCell(r.status?.conditions)) },
  { name: 'Reason', cell: (r) => trunc50(reasonCell(r.status?.conditions)) },
];

/** The NAMESPACE cell of revision list is cut like the others. */
export const revisionNamespaceTrunc = trunc50;

export const routeColumns: Column<Route>[] = [
  { name: 'Name', cell: (r) => r.metadata.name ?? '' },
  { name: 'Url', cell: (r) => r.status?.url ?? '' },
  { name: 'Ready', cell: (r) => readyCell(r.status?.conditions) },
];

export const domainColumns: Column<DomainMapping>[] = [
  { name: 'Name', cell: (d) => d.metadata.name ?? '' },
  { name: 'Url', cell: (d) => d.status?.url ?? '' },
  { name: 'Ready', cell: (d) => readyCell(d.status?.conditions) },
  { name: 'Ksvc', cell: (d) => d.spec?.ref?.name ?? '' },
];

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** service list: namespace, then name. */
export function sortByNamespaceName<T extends KubeObject>(items: T[]): T[] {
  return [...items].sort((a, b) => cmp(a.metadata.namespace ?? '', b.metadata.namespace ?? '') || cmp(a.metadata.name ?? '', b.metadata.name ?? ''));
}

/** revision list: namespace, service, configuration generation (descending), name. */
export function sortRevisions<T extends Revision>(items: T[]): T[] {
  return [...items].sort((a, b) => {
    const ns = cmp(a.metadata.namespace ?? '', b.metadata.namespace ?? '');
    if (ns) return ns;
    const svc = cmp(a.metadata.labels?.[L.service] ?? '', b.metadata.labels?.[L.service] ?? '');
    if (svc) return svc;
    const ga = a.metadata.labels?.[L.configurationGeneration] ?? '';
    const gb = b.metadata.labels?.[L.configurationGeneration] ?? '';
    if (!/^[-+]?\d+$/.test(ga) || !/^[-+]?\d+$/.test(gb)) return cmp(a.metadata.name ?? '', b.metadata.name ?? '');
    if (Number(ga) !== Number(gb)) return Number(gb) - Number(ga);
    return cmp(a.metadata.name ?? '', b.metadata.name ?? '');
  });
}

/** The share of traffic and the tags a Service's status gives one revision. */
export function trafficAndTags(revision: string, service: Service | undefined): { percent: number; tags: string[] } {
  let percent = 0;
  const tags: string[] = [];
  for (const t of service?.status?.traffic ?? []) {
    if (t.revisionName !== revision) continue;
    percent += t.percent ?? 0;
    if (t.tag) tags.push(t.tag);
  }
  return { percent, tags };
}

/** Adds the TRAFFIC (`100%`, blank at 0) and TAGS (comma-joined) cells. */
export function withTraffic(revisions: Revision[], serviceOf: (ns: string, name: string) => Service | undefined): RevisionRow[] {
  return revisions.map((r) => {
    const svc = r.metadata.labels?.[L.service];
    if (!svc) return r;
    const { percent, tags } = trafficAndTags(r.metadata.name ?? '', serviceOf(r.metadata.namespace ?? '', svc));
    return { ...r, traffic: percent ? `${percent}%` : '', tags: tags.join(',') };
  });
}

// ---- kn domain --ref ---------------------------------------------------------------------------

export interface DomainRef {
  prefix: string;
  name: string;
  namespace?: string;
}

/** `hello`, `ksvc:hello`, `kroute:hello`, `ksvc:hello:other-ns`. */
export function parseDomainRef(ref: string): DomainRef {
  const parts = ref.split(':');
  if (parts.length === 1) return { prefix: 'ksvc', name: parts[0]! };
  const [prefix, name, ...ns] = parts;
  return { prefix: prefix!, name: name!, namespace: ns.length ? ns.join(':') : undefined };
}

export const DOMAIN_REF_PREFIXES: Record<string, 'Service' | 'Route'> = { ksvc: 'Service', kroute: 'Route' };

/** Checks a --ref before any API call; returns the one-line error or undefined. */
export function domainRefError(ref: string): string | undefined {
  const r = parseDomainRef(ref);
  if (!(r.prefix in DOMAIN_REF_PREFIXES)) return `unsupported sink prefix: '${r.prefix}'`;
  if (!r.name) return `invalid --ref '${ref}': the name is missing; use ksvc:NAME, kroute:NAME or NAME`;
  const bad = nameError(r.name, 'dns1035-label');
  if (bad) return `invalid --ref '${ref}': the name ${JSON.stringify(r.name)} is not valid: ${bad}`;
  if (r.namespace === '') return `invalid --ref '${ref}': the namespace after the second ':' is empty`;
  return undefined;
}

/** DNS-1123 subdomain check for --tls secret names (kn: `invalid secret name %q: %s`). */
export function tlsSecretError(name: string): string | undefined {
  if (name.length > 253) return `invalid secret name "${name}": must be no more than 253 characters`;
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name)) {
    return `invalid secret name "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`;
  }
  return undefined;
}

/** Resolves --ref to the KReference kn stores, reading the target through `get` (which throws NotFound). */
export async function resolveDomainRef(
  ref: string,
  namespace: string,
  get: (kind: 'Service' | 'Route', name: string, namespace: string) => Promise<KubeObject>,
): Promise<{ apiVersion: string; kind: string; name: string; namespace: string }> {
  const r = parseDomainRef(ref);
  const kind = DOMAIN_REF_PREFIXES[r.prefix];
  if (!kind) throw new Error(`unsupported sink prefix: '${r.prefix}'`);
  const ns = r.namespace || namespace;
  const obj = await get(kind, r.name, ns);
  return { apiVersion: obj.apiVersion ?? 'serving.knative.dev/v1', kind: obj.kind ?? kind, name: obj.metadata.name ?? r.name, namespace: ns };
}

export const REF_FLAG_SUMMARY =
  "Addressable target reference for Domain Mapping. You can specify a Knative service, a Knative route. Examples: '--ref' ksvc:hello' or simply '--ref hello' for a Knative service 'hello', '--ref' kroute:hello' for a Knative route 'hello'. '--ref ksvc:mysvc:mynamespace' for a Knative service 'mysvc' in another namespace 'mynamespace', If a prefix is not provided, it is considered as a Knative service in the current namespace. If referring to a Knative service in another namespace, 'ksvc:name:namespace' combination must be provided explicitly.";
