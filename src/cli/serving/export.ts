// `kn service export` and the files of offline `--target` mode: objects shaped and serialized the
// way upstream kn's Go printers write them (struct fields that are never omitted, such as
// `creationTimestamp: null` and `status: {}`; YAML with sorted keys, block sequences not indented;
// JSON indented by 4 spaces). Pure: no I/O.
import { Document, parse as parseYaml, visit } from 'yaml';
import { type KubeObject, LAST_APPLIED_ANNOTATION, type ObjectMeta } from '../../api/meta.ts';
import type { Revision, Service } from '../../api/serving/types.ts';
import { goObject, goOrder } from '../output/field-order.ts';

type Obj = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// Go struct shapes: the one field-order table of src/cli/output/field-order.ts

/** A Service as kn's Go code would print it (typed struct: status always present). */
export function goService(svc: Service): Obj {
  return goObject({ ...svc, apiVersion: svc.apiVersion ?? 'serving.knative.dev/v1', kind: svc.kind ?? 'Service' }, 'Service') as Obj;
}

/** A Revision as kn's Go code would print it. */
export function goRevision(rev: Revision): Obj {
  return goObject({ ...rev, apiVersion: rev.apiVersion ?? 'serving.knative.dev/v1', kind: rev.kind ?? 'Revision' }, 'Revision') as Obj;
}

// ---------------------------------------------------------------------------------------------
// Serialization

