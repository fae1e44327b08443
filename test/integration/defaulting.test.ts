// Defaulting at admission (ADR 0016): a private kube-apiserver with kn-ts's CRDs and its
// MutatingWebhookConfiguration (manifests/420-webhook.yaml, pointed at 127.0.0.1 by URL), the
// controller's defaulting webhook in this process, and ≥15 Serving objects in the shapes users
// write, sent as kubectl sends them (server-side apply, create, and kubectl itself). Each stored
// spec and annotation is compared, field by field, with what upstream's webhook stores
// (../shared/reference/serving.md §4.1, serving:pkg/apis/serving/v1/*_defaults.go).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { KubeObject, ResourceType } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import { startController } from '../../src/controller/main.ts';
import type { Manager } from '../../src/controller/runtime/manager.ts';
import type { DefaultingWebhook } from '../../src/controller/webhook/server.ts';
import { KubeClient } from '../../src/kube/client.ts';
import { waitFor } from '../../src/kube/wait.ts';
import { binDir, startCluster, type TestCluster } from '../harness/cluster.ts';
import { installServingCRDs } from '../harness/crds.ts';
import { startTestWebhook } from '../harness/webhook.ts';

const NS = 'defaulting';
const USER = 'admin'; // the harness's token user: what upstream records as creator and lastModifier
const IMG = 'ghcr.io/knative/helloworld-go:latest';
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** Paths where a and b differ ("spec.template.spec.containers[0].name: got x, want y"). */
function diff(got: unknown, want: unknown, path = ''): string[] {
  if (JSON.stringify(got) === JSON.stringify(want)) return [];
  if (got && want && typeof got === 'object' && typeof want === 'object' && Array.isArray(got) === Array.isArray(want)) {
    const keys = new Set([...Object.keys(got), ...Object.keys(want)]);
    return [...keys].flatMap((k) => diff((got as Record<string, unknown>)[k], (want as Record<string, unknown>)[k], Array.isArray(got) ? `${path}[${k}]` : path ? `${path}.${k}` : k));
  }
  return [`${path}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`];
}

// What upstream's webhook adds to a serving container and a revision spec with stock config-defaults.
const probe = { successThreshold: 1, tcpSocket: { port: 0 } };
const revSpec = (containers: object[], extra: object = {}) => ({ containerConcurrency: 0, containers, enableServiceLinks: false, timeoutSeconds: 300, ...extra });
const userContainer = (extra: object = {}) => ({ image: IMG, name: 'user-container', readinessProbe: probe, resources: {}, ...extra });
const latest100 = [{ latestRevision: true, percent: 100 }];
const byUser = { 'serving.knative.dev/creator': USER, 'serving.knative.dev/lastModifier': USER };

type Send = 'apply' | 'create' | 'kubectl';
interface Case {
  name: string;
  send: Send;
  obj: KubeObject;
  spec: unknown;
  /** Annotations upstream writes (compared key by key); null: none of creator/lastModifier. */
  annotations: Record<string, string> | null;
}

const ksvc = (name: string, spec: object, meta: object = {}): KubeObject => ({ apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name, ...meta }, spec }) as KubeObject;
const config = (name: string, spec: object): KubeObject => ({ apiVersion: 'serving.knative.dev/v1', kind: 'Configuration', metadata: { name }, spec }) as KubeObject;
const route = (name: string, traffic: object[]): KubeObject => ({ apiVersion: 'serving.knative.dev/v1', kind: 'Route', metadata: { name }, spec: { traffic } }) as KubeObject;
const tmpl = (spec: object, metadata?: object) => ({ template: { ...(metadata ? { metadata } : {}), spec } });

