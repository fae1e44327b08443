// manifests/ as the quickstart applies it: every *.yaml file of the folder (not sub-folders, like
// `kubectl apply -f manifests/`) in file-name order, split into documents, with the control-plane
// image and the domain filled in, and sorted into the phases of an install.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../api/meta.ts';
import { EVENTING_GROUP, FLOWS_GROUP, MESSAGING_GROUP, SOURCES_GROUP } from '../api/resources.ts';
import { IMAGE_REPO } from './options.ts';
import { QuickstartError } from './errors.ts';

export interface ManifestObject {
  /** Where it came from: `manifests/400-controller.yaml`, or `(generated)`. */
  source: string;
  object: KubeObject;
}

export interface InstallPlan {
  /** CRDs: applied first, then waited on until Established. */
  crds: ManifestObject[];
  /** Namespaces: applied with the CRDs, before anything namespaced. */
  namespaces: ManifestObject[];
  /** Everything else, in file order. */
  rest: ManifestObject[];
  /** The Deployments to wait for. */
  deployments: ManifestObject[];
}

const EVENTING_GROUPS = new Set([EVENTING_GROUP, SOURCES_GROUP, MESSAGING_GROUP, FLOWS_GROUP]);

/** Reads manifests/ (top level only, *.yaml / *.yml / *.json, sorted by name). */
export function loadManifests(dir: string): ManifestObject[] {
  let files: string[];
  try {
    files = readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isFile() && /\.(ya?ml|json)$/.test(d.name))
      .map((d) => d.name)
      .sort();
  } catch {
    throw new QuickstartError(`cannot read the manifests folder ${dir}: reinstall kn-ts or run from a kn-ts checkout`);
  }
  const out: ManifestObject[] = [];
  for (const f of files) {
    const source = `manifests/${f}`;
    const docs = parseAllDocuments(readFileSync(join(dir, f), 'utf8'));
    for (const d of docs) {
      if (d.errors.length) throw new QuickstartError(`${source} is not valid YAML: ${d.errors[0]!.message.split('\n')[0]}`);
      const obj = d.toJS() as KubeObject | null;
      if (!obj) continue;
      if (typeof obj !== 'object' || !obj.kind || !obj.apiVersion || !obj.metadata?.name) {
        throw new QuickstartError(`${source} has a document without apiVersion, kind or metadata.name`);
      }
      if (obj.kind === 'List' && Array.isArray(obj.items)) {
        for (const it of obj.items as KubeObject[]) out.push({ source, object: it });
      } else out.push({ source, object: obj });
    }
  }
  return out;
}

/** 'eventing' for Knative Eventing's parts (its namespace, its API groups' CRDs, its labelled RBAC); else 'serving'. */
export function componentOf(o: KubeObject): 'serving' | 'eventing' | 'shared' {
  if (o.kind === 'Namespace') return 'shared';
  if (o.metadata.namespace === 'knative-eventing') return 'eventing';
  if (o.kind === 'CustomResourceDefinition') {
    const group = (o.spec as { group?: string } | undefined)?.group ?? '';
    return EVENTING_GROUPS.has(group) ? 'eventing' : 'serving';
  }
  const partOf = o.metadata.labels?.['app.kubernetes.io/part-of'] ?? o.metadata.labels?.['app.kubernetes.io/name'];
  if (partOf === 'knative-eventing') return 'eventing';
  return 'serving';
}

/** Replaces the image of every container that runs our control-plane image (any tag) with image. */
export function withImage(o: KubeObject, image: string): KubeObject {
  const spec = o.spec as { template?: { spec?: { containers?: { image?: string }[]; initContainers?: { image?: string }[] } } } | undefined;
  const pod = spec?.template?.spec;
  if (!pod) return o;
  const copy = structuredClone(o);
  const cpod = (copy.spec as typeof spec)!.template!.spec!;
  for (const c of [...(cpod.containers ?? []), ...(cpod.initContainers ?? [])]) {
    if (c.image && (c.image === IMAGE_REPO || c.image.startsWith(`${IMAGE_REPO}:`) || c.image.startsWith(`${IMAGE_REPO}@`))) c.image = image;
  }
  return copy;
}

