// Plays the scheduler and the kubelet for tests and demos: every Pod in a namespace is bound to the
// node `fake-node` and marked Running and Ready with a TEST-NET address (203.0.113.0/24), and a Pod
// being deleted is removed at once, as a kubelet does once its containers stopped. Nothing
// ever dials those addresses; run this only inside the loopback-only network namespace of the
// test tiers, where such a dial would fail at once.
import type { KubeObject } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import type { KubeClient } from '../../src/kube/client.ts';

export async function fakeKubelet(c: KubeClient, namespace?: string): Promise<() => void> {
  let n = 10;
  const done = new Set<string>();
  const gone = new Set<string>();
  await c.create(R.Node, { metadata: { name: 'fake-node' } } as KubeObject).catch(() => undefined);
  const w = c.watch<KubeObject>(R.Pod, { namespace }, (e) => {
    if (e.type !== 'ADDED' && e.type !== 'MODIFIED') return;
    const { name, namespace: ns } = e.object.metadata;
    const key = `${ns}/${name}`;
    if (e.object.metadata.deletionTimestamp) {
      // A kubelet confirms a graceful deletion once the containers stopped: here at once, so that
      // deletions that wait for the Pods (foreground cascades, `kn service delete --wait`) finish.
      if (!gone.has(key)) {
        gone.add(key);
        void c.raw('DELETE', `/api/v1/namespaces/${ns}/pods/${name}`, { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0 }).catch(() => gone.delete(key));
      }
      return;
    }
    if (done.has(key)) return;
    done.add(key);
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const ip = `203.0.113.${10 + (n++ % 240)}`;
    const binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name, namespace: ns }, target: { apiVersion: 'v1', kind: 'Node', name: 'fake-node' } };
    const ready = (type: string) => ({ type, status: 'True', lastTransitionTime: now });
    void c
      .raw('POST', `/api/v1/namespaces/${ns}/pods/${name}/binding`, binding)
      .then(() =>
        c.patch(R.Pod, name!, ns, {
          status: {
            phase: 'Running',
            podIP: ip,
            podIPs: [{ ip }],
            startTime: now,
            conditions: ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'].map(ready),
          },
        }, 'merge', { subresource: 'status' }),
      )
      .catch(() => done.delete(key));
  });
  return () => w.stop();
}