const CASES: Case[] = [
  {
    name: 'Service, image only (kn service create / the quickstart YAML)',
    send: 'apply',
    obj: ksvc('minimal', tmpl({ containers: [{ image: IMG }] })),
    spec: { template: { spec: revSpec([userContainer()]) }, traffic: latest100 },
    annotations: byUser,
  },
  {
    name: 'Service with a port and env (the helloworld-go tutorial)',
    send: 'kubectl',
    obj: ksvc('hello', tmpl({ containers: [{ image: IMG, ports: [{ containerPort: 8080 }], env: [{ name: 'TARGET', value: 'World' }] }] })),
    // No port is defaulted into the spec (8080 is applied at deploy time only).
    spec: { template: { spec: revSpec([userContainer({ ports: [{ containerPort: 8080 }], env: [{ name: 'TARGET', value: 'World' }] })]) }, traffic: latest100 },
    annotations: byUser,
  },
  {
    name: 'Service with two unnamed containers (multi-container)',
    send: 'create',
    obj: ksvc('multi', tmpl({ containers: [{ image: IMG, ports: [{ containerPort: 8080 }] }, { image: 'sidecar' }] })),
    spec: {
      template: { spec: revSpec([userContainer({ name: 'user-container-0', ports: [{ containerPort: 8080 }] }), { image: 'sidecar', name: 'user-container-1', resources: {} }]) },
      traffic: latest100,
    },
    annotations: byUser,
  },
  {
    name: 'Service with a named serving container and an unnamed sidecar',
    send: 'apply',
    obj: ksvc('named', tmpl({ containers: [{ name: 'app', image: IMG, ports: [{ containerPort: 8080 }] }, { image: 'sidecar' }] })),
    // Suffixes count from 0 over the unnamed ones, skipping taken names.
    spec: { template: { spec: revSpec([userContainer({ name: 'app', ports: [{ containerPort: 8080 }] }), { image: 'sidecar', name: 'user-container-0', resources: {} }]) }, traffic: latest100 },
    annotations: byUser,
  },
  {
    name: 'Service with tags and a pinned revision (kn service update --tag)',
    send: 'apply',
    obj: ksvc('tagged', { ...tmpl({ containers: [{ image: IMG }] }), traffic: [{ tag: 'current', revisionName: 'tagged-00001', percent: 100 }, { tag: 'latest', latestRevision: true }] }),
    spec: {
      template: { spec: revSpec([userContainer()]) },
      traffic: [
        { tag: 'current', revisionName: 'tagged-00001', percent: 100, latestRevision: false },
        { tag: 'latest', latestRevision: true, percent: 0 },
      ],
    },
    annotations: byUser,
  },
  {
    name: 'Service with timeoutSeconds 0, a concurrency limit and service links on',
    send: 'create',
    obj: ksvc('knobs', tmpl({ containers: [{ image: IMG }], timeoutSeconds: 0, containerConcurrency: 10, enableServiceLinks: true })),
    spec: { template: { spec: revSpec([userContainer()], { containerConcurrency: 10, enableServiceLinks: true }) }, traffic: latest100 },
    annotations: byUser,
  },
  {
    name: 'Service with an HTTP readiness probe with a period',
    send: 'apply',
    obj: ksvc('probed', tmpl({ containers: [{ image: IMG, readinessProbe: { httpGet: { path: '/healthz' }, periodSeconds: 5 } }] })),
    spec: {
      template: { spec: revSpec([userContainer({ readinessProbe: { httpGet: { path: '/healthz' }, periodSeconds: 5, successThreshold: 1, failureThreshold: 3, timeoutSeconds: 1 } })]) },
      traffic: latest100,
    },
    annotations: byUser,
  },
  {
    name: 'Service with gRPC liveness probe and an h2c port',
    send: 'apply',
    obj: ksvc('grpc', tmpl({ containers: [{ image: IMG, ports: [{ name: 'h2c', containerPort: 8080 }], livenessProbe: { grpc: { port: 8080 } } }] })),
    spec: {
      template: { spec: revSpec([userContainer({ ports: [{ name: 'h2c', containerPort: 8080 }], livenessProbe: { grpc: { port: 8080, service: '' } } })]) },
      traffic: latest100,
    },
    annotations: byUser,
  },
  {
    name: 'Service with secret, configMap and emptyDir volumes',
    send: 'kubectl',
    obj: ksvc(
      'volumes',
      tmpl({
        containers: [{ image: IMG, volumeMounts: [{ name: 's', mountPath: '/s' }, { name: 'c', mountPath: '/c' }, { name: 'e', mountPath: '/e' }] }],
        volumes: [{ name: 's', secret: { secretName: 's' } }, { name: 'c', configMap: { name: 'c' } }, { name: 'e', emptyDir: {} }],
      }),
    ),
    // Mounts of anything but emptyDir, PVC and ephemeral volumes are read-only.
    spec: {
      template: {
        spec: revSpec([userContainer({ volumeMounts: [{ name: 's', mountPath: '/s', readOnly: true }, { name: 'c', mountPath: '/c', readOnly: true }, { name: 'e', mountPath: '/e' }] })], {
          volumes: [{ name: 's', secret: { secretName: 's' } }, { name: 'c', configMap: { name: 'c' } }, { name: 'e', emptyDir: {} }],
        }),
      },
      traffic: latest100,
    },
    annotations: byUser,
  },
  {
    name: 'Service with a BYO revision name and template annotations',
    send: 'apply',
    obj: ksvc('byo', tmpl({ containers: [{ image: IMG }] }, { name: 'byo-v1', annotations: { 'autoscaling.knative.dev/min-scale': '1' } })),
    spec: { template: { metadata: { name: 'byo-v1', annotations: { 'autoscaling.knative.dev/min-scale': '1' } }, spec: revSpec([userContainer()]) }, traffic: latest100 },
    annotations: byUser,
  },
  {
    name: 'Configuration, standalone',
    send: 'apply',
    obj: config('cfg', tmpl({ containers: [{ image: IMG }] })),
    spec: { template: { spec: revSpec([userContainer()]) } },
    annotations: byUser,
  },
  {
    name: 'Configuration with an init container (upstream: with kubernetes.podspec-init-containers enabled)',
    send: 'create',
    obj: config('cfg-init', tmpl({ containers: [{ image: IMG }], initContainers: [{ image: 'init' }] })),
    spec: { template: { spec: revSpec([userContainer()], { initContainers: [{ image: 'init', name: 'init-container' }] }) } },
    annotations: byUser,
  },
  {
    name: 'Route to a Configuration',
    send: 'apply',
    obj: route('rt', [{ configurationName: 'cfg', percent: 100 }]),
    spec: { traffic: [{ configurationName: 'cfg', percent: 100, latestRevision: true }] },
    annotations: byUser,
  },
  {
    name: 'Route with a pinned revision and a tag without percent',
    send: 'kubectl',
    obj: route('rt-pinned', [{ revisionName: 'cfg-00001', percent: 100 }, { revisionName: 'cfg-00001', tag: 'stable' }]),
    spec: {
      traffic: [
        { revisionName: 'cfg-00001', percent: 100, latestRevision: false },
        { revisionName: 'cfg-00001', tag: 'stable', latestRevision: false, percent: 0 },
      ],
    },
    annotations: byUser,
  },
  {
    name: 'Revision, standalone (defaults, no creator: upstream sets none on Revisions)',
    send: 'create',
    obj: { apiVersion: 'serving.knative.dev/v1', kind: 'Revision', metadata: { name: 'rev' }, spec: { containers: [{ image: IMG }] } } as KubeObject,
    spec: revSpec([userContainer()]),
    annotations: null,
  },
  {
    name: 'DomainMapping without ref.namespace',
    send: 'apply',
    obj: { apiVersion: 'serving.knative.dev/v1beta1', kind: 'DomainMapping', metadata: { name: 'app.example.com' }, spec: { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'minimal' } } } as KubeObject,
    spec: { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'minimal', namespace: NS } },
    annotations: byUser,
  },
  {
    name: 'DomainMapping with ref.namespace given',
    send: 'create',
    obj: { apiVersion: 'serving.knative.dev/v1beta1', kind: 'DomainMapping', metadata: { name: 'api.example.com' }, spec: { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'hello', namespace: NS } } } as KubeObject,
    spec: { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'hello', namespace: NS } },
    annotations: byUser,
  },
];

