// Functional-option fixtures for the Route, DomainMapping, labeler and GC tests, and a tiny fake
// cluster: an in-memory store behind the listers and the client methods the reconcilers use,
// recording every write as an action (upstream's MakeFactory + fake clientsets, in small).
import type { KubeObject, ResourceType } from '../../../src/api/meta.ts';
import type { ClusterDomainClaim, Ingress } from '../../../src/api/networking/types.ts';
import { R } from '../../../src/api/resources.ts';
import { A, L } from '../../../src/api/serving/labels.ts';
import type { Configuration, DomainMapping, Revision, Route, TrafficTarget } from '../../../src/api/serving/types.ts';
import type { KubeClient } from '../../../src/kube/client.ts';
import { KubeError } from '../../../src/kube/errors.ts';
import type { IndexDef, Informer } from '../../../src/kube/informer.ts';
import type { ReconcileContext } from '../../../src/controller/runtime/types.ts';

export const NOW = new Date('2026-01-02T03:04:05Z');

type Opt<T> = (o: T) => void;

// ---- Route ----
export function route(ns: string, name: string, ...opts: Opt<Route>[]): Route {
  const r: Route = {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Route',
    metadata: { name, namespace: ns, uid: `uid-route-${name}`, generation: 1 },
    spec: {},
  };
  for (const o of opts) o(r);
  return r;
}
export const withTraffic =
  (...t: TrafficTarget[]): Opt<Route> =>
  (r) => {
    r.spec.traffic = t;
  };
export const withRouteLabels =
  (labels: Record<string, string>): Opt<KubeObject> =>
  (o) => {
    o.metadata.labels = { ...(o.metadata.labels ?? {}), ...labels };
  };
export const withAnnotations =
  (a: Record<string, string>): Opt<KubeObject> =>
  (o) => {
    o.metadata.annotations = { ...(o.metadata.annotations ?? {}), ...a };
  };
export const clusterLocal: Opt<KubeObject> = withRouteLabels({ [L.visibility]: 'cluster-local' });
export const withRouteStatusTraffic =
  (...t: TrafficTarget[]): Opt<Route> =>
  (r) => {
    r.status = { ...(r.status ?? {}), traffic: t };
  };
export const routeReady: Opt<Route> = (r) => {
  r.status = { ...(r.status ?? {}), observedGeneration: r.metadata.generation, conditions: [{ type: 'Ready', status: 'True' }] };
};

// ---- Configuration ----
export function config(ns: string, name: string, ...opts: Opt<Configuration>[]): Configuration {
  const c: Configuration = {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Configuration',
    metadata: { name, namespace: ns, uid: `uid-config-${name}`, generation: 1 },
    spec: { template: { spec: { containers: [{ name: 'user-container', image: 'img' }] } } },
    status: { observedGeneration: 1 },
  };
  for (const o of opts) o(c);
  return c;
}
export const latestReady =
  (rev: string): Opt<Configuration> =>
  (c) => {
    c.status = { ...(c.status ?? {}), latestReadyRevisionName: rev, latestCreatedRevisionName: c.status?.latestCreatedRevisionName ?? rev };
  };
export const latestCreated =
  (rev: string): Opt<Configuration> =>
  (c) => {
    c.status = { ...(c.status ?? {}), latestCreatedRevisionName: rev };
  };
export const configReady =
  (status: 'True' | 'False' | 'Unknown'): Opt<Configuration> =>
  (c) => {
    c.status = { ...(c.status ?? {}), conditions: [{ type: 'Ready', status }] };
  };

