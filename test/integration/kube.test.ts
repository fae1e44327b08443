// src/kube against the real kube-apiserver: CRDs, custom objects, watches, informers that
// survive an API-server restart, server-side apply and error messages.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeObject, ResourceType } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import { KubeClient } from '../../src/kube/client.ts';
import { KubeError, UnreachableError } from '../../src/kube/errors.ts';
import { Informer } from '../../src/kube/informer.ts';
import { waitFor } from '../../src/kube/wait.ts';
import { startCluster, type TestCluster } from '../harness/cluster.ts';
import { freshNamespace, kube } from '../harness/env.ts';

const Widget: ResourceType = { group: 'test.kn-ts.dev', version: 'v1', kind: 'Widget', plural: 'widgets', namespaced: true };

const widgetCRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.test.kn-ts.dev' },
  spec: {
    group: 'test.kn-ts.dev',
    names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: { type: 'object', properties: { size: { type: 'integer' } } },
              status: { type: 'object', properties: { phase: { type: 'string' } } },
            },
          },
        },
      },
    ],
  },
};

async function installWidgetCRD(c: KubeClient): Promise<void> {
  await c.apply(R.CustomResourceDefinition, widgetCRD as unknown as KubeObject, { fieldManager: 'kn-ts-test' });
  await waitFor<KubeObject & { status?: { conditions?: { type: string; status: string }[] } }>(
    c,
    R.CustomResourceDefinition,
    widgetCRD.metadata.name,
    undefined,
    (o) => (o?.status?.conditions?.some((x) => x.type === 'Established' && x.status === 'True') ? 'done' : 'wait'),
    30_000,
  );
}

const widget = (ns: string, name: string, size: number) =>
  ({ apiVersion: 'test.kn-ts.dev/v1', kind: 'Widget', metadata: { name, namespace: ns }, spec: { size } }) as KubeObject;

describe('src/kube on the shared API server', () => {
  let c: KubeClient;
  let ns: string;
  before(async () => {
    c = await kube();
    ns = await freshNamespace('kube');
    await installWidgetCRD(c);
  });

  it('creates, reads, lists, patches and deletes a custom object, and watches it change', async () => {
    const events: string[] = [];
    const list0 = await c.list(Widget, { namespace: ns });
    const w = c.watch(Widget, { namespace: ns, resourceVersion: list0.metadata?.resourceVersion }, (e) =>
      events.push(`${e.type}:${e.object.metadata.name}:${(e.object.spec as { size: number })?.size}`),
    );
    await c.create(Widget, widget(ns, 'a', 1));
    const got = await c.get<KubeObject & { spec: { size: number } }>(Widget, 'a', ns);
    assert.equal(got.spec.size, 1);
    await c.patch(Widget, 'a', ns, { spec: { size: 2 } }, 'merge');
    await c.apply(Widget, widget(ns, 'b', 5), { fieldManager: 'kn-ts-test' });
    await c.patch(Widget, 'a', ns, { status: { phase: 'Ready' } }, 'merge', { subresource: 'status' });
    await c.delete(Widget, 'a', ns);
    const deadline = Date.now() + 10_000;
    while (events.length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    w.stop();
    assert.deepEqual(events, ['ADDED:a:1', 'MODIFIED:a:2', 'ADDED:b:5', 'MODIFIED:a:2', 'DELETED:a:2']);
    const list = await c.list(Widget, { namespace: ns });
    assert.deepEqual(list.items.map((i) => i.metadata.name), ['b']);
  });

  it('turns API errors into one-line messages', async () => {
    await assert.rejects(c.get(Widget, 'nope', ns), (e: unknown) => {
      assert.ok(e instanceof KubeError);
      assert.equal(e.code, 404);
      // The API server's own wording, which upstream kn shows as-is.
      assert.equal(e.message, 'widgets.test.kn-ts.dev "nope" not found');
      return true;
    });
    await c.create(Widget, widget(ns, 'dup', 1));
    await assert.rejects(c.create(Widget, widget(ns, 'dup', 1)), (e: unknown) => e instanceof KubeError && e.alreadyExists && /already exists/.test(e.message));
    const stale = await c.get(Widget, 'dup', ns);
    await c.patch(Widget, 'dup', ns, { spec: { size: 9 } });
    await assert.rejects(c.replace(Widget, stale), (e: unknown) => e instanceof KubeError && e.conflict);
  });

  it('names the verb and resource when forbidden', async () => {
    const kc = c.kubeConfig;
    assert.ok(kc, 'a client from a kubeconfig keeps it');
    const asNobody = await KubeClient.fromKubeConfig(kc, { as: 'nobody' });
    await assert.rejects(asNobody.list(Widget, { namespace: ns }), (e: unknown) => {
      assert.ok(e instanceof KubeError);
      assert.equal(e.code, 403);
      assert.match(e.message, /User "nobody" cannot list resource "widgets" in API group "test.kn-ts.dev"/);
      return true;
    });
    asNobody.close();
  });

  it('names the address it tried when the server is unreachable', async () => {
    const { KubeConfig } = await import('@kubernetes/client-node');
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'x', server: 'https://127.0.0.1:1', skipTLSVerify: true }],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'x', cluster: 'x', user: 'u' }],
      currentContext: 'x',
    });
    const dead = await KubeClient.fromKubeConfig(kc);
    await assert.rejects(dead.list(R.Namespace), (e: unknown) => {
      assert.ok(e instanceof UnreachableError);
      assert.match(e.message, /cannot reach the Kubernetes API server at https:\/\/127\.0\.0\.1:1 \(connection refused\)/);
      return true;
    });
  });
});

