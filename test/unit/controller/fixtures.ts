// Table-test machinery for the reconcilers, in the shape of knative's pkg/reconciler/testing:
// an in-memory fake client that records every write as an action (with failure reactors), listers
// built from the row's objects, a fixed clock, and functional-option fixtures:
//   ksvc('default', 'hello', withImage('ko://x'), withGeneration(2), withSvcReady)
import type { V1Container } from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { PodAutoscaler } from '../../../src/api/autoscaling/types.ts';
import { controllerRef, type KubeList, type KubeObject, type ResourceType } from '../../../src/api/meta.ts';
import { R } from '../../../src/api/resources.ts';
import { L } from '../../../src/api/serving/labels.ts';
import type { Configuration, Revision, Route, Service } from '../../../src/api/serving/types.ts';
import type { Deployment } from '../../../src/controller/revision/resources.ts';
import { MemoryEventRecorder } from '../../../src/controller/runtime/events.ts';
import { reconcileKey } from '../../../src/controller/runtime/reconcile.ts';
import type { ReconcileContext, Reconciler } from '../../../src/controller/runtime/types.ts';
import type { KubeClient } from '../../../src/kube/client.ts';
import { KubeError } from '../../../src/kube/errors.ts';
import type { IndexDef, Informer } from '../../../src/kube/informer.ts';

export const NOW = new Date('2024-05-01T12:00:00Z');
export const NOW_S = '2024-05-01T12:00:00Z';
export const EARLIER_S = '2024-05-01T11:00:00Z';

export interface Action {
  verb: 'create' | 'update' | 'updateStatus' | 'patch' | 'delete';
  resource: string;
  name: string;
  namespace?: string;
  obj?: KubeObject;
}

type Reactor = (verb: Action['verb'], r: ResourceType, obj: KubeObject | undefined) => Error | undefined;

const k = (r: ResourceType, ns: string | undefined, name: string) => `${r.plural}.${r.group}/${ns ?? ''}/${name}`;
const typeOf = (o: KubeObject): ResourceType => {
  const av = o.apiVersion ?? '';
  const found = Object.values(R).find((r) => (r.group ? `${r.group}/${r.version}` : r.version) === av && r.kind === o.kind);
  if (!found) throw new Error(`fixture without a known apiVersion/kind: ${av} ${o.kind}`);
  return found;
};

/** A KubeClient stand-in: an in-memory store; writes are recorded; reactors inject failures. */
export class FakeClient {
  readonly store = new Map<string, KubeObject>();
  readonly actions: Action[] = [];
  readonly reactors: Reactor[] = [];
  private rv = 100;
  private uid = 0;
  readonly lists: string[] = [];

  constructor(objects: KubeObject[] = []) {
    for (const o of objects) this.store.set(k(typeOf(o), o.metadata.namespace, o.metadata.name ?? ''), structuredClone(o));
  }

  failOn(verb: Action['verb'], plural: string, err: Error = new Error(`inducing failure for ${verb} ${plural}`)): this {
    this.reactors.push((v, r) => (v === verb && r.plural === plural ? err : undefined));
    return this;
  }

  private react(verb: Action['verb'], r: ResourceType, obj?: KubeObject): void {
    for (const f of this.reactors) {
      const e = f(verb, r, obj);
      if (e) throw e;
    }
  }

