// A Revision whose Deployment the API server refuses fails at once with Kubernetes' message, and
// `kn service create` stops waiting and prints it (issue 13: it used to stay Unknown and kn
// waited out --wait-timeout). A private API server runs the controller (it reconciles every
// namespace, so it must not share the suite's server). The refusal is a ResourceQuota that allows
// no Deployment, something kn cannot check before it sends; and a Service written with kubectl
// (bypassing kn's checks) whose pod spec Kubernetes rejects.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeObject, ResourceType } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import type { Revision, Service } from '../../src/api/serving/types.ts';
import { startController } from '../../src/controller/main.ts';
import { silentLogger } from '../../src/controller/runtime/log.ts';
import type { Manager } from '../../src/controller/runtime/manager.ts';
import { KubeClient } from '../../src/kube/client.ts';
import { waitFor } from '../../src/kube/wait.ts';
import { startCluster, type TestCluster } from '../harness/cluster.ts';
import { installServingCRDs } from '../harness/crds.ts';
import { runKn } from '../harness/env.ts';

const IMG = 'ghcr.io/knative/helloworld-go:latest';
const QUOTA: ResourceType = { group: '', version: 'v1', kind: 'ResourceQuota', plural: 'resourcequotas', namespaced: true };
const cond = (o: KubeObject | undefined, type: string) =>
  ((o?.status as { conditions?: { type: string; status: string; reason?: string; message?: string }[] } | undefined)?.conditions ?? []).find((c) => c.type === type);

describe('a Revision the API server refuses fails at once', () => {
  let cluster: TestCluster;
  let c: KubeClient;
  let mgr: Manager;

  before(async () => {
    cluster = await startCluster();
    c = await KubeClient.connect({ kubeconfig: cluster.kubeconfig });
    await installServingCRDs(c);
    for (const ns of ['quota', 'invalid']) await c.create(R.Namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    // No Deployment allowed in "quota". Without kube-controller-manager the quota's status is ours to write.
    const q = await c.create<KubeObject>(QUOTA, {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'no-deployments', namespace: 'quota' },
      spec: { hard: { 'count/deployments.apps': '0' } },
    } as KubeObject);
    await c.replaceStatus(QUOTA, { ...q, status: { hard: { 'count/deployments.apps': '0' }, used: { 'count/deployments.apps': '0' } } } as KubeObject);
    mgr = await startController({ namespace: 'knative-serving', metricsPort: 0, metricsHost: '127.0.0.1', leaseName: 'kn-ts-controller', workers: 2, leaderElect: false }, c, silentLogger());
  });

  after(async () => {
    await mgr?.stop();
    c?.close();
    await cluster?.stop();
  });

  it('kn service create stops waiting and prints the reason and Kubernetes\' message', async () => {
    const t0 = Date.now();
    const r = await runKn(['service', 'create', 'hello', '--image', IMG, '-n', 'quota', '--wait-timeout', '120'], { kubeconfig: cluster.kubeconfig });
    const took = Date.now() - t0;
    assert.notEqual(r.code, 0);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 2, r.stderr);
    assert.match(lines[0]!, /^Error: RevisionFailed: Revision "hello-00001" failed with message: Failed to create Deployment "hello-00001-deployment": .*forbidden.*exceeded quota: no-deployments/);
    assert.ok(took < 60_000, `failed after ${took} ms, not at the --wait-timeout`);
  });

  it('a Service from kubectl with a pod spec Kubernetes rejects gets Ready=False with Kubernetes\' message', async () => {
    await c.create<Service>(R.Service, {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: { name: 'negative', namespace: 'invalid' },
      spec: { template: { spec: { containers: [{ image: IMG, resources: { requests: { cpu: '-1' } } }] } } },
    } as Service);
    const rev = await waitFor<Revision>(c, R.Revision, 'negative-00001', 'invalid', (o) => (cond(o, 'Ready')?.status === 'False' ? 'done' : 'wait'), 30_000);
    const ra = cond(rev, 'ResourcesAvailable')!;
    assert.equal(ra.status, 'False');
    assert.equal(ra.reason, 'FailedCreate');
    assert.match(ra.message ?? '', /^Failed to create Deployment "negative-00001-deployment": .*must be greater than or equal to 0/);
    // The Configuration carries the Revision's message; the Service is not ready (its Ready may
    // name the Route's reason, RevisionMissing, which kn service wait resolves to the Configuration's).
    const cfg = await waitFor<KubeObject>(c, R.Configuration, 'negative', 'invalid', (o) => (cond(o, 'Ready')?.status === 'False' ? 'done' : 'wait'), 30_000);
    assert.match(cond(cfg, 'Ready')?.message ?? '', /must be greater than or equal to 0/);
    await waitFor<Service>(c, R.Service, 'negative', 'invalid', (o) => (cond(o, 'Ready')?.status === 'False' ? 'done' : 'wait'), 30_000);
  });
});