describe('an informer across an API-server restart', () => {
  let cluster: TestCluster;
  let c: KubeClient;
  before(async () => {
    cluster = await startCluster();
    c = await KubeClient.connect({ kubeconfig: cluster.kubeconfig });
    await installWidgetCRD(c);
    await c.create(R.Namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'w' } } as KubeObject);
  });
  after(async () => {
    c?.close();
    await cluster?.stop();
  });

  it('sees changes made after kube-apiserver restarted mid-watch', async () => {
    const seen = new Map<string, number>();
    const deleted: string[] = [];
    const inf = new Informer(c, Widget, { namespace: 'w', backoffMs: [100, 1000] }).on({
      add: (o) => seen.set(o.metadata.name!, (o.spec as { size: number }).size),
      update: (_, o) => seen.set(o.metadata.name!, (o.spec as { size: number }).size),
      delete: (o) => deleted.push(o.metadata.name!),
    });
    await c.create(Widget, widget('w', 'before', 1));
    await inf.start();
    assert.equal(seen.get('before'), 1);

    await cluster.restartApiServer();
    await c.create(Widget, widget('w', 'after', 2));
    await c.patch(Widget, 'before', 'w', { spec: { size: 3 } });
    await c.delete(Widget, 'after', 'w');
    await c.create(Widget, widget('w', 'last', 4));

    const deadline = Date.now() + 30_000;
    while (!(seen.get('last') === 4 && seen.get('before') === 3 && deleted.includes('after')) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    inf.stop();
    assert.equal(seen.get('before'), 3);
    assert.equal(seen.get('last'), 4);
    assert.ok(deleted.includes('after') || !inf.get('after', 'w'), 'the deleted object left the cache');
    assert.deepEqual(inf.list('w').map((o) => o.metadata.name).sort(), ['before', 'last']);
    assert.ok(inf.stats.watches >= 2, `the informer re-watched (${inf.stats.watches} watches)`);
  });

  it('relists after 410 Gone (a resourceVersion compacted away)', async () => {
    const inf = new Informer(c, Widget, { namespace: 'w', backoffMs: [100, 1000] });
    // Start from an ancient resourceVersion: the server answers 410 and the informer relists.
    (inf as unknown as { resourceVersion: string }).resourceVersion = '1';
    await inf.start();
    const names = inf.list('w').map((o) => o.metadata.name).sort();
    inf.stop();
    assert.deepEqual(names, ['before', 'last']);
  });
});