/**
 * The domain: config-domain in knative-serving gets `<domain>: ""` (merged into the one from
 * manifests/, so a single field manager owns it and a re-run with another --domain drops the old
 * key). Returns the objects with config-domain changed or appended.
 */
export function withDomain(objs: ManifestObject[], domain: string): ManifestObject[] {
  let found = false;
  const out = objs.map((m) => {
    const o = m.object;
    if (o.kind === 'ConfigMap' && o.apiVersion === 'v1' && o.metadata.name === 'config-domain' && o.metadata.namespace === 'knative-serving') {
      found = true;
      const data = { ...((o.data as Record<string, string> | undefined) ?? {}) };
      // The quickstart sets exactly one domain: drop other real entries, keep the _example docs.
      for (const k of Object.keys(data)) if (k !== '_example') delete data[k];
      data[domain] = '';
      return { source: m.source, object: { ...o, data } };
    }
    return m;
  });
  if (!found) {
    out.push({
      source: '(generated)',
      object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config-domain', namespace: 'knative-serving' }, data: { [domain]: '' } },
    });
  }
  return out;
}

/**
 * config-network data the quickstart sets on its local, single-user cluster: a DomainMapping
 * (`kn domain create`) claims its domain itself. Upstream's default, kept in manifests/ for shared
 * clusters, is "false": there an administrator hands out ClusterDomainClaims.
 */
export const QUICKSTART_NETWORK: Readonly<Record<string, string>> = { 'autocreate-cluster-domain-claims': 'true' };

/** Merges QUICKSTART_NETWORK into config-network (when Serving, and so config-network, is installed). */
export function withQuickstartNetwork(objs: ManifestObject[]): ManifestObject[] {
  return objs.map((m) => {
    const o = m.object;
    if (o.kind !== 'ConfigMap' || o.apiVersion !== 'v1' || o.metadata.name !== 'config-network' || o.metadata.namespace !== 'knative-serving') return m;
    return { source: m.source, object: { ...o, data: { ...((o.data as Record<string, string> | undefined) ?? {}), ...QUICKSTART_NETWORK } } };
  });
}

export interface PlanInput {
  objects: ManifestObject[];
  image: string;
  domain: string;
  serving: boolean;
  eventing: boolean;
  /** Objects only the quickstart adds (the kind ingress Service). */
  extra: KubeObject[];
}

export function installPlan(i: PlanInput): InstallPlan {
  const picked = i.objects.filter((m) => {
    const c = componentOf(m.object);
    return c === 'shared' || (c === 'serving' ? i.serving : i.eventing);
  });
  const all = withQuickstartNetwork(
    withDomain(
      picked.map((m) => ({ source: m.source, object: withImage(m.object, i.image) })),
      i.domain,
    ),
  ).filter((m) => i.serving || m.source !== '(generated)');
  if (i.serving) for (const x of i.extra) all.push({ source: '(generated)', object: x });
  const crds = all.filter((m) => m.object.kind === 'CustomResourceDefinition');
  const namespaces = all.filter((m) => m.object.kind === 'Namespace' && m.object.apiVersion === 'v1');
  const rest = all.filter((m) => !crds.includes(m) && !namespaces.includes(m));
  const deployments = rest.filter((m) => m.object.kind === 'Deployment' && m.object.apiVersion === 'apps/v1');
  return { crds, namespaces, rest, deployments };
}

/** Whether any Deployment of the plan runs the image (else building and loading it is pointless). */
export function planUsesImage(plan: InstallPlan, image: string): boolean {
  return plan.deployments.some((m) => {
    const pod = (m.object.spec as { template?: { spec?: { containers?: { image?: string }[] } } } | undefined)?.template?.spec;
    return (pod?.containers ?? []).some((c) => c.image === image);
  });
}

/** `Kind ns/name` */
export function describeObject(o: KubeObject): string {
  return `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
}
