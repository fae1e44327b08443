// The controller against a private cluster (kube-apiserver + etcd + kube-controller-manager):
// a Service creates the whole chain with upstream's labels, ownerReferences and conditions; an
// update makes a new Revision; BYO names; deleting the Service cascades (KCM's garbage
// collector); two controller replicas with leader election: only the leader reconciles, and
// stopping it hands over.
//
// There is no kubelet: pods never run. The test makes them "ready" itself by writing Pod status
// (Ready=True, a TEST-NET address that is only stored, never dialled); kube-controller-manager's
// ReplicaSet and Deployment controllers then report the Deployment available, as they would on a
// real node. (Patching Deployment status directly would be overwritten by KCM's deployment
// controller.)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import { L } from '../../src/api/serving/labels.ts';
import type { Configuration, Revision, Service } from '../../src/api/serving/types.ts';
import { startController } from '../../src/controller/main.ts';
import { silentLogger } from '../../src/controller/runtime/log.ts';
import type { Manager } from '../../src/controller/runtime/manager.ts';
import { KubeClient } from '../../src/kube/client.ts';
import { waitFor } from '../../src/kube/wait.ts';
import { startCluster, type TestCluster } from '../harness/cluster.ts';
import { REPO } from '../harness/env.ts';

const T = 60_000;

async function installCRDs(c: KubeClient): Promise<void> {
  try {
    const mod = (await import(new URL('../harness/crds.ts', import.meta.url).href)) as { installServingCRDs?: (c: KubeClient) => Promise<void> };
    if (mod.installServingCRDs) return await mod.installServingCRDs(c);
  } catch {
    /* not delivered yet: apply the manifests ourselves */
  }
  const names: string[] = [];
  for (const f of ['000-namespaces.yaml', '100-crd-serving.yaml', '101-crd-domainmapping.yaml', '102-crd-networking.yaml', '103-crd-autoscaling.yaml']) {
    for (const doc of parseAllDocuments(readFileSync(join(REPO, 'manifests', f), 'utf8'))) {
      const o = doc.toJS() as KubeObject | null;
      if (!o?.kind) continue;
      const r = o.kind === 'Namespace' ? R.Namespace : R.CustomResourceDefinition;
      await c.apply(r, o, { fieldManager: 'kn-ts-test' });
      if (o.kind === 'CustomResourceDefinition') names.push(o.metadata.name ?? '');
    }
  }
  for (const n of names) {
    await waitFor<KubeObject & { status?: { conditions?: { type: string; status: string }[] } }>(c, R.CustomResourceDefinition, n, undefined, (o) => (o?.status?.conditions?.some((x) => x.type === 'Established' && x.status === 'True') ? 'done' : 'wait'), 30_000);
  }
}

