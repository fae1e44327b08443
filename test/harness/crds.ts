// Installs kn-ts's Serving CRDs (manifests/100-103), the knative-serving namespace and the Serving
// ConfigMaps (manifests/300-config-*.yaml) into a test API server with server-side apply, and waits
// until every CRD is Established. Idempotent and cheap to call again: test files share the server, so
// each may call it in its `before`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import { KubeError } from '../../src/kube/errors.ts';
import { waitFor } from '../../src/kube/wait.ts';
import { REPO } from './env.ts';

export const SERVING_CRD_FILES = [
  'manifests/100-crd-serving.yaml',
  'manifests/101-crd-domainmapping.yaml',
  'manifests/102-crd-networking.yaml',
  'manifests/103-crd-autoscaling.yaml',
] as const;

export const SERVING_CONFIG_FILES = [
  'manifests/300-config-domain.yaml',
  'manifests/300-config-network.yaml',
  'manifests/300-config-autoscaler.yaml',
  'manifests/300-config-defaults.yaml',
  'manifests/300-config-deployment.yaml',
  'manifests/300-config-gc.yaml',
  'manifests/300-config-features-serving.yaml',
] as const;

const FIELD_MANAGER = 'kn-ts-test-install';

/** Every object in a YAML file of the repository, in order (empty documents skipped). */
export function loadManifest(relPath: string): KubeObject[] {
  const text = readFileSync(join(REPO, relPath), 'utf8');
  const out: KubeObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) throw new Error(`${relPath}: ${doc.errors[0]?.message}`);
    const o = doc.toJSON() as KubeObject | null;
    if (o) out.push(o);
  }
  return out;
}

/** The CRD objects of the Serving manifests. */
export function servingCRDs(): KubeObject[] {
  return SERVING_CRD_FILES.flatMap(loadManifest);
}

async function establish(client: KubeClient, name: string): Promise<void> {
  await waitFor<KubeObject & { status?: { conditions?: { type: string; status: string; message?: string }[] } }>(
    client,
    R.CustomResourceDefinition,
    name,
    undefined,
    (o) => {
      const conds = o?.status?.conditions ?? [];
      if (conds.some((c) => c.type === 'Established' && c.status === 'True')) return 'done';
      const bad = conds.find((c) => c.type === 'NamesAccepted' && c.status === 'False');
      return bad ? new Error(`CRD ${name}: names not accepted: ${bad.message}`) : 'wait';
    },
    60_000,
  );
}

const installed = new Map<string, Promise<void>>();

/** Applies the Serving CRDs (+ namespace knative-serving + config maps) and waits for Established. Idempotent. */
export async function installServingCRDs(client: KubeClient): Promise<void> {
  const key = client.server;
  let p = installed.get(key);
  if (!p) {
    p = doInstall(client);
    installed.set(key, p);
    p.catch(() => installed.delete(key));
  }
  return p;
}

async function doInstall(client: KubeClient): Promise<void> {
  const crds = servingCRDs();
  await Promise.all(crds.map((crd) => client.apply(R.CustomResourceDefinition, crd, { fieldManager: FIELD_MANAGER })));
  try {
    await client.create(R.Namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'knative-serving' } });
  } catch (e) {
    if (!(e instanceof KubeError && e.alreadyExists)) throw e;
  }
  const maps = SERVING_CONFIG_FILES.flatMap(loadManifest);
  await Promise.all(maps.map((cm) => client.apply(R.ConfigMap, cm, { fieldManager: FIELD_MANAGER })));
  await Promise.all(crds.map((crd) => establish(client, crd.metadata.name ?? '')));
}