// ---- Revision ----
export function revision(ns: string, name: string, ...opts: Opt<Revision>[]): Revision {
  const r: Revision = {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Revision',
    metadata: { name, namespace: ns, uid: `uid-rev-${name}`, generation: 1, creationTimestamp: '2025-01-01T00:00:00Z', labels: {} },
    spec: { containers: [{ name: 'user-container', image: 'img' }] },
    status: { observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True' }] },
  };
  for (const o of opts) o(r);
  return r;
}
export const ofConfig =
  (cfg: string): Opt<Revision> =>
  (r) => {
    r.metadata.labels = { ...(r.metadata.labels ?? {}), [L.configuration]: cfg };
  };
export const ofService =
  (svc: string): Opt<KubeObject> =>
  (r) => {
    r.metadata.labels = { ...(r.metadata.labels ?? {}), [L.service]: svc };
  };
export const revReady =
  (status: 'True' | 'False' | 'Unknown'): Opt<Revision> =>
  (r) => {
    r.status = { observedGeneration: 1, conditions: [{ type: 'Ready', status }] };
  };
export const h2c: Opt<Revision> = (r) => {
  r.spec.containers = [{ name: 'user-container', image: 'img', ports: [{ name: 'h2c', containerPort: 8080 }] }];
};
export const created =
  (iso: string): Opt<Revision> =>
  (r) => {
    r.metadata.creationTimestamp = iso;
  };
export const routingState =
  (state: string, modified?: string): Opt<Revision> =>
  (r) => {
    r.metadata.labels = { ...(r.metadata.labels ?? {}), [L.routingState]: state };
    if (modified) r.metadata.annotations = { ...(r.metadata.annotations ?? {}), [A.routingStateModified]: modified };
  };
export const routesAnnotation =
  (routes: string): Opt<KubeObject> =>
  (o) => {
    o.metadata.annotations = { ...(o.metadata.annotations ?? {}), [A.routes]: routes };
  };
export const noGC: Opt<Revision> = (r) => {
  r.metadata.annotations = { ...(r.metadata.annotations ?? {}), [A.noGC]: 'true' };
};

// ---- KIngress, K8s Service, DomainMapping, claims ----
export const ingressStatus =
  (ready: 'True' | 'False' | 'Unknown', observed = true, reason?: string, message?: string): Opt<Ingress> =>
  (i) => {
    i.status = {
      observedGeneration: observed ? i.metadata.generation : 0,
      conditions: [{ type: 'Ready', status: ready, ...(reason ? { reason } : {}), ...(message ? { message } : {}) }],
      privateLoadBalancer: { ingress: [{ domainInternal: 'kourier-internal.kourier-system.svc.cluster.local' }] },
      publicLoadBalancer: { ingress: [{ domainInternal: 'kourier.kourier-system.svc.cluster.local' }] },
    };
  };

export function k8sService(ns: string, name: string, ...opts: Opt<KubeObject>[]): KubeObject {
  const s: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns, uid: `uid-svc-${name}` }, spec: {} };
  for (const o of opts) o(s);
  return s;
}
export const ownedBy =
  (owner: KubeObject): Opt<KubeObject> =>
  (o) => {
    o.metadata.ownerReferences = [
      { apiVersion: owner.apiVersion ?? '', kind: owner.kind ?? '', name: owner.metadata.name ?? '', uid: owner.metadata.uid ?? '', controller: true, blockOwnerDeletion: true },
    ];
  };

export function domainMapping(ns: string, name: string, ref: DomainMapping['spec']['ref'], ...opts: Opt<DomainMapping>[]): DomainMapping {
  const d: DomainMapping = {
    apiVersion: 'serving.knative.dev/v1beta1',
    kind: 'DomainMapping',
    metadata: { name, namespace: ns, uid: `uid-dm-${name}`, generation: 1 },
    spec: { ref },
  };
  for (const o of opts) o(d);
  return d;
}
export const claim = (name: string, ns: string): ClusterDomainClaim => ({
  apiVersion: 'networking.internal.knative.dev/v1alpha1',
  kind: 'ClusterDomainClaim',
  metadata: { name, uid: `uid-cdc-${name}` },
  spec: { namespace: ns },
});
export function ksvc(ns: string, name: string, address?: string): KubeObject {
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: { name, namespace: ns, uid: `uid-ksvc-${name}`, generation: 1 },
    spec: {},
    ...(address ? { status: { address: { url: address } } } : {}),
  };
}

// ---- the fake cluster ----
export interface Action {
  verb: 'create' | 'replace' | 'patch' | 'delete';
  resource: string;
  namespace?: string;
  name: string;
  obj?: KubeObject;
  patch?: unknown;
}

const RESOURCES: ResourceType[] = Object.values(R);
const kindOfObj = (o: KubeObject): ResourceType | undefined =>
  RESOURCES.find((r) => (r.group ? `${r.group}/${r.version}` : r.version) === o.apiVersion && r.kind === o.kind);

function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

export class FakeCluster {
  readonly store = new Map<string, Map<string, KubeObject>>();
  readonly actions: Action[] = [];
  private seq = 0;
  /** Errors to throw for `verb plural` (InduceFailure). */
  readonly failures = new Map<string, Error>();

  constructor(...objs: KubeObject[]) {
    for (const o of objs) this.put(o);
  }

  private bucket(r: ResourceType): Map<string, KubeObject> {
    const k = `${r.group}/${r.plural}`;
    let m = this.store.get(k);
    if (!m) this.store.set(k, (m = new Map()));
    return m;
  }

  private key(ns: string | undefined, name: string): string {
    return ns ? `${ns}/${name}` : name;
  }

  put(o: KubeObject): void {
    const r = kindOfObj(o);
    if (!r) throw new Error(`fixture of unknown kind ${o.apiVersion} ${o.kind}`);
    this.bucket(r).set(this.key(r.namespaced ? o.metadata.namespace : undefined, o.metadata.name ?? ''), structuredClone(o));
  }

  get<T extends KubeObject>(r: ResourceType, name: string, ns?: string): T | undefined {
    return this.bucket(r).get(this.key(r.namespaced ? ns : undefined, name)) as T | undefined;
  }

  list<T extends KubeObject>(r: ResourceType, ns?: string): T[] {
    return [...this.bucket(r).values()].filter((o) => !ns || o.metadata.namespace === ns) as T[];
  }

