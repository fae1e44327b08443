// The stand-in kubelet of test/harness/kubelet.ts (used by e2e-serving and scripts/demo) against
// the real API server and kube-controller-manager: Pods it runs are removed when deleted, as a
// kubelet does, so an owner deleted in the foreground (what `kn service delete --wait` does) goes
// away instead of waiting for ever on Terminating Pods.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import { KubeClient } from '../../src/kube/client.ts';
import { waitFor } from '../../src/kube/wait.ts';
import { startCluster, type TestCluster } from '../harness/cluster.ts';
import { fakeKubelet } from '../harness/kubelet.ts';

const NS = 'kubelet';
const running = (p: KubeObject | undefined) => ((p?.status as { phase?: string } | undefined)?.phase === 'Running' ? 'done' : 'wait');
const gone = (o: KubeObject | undefined) => (o === undefined ? 'done' : 'wait');
const podSpec = { containers: [{ name: 'app', image: 'example.invalid/app:1' }] };

describe('the stand-in kubelet removes terminating Pods', () => {
  let cluster: TestCluster;
  let c: KubeClient;
  let stop: () => void;

  before(async () => {
    cluster = await startCluster({ controllerManager: true });
    c = await KubeClient.connect({ kubeconfig: cluster.kubeconfig });
    await c.create(R.Namespace, { metadata: { name: NS } } as KubeObject);
    stop = await fakeKubelet(c, NS);
  });
  after(async () => {
    stop?.();
    c?.close();
    await cluster?.stop();
  });

  it('a running Pod deleted with the default grace period (30 s) is gone at once', async () => {
    await c.create(R.Pod, { metadata: { name: 'solo', namespace: NS }, spec: podSpec } as KubeObject);
    const p = await waitFor(c, R.Pod, 'solo', NS, running, 20_000);
    assert.equal((p.spec as { nodeName?: string }).nodeName, 'fake-node');
    const t0 = Date.now();
    await c.delete(R.Pod, 'solo', NS);
    await waitFor(c, R.Pod, 'solo', NS, gone, 20_000);
    assert.ok(Date.now() - t0 < 20_000);
  });

  it('a ReplicaSet deleted in the foreground goes away with its Pods', async () => {
    const labels = { app: 'rs' };
    await c.create(R.ReplicaSet, {
      metadata: { name: 'rs', namespace: NS },
      spec: { replicas: 2, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podSpec } },
    } as KubeObject);
    const deadline = Date.now() + 30_000;
    let pods: KubeObject[] = [];
    while (Date.now() < deadline) {
      pods = (await c.list(R.Pod, { namespace: NS, labelSelector: 'app=rs' })).items;
      if (pods.length === 2 && pods.every((p) => running(p) === 'done')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(pods.filter((p) => running(p) === 'done').length, 2, 'the ReplicaSet has two running Pods');
    await c.delete(R.ReplicaSet, 'rs', NS, { propagationPolicy: 'Foreground' });
    await waitFor(c, R.ReplicaSet, 'rs', NS, gone, 30_000);
    assert.deepEqual((await c.list(R.Pod, { namespace: NS, labelSelector: 'app=rs' })).items, []);
  });
});