/** Marks every pod of the namespace Ready (no kubelet here), until stopped. */
function podReadier(c: KubeClient, ns: string): { stop(): void } {
  let stopped = false;
  let n = 1;
  const loop = async () => {
    while (!stopped) {
      try {
        const pods = await c.list<KubeObject & { status?: { conditions?: { type: string; status: string }[] } }>(R.Pod, { namespace: ns });
        for (const p of pods.items) {
          if (p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True')) continue;
          const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
          const ip = `203.0.113.${(n++ % 250) + 1}`;
          await c
            .patch(R.Pod, p.metadata.name ?? '', ns, {
              status: {
                phase: 'Running',
                podIP: ip,
                podIPs: [{ ip }],
                conditions: ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'].map((type) => ({ type, status: 'True', lastTransitionTime: now })),
              },
            }, 'merge', { subresource: 'status' })
            .catch(() => {});
        }
      } catch {
        /* retry */
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  void loop();
  return { stop: () => (stopped = true) };
}

const cond = (o: { status?: unknown } | undefined, type: string) => ((o?.status as { conditions?: { type: string; status: string; reason?: string }[] })?.conditions ?? []).find((c) => c.type === type);

const ksvc = (ns: string, name: string, image: string, templateName?: string): Service => ({
  apiVersion: 'serving.knative.dev/v1',
  kind: 'Service',
  metadata: { name, namespace: ns },
  spec: { template: { ...(templateName ? { metadata: { name: templateName } } : {}), spec: { containers: [{ image } as never] } } },
});

describe('controller on a private cluster', () => {
  let cluster: TestCluster;
  let c: KubeClient;
  let m1: Manager;
  let m2: Manager | undefined;
  const ns = 'ctl-test';
  let readier: { stop(): void };

  before(async () => {
    cluster = await startCluster({ controllerManager: true });
    c = await KubeClient.connect({ kubeconfig: cluster.kubeconfig });
    await installCRDs(c);
    await c.create(R.Namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const opts = { namespace: 'knative-serving', metricsPort: 0, metricsHost: '127.0.0.1', leaseName: 'kn-ts-controller', workers: 4, leaderElect: true, leaseDurationSeconds: 3, renewDeadlineMs: 2000, retryPeriodMs: 300 };
    m1 = await startController({ ...opts, identity: 'replica-1' }, c, silentLogger());
    await waitUntil(() => m1.isLeader, 'replica-1 leads');
    m2 = await startController({ ...opts, identity: 'replica-2' }, await KubeClient.connect({ kubeconfig: cluster.kubeconfig }), silentLogger());
    readier = podReadier(c, ns);
  });

  after(async () => {
    readier?.stop();
    await m2?.stop();
    await m1?.stop();
    c?.close();
    await cluster?.stop();
  });

  it('a Service creates Configuration, Route, Revision, Deployment, K8s Service and PodAutoscaler with upstream labels and owners', async () => {
    const created = await c.create<Service>(R.Service, ksvc(ns, 'hello', 'ghcr.io/knative/helloworld-go:v1'));
    const cfg = await waitFor<Configuration>(c, R.Configuration, 'hello', ns, (o) => (o ? 'done' : 'wait'), T);
    assert.equal(cfg.metadata.labels?.[L.service], 'hello');
    assert.equal(cfg.metadata.labels?.[L.serviceUID], created.metadata.uid);
    assert.equal(cfg.metadata.ownerReferences?.[0]?.uid, created.metadata.uid);
    assert.equal(cfg.metadata.ownerReferences?.[0]?.controller, true);
    const route = await waitFor<KubeObject>(c, R.Route, 'hello', ns, (o) => (o ? 'done' : 'wait'), T);
    assert.deepEqual((route.spec as { traffic: unknown }).traffic, [{ configurationName: 'hello', latestRevision: true, percent: 100 }]);

    const rev = await waitFor<Revision>(c, R.Revision, 'hello-00001', ns, (o) => (o ? 'done' : 'wait'), T);
    assert.equal(rev.metadata.labels?.[L.configuration], 'hello');
    assert.equal(rev.metadata.labels?.[L.configurationGeneration], '1');
    assert.equal(rev.metadata.labels?.[L.service], 'hello');
    assert.equal(rev.metadata.ownerReferences?.[0]?.kind, 'Configuration');

    const dep = await waitFor<KubeObject & { spec: { template: { metadata: { labels: Record<string, string> }; spec: { containers: { env?: { name: string; value?: string }[] }[]; enableServiceLinks?: boolean } } } }>(
      c, R.Deployment, 'hello-00001-deployment', ns, (o) => (o ? 'done' : 'wait'), T);
    const podLabels = dep.spec.template.metadata.labels;
    for (const k of [L.service, L.configuration, L.configurationGeneration, L.configurationUID, L.revision, L.revisionUID, L.app]) assert.ok(podLabels[k], `pod label ${k}`);
    assert.equal(dep.spec.template.spec.containers.length, 1, 'no queue-proxy');
    assert.equal(dep.spec.template.spec.enableServiceLinks, false);
    assert.deepEqual(dep.spec.template.spec.containers[0]?.env?.map((e) => e.name), ['PORT', 'K_REVISION', 'K_CONFIGURATION', 'K_SERVICE']);
    assert.equal(dep.metadata.ownerReferences?.[0]?.uid, rev.metadata.uid);
    const svc = await waitFor<KubeObject>(c, R.KService, 'hello-00001', ns, (o) => (o ? 'done' : 'wait'), T);
    assert.equal(svc.metadata.ownerReferences?.[0]?.kind, 'Revision');
    await waitFor<KubeObject>(c, R.PodAutoscaler, 'hello-00001', ns, (o) => (o ? 'done' : 'wait'), T);

    // Pods are made ready by podReadier (see the top of the file); the chain turns Ready.
    const ready = await waitFor<Revision>(c, R.Revision, 'hello-00001', ns, (o) => (cond(o, 'Ready')?.status === 'True' ? 'done' : 'wait'), T);
    assert.equal(cond(ready, 'ResourcesAvailable')?.status, 'True');
    assert.equal(cond(ready, 'ContainerHealthy')?.status, 'True');
    assert.deepEqual(ready.status?.containerStatuses, [{ name: 'user-container', imageDigest: 'ghcr.io/knative/helloworld-go:v1' }]);
    const cfgReady = await waitFor<Configuration>(c, R.Configuration, 'hello', ns, (o) => (cond(o, 'Ready')?.status === 'True' ? 'done' : 'wait'), T);
    assert.equal(cfgReady.status?.latestReadyRevisionName, 'hello-00001');
    const s = await waitFor<Service>(c, R.Service, 'hello', ns, (o) => (cond(o, 'ConfigurationsReady')?.status === 'True' ? 'done' : 'wait'), T);
    assert.equal(s.status?.latestReadyRevisionName, 'hello-00001');
    assert.equal(s.status?.observedGeneration, 1);
    assert.ok(cond(s, 'RoutesReady'), 'RoutesReady is reported');
  });

  it('an update makes a new Revision', async () => {
    // A merge patch of the spec, as `kn service update` would send: a read-modify-replace here would
    // race with the controller's status writes and fail on the resourceVersion.
    const cur = await c.get<Service>(R.Service, 'hello', ns);
    const containers = cur.spec.template.spec.containers.map((k, i) => (i === 0 ? { ...k, image: 'ghcr.io/knative/helloworld-go:v2' } : k));
    await c.patch(R.Service, 'hello', ns, { spec: { template: { spec: { containers } } } }, 'merge');
    const r2 = await waitFor<Revision>(c, R.Revision, 'hello-00002', ns, (o) => (o ? 'done' : 'wait'), T);
    assert.equal(r2.metadata.labels?.[L.configurationGeneration], '2');
    await waitFor<Configuration>(c, R.Configuration, 'hello', ns, (o) => (o?.status?.latestReadyRevisionName === 'hello-00002' ? 'done' : 'wait'), T);
  });

  it('a BYO revision name is used as given', async () => {
    await c.create(R.Service, ksvc(ns, 'byo', 'ghcr.io/knative/helloworld-go:v1', 'byo-blue'));
    const r = await waitFor<Revision>(c, R.Revision, 'byo-blue', ns, (o) => (o ? 'done' : 'wait'), T);
    assert.equal(r.metadata.labels?.[L.configuration], 'byo');
    await waitFor<Configuration>(c, R.Configuration, 'byo', ns, (o) => (o?.status?.latestCreatedRevisionName === 'byo-blue' ? 'done' : 'wait'), T);
  });

  it('deleting the Service removes everything below it (garbage collection)', async () => {
    await c.delete(R.Service, 'hello', ns, { propagationPolicy: 'Background' });
    for (const [r, name] of [
      [R.Configuration, 'hello'],
      [R.Route, 'hello'],
      [R.Revision, 'hello-00001'],
      [R.Deployment, 'hello-00001-deployment'],
      [R.PodAutoscaler, 'hello-00002'],
    ] as const) {
      await waitFor(c, r, name, ns, (o) => (o ? 'wait' : 'done'), T);
    }
  });

  it('only the leader reconciles; stopping it hands over to the other replica', async () => {
    assert.equal(m1.isLeader, true);
    assert.equal(m2?.isLeader, false);
    assert.ok(Object.values(m1.counts).reduce((a, b) => a + b, 0) > 0, 'the leader reconciled');
    assert.equal(Object.values(m2?.counts ?? {}).reduce((a, b) => a + b, 0), 0, 'the follower reconciled nothing');
    await m1.stop();
    await waitUntil(() => m2?.isLeader === true, 'replica-2 takes over');
    await c.create(R.Service, ksvc(ns, 'after', 'ghcr.io/knative/helloworld-go:v1'));
    await waitFor(c, R.Revision, 'after-00001', ns, (o) => (o ? 'done' : 'wait'), T);
    assert.ok(Object.values(m2?.counts ?? {}).reduce((a, b) => a + b, 0) > 0, 'the new leader reconciles');
  });
});

async function waitUntil(f: () => boolean, what: string, ms = T): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
