// The PodAutoscaler reconciler against a private API server (its own, so config-autoscaler can be
// short: stable-window 6s, scale-to-zero-grace-period 1s). No kubelet: the test marks Deployments
// available with as many ready pods as replicas (test/quickstart/available.ts). Gateway reports go
// straight into the controller's Autoscaler (the HTTP intake is covered in test/dataplane).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PodAutoscaler } from '../../src/api/autoscaling/types.ts';
import type { Condition, KubeObject } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import type { Configuration, Revision, Service } from '../../src/api/serving/types.ts';
import { Autoscaler } from '../../src/controller/autoscaling/autoscaler.ts';
import { startController } from '../../src/controller/main.ts';
import { silentLogger } from '../../src/controller/runtime/log.ts';
import type { Manager } from '../../src/controller/runtime/manager.ts';
import { KubeClient } from '../../src/kube/client.ts';
import { waitFor } from '../../src/kube/wait.ts';
import { startCluster, type TestCluster } from '../harness/cluster.ts';
import { runKn } from '../harness/env.ts';
import { installServingCRDs } from '../harness/crds.ts';
import { makeDeploymentsAvailable, type AvailableLoop } from '../quickstart/available.ts';

const T = 60_000;
const ns = 'as-test';
const cond = (o: KubeObject | undefined, type: string): Condition | undefined => ((o?.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).find((c) => c.type === type);

const ksvc = (name: string, annotations: Record<string, string> = {}): Service => ({
  apiVersion: 'serving.knative.dev/v1',
  kind: 'Service',
  metadata: { name, namespace: ns },
  spec: { template: { metadata: { annotations }, spec: { containers: [{ image: 'ghcr.io/knative/helloworld-go:latest' } as never] } } },
});

describe('PodAutoscaler reconciler (KPA, HPA, bad annotations)', () => {
  let cluster: TestCluster;
  let c: KubeClient;
  let mgr: Manager;
  let avail: AvailableLoop;
  const autoscaler = new Autoscaler();
  let feeding: NodeJS.Timeout | undefined;

  before(async () => {
    cluster = await startCluster();
    c = await KubeClient.connect({ kubeconfig: cluster.kubeconfig });
    await installServingCRDs(c);
    await c.patch(R.ConfigMap, 'config-autoscaler', 'knative-serving', { data: { 'stable-window': '6s', 'scale-to-zero-grace-period': '1s' } }, 'merge');
    await c.create(R.Namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    avail = makeDeploymentsAvailable(c, [ns], { maxMs: 280_000 });
    mgr = await startController({ namespace: 'knative-serving', metricsPort: 0, metricsHost: '127.0.0.1', identity: 'as', leaseName: 'kn-ts-controller', workers: 4, leaderElect: false, autoscaler }, c, silentLogger());
  });

  after(async () => {
    clearInterval(feeding);
    autoscaler.stop();
    await avail?.stop();
    await mgr?.stop();
    c?.close();
    await cluster?.stop();
  });

  it('KPA: PA and Revision report scale and Active; the Deployment keeps its initial replica', async () => {
    await c.create(R.Service, ksvc('hello'));
    const pa = await waitFor<PodAutoscaler>(c, R.PodAutoscaler, 'hello-00001', ns, (o) => (o && cond(o, 'Ready')?.status === 'True' ? 'done' : 'wait'), T);
    assert.equal(pa.metadata.annotations?.['autoscaling.knative.dev/class'], 'kpa.autoscaling.knative.dev');
    assert.equal(pa.metadata.annotations?.['autoscaling.knative.dev/metric'], 'concurrency');
    assert.equal(pa.status?.actualScale, 1);
    assert.equal(pa.status?.desiredScale, 1);
    assert.equal(pa.status?.serviceName, 'hello-00001');
    for (const t of ['Active', 'ScaleTargetInitialized', 'SKSReady']) assert.equal(cond(pa, t)?.status, 'True', t);
    const rev = await waitFor<Revision>(c, R.Revision, 'hello-00001', ns, (o) => (o && cond(o, 'Ready')?.status === 'True' && cond(o, 'Active')?.status === 'True' ? 'done' : 'wait'), T);
    assert.equal(rev.status?.actualReplicas, 1);
    assert.equal(rev.status?.desiredReplicas, 1);
  });

  it('scale to zero: idle for the stable window and the grace period → 0 replicas, inactive; a poke wakes it', async () => {
    // A gateway that sees no traffic: the metrics path is alive, every revision idle.
    feeding = setInterval(() => autoscaler.ingest({ gateway: 'gw-1', stats: [] }), 1000);
    const pa = await waitFor<PodAutoscaler>(c, R.PodAutoscaler, 'hello-00001', ns, (o) => (o?.status?.actualScale === 0 && cond(o, 'Active')?.status === 'False' ? 'done' : 'wait'), T);
    assert.equal(cond(pa, 'Active')?.reason, 'NoTraffic');
    assert.equal(cond(pa, 'Active')?.message, 'The target is not receiving traffic.');
    assert.equal(pa.status?.desiredScale, 0);
    const dep = await c.get<KubeObject & { spec: { replicas: number } }>(R.Deployment, 'hello-00001-deployment', ns);
    assert.equal(dep.spec.replicas, 0);
    const rev = await waitFor<Revision>(c, R.Revision, 'hello-00001', ns, (o) => (o && cond(o, 'Active')?.status === 'False' && o.status?.actualReplicas === 0 && o.status?.desiredReplicas === 0 ? 'done' : 'wait'), T);
    assert.equal(cond(rev, 'Active')?.reason, 'NoTraffic');
    assert.equal(cond(rev, 'Ready')?.status, 'True', 'an inactive revision stays Ready');
    assert.equal(rev.status?.actualReplicas, 0);
    // What users see: kn revision describe and kn service describe show the replicas and the inactive state.
    const d = await runKn(['revision', 'describe', 'hello-00001', '-n', ns], { kubeconfig: cluster.kubeconfig });
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout, /^Replicas:\s+0\/0$/m, d.stdout);
    assert.match(d.stdout, /^\s+I Active\s+\S+ NoTraffic$/m, d.stdout);
    const sd = await runKn(['service', 'describe', 'hello', '-n', ns], { kubeconfig: cluster.kubeconfig });
    assert.equal(sd.code, 0, sd.stderr);
    assert.match(sd.stdout, /Replicas:\s+0\/0/, sd.stdout);

    // A request arrives at the gateway for the revision at zero: it pokes. The 2 s tick is stopped,
    // so only the poke can scale it up.
    autoscaler.stop();
    autoscaler.ingest({ gateway: 'gw-1', stats: [{ namespace: ns, revision: 'hello-00001', concurrency: 1, rps: 1 }], poke: [{ namespace: ns, revision: 'hello-00001' }] });
    await waitFor<KubeObject & { spec: { replicas: number } }>(c, R.Deployment, 'hello-00001-deployment', ns, (o) => (o && o.spec.replicas >= 1 ? 'done' : 'wait'), T);
    autoscaler.start();
    const active = await waitFor<PodAutoscaler>(c, R.PodAutoscaler, 'hello-00001', ns, (o) => (o && cond(o, 'Active')?.status === 'True' ? 'done' : 'wait'), T);
    assert.equal(active.status?.actualScale, 1);
  });

  it('min-scale 2 never goes to zero; max-scale caps a burst', async () => {
    await c.create(R.Service, ksvc('bounded', { 'autoscaling.knative.dev/min-scale': '2', 'autoscaling.knative.dev/max-scale': '3' }));
    await waitFor<PodAutoscaler>(c, R.PodAutoscaler, 'bounded-00001', ns, (o) => (o?.status?.actualScale === 2 && cond(o, 'Active')?.status === 'True' ? 'done' : 'wait'), T);
    // A burst of 1000 concurrent requests (would want 15 pods): capped at 3.
    // From a second gateway replica (gw-1's idle reports every second would replace its own), counted for 2 s.
    autoscaler.ingest({ gateway: 'gw-2', stats: [{ namespace: ns, revision: 'bounded-00001', concurrency: 1000, rps: 1000 }] });
    await waitFor<KubeObject & { spec: { replicas: number } }>(c, R.Deployment, 'bounded-00001-deployment', ns, (o) => (o?.spec.replicas === 3 ? 'done' : 'wait'), T);
    await waitFor<PodAutoscaler>(c, R.PodAutoscaler, 'bounded-00001', ns, (o) => (o?.status?.desiredScale === 3 ? 'done' : 'wait'), T);
    // Idle again (the feeder reports nothing): after the windows it settles at min-scale, never 0.
    const pa = await waitFor<PodAutoscaler>(c, R.PodAutoscaler, 'bounded-00001', ns, (o) => (o?.status?.desiredScale === 2 ? 'done' : 'wait'), T);
    assert.equal(cond(pa, 'Active')?.status, 'True');
    await new Promise((r) => setTimeout(r, 3_000));
    const dep = await c.get<KubeObject & { spec: { replicas: number } }>(R.Deployment, 'bounded-00001-deployment', ns);
    assert.equal(dep.spec.replicas, 2);
  });

  it('HPA class: an autoscaling/v2 HorizontalPodAutoscaler for cpu; the PA is Active', async () => {
    await c.create(R.Service, ksvc('cpu', { 'autoscaling.knative.dev/class': 'hpa.autoscaling.knative.dev', 'autoscaling.knative.dev/metric': 'cpu', 'autoscaling.knative.dev/target': '60', 'autoscaling.knative.dev/min-scale': '1', 'autoscaling.knative.dev/max-scale': '4' }));
    const hpa = await waitFor<KubeObject & { spec: Record<string, unknown> }>(c, R.HorizontalPodAutoscaler, 'cpu-00001', ns, (o) => (o ? 'done' : 'wait'), T);
    assert.deepEqual(hpa.spec.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'cpu-00001-deployment' });
    assert.equal(hpa.spec.minReplicas, 1);
    assert.equal(hpa.spec.maxReplicas, 4);
    assert.deepEqual(hpa.spec.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }]);
    assert.equal(hpa.metadata.ownerReferences?.[0]?.kind, 'PodAutoscaler');
    const pa = await waitFor<PodAutoscaler>(c, R.PodAutoscaler, 'cpu-00001', ns, (o) => (o && cond(o, 'Ready')?.status === 'True' ? 'done' : 'wait'), T);
    assert.equal(cond(pa, 'Active')?.status, 'True');
    assert.equal(pa.metadata.annotations?.['autoscaling.knative.dev/metric'], 'cpu');
  });

  it('bad annotations: the Configuration fails with upstream\'s message; a PA with them is not scaled', async () => {
    await c.create(R.Service, ksvc('bad', { 'autoscaling.knative.dev/panic-threshold-percentage': '100' }));
    const cfg = await waitFor<Configuration>(c, R.Configuration, 'bad', ns, (o) => (o && cond(o, 'Ready')?.status === 'False' ? 'done' : 'wait'), T);
    assert.equal(cond(cfg, 'Ready')?.reason, 'RevisionFailed');
    assert.match(cond(cfg, 'Ready')?.message ?? '', /expected 110 <= 100 <= 1000: spec\.template\.metadata\.annotations\.autoscaling\.knative\.dev\/panic-threshold-percentage/);

    // A PodAutoscaler written directly (no webhook stops it): Active False with the reason, no crash.
    await c.create(R.PodAutoscaler, {
      apiVersion: 'autoscaling.internal.knative.dev/v1alpha1',
      kind: 'PodAutoscaler',
      metadata: { name: 'direct', namespace: ns, annotations: { 'autoscaling.knative.dev/window': '2s' } },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'nothing' }, protocolType: 'http1' },
    } as KubeObject);
    const pa = await waitFor<PodAutoscaler>(c, R.PodAutoscaler, 'direct', ns, (o) => (o && cond(o, 'Active')?.status === 'False' ? 'done' : 'wait'), T);
    assert.equal(cond(pa, 'Active')?.reason, 'InvalidAnnotations');
    assert.equal(cond(pa, 'Active')?.message, 'validation failed: expected 6s <= 2s <= 1h0m0s: autoscaling.knative.dev/window');
    assert.equal(cond(pa, 'Ready')?.status, 'False');
  });
});