  lister<T extends KubeObject>(r: ResourceType): Informer<T> {
    return {
      get: (name: string, ns?: string) => this.get<T>(r, name, ns),
      list: (ns?: string) => this.list<T>(r, ns),
      byIndex: (def: IndexDef, value: string) => this.list<T>(r).filter((o) => def.keys(o).includes(value)),
    } as unknown as Informer<T>;
  }

  private fail(verb: string, r: ResourceType): void {
    const e = this.failures.get(`${verb} ${r.plural}`);
    if (e) throw e;
  }

  readonly client = {
    create: async <T extends KubeObject>(r: ResourceType, obj: T): Promise<T> => {
      this.fail('create', r);
      const ns = r.namespaced ? obj.metadata.namespace : undefined;
      if (this.get(r, obj.metadata.name ?? '', ns)) throw new KubeError(`${r.plural} "${obj.metadata.name}" already exists`, 409, 'AlreadyExists');
      const stored = structuredClone(obj);
      stored.metadata = { ...stored.metadata, uid: `uid-${++this.seq}`, generation: 1, resourceVersion: String(this.seq) };
      this.bucket(r).set(this.key(ns, obj.metadata.name ?? ''), stored);
      this.actions.push({ verb: 'create', resource: r.plural, namespace: ns, name: obj.metadata.name ?? '', obj: structuredClone(obj) });
      return structuredClone(stored) as T;
    },
    replace: async <T extends KubeObject>(r: ResourceType, obj: T): Promise<T> => {
      this.fail('replace', r);
      const ns = r.namespaced ? obj.metadata.namespace : undefined;
      const old = this.get(r, obj.metadata.name ?? '', ns);
      if (!old) throw new KubeError('not found', 404, 'NotFound');
      const stored = structuredClone(obj);
      const specChanged = JSON.stringify(old.spec) !== JSON.stringify(obj.spec);
      stored.metadata = { ...stored.metadata, generation: (old.metadata.generation ?? 1) + (specChanged ? 1 : 0), resourceVersion: String(++this.seq) };
      this.bucket(r).set(this.key(ns, obj.metadata.name ?? ''), stored);
      this.actions.push({ verb: 'replace', resource: r.plural, namespace: ns, name: obj.metadata.name ?? '', obj: structuredClone(obj) });
      return structuredClone(stored) as T;
    },
    get: async <T extends KubeObject>(r: ResourceType, name: string, ns?: string): Promise<T> => {
      const o = this.get<T>(r, name, ns);
      if (!o) throw new KubeError('not found', 404, 'NotFound');
      return structuredClone(o);
    },
    patch: async <T extends KubeObject>(r: ResourceType, name: string, ns: string | undefined, body: unknown): Promise<T> => {
      this.fail('patch', r);
      const old = this.get(r, name, ns);
      if (!old) throw new KubeError('not found', 404, 'NotFound');
      const next = mergePatch(old, body) as KubeObject;
      this.bucket(r).set(this.key(r.namespaced ? ns : undefined, name), next);
      this.actions.push({ verb: 'patch', resource: r.plural, namespace: ns, name, patch: body });
      return structuredClone(next) as T;
    },
    delete: async (r: ResourceType, name: string, ns?: string): Promise<void> => {
      this.fail('delete', r);
      if (!this.bucket(r).delete(this.key(r.namespaced ? ns : undefined, name))) throw new KubeError('not found', 404, 'NotFound');
      this.actions.push({ verb: 'delete', resource: r.plural, namespace: ns, name });
    },
  };

  ctx(o: { configMaps?: Record<string, Record<string, string> | undefined>; now?: Date } = {}): ReconcileContext & { events: string[]; requeues: [string, number][] } {
    const events: string[] = [];
    const requeues: [string, number][] = [];
    const noop = () => {};
    return {
      client: this.client as unknown as KubeClient,
      lister: <T extends KubeObject>(r: ResourceType) => this.lister<T>(r),
      configMaps: () => o.configMaps ?? {},
      recorder: { event: (_obj, type, reason, message) => events.push(`${type} ${reason} ${message}`) },
      enqueueAfter: (key, ms) => requeues.push([key, ms]),
      log: { debug: noop, info: noop, warn: noop, error: noop },
      now: () => o.now ?? NOW,
      events,
      requeues,
    };
  }

  /** Actions as short strings: "create ingresses ns/name". */
  summary(): string[] {
    return this.actions.map((a) => `${a.verb} ${a.resource} ${a.namespace ? `${a.namespace}/` : ''}${a.name}`);
  }
}

/** An external config-domain with example.com as the default domain. */
export const EXAMPLE_DOMAIN = { 'config-domain': { 'example.com': '' } };

export function cond(o: { status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] } }, type: string) {
  const c = o.status?.conditions?.find((x) => x.type === type);
  return c ? { status: c.status, ...(c.reason ? { reason: c.reason } : {}), ...(c.message ? { message: c.message } : {}) } : undefined;
}
