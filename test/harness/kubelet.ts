// Plays the scheduler and the kubelet for tests and demos: every Pod in a namespace is bound to the
// node `fake-node` and marked Running and Ready with a TEST-NET address (203.0.113.0/24), and a Pod
// being deleted is removed at once, as a kubelet does once its containers stopped. Nothing
// ever dials those addresses; run this only inside the loopback-only network namespace of the
// test tiers, where such a dial would fail at once.
// It watches through the Informer, so it carries on across an API-server restart, and it tries a
// pod again (every second) when binding or marking it failed, say while the server was down.
import type { KubeObject } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import { Informer } from '../../src/kube/informer.ts';

type Pod = KubeObject & { spec?: { nodeName?: string }; status?: { conditions?: { type: string; status: string }[] } };

export async function fakeKubelet(c: KubeClient, namespace?: string): Promise<() => void> {
  let n = 10;
  const busy = new Set<string>();
  const gone = new Set<string>();
  await c.create(R.Node, { metadata: { name: 'fake-node' } } as KubeObject).catch(() => undefined);
  const isReady = (p: Pod) => p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True') ?? false;
  const handle = (p: Pod) => {
    const { name, namespace: ns } = p.metadata;
    const key = `${ns}/${name}`;
    if (p.metadata.deletionTimestamp) {
      // A kubelet confirms a graceful deletion once the containers stopped: here at once, so that
      // deletions that wait for the Pods (foreground cascades, `kn service delete --wait`) finish.
      if (!gone.has(key)) {
        gone.add(key);
        void c.raw('DELETE', `/api/v1/namespaces/${ns}/pods/${name}`, { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0 }).catch(() => gone.delete(key));
      }
      return;
    }
    if (busy.has(key) || isReady(p)) return;
    busy.add(key);
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const ip = `203.0.113.${10 + (n++ % 240)}`;
    const binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name, namespace: ns }, target: { apiVersion: 'v1', kind: 'Node', name: 'fake-node' } };
    const ready = (type: string) => ({ type, status: 'True', lastTransitionTime: now });
    const bind = p.spec?.nodeName ? Promise.resolve() : c.raw('POST', `/api/v1/namespaces/${ns}/pods/${name}/binding`, binding);
    void bind
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
      .catch(() => undefined)
      .finally(() => busy.delete(key));
  };
  const pods = new Informer<Pod>(c, R.Pod, { ...(namespace ? { namespace } : {}), backoffMs: [100, 1000] }).on({ add: handle, update: (_a, b) => handle(b) });
  await pods.start();
  const sweep = setInterval(() => {
    for (const p of pods.list()) handle(p);
  }, 1000);
  sweep.unref();
  return () => {
    clearInterval(sweep);
    pods.stop();
  };
}
