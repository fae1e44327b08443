// `kn service export` and the files of offline `--target` mode: objects shaped and serialized the
// way upstream kn's Go printers write them (struct fields that are never omitted, such as
// `creationTimestamp: null` and `status: {}`; YAML with sorted keys, block sequences not indented;
// JSON indented by 4 spaces). Pure: no I/O.
import { Document, parse as parseYaml, visit } from 'yaml';
import { type KubeObject, LAST_APPLIED_ANNOTATION, type ObjectMeta } from '../../api/meta.ts';
import type { Revision, Service, TrafficTarget } from '../../api/serving/types.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

// ---------------------------------------------------------------------------------------------
// Go struct shapes

const META_ORDER = [
  'name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp',
  'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields',
];
const POD_SPEC_ORDER = [
  'volumes', 'initContainers', 'containers', 'ephemeralContainers', 'restartPolicy', 'terminationGracePeriodSeconds',
  'activeDeadlineSeconds', 'dnsPolicy', 'nodeSelector', 'serviceAccountName', 'serviceAccount', 'automountServiceAccountToken',
  'nodeName', 'hostNetwork', 'hostPID', 'hostIPC', 'shareProcessNamespace', 'securityContext', 'imagePullSecrets', 'hostname',
  'subdomain', 'affinity', 'schedulerName', 'tolerations', 'hostAliases', 'priorityClassName', 'priority', 'dnsConfig',
  'readinessGates', 'runtimeClassName', 'enableServiceLinks', 'preemptionPolicy', 'overhead', 'topologySpreadConstraints',
  'setHostnameAsFQDN', 'os', 'hostUsers', 'schedulingGates', 'resourceClaims', 'containerConcurrency', 'timeoutSeconds',
  'responseStartTimeoutSeconds', 'idleTimeoutSeconds',
];
const CONTAINER_ORDER = [
  'name', 'image', 'command', 'args', 'workingDir', 'ports', 'envFrom', 'env', 'resources', 'resizePolicy', 'restartPolicy',
  'volumeMounts', 'volumeDevices', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle', 'terminationMessagePath',
  'terminationMessagePolicy', 'imagePullPolicy', 'securityContext', 'stdin', 'stdinOnce', 'tty',
];
const TRAFFIC_ORDER = ['tag', 'revisionName', 'configurationName', 'latestRevision', 'percent', 'url'];

function ordered(o: Obj, order: readonly string[]): Obj {
  const out: Obj = {};
  for (const k of order) if (k in o && o[k] !== undefined) out[k] = o[k];
  for (const [k, v] of Object.entries(o)) if (!(k in out) && v !== undefined) out[k] = v;
  return out;
}

/** ObjectMeta as Go marshals it: creationTimestamp always present (null when unset). */
export function goMeta(m: ObjectMeta | undefined): Obj {
  const meta: Obj = { ...(m ?? {}) };
  if (meta.creationTimestamp === undefined) meta.creationTimestamp = null;
  return ordered(meta, META_ORDER);
}

/** A container as Go marshals it: `name` and `resources` always present. */
function goContainer(c: unknown): unknown {
  if (!isObj(c)) return c;
  return ordered({ name: '', resources: {}, ...c }, CONTAINER_ORDER);
}

/** A RevisionSpec (PodSpec + Knative fields) as Go marshals it. */
export function goRevisionSpec(spec: unknown): Obj {
  const s: Obj = isObj(spec) ? { ...spec } : {};
  s.containers = Array.isArray(s.containers) ? s.containers.map(goContainer) : null;
  if (Array.isArray(s.initContainers)) s.initContainers = s.initContainers.map(goContainer);
  return ordered(s, POD_SPEC_ORDER);
}

function goTraffic(t: TrafficTarget[] | undefined): Obj[] | undefined {
  return t?.map((x) => ordered({ ...x } as Obj, TRAFFIC_ORDER));
}

/** A Service as kn's Go code would print it (typed struct: status always present). */
export function goService(svc: Service): Obj {
  const spec = (svc.spec ?? {}) as Service['spec'];
  const template = spec.template ?? { spec: { containers: [] } };
  const outSpec: Obj = { template: { metadata: goMeta(template.metadata), spec: goRevisionSpec(template.spec) } };
  const traffic = goTraffic(spec.traffic);
  if (traffic) outSpec.traffic = traffic;
  for (const [k, v] of Object.entries(spec)) if (k !== 'template' && k !== 'traffic' && v !== undefined) outSpec[k] = v;
  return {
    apiVersion: svc.apiVersion ?? 'serving.knative.dev/v1',
    kind: svc.kind ?? 'Service',
    metadata: goMeta(svc.metadata),
    spec: outSpec,
    status: svc.status ?? {},
  };
}

/** A Revision as kn's Go code would print it. */
export function goRevision(rev: Revision): Obj {
  return {
    apiVersion: rev.apiVersion ?? 'serving.knative.dev/v1',
    kind: rev.kind ?? 'Revision',
    metadata: goMeta(rev.metadata),
    spec: goRevisionSpec(rev.spec),
    status: rev.status ?? {},
  };
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
  if (l) out.labels = l;
  if (a) out.annotations = a;
  return out;
}

/** The latest Service, stripped of server fields (upstream exportLatestService). */
export function exportLatestService(svc: Service, withRoutes: boolean): Service {
  const tmeta: ObjectMeta = { ...(svc.spec.template.metadata ?? {}) };
  const tl = without(tmeta.labels, IGNORED_LABELS);
  const ta = without(tmeta.annotations, IGNORED_REVISION_ANNOTATIONS);
  if (tl) tmeta.labels = tl;
  if (ta) tmeta.annotations = ta;
  const out: Service = {
    apiVersion: svc.apiVersion ?? 'serving.knative.dev/v1',
    kind: svc.kind ?? 'Service',
    metadata: exportMeta(svc.metadata, IGNORED_SERVICE_ANNOTATIONS, IGNORED_LABELS),
    spec: { template: { metadata: tmeta, spec: svc.spec.template.spec } },
  };
  if (withRoutes && svc.spec.traffic) {
    out.spec.traffic = svc.spec.traffic.map((t) => (t.latestRevision ? { ...t, revisionName: svc.status?.latestReadyRevisionName ?? '' } : { ...t }));
  }
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
  return {
    apiVersion: 'client.knative.dev/v1alpha1',
    kind: 'Export',
    metadata: { creationTimestamp: null } as unknown as ObjectMeta,
    spec: { service: goService(exportLatestService(svc, history > 1)), revisions: revItems },
  };
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
  return { apiVersion: 'v1', kind: 'List', metadata: {}, items };
}
