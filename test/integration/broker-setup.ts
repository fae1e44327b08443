// Installs the Eventing CRDs, the knative-eventing namespace and the eventing ConfigMaps from
// manifests/ into a test API server (idempotent), and waits for the CRDs to be Established.
import type { KubeObject } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import { waitFor } from '../../src/kube/wait.ts';
import { loadManifest } from '../harness/crds.ts';

export const EVENTING_FILES = ['manifests/110-crd-eventing.yaml', 'manifests/300-config-br-defaults.yaml', 'manifests/300-config-br-default-channel.yaml', 'manifests/300-config-features.yaml'];

export async function installEventing(c: KubeClient): Promise<void> {
  await c.apply(R.Namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'knative-eventing' } }, { fieldManager: 'kn-ts-test-install' });
  const objs = EVENTING_FILES.flatMap(loadManifest);
  for (const o of objs) await c.apply(o.kind === 'CustomResourceDefinition' ? R.CustomResourceDefinition : R.ConfigMap, o, { fieldManager: 'kn-ts-test-install' });
  for (const o of objs.filter((x) => x.kind === 'CustomResourceDefinition')) {
    await waitFor<KubeObject & { status?: { conditions?: { type: string; status: string }[] } }>(
      c,
      R.CustomResourceDefinition,
      o.metadata.name ?? '',
      undefined,
      (x) => (x?.status?.conditions?.some((k) => k.type === 'Established' && k.status === 'True') ? 'done' : 'wait'),
      30_000,
    );
  }
}
