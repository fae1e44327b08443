// resourceVersions are opaque. The real kube-apiserver's are etcd revisions (numbers), so it cannot
// show that nothing here depends on their order; this file runs the informer and the controller
// runtime against test/harness/fake-apiserver.ts instead: a stand-in API on 127.0.0.1 (plain HTTP)
// whose versions are random tokens, unordered. Everything else is real: the KubeClient, the
// Informer, the Manager with its work queues, read-your-writes and status writes.
//
// Also here, because the fake counts requests exactly: the informer never lists on a timer (a
// resync re-delivers from its cache), reopens an ended watch from the last version seen without
// listing, lists again only after 410 Gone, and asks for watch timeouts in [300, 600) s.
import { KubeConfig } from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeObject, Status } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import { MemoryEventRecorder } from '../../src/controller/runtime/events.ts';
import { silentLogger } from '../../src/controller/runtime/log.ts';
import { Manager } from '../../src/controller/runtime/manager.ts';
import { ControllerMetrics } from '../../src/controller/runtime/metrics.ts';
import type { Reconciler } from '../../src/controller/runtime/types.ts';
import { KubeClient } from '../../src/kube/client.ts';
import { Informer } from '../../src/kube/informer.ts';
import { type FakeApiServer, startFakeApiServer } from '../harness/fake-apiserver.ts';

async function clientFor(url: string): Promise<KubeClient> {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'fake', server: url, skipTLSVerify: true }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'u' }],
    currentContext: 'fake',
  });
  return KubeClient.fromKubeConfig(kc);
}

const cm = (ns: string, name: string, data: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data } as KubeObject);