  async get<T extends KubeObject>(r: ResourceType, name: string, namespace?: string): Promise<T> {
    const o = this.store.get(k(r, namespace, name));
    if (!o) throw new KubeError(`${r.plural} "${name}" not found`, 404, 'NotFound');
    return structuredClone(o) as T;
  }
  async find<T extends KubeObject>(r: ResourceType, name: string, namespace?: string): Promise<T | undefined> {
    return this.get<T>(r, name, namespace).catch(() => undefined);
  }
  async list<T extends KubeObject>(r: ResourceType, o: { namespace?: string; labelSelector?: string } = {}): Promise<KubeList<T>> {
    this.lists.push(r.plural);
    const [lk, lv] = (o.labelSelector ?? '').split('=');
    const items = [...this.store.entries()]
      .filter(([key, v]) => key.startsWith(`${r.plural}.${r.group}/`) && (!o.namespace || v.metadata.namespace === o.namespace) && (!lk || v.metadata.labels?.[lk] === lv))
      .map(([, v]) => structuredClone(v) as T);
    return { items };
  }
  async create<T extends KubeObject>(r: ResourceType, obj: T): Promise<T> {
    this.react('create', r, obj);
    const key = k(r, obj.metadata.namespace, obj.metadata.name ?? '');
    if (this.store.has(key)) throw new KubeError(`${r.plural}.${r.group} "${obj.metadata.name}" already exists`, 409, 'AlreadyExists');
    const stored = structuredClone(obj);
    stored.metadata.uid ??= `uid-${++this.uid}`;
    stored.metadata.generation = 1;
    stored.metadata.resourceVersion = String(++this.rv);
    this.store.set(key, stored);
    this.actions.push({ verb: 'create', resource: r.plural, name: obj.metadata.name ?? '', namespace: obj.metadata.namespace, obj: structuredClone(obj) });
    return structuredClone(stored);
  }
  async replace<T extends KubeObject>(r: ResourceType, obj: T): Promise<T> {
    this.react('update', r, obj);
    this.actions.push({ verb: 'update', resource: r.plural, name: obj.metadata.name ?? '', namespace: obj.metadata.namespace, obj: structuredClone(obj) });
    const stored = { ...structuredClone(obj), metadata: { ...structuredClone(obj.metadata), resourceVersion: String(++this.rv) } };
    this.store.set(k(r, obj.metadata.namespace, obj.metadata.name ?? ''), stored);
    return structuredClone(stored);
  }
  async replaceStatus<T extends KubeObject>(r: ResourceType, obj: T): Promise<T> {
    this.react('updateStatus', r, obj);
    this.actions.push({ verb: 'updateStatus', resource: r.plural, name: obj.metadata.name ?? '', namespace: obj.metadata.namespace, obj: structuredClone(obj) });
    return structuredClone(obj);
  }
  async patch<T extends KubeObject>(r: ResourceType, name: string, namespace: string | undefined, body: unknown): Promise<T> {
    this.react('patch', r);
    this.actions.push({ verb: 'patch', resource: r.plural, name, ...(namespace ? { namespace } : {}), obj: body as KubeObject });
    return (await this.get<T>(r, name, namespace).catch(() => ({}) as T)) as T;
  }
  async delete(r: ResourceType, name: string, namespace?: string): Promise<void> {
    this.react('delete', r);
    this.actions.push({ verb: 'delete', resource: r.plural, name, ...(namespace ? { namespace } : {}) });
    this.store.delete(k(r, namespace, name));
  }

  creates(): KubeObject[] {
    return this.actions.filter((a) => a.verb === 'create').map((a) => a.obj as KubeObject);
  }
  updates(): KubeObject[] {
    return this.actions.filter((a) => a.verb === 'update').map((a) => a.obj as KubeObject);
  }
  statusUpdates(): KubeObject[] {
    return this.actions.filter((a) => a.verb === 'updateStatus').map((a) => a.obj as KubeObject);
  }
}

/** Listers over a fixed set of objects (like knative's MakeFactory: they do not see the row's writes). */
export function listerFor(objects: KubeObject[]) {
  return <T extends KubeObject>(r: ResourceType): Informer<T> => {
    const mine = objects.filter((o) => {
      const t = typeOf(o);
      return t.group === r.group && t.plural === r.plural;
    });
    return {
      get: (name: string, ns?: string) => mine.find((o) => o.metadata.name === name && (ns === undefined || o.metadata.namespace === ns)) as T | undefined,
      list: (ns?: string) => mine.filter((o) => !ns || o.metadata.namespace === ns) as T[],
      byIndex: (def: IndexDef, value: string) => mine.filter((o) => def.keys(o).includes(value)) as T[],
    } as unknown as Informer<T>;
  };
}

export interface TestEnv {
  ctx: ReconcileContext;
  client: FakeClient;
  recorder: MemoryEventRecorder;
  requeues: [string, number][];
}

export function makeEnv(objects: KubeObject[], o: { configMaps?: Record<string, Record<string, string>>; client?: FakeClient } = {}): TestEnv {
  const client = o.client ?? new FakeClient(objects);
  const recorder = new MemoryEventRecorder();
  const requeues: [string, number][] = [];
  const noop = () => {};
  const ctx: ReconcileContext = {
    client: client as unknown as KubeClient,
    lister: listerFor(objects),
    configMaps: () => o.configMaps ?? {},
    recorder,
    enqueueAfter: (key, ms) => requeues.push([key, ms]),
    log: { debug: noop, info: noop, warn: noop, error: noop },
    now: () => NOW,
  };
  return { ctx, client, recorder, requeues };
}

