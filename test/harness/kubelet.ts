// Plays the scheduler and the kubelet for tests and demos: every Pod in a namespace is bound to the
// node `fake-node` and marked Running and Ready with a TEST-NET address (203.0.113.0/24). Nothing
// ever dials those addresses; run this only inside the loopback-only network namespace of the
// test tiers, where such a dial would fail at once.
// A bound Pod that is being deleted (deletionTimestamp set) is removed at once, as a kubelet does
// once its containers have stopped: without that it would stay Terminating for ever, and so would
// every owner deleted in the foreground (`kn service delete --wait`).
import type { KubeObject } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import type { KubeClient } from '../../src/kube/client.ts';

export async function fakeKubelet(c: KubeClient, namespace?: string): Promise<() => void> {
  let n = 10;
  const done = new Set<string>();
  const removing = new Set<string>();
  await c.create(R.Node, { metadata: { name: 'fake-node' } } as KubeObject).catch(() => undefined);
  const w = c.watch<KubeObject>(R.Pod, { namespace }, (e) => {
    if (e.type !== 'ADDED' && e.type !== 'MODIFIED' && e.type !== 'DELETED') return;
    const { name, namespace: ns } = e.object.metadata;
    const key = `${ns}/${name}`;
    if (e.type === 'DELETED') {
      // A Pod of the same name may come again (a StatefulSet's): it starts afresh.
      done.delete(key);
      removing.delete(key);
      return;
    }
    if (e.object.metadata.deletionTimestamp) {
      if (!(e.object.spec as { nodeName?: string } | undefined)?.nodeName || removing.has(key)) return;
      removing.add(key);
      // The kubelet's final delete: grace period 0, only for this very Pod (its uid).
      const options = { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0, preconditions: { uid: e.object.metadata.uid } };
      void c.raw('DELETE', `/api/v1/namespaces/${ns}/pods/${name}`, options).catch(() => removing.delete(key));
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