async function until(f: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('the informer against a server with opaque resourceVersions', () => {
  let srv: FakeApiServer;
  let c: KubeClient;
  before(async () => {
    srv = await startFakeApiServer();
    c = await clientFor(srv.url);
  });
  after(async () => {
    c?.close();
    await srv?.close();
  });

  it('lists once, resyncs from its cache, rewatches from the last version, relists only after 410', async () => {
    srv.write('configmaps', cm('a', 'one', { v: '1' }));
    srv.write('configmaps', cm('a', 'two', { v: '1' }));
    const lists = () => srv.served.filter((s) => s.path === '/api/v1/configmaps' && s.query.get('watch') !== 'true').length;
    const watches = () => srv.served.filter((s) => s.path === '/api/v1/configmaps' && s.query.get('watch') === 'true');
    let resyncs = 0;
    const seen = new Map<string, string>();
    const inf = new Informer(c, R.ConfigMap, { resyncPeriodMs: 50, backoffMs: [20, 100] }).on({
      add: (o) => seen.set(o.metadata.name ?? '', String((o as { data?: { v?: string } }).data?.v)),
      update: (_a, o) => seen.set(o.metadata.name ?? '', String((o as { data?: { v?: string } }).data?.v)),
      resync: () => resyncs++,
    });
    try {
      await inf.start();
      await until(() => watches().length === 1, 'the watch opens');
      const w0 = watches()[0]!;
      const t = Number(w0.query.get('timeoutSeconds'));
      assert.ok(t >= 300 && t < 600, `watch timeout ${t} s is in [300, 600)`);
      assert.match(w0.query.get('resourceVersion') ?? '', /^rv-/, 'watches from the list\'s (opaque) version');

      const v2 = srv.write('configmaps', cm('a', 'one', { v: '2' }));
      await until(() => seen.get('one') === '2', 'the update arrives');
      await until(() => resyncs >= 6, 'resyncs happen');
      assert.equal(lists(), 1, 'a resync costs no LIST');

      srv.endWatches(); // as the server's watch timeout does
      await until(() => watches().length === 2, 'the watch is reopened');
      assert.equal(watches()[1]!.query.get('resourceVersion'), v2.metadata.resourceVersion, 'from the last version seen');
      srv.write('configmaps', cm('a', 'three', { v: '1' }));
      await until(() => seen.get('three') === '1', 'an event after the rewatch arrives');
      assert.equal(lists(), 1, 'an ended watch costs no LIST');

      srv.write('configmaps', cm('a', 'two', { v: '9' }), { quiet: true }); // an event the watch lost
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(seen.get('two'), '1', 'the lost event is not seen');
      srv.compact();
      srv.endWatches();
      await until(() => seen.get('two') === '9', 'the relist after 410 brings the missed change');
      assert.equal(lists(), 2, 'exactly one relist, after 410 Gone');
      assert.deepEqual(inf.list('a').map((o) => o.metadata.name).sort(), ['one', 'three', 'two']);
    } finally {
      inf.stop();
    }
  });
});

for (const versions of ['tokens', 'unordered-numbers'] as const)
describe(`the controller runtime against a server with opaque resourceVersions (${versions})`, () => {
  let srv: FakeApiServer;
  let c: KubeClient;
  let mgr: Manager | undefined;
  before(async () => {
    srv = await startFakeApiServer({ versions });
    c = await clientFor(srv.url);
  });
  after(async () => {
    await mgr?.stop();
    c?.close();
    await srv?.close();
  });

  it('creates each child once, and every spec change reaches the status (no update lost to a version comparison)', async () => {
    const SVC = 'services.serving.knative.dev';
    // A reconciler in the shape of the real ones: a child ConfigMap carrying the generation, and a status.
    const rec: Reconciler = {
      name: 'widget',
      resource: R.Service,
      owns: [R.ConfigMap],
      async reconcile(obj, ctx) {
        const { name, namespace, generation, uid } = obj.metadata;
        const gen = String(generation);
        const child = ctx.lister(R.ConfigMap).get(`${name}-child`, namespace);
        if (!child) {
          await ctx.client.create(R.ConfigMap, {
            ...cm(namespace ?? '', `${name}-child`, { gen }),
            metadata: { name: `${name}-child`, namespace, ownerReferences: [{ apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: name ?? '', uid: uid ?? '', controller: true }] },
          });
        } else if ((child as { data?: { gen?: string } }).data?.gen !== gen) {
          await ctx.client.replace(R.ConfigMap, { ...child, data: { gen } } as KubeObject);
        }
        const s = ((obj as { status?: Status }).status ??= {}) as Status & { childGeneration?: string };
        s.conditions = [{ type: 'Ready', status: 'True' }];
        s.childGeneration = gen;
      },
    };
    mgr = new Manager({ client: c, reconcilers: [rec], log: silentLogger(), leaderElection: false, recorder: new MemoryEventRecorder(), metrics: new ControllerMetrics(false), workers: 4 });
    await mgr.start();

    const N = 30;
    const svc = (i: number, image: string) => ({ apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: `s${i}`, namespace: 'b' }, spec: { image } }) as KubeObject;
    for (let i = 0; i < N; i++) srv.write(SVC, svc(i, 'v1'));
    // Spec changes while the controller is busy with the burst, some twice.
    await new Promise((r) => setTimeout(r, 20));
    for (let i = 0; i < N; i += 2) srv.write(SVC, svc(i, 'v2'));
    for (let i = 0; i < N; i += 6) srv.write(SVC, svc(i, 'v3'));

    const converged = () =>
      Array.from({ length: N }, (_, i) => i).every((i) => {
        const s = srv.get(SVC, 'b', `s${i}`) as (KubeObject & { status?: Status & { childGeneration?: string } }) | undefined;
        const child = srv.get('configmaps', 'b', `s${i}-child`) as { data?: { gen?: string } } | undefined;
        const gen = String(s?.metadata.generation);
        return s?.status?.observedGeneration === s?.metadata.generation && s?.status?.childGeneration === gen && child?.data?.gen === gen;
      });
    await until(converged, 'every Service reconciled at its latest generation', 30_000);
    // Now every Service's last version is our own status write: a user's change follows it.
    for (let i = 0; i < N; i++) srv.write(SVC, svc(i, 'v4'));
    await until(converged, 'every change after our own status write reconciled', 15_000);
    const creates = srv.served.filter((x) => x.method === 'POST' && x.path === '/api/v1/namespaces/b/configmaps');
    assert.equal(creates.filter((x) => x.status === 201).length, N, 'one child each');
    assert.equal(creates.filter((x) => x.status === 409).length, 0, 'no child created twice (read-your-writes works without ordered versions)');
    assert.equal(srv.get(SVC, 'b', 's0')?.metadata.generation, 4);
  });
});