export interface Row {
  name: string;
  objects: KubeObject[];
  key: string;
  configMaps?: Record<string, Record<string, string>>;
  failOn?: [Action['verb'], string][];
  wantErr?: boolean;
  /** kind/name of every create, in order */
  wantCreates?: string[];
  wantUpdates?: string[];
  /** The last status written (partial match on conditions by type), or null for no status write. */
  wantStatus?: ((s: Record<string, unknown>) => void) | null;
  wantEvents?: string[];
  check?: (env: TestEnv) => void;
}

export function tableTest(rec: Reconciler, rows: Row[]): void {
  for (const row of rows) {
    it(row.name, async () => {
      const env = makeEnv(row.objects, row.configMaps ? { configMaps: row.configMaps } : {});
      for (const [verb, plural] of row.failOn ?? []) env.client.failOn(verb, plural);
      let err: unknown;
      try {
        await reconcileKey(rec, row.key, env.ctx);
      } catch (e) {
        err = e;
      }
      if (row.wantErr) assert.ok(err, 'expected an error');
      else assert.equal(err, undefined, `unexpected error: ${String((err as Error)?.stack ?? err)}`);
      const name = (o: KubeObject) => `${o.kind}/${o.metadata.name}`;
      if (row.wantCreates) assert.deepEqual(env.client.creates().map(name), row.wantCreates);
      if (row.wantUpdates) assert.deepEqual(env.client.updates().map(name), row.wantUpdates);
      if (row.wantStatus === null) assert.deepEqual(env.client.statusUpdates().length, 0, 'no status update expected');
      else if (row.wantStatus) {
        const su = env.client.statusUpdates();
        assert.ok(su.length > 0, 'expected a status update');
        row.wantStatus((su.at(-1) as KubeObject).status as Record<string, unknown>);
      }
      if (row.wantEvents) assert.deepEqual(env.recorder.events, row.wantEvents);
      row.check?.(env);
    });
  }
}

/** Asserts conditions by type: [type, status, reason?, message?]. */
export function assertConditions(s: Record<string, unknown>, want: [string, string, string?, string?][]): void {
  const conds = (s.conditions ?? []) as { type: string; status: string; reason?: string; message?: string }[];
  for (const [type, status, reason, message] of want) {
    const c = conds.find((x) => x.type === type);
    assert.ok(c, `condition ${type} missing in ${JSON.stringify(conds)}`);
    assert.equal(c.status, status, `${type}.status in ${JSON.stringify(c)}`);
    if (reason !== undefined) assert.equal(c.reason ?? '', reason, `${type}.reason`);
    if (message !== undefined) assert.equal(c.message ?? '', message, `${type}.message`);
  }
}

// ---------------------------------------------------------------- functional options

type Opt<T> = (o: T) => void;

export function ksvc(namespace: string, name: string, ...opts: Opt<Service>[]): Service {
  const s: Service = {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: { name, namespace, uid: `svc-uid-${name}`, generation: 1, resourceVersion: '1' },
    spec: { template: { spec: { containers: [{ image: 'ghcr.io/knative/helloworld-go:latest' } as V1Container] } } },
  };
  for (const o of opts) o(s);
  return s;
}

export const withImage = (image: string) => (s: Service | Configuration) => {
  const c = s.spec.template.spec.containers[0];
  if (c) c.image = image;
};
export const withGeneration = (g: number) => (o: KubeObject) => {
  o.metadata.generation = g;
};
export const withObservedGeneration = (g: number) => (o: KubeObject) => {
  o.status = { ...((o.status as object) ?? {}), observedGeneration: g };
};
export const withLabels = (labels: Record<string, string>) => (o: KubeObject) => {
  o.metadata.labels = { ...(o.metadata.labels ?? {}), ...labels };
};
export const withAnnotations = (a: Record<string, string>) => (o: KubeObject) => {
  o.metadata.annotations = { ...(o.metadata.annotations ?? {}), ...a };
};
export const withTemplateName = (n: string) => (s: Service | Configuration) => {
  s.spec.template.metadata = { ...(s.spec.template.metadata ?? {}), name: n };
};
export const withTemplateAnnotations = (a: Record<string, string>) => (s: Service | Configuration) => {
  s.spec.template.metadata = { ...(s.spec.template.metadata ?? {}), annotations: a };
};
export const withTraffic = (...t: NonNullable<Service['spec']['traffic']>) => (s: Service) => {
  s.spec.traffic = t;
};
export const withPort = (port: number, name?: string) => (s: Service | Configuration | Revision) => {
  const c = 'template' in s.spec ? s.spec.template.spec.containers[0] : (s as Revision).spec.containers[0];
  if (c) c.ports = [{ containerPort: port, ...(name ? { name } : {}) }];
};
export const withOwner = (owner: KubeObject) => (o: KubeObject) => {
  o.metadata.ownerReferences = [controllerRef(owner)];
};
export const withConditions = (...conds: [string, 'True' | 'False' | 'Unknown', string?, string?][]) => (o: KubeObject) => {
  const st = ((o.status as { conditions?: unknown[] }) ?? {}) as { conditions?: unknown[] };
  st.conditions = conds.map(([type, status, reason, message]) => ({ type, status, lastTransitionTime: EARLIER_S, ...(reason ? { reason } : {}), ...(message ? { message } : {}) }));
  o.status = st;
};
export const withStatus = (fields: Record<string, unknown>) => (o: KubeObject) => {
  o.status = { ...((o.status as object) ?? {}), ...fields };
};