function yaml11Ambiguous(s: string): boolean {
  if (s === '') return true;
  if (/^\s*#/.test(s)) return false;
  try {
    const v: unknown = parseYaml(s, { schema: 'yaml-1.1' });
    return v === null || typeof v === 'number' || typeof v === 'boolean' || v instanceof Date;
  } catch {
    return false;
  }
}

/** YAML as sigs.k8s.io/yaml writes it: keys sorted, sequences flush with their key, strings that
 * would read back as another type double-quoted, other quoting single. */
export function toGoYaml(obj: unknown): string {
  const doc = new Document(obj, { sortMapEntries: true, schema: 'yaml-1.1' });
  visit(doc, {
    Scalar(_k, node) {
      if (typeof node.value === 'string' && yaml11Ambiguous(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString({ indentSeq: false, lineWidth: 0, singleQuote: true });
}

/** JSON as Go's json.MarshalIndent(obj, "", "    ") writes it, with a final newline. */
export function toGoJson(obj: unknown): string {
  return JSON.stringify(obj, null, 4) + '\n';
}

export type OutputFormat = 'yaml' | 'json';

export function serialize(obj: unknown, format: OutputFormat): string {
  return format === 'json' ? toGoJson(obj) : toGoYaml(obj);
}

// ---------------------------------------------------------------------------------------------
// kn service export

export const IGNORED_SERVICE_ANNOTATIONS = ['serving.knative.dev/creator', 'serving.knative.dev/lastModifier', LAST_APPLIED_ANNOTATION];
export const IGNORED_REVISION_ANNOTATIONS = [
  'serving.knative.dev/lastPinned',
  'serving.knative.dev/creator',
  'serving.knative.dev/routingStateModified',
  'client.knative.dev/updateTimestamp',
];
export const IGNORED_LABELS = ['serving.knative.dev/configurationUID', 'serving.knative.dev/serviceUID'];

function without(m: Record<string, string> | undefined, keys: readonly string[]): Record<string, string> | undefined {
  if (!m) return undefined;
  const out = { ...m };
  for (const k of keys) delete out[k];
  return out;
}

/** metadata reduced to name, labels and annotations (what kn's export keeps). */
function exportMeta(m: ObjectMeta, annotations: readonly string[], labels: readonly string[]): ObjectMeta {
  const out: ObjectMeta = { name: m.name };
  const l = without(m.labels, labels);
  const a = without(m.annotations, annotations);
  // Go's omitempty leaves out a map that stripping emptied.
  if (l && Object.keys(l).length) out.labels = l;
  if (a && Object.keys(a).length) out.annotations = a;
  return out;
}

/** The latest Service, stripped of server fields (upstream exportLatestService). */
export function exportLatestService(svc: Service, withRoutes: boolean): Service {
  const tmeta: ObjectMeta = { ...(svc.spec.template.metadata ?? {}) };
  const tl = without(tmeta.labels, IGNORED_LABELS);
  const ta = without(tmeta.annotations, IGNORED_REVISION_ANNOTATIONS);
  if (tl && Object.keys(tl).length) tmeta.labels = tl;
  else delete tmeta.labels;
  if (ta && Object.keys(ta).length) tmeta.annotations = ta;
  else delete tmeta.annotations;
  const out: Service = {
    apiVersion: svc.apiVersion ?? 'serving.knative.dev/v1',
    kind: svc.kind ?? 'Service',
    metadata: exportMeta(svc.metadata, IGNORED_SERVICE_ANNOTATIONS, IGNORED_LABELS),
    spec: { template: { metadata: tmeta, spec: svc.spec.template.spec } },
  };
  // The traffic block as stored: a latestRevision target names no revision (so the export imports).
  if (withRoutes && svc.spec.traffic) out.spec.traffic = svc.spec.traffic.map((t) => ({ ...t }));
  return out;
}

function exportRevision(rev: Revision): Revision {
  return {
    apiVersion: rev.apiVersion ?? 'serving.knative.dev/v1',
    kind: rev.kind ?? 'Revision',
    metadata: exportMeta(rev.metadata, IGNORED_REVISION_ANNOTATIONS, IGNORED_LABELS),
    spec: rev.spec,
  };
}

/** Oldest first by configurationGeneration; equal or unparsable generations by name, descending. */
export function sortRevisions(revs: Revision[]): Revision[] {
  const gen = (r: Revision) => {
    const v = r.metadata.labels?.['serving.knative.dev/configurationGeneration'];
    return v !== undefined && /^[+-]?\d+$/.test(v) ? Number(v) : undefined;
  };
  return [...revs].sort((a, b) => {
    const ga = gen(a);
    const gb = gen(b);
    const byName = (b.metadata.name ?? '').localeCompare(a.metadata.name ?? '');
    if (ga === undefined || gb === undefined || ga === gb) return byName;
    return ga - gb;
  });
}

function routedRevisions(svc: Service): Set<string> {
  return new Set((svc.spec.traffic ?? []).map((t) => t.revisionName).filter((n): n is string => !!n));
}

export const NO_REVISIONS = (name: string) => `no revisions found for the service ${name}`;

/** kn's own format: `client.knative.dev/v1alpha1` `Export` with spec.service and spec.revisions. */
export function buildExport(svc: Service, revisions: Revision[] | undefined, withRevisions: boolean): KubeObject {
  let revItems: Obj[] | null = null;
  let history = 0;
  if (withRevisions) {
    if (!revisions?.length) throw new Error(NO_REVISIONS(svc.metadata.name ?? ''));
    const routed = routedRevisions(svc);
    const sorted = sortRevisions(revisions);
    for (const r of sorted) {
      if (routed.has(r.metadata.name ?? '') && r.metadata.name !== svc.spec.template.metadata?.name) {
        (revItems ??= []).push(goRevision(exportRevision(r)));
      }
    }
    history = sorted.length;
  }
  return goObject(
    {
      apiVersion: 'client.knative.dev/v1alpha1',
      kind: 'Export',
      metadata: { creationTimestamp: null },
      spec: { service: goService(exportLatestService(svc, history > 1)), revisions: revItems },
    },
    'Export',
  ) as KubeObject;
}

/** `--mode replay`: a v1 List of Services, one per routed revision, the latest last. */
export function buildReplayList(svc: Service, revisions: Revision[] | undefined, withRevisions: boolean): Obj {
  if (!withRevisions) return goService(exportLatestService(svc, false));
  if (!revisions?.length) throw new Error(NO_REVISIONS(svc.metadata.name ?? ''));
  const routed = routedRevisions(svc);
  const sorted = sortRevisions(revisions);
  const items: Obj[] = [];
  for (const r of sorted) {
    const name = r.metadata.name ?? '';
    if (!routed.has(name) || name === svc.spec.template.metadata?.name) continue;
    const latest = exportLatestService(svc, false);
    const annotations = without(r.metadata.annotations, IGNORED_REVISION_ANNOTATIONS);
    const tmeta: ObjectMeta = { ...(svc.spec.template.metadata ?? {}), name };
    if (annotations) tmeta.annotations = annotations;
    else delete tmeta.annotations;
    items.push(goService({ ...latest, metadata: exportMeta(svc.metadata, IGNORED_SERVICE_ANNOTATIONS, []), spec: { template: { metadata: tmeta, spec: r.spec } } }));
  }
  items.push(goService(exportLatestService(svc, sorted.length > 1)));
  return goOrder({ apiVersion: 'v1', kind: 'List', metadata: {}, items }, 'ServiceList') as Obj;
}
