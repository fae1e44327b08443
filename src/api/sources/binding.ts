// SinkBinding's mutation of a PodSpecable (pkg/apis/sources/v1/sinkbinding_lifecycle.go Do/Undo):
// drop the previous K_SINK, K_CA_CERTS and K_CE_OVERRIDES of every container and init container,
// then append the new ones. Also the subject kinds kn-ts binds, where their pod template lives, and
// label-selector matching (metav1.LabelSelectorAsSelector). Pure.
import type { KubeObject } from '../meta.ts';
import { type CloudEventOverrides, type ContainerLike, type EnvVar, K_CA_CERTS, K_CE_OVERRIDES, K_SINK, type LabelSelector, type PodSpecLike, type SinkBinding, type SubjectReference } from './types.ts';

const INJECTED = new Set([K_SINK, K_CA_CERTS, K_CE_OVERRIDES]);

/** K_CE_OVERRIDES' value: Go's json.Marshal of spec.ceOverrides (keys sorted), "" without overrides. */
export function ceOverridesValue(o: CloudEventOverrides | undefined): string {
  if (!o) return '';
  const ext = o.extensions;
  if (!ext) return '{}';
  return JSON.stringify({ extensions: Object.fromEntries(Object.keys(ext).sort().map((k) => [k, ext[k]])) });
}

export interface Injection {
  sinkUri: string;
  caCerts?: string;
  ceOverrides?: CloudEventOverrides;
}

/** What a binding injects: its resolved sink (status.sinkUri), CA certs and overrides; undefined before the sink resolves. */
export function injectionOf(b: SinkBinding): Injection | undefined {
  const uri = b.status?.sinkUri;
  if (!uri) return undefined;
  return { sinkUri: uri, ...(b.status?.sinkCACerts ? { caCerts: b.status.sinkCACerts } : {}), ...(b.spec?.ceOverrides ? { ceOverrides: b.spec.ceOverrides } : {}) };
}

function mutateContainers(list: ContainerLike[] | undefined, inj: Injection | undefined): ContainerLike[] | undefined {
  if (!list) return list;
  return list.map((c) => {
    const env: EnvVar[] = (c.env ?? []).filter((e) => !INJECTED.has(e.name));
    if (inj) {
      env.push({ name: K_SINK, value: inj.sinkUri });
      if (inj.caCerts) env.push({ name: K_CA_CERTS, value: inj.caCerts });
      // An empty value is stored without `value` (Go's omitempty): written the same way, a bound
      // subject read back compares equal to its binding.
      const ce = ceOverridesValue(inj.ceOverrides);
      env.push(ce ? { name: K_CE_OVERRIDES, value: ce } : { name: K_CE_OVERRIDES });
    }
    const out: ContainerLike = { ...c, env };
    if (!env.length) delete out.env;
    return out;
  });
}

/** The pod spec with the binding applied (inj) or undone (undefined). */
export function bindPodSpec(spec: PodSpecLike, inj: Injection | undefined): PodSpecLike {
  const out: PodSpecLike = { ...spec };
  const containers = mutateContainers(spec.containers, inj);
  if (containers) out.containers = containers;
  const init = mutateContainers(spec.initContainers, inj);
  if (init) out.initContainers = init;
  return out;
}

/** The subject kinds kn-ts binds, by `apiVersion/Kind` (PodSpecable duck types upstream supports). */
export const SUBJECT_KINDS: Record<string, { group: string; version: string; kind: string; plural: string }> = {
  'apps/v1/Deployment': { group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments' },
  'apps/v1/StatefulSet': { group: 'apps', version: 'v1', kind: 'StatefulSet', plural: 'statefulsets' },
  'apps/v1/DaemonSet': { group: 'apps', version: 'v1', kind: 'DaemonSet', plural: 'daemonsets' },
  'batch/v1/Job': { group: 'batch', version: 'v1', kind: 'Job', plural: 'jobs' },
  'serving.knative.dev/v1/Service': { group: 'serving.knative.dev', version: 'v1', kind: 'Service', plural: 'services' },
};

/** The pod spec of a PodSpecable (spec.template.spec). */
export function podSpecOf(o: KubeObject): PodSpecLike | undefined {
  return (o as { spec?: { template?: { spec?: PodSpecLike } } }).spec?.template?.spec;
}

/** Whether labels match a metav1.LabelSelector (an empty selector matches everything). */
export function selectorMatches(sel: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  for (const [k, v] of Object.entries(sel?.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of sel?.matchExpressions ?? []) {
    const has = Object.hasOwn(l, e.key);
    const vals = e.values ?? [];
    if (e.operator === 'In' && !(has && vals.includes(l[e.key]!))) return false;
    if (e.operator === 'NotIn' && has && vals.includes(l[e.key]!)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** Whether an object of the subject's kind is the subject: by name, or (without one) by labels. */
export function subjectMatches(s: SubjectReference, o: KubeObject): boolean {
  return s.name ? o.metadata.name === s.name : selectorMatches(s.selector, o.metadata.labels);
}

/** Whether a binding's subject is this object (apiVersion and kind set), in the binding's namespace. */
export function bindingSelects(b: SinkBinding, o: KubeObject): boolean {
  const s = b.spec?.subject;
  if (!s || s.apiVersion !== o.apiVersion || s.kind !== o.kind) return false;
  if ((s.namespace && s.namespace !== b.metadata.namespace) || (o.metadata.namespace && o.metadata.namespace !== b.metadata.namespace)) return false;
  return subjectMatches(s, o);
}

/** A LabelSelector as the API server's labelSelector query string. */
export function selectorString(sel: LabelSelector | undefined): string {
  const parts = Object.entries(sel?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of sel?.matchExpressions ?? []) {
    if (e.operator === 'In') parts.push(`${e.key} in (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else parts.push(`!${e.key}`);
  }
  return parts.join(',');
}