export function config(namespace: string, name: string, ...opts: Opt<Configuration>[]): Configuration {
  const c: Configuration = {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Configuration',
    metadata: { name, namespace, uid: `cfg-uid-${name}`, generation: 1, resourceVersion: '1', labels: {} },
    spec: { template: { spec: { containers: [{ image: 'ghcr.io/knative/helloworld-go:latest' } as V1Container] } } },
  };
  for (const o of opts) o(c);
  return c;
}

export function route(namespace: string, name: string, ...opts: Opt<Route>[]): Route {
  const r: Route = { apiVersion: 'serving.knative.dev/v1', kind: 'Route', metadata: { name, namespace, uid: `route-uid-${name}`, generation: 1 }, spec: { traffic: [] } };
  for (const o of opts) o(r);
  return r;
}

export function rev(namespace: string, cfg: Configuration, generation: number, ...opts: Opt<Revision>[]): Revision {
  const name = cfg.spec.template.metadata?.name ?? `${cfg.metadata.name}-${String(generation).padStart(5, '0')}`;
  const r: Revision = {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Revision',
    metadata: {
      name,
      namespace,
      uid: `rev-uid-${name}`,
      generation: 1,
      labels: { [L.configuration]: cfg.metadata.name ?? '', [L.configurationGeneration]: String(generation), [L.configurationUID]: cfg.metadata.uid ?? '' },
      ownerReferences: [controllerRef(cfg)],
    },
    spec: structuredClone(cfg.spec.template.spec),
  };
  for (const o of opts) o(r);
  return r;
}

export const markRevReady = (r: KubeObject) => {
  withConditions(['ContainerHealthy', 'True'], ['Ready', 'True'], ['ResourcesAvailable', 'True'])(r);
  withObservedGeneration(r.metadata.generation ?? 1)(r);
};
export const markRevFailed = (reason: string, message: string) => (r: KubeObject) => {
  withConditions(['ContainerHealthy', 'False', reason, message], ['Ready', 'False', reason, message], ['ResourcesAvailable', 'True'])(r);
  withObservedGeneration(r.metadata.generation ?? 1)(r);
};

export function deployment(r: Revision, ...opts: Opt<Deployment>[]): Deployment {
  const d: Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `${r.metadata.name}-deployment`, namespace: r.metadata.namespace, uid: `dep-uid-${r.metadata.name}`, ownerReferences: [controllerRef(r)], labels: {} },
    spec: { replicas: 1, selector: { matchLabels: { [L.revisionUID]: r.metadata.uid ?? '' } }, template: { metadata: {}, spec: { containers: [] } } },
  };
  for (const o of opts) o(d);
  return d;
}

export const withDeploymentStatus = (s: Deployment['status']) => (d: Deployment) => {
  d.status = s;
};

export function podAutoscaler(r: Revision, ...opts: Opt<PodAutoscaler>[]): PodAutoscaler {
  const p: PodAutoscaler = {
    apiVersion: 'autoscaling.internal.knative.dev/v1alpha1',
    kind: 'PodAutoscaler',
    metadata: { name: r.metadata.name, namespace: r.metadata.namespace, ownerReferences: [controllerRef(r)] },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: `${r.metadata.name}-deployment` } },
  };
  for (const o of opts) o(p);
  return p;
}
