// There is no kubelet (and here no kube-controller-manager) behind the test API server, so no pod
// ever runs and no Deployment becomes Available by itself. This loop plays that part: it writes
// an Available status on every Deployment of the given namespaces that lacks one for its current
// generation. Bounded in time; stop() ends it.
import type { KubeObject } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import type { KubeClient } from '../../src/kube/client.ts';

export interface AvailableLoop {
  stop(): Promise<void>;
  /** Deployments it marked, as ns/name. */
  marked: string[];
}

export function availableStatus(d: KubeObject) {
  const replicas = (d.spec as { replicas?: number } | undefined)?.replicas ?? 1;
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  return {
    status: {
      observedGeneration: d.metadata.generation,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: replicas,
      availableReplicas: replicas,
      conditions: [
        { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.', lastUpdateTime: now, lastTransitionTime: now },
        { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: 'made available by the test', lastUpdateTime: now, lastTransitionTime: now },
      ],
    },
  };
}

export function isAvailable(d: KubeObject): boolean {
  const s = (d.status ?? {}) as { observedGeneration?: number; conditions?: { type: string; status: string }[] };
  return (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) && (s.conditions ?? []).some((c) => c.type === 'Available' && c.status === 'True');
}

export function makeDeploymentsAvailable(client: KubeClient, namespaces: string[], o: { intervalMs?: number; maxMs?: number; skip?: (d: KubeObject) => boolean } = {}): AvailableLoop {
  let stopped = false;
  const marked: string[] = [];
  const deadline = Date.now() + (o.maxMs ?? 120_000);
  const loop = (async () => {
    while (!stopped && Date.now() < deadline) {
      for (const ns of namespaces) {
        const list = await client.list(R.Deployment, { namespace: ns }).catch(() => ({ items: [] as KubeObject[] }));
        for (const d of list.items) {
          if (isAvailable(d) || o.skip?.(d)) continue;
          await client
            .patch(R.Deployment, d.metadata.name!, ns, availableStatus(d), 'merge', { subresource: 'status' })
            .then(() => marked.push(`${ns}/${d.metadata.name}`))
            .catch(() => undefined);
        }
      }
      await new Promise((r) => setTimeout(r, o.intervalMs ?? 50));
    }
  })();
  return {
    marked,
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}