const typeOf = (o: KubeObject): ResourceType => (o.kind === 'DomainMapping' ? R.DomainMapping : (R[o.kind as 'Service'] as ResourceType));

describe('defaulting at admission: stored objects match upstream field by field', () => {
  let cluster: TestCluster;
  let c: KubeClient;
  let webhook: DefaultingWebhook;
  let mgr: Manager | undefined;

  const kubectl = async (args: string[], input?: string) => {
    const file = join(cluster.dir, `in-${Math.random().toString(36).slice(2)}.json`);
    if (input) writeFileSync(file, input);
    const r = await promisify(execFile)(join(binDir(), 'kubectl'), [...args, ...(input ? ['-f', file] : []), '--kubeconfig', cluster.kubeconfig], { encoding: 'utf8' });
    return r.stdout;
  };

  async function send(k: Case): Promise<KubeObject> {
    const obj = { ...k.obj, metadata: { ...k.obj.metadata, namespace: NS } } as KubeObject;
    const r = typeOf(obj);
    if (k.send === 'apply') return c.apply(r, obj, { fieldManager: 'kubectl' });
    if (k.send === 'create') return c.create(r, obj);
    await kubectl(['create'], JSON.stringify(obj));
    return c.get(r, obj.metadata.name ?? '', NS);
  }

  before(async () => {
    cluster = await startCluster();
    c = await KubeClient.connect({ kubeconfig: cluster.kubeconfig });
    await installServingCRDs(c);
    await c.create(R.Namespace, { metadata: { name: NS } } as KubeObject);
    // The manifest's webhook configuration, pointed at this process by URL (the API server runs
    // on 127.0.0.1 and cannot reach a cluster Service); the webhook fills in caBundle itself.
    webhook = await startTestWebhook(c);
  });
  after(async () => {
    await mgr?.stop();
    await webhook?.stop();
    c?.close();
    await cluster?.stop();
  });

  it(`has at least 15 objects of every Serving kind`, () => {
    assert.ok(CASES.length >= 15);
    assert.deepEqual([...new Set(CASES.map((k) => k.obj.kind))].sort(), ['Configuration', 'DomainMapping', 'Revision', 'Route', 'Service']);
  });

  for (const k of CASES) {
    it(`${k.obj.kind} ${k.obj.metadata.name}: ${k.name} (${k.send})`, async () => {
      const stored = (await send(k)) as KubeObject & { spec?: unknown };
      const problems = diff(stored.spec, k.spec, 'spec');
      const ann = stored.metadata.annotations ?? {};
      for (const key of Object.keys(byUser)) {
        const want = k.annotations?.[key];
        if (ann[key] !== want) problems.push(`metadata.annotations[${key}]: got ${JSON.stringify(ann[key])}, want ${want === undefined ? 'none' : JSON.stringify(want)}`);
      }
      assert.deepEqual(problems, [], `stored ${k.obj.kind}/${k.obj.metadata.name} differs from upstream:\n${problems.join('\n')}`);
    });
  }

  it('on update: lastModifier only when the spec changes, and an unchanged BYO name is not re-defaulted', async () => {
    const before = await c.get<KubeObject>(R.Service, 'byo', NS);
    // A label only: no spec change, annotations stay.
    const relabelled = await c.patch<KubeObject>(R.Service, 'byo', NS, { metadata: { labels: { team: 'a' }, annotations: { 'serving.knative.dev/lastModifier': USER } } }, 'merge');
    assert.equal(relabelled.metadata.annotations?.['serving.knative.dev/creator'], USER);
    assert.equal(relabelled.metadata.generation, before.metadata.generation);
    // A traffic change: the template (same BYO name) is left as it is; traffic targets are defaulted.
    const updated = await c.patch<KubeObject & { spec: { traffic: object[] } }>(R.Service, 'byo', NS, { spec: { traffic: [{ latestRevision: true, percent: 100 }, { revisionName: 'byo-v1', tag: 'v1' }] } }, 'merge');
    assert.deepEqual(updated.spec.traffic, [{ latestRevision: true, percent: 100 }, { revisionName: 'byo-v1', tag: 'v1', latestRevision: false, percent: 0 }]);
    assert.equal(updated.metadata.annotations?.['serving.knative.dev/lastModifier'], USER);
  });

  it('takes its values from config-defaults (one source with the reconcilers)', async () => {
    await c.patch(R.ConfigMap, 'config-defaults', 'knative-serving', { data: { 'revision-timeout-seconds': '120', 'container-name-template': '{{.Name}}-app', 'container-concurrency': '5' } }, 'merge');
    try {
      let stored: KubeObject & { spec?: { template?: { spec?: object } } } = {} as KubeObject;
      // The webhook's ConfigMap informer sees the change within a watch event.
      await waitFor(c, R.ConfigMap, 'config-defaults', 'knative-serving', (o) => (o ? 'done' : 'wait'), 5_000);
      for (let i = 0; i < 50; i++) {
        await c.delete(R.Service, 'configured', NS).catch(() => undefined);
        stored = await c.create(R.Service, { ...ksvc('configured', tmpl({ containers: [{ image: IMG }] })), metadata: { name: 'configured', namespace: NS } } as KubeObject);
        if ((stored.spec?.template?.spec as { timeoutSeconds?: number }).timeoutSeconds === 120) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.deepEqual(stored.spec?.template?.spec, revSpec([userContainer({ name: 'configured-app' })], { timeoutSeconds: 120, containerConcurrency: 5 }));
    } finally {
      await c.patch(R.ConfigMap, 'config-defaults', 'knative-serving', { data: { 'revision-timeout-seconds': null, 'container-name-template': null, 'container-concurrency': null } }, 'merge');
    }
  });

  it('the controller writes children the webhook leaves unchanged (no update loop)', async () => {
    mgr = await startController({ namespace: 'knative-serving', metricsPort: 0, metricsHost: '127.0.0.1', identity: 'defaulting', leaseName: 'kn-ts-controller', workers: 2, leaderElect: false }, c, quiet);
    const svc = await c.get<KubeObject & { spec: { template: object } }>(R.Service, 'multi', NS);
    const cfg = await waitFor<KubeObject & { spec: { template: object } }>(c, R.Configuration, 'multi', NS, (o) => (o ? 'done' : 'wait'), 30_000);
    const rev = await waitFor<KubeObject & { spec: object }>(c, R.Revision, 'multi-00001', NS, (o) => (o ? 'done' : 'wait'), 30_000);
    assert.deepEqual(diff(cfg.spec.template, svc.spec.template, 'template'), []);
    assert.deepEqual(diff(rev.spec, (svc.spec.template as { spec: object }).spec, 'spec'), []);
    // A second look later: still generation 1 (nothing rewrote the child).
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await c.get<KubeObject>(R.Configuration, 'multi', NS)).metadata.generation, 1);
    assert.equal((await c.get<KubeObject>(R.Route, 'multi', NS)).metadata.generation, 1);
  });

  it('with the webhook down (failurePolicy Ignore), objects are stored with the schema defaults only', async () => {
    await webhook.stop();
    const stored = await c.create<KubeObject & { spec?: object }>(R.Service, { ...ksvc('undefaulted', tmpl({ containers: [{ image: IMG }] })), metadata: { name: 'undefaulted', namespace: NS } } as KubeObject);
    assert.deepEqual(stored.spec, { template: { spec: { containers: [{ image: IMG }] } }, traffic: latest100 });
    assert.equal(stored.metadata.annotations?.['serving.knative.dev/creator'], undefined);
  });
});
