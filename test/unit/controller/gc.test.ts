// Revision GC per config-gc and the routing-state labeler.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../src/api/meta.ts';
import { R } from '../../../src/api/resources.ts';
import type { Configuration, Revision } from '../../../src/api/serving/types.ts';
import { collect, makeGCReconciler } from '../../../src/controller/gc/gc.ts';
import { makeLabelerReconciler, routingPatch } from '../../../src/controller/route/labeler.ts';
import { gcSettings, type GCSettings } from '../../../src/controller/gc/settings.ts';
import {
  config,
  created,
  FakeCluster,
  latestCreated,
  latestReady,
  noGC,
  NOW,
  ofConfig,
  revision,
  route,
  routeReady,
  routesAnnotation,
  routingState,
  withRouteStatusTraffic,
  withTraffic,
} from './route-fixtures.ts';

const NS = 'default';
const H = 3_600_000;
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const old = (name: string, ...o: ((r: Revision) => void)[]) => revision(NS, name, ofConfig('c'), created(ago(100 * H)), routingState('reserve', ago(50 * H)), ...o);

interface Row {
  name: string;
  cfg: Configuration;
  revs: Revision[];
  gc?: Partial<GCSettings>;
  wantDeleted: string[];
}

const rows: Row[] = [
  {
    name: 'defaults keep 20 non-active revisions: nothing deleted with 3',
    cfg: config(NS, 'c', latestReady('c-3')),
    revs: [old('c-1'), old('c-2'), old('c-3')],
    wantDeleted: [],
  },
  {
    name: 'min 0: stale reserve revisions go, the latest ready stays',
    cfg: config(NS, 'c', latestReady('c-3')),
    revs: [old('c-1'), old('c-2'), old('c-3')],
    gc: { minNonActiveRevisions: 0 },
    wantDeleted: ['c-1', 'c-2'],
  },
  {
    name: 'never: latest created, no-gc, active or pending revisions',
    cfg: config(NS, 'c', latestReady('c-3'), latestCreated('c-4')),
    revs: [old('c-1', noGC), old('c-2', routingState('active')), old('c-3'), old('c-4'), old('c-5', routingState('pending')), old('c-6')],
    gc: { minNonActiveRevisions: 0 },
    wantDeleted: ['c-6'],
  },
  {
    name: 'min keeps the most recently active ones',
    cfg: config(NS, 'c', latestReady('c-9')),
    revs: [old('c-1', routingState('reserve', ago(30 * H))), old('c-2', routingState('reserve', ago(20 * H))), old('c-3', routingState('reserve', ago(40 * H)))],
    gc: { minNonActiveRevisions: 1 },
    wantDeleted: ['c-1', 'c-3'],
  },
  {
    name: 'not stale: created too recently',
    cfg: config(NS, 'c', latestReady('c-9')),
    revs: [old('c-1', created(ago(1 * H)))],
    gc: { minNonActiveRevisions: 0 },
    wantDeleted: [],
  },
  {
    name: 'not stale: active too recently',
    cfg: config(NS, 'c', latestReady('c-9')),
    revs: [old('c-1', routingState('reserve', ago(2 * H)))],
    gc: { minNonActiveRevisions: 0 },
    wantDeleted: [],
  },
  {
    name: 'max: non-stale revisions beyond max are deleted, least recently active first',
    cfg: config(NS, 'c', latestReady('c-9')),
    revs: [1, 2, 3, 4].map((i) => old(`c-${i}`, created(ago(1 * H)), routingState('reserve', ago(i * 60_000)))),
    gc: { minNonActiveRevisions: 0, maxNonActiveRevisions: 2 },
    wantDeleted: ['c-3', 'c-4'],
  },
  {
    name: 'everything disabled: nothing deleted',
    cfg: config(NS, 'c', latestReady('c-9')),
    revs: [old('c-1'), old('c-2')],
    gc: { minNonActiveRevisions: 0, maxNonActiveRevisions: undefined, retainSinceCreateTimeMs: undefined, retainSinceLastActiveTimeMs: undefined },
    wantDeleted: [],
  },
];

describe('revision GC', () => {
  for (const row of rows) {
    it(row.name, () => {
      const s = { ...gcSettings({}), ...row.gc };
      const got = collect(row.cfg, row.revs, s, NOW.getTime()).delete.map((r) => r.metadata.name);
      assert.deepEqual(got.sort(), row.wantDeleted);
    });
  }

  it('the reconciler deletes through the client and requeues for the next revision turning stale', async () => {
    const f = new FakeCluster(config(NS, 'c', latestReady('c-3')), old('c-1'), old('c-2', routingState('reserve', ago(14 * H))), old('c-3'));
    const rec = makeGCReconciler();
    const res = await rec.reconcile(structuredClone(f.get<Configuration>(R.Configuration, 'c', NS)!), f.ctx({ configMaps: { 'config-gc': { 'min-non-active-revisions': '0' } } }));
    assert.deepEqual(f.summary(), ['delete revisions default/c-1']);
    // c-2 turns stale an hour later (15h since last active).
    assert.deepEqual(res, { requeueAfterMs: 1 * H });
  });
});

describe('labeler', () => {
  it('marks routed revisions active and the configuration with the route', async () => {
    const f = new FakeCluster(
      route(NS, 'r', withTraffic({ configurationName: 'c', percent: 100 })),
      config(NS, 'c', latestReady('c-1'), latestCreated('c-2')),
      revision(NS, 'c-1', ofConfig('c')),
      revision(NS, 'c-2', ofConfig('c'), routingState('pending')),
      revision(NS, 'c-0', ofConfig('c'), routingState('pending')),
    );
    await makeLabelerReconciler().reconcile(structuredClone(f.get<Configuration>(R.Configuration, 'c', NS)!), f.ctx());
    assert.deepEqual(f.summary(), ['patch configurations default/c', 'patch revisions default/c-2']);
    assert.equal(f.get<KubeObject>(R.Configuration, 'c', NS)?.metadata.annotations?.['serving.knative.dev/routes'], 'r');
    const c2 = f.get<Revision>(R.Revision, 'c-2', NS)!;
    assert.equal(c2.metadata.labels?.['serving.knative.dev/routingState'], 'active');
    assert.equal(c2.metadata.annotations?.['serving.knative.dev/routes'], 'r');
    assert.equal(c2.metadata.annotations?.['serving.knative.dev/routingStateModified'], '2026-01-02T03:04:05Z');
    // c-1 is only the latest ready: not in spec or status traffic of r yet; c-0 never routed stays pending.
    assert.equal(f.get<Revision>(R.Revision, 'c-0', NS)?.metadata.labels?.['serving.knative.dev/routingState'], 'pending');
  });

  it('pinned revisions and status traffic count; several routes are sorted', async () => {
    const f = new FakeCluster(
      route(NS, 'b', withTraffic({ revisionName: 'c-1', percent: 100 })),
      route(NS, 'a', withTraffic({ configurationName: 'c', percent: 100 }), withRouteStatusTraffic({ revisionName: 'c-1', percent: 100 })),
      config(NS, 'c', latestReady('c-1')),
      revision(NS, 'c-1', ofConfig('c')),
    );
    await makeLabelerReconciler().reconcile(structuredClone(f.get<Configuration>(R.Configuration, 'c', NS)!), f.ctx());
    assert.equal(f.get<Revision>(R.Revision, 'c-1', NS)?.metadata.annotations?.['serving.knative.dev/routes'], 'a,b');
    assert.equal(f.get<KubeObject>(R.Configuration, 'c', NS)?.metadata.annotations?.['serving.knative.dev/routes'], 'a,b');
  });

  it('a revision no longer routed goes to reserve once the route is ready; a deleted route is dropped', async () => {
    const f = new FakeCluster(
      route(NS, 'r', withTraffic({ revisionName: 'c-2', percent: 100 }), routeReady),
      config(NS, 'c', latestReady('c-2'), routesAnnotation('r,gone')),
      revision(NS, 'c-1', ofConfig('c'), routingState('active'), routesAnnotation('r')),
      revision(NS, 'c-2', ofConfig('c'), routingState('active'), routesAnnotation('r,gone')),
    );
    await makeLabelerReconciler().reconcile(structuredClone(f.get<Configuration>(R.Configuration, 'c', NS)!), f.ctx());
    const c1 = f.get<Revision>(R.Revision, 'c-1', NS)!;
    assert.equal(c1.metadata.labels?.['serving.knative.dev/routingState'], 'reserve');
    assert.equal(c1.metadata.annotations?.['serving.knative.dev/routes'], undefined);
    assert.equal(f.get<Revision>(R.Revision, 'c-2', NS)?.metadata.annotations?.['serving.knative.dev/routes'], 'r');
    assert.equal(f.get<KubeObject>(R.Configuration, 'c', NS)?.metadata.annotations?.['serving.knative.dev/routes'], 'r');
  });

  it('an unsettled route keeps its old marks', async () => {
    const f = new FakeCluster(
      route(NS, 'r', withTraffic({ revisionName: 'c-2', percent: 100 })),
      config(NS, 'c', latestReady('c-2')),
      revision(NS, 'c-1', ofConfig('c'), routingState('active'), routesAnnotation('r')),
      revision(NS, 'c-2', ofConfig('c')),
    );
    await makeLabelerReconciler().reconcile(structuredClone(f.get<Configuration>(R.Configuration, 'c', NS)!), f.ctx());
    assert.equal(f.get<Revision>(R.Revision, 'c-1', NS)?.metadata.labels?.['serving.knative.dev/routingState'], 'active');
    assert.deepEqual(f.summary(), ['patch configurations default/c', 'patch revisions default/c-2']);
  });

  it("a Revision carrying its Service's Route that the cache has not seen yet keeps it (no reserve/active flap)", async () => {
    const svc = { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 's', namespace: NS, uid: 'uid-svc-s' }, spec: {} } as KubeObject;
    const withService: (o: KubeObject) => void = (o) => {
      o.metadata.labels = { ...(o.metadata.labels ?? {}), 'serving.knative.dev/service': 's' };
    };
    const f = new FakeCluster(
      svc,
      config(NS, 's', withService, routesAnnotation('s')),
      revision(NS, 's-00001', ofConfig('s'), withService, routingState('active'), routesAnnotation('s')),
    );
    await makeLabelerReconciler().reconcile(structuredClone(f.get<Configuration>(R.Configuration, 's', NS)!), f.ctx());
    assert.deepEqual(f.summary(), [], 'the Route is about to be created: nothing to patch');
  });

  it('the Revision of the current generation counts as latest created before the Configuration status says so', async () => {
    const gen = (g: number): ((o: KubeObject) => void) => (o) => {
      o.metadata.labels = { ...(o.metadata.labels ?? {}), 'serving.knative.dev/configurationGeneration': String(g) };
    };
    const cfg = config(NS, 'c', latestReady('c-1'), latestCreated('c-1'), routesAnnotation('r'));
    cfg.metadata.generation = 2;
    const f = new FakeCluster(
      route(NS, 'r', withTraffic({ configurationName: 'c', percent: 100 }), withRouteStatusTraffic({ revisionName: 'c-1', percent: 100 }), routeReady),
      cfg,
      revision(NS, 'c-1', ofConfig('c'), gen(1), routingState('active'), routesAnnotation('r')),
      revision(NS, 'c-2', ofConfig('c'), gen(2), routingState('active'), routesAnnotation('r')),
    );
    await makeLabelerReconciler().reconcile(structuredClone(f.get<Configuration>(R.Configuration, 'c', NS)!), f.ctx());
    assert.deepEqual(f.summary(), [], 'c-2 stays active: the Route follows the latest revision');
  });

  it('relevant: routing marks and a Revision status do not wake the labeler; a new route target does', () => {
    const rec = makeLabelerReconciler();
    const rev = revision(NS, 'c-1', ofConfig('c'));
    const revStatus = structuredClone(rev);
    revStatus.status = { observedGeneration: 1, conditions: [{ type: 'Ready', status: 'False' }] };
    assert.equal(rec.relevant?.(R.Revision, rev, revStatus), false);
    assert.equal(rec.relevant?.(R.Revision, rev, revision(NS, 'c-1', ofConfig('c'), routingState('reserve'))), true);
    const c = config(NS, 'c', latestCreated('c-1'));
    assert.equal(rec.relevant?.(R.Configuration, c, config(NS, 'c', latestCreated('c-1'), latestReady('c-1'))), false, 'latestReady is not read');
    assert.equal(rec.relevant?.(R.Configuration, c, config(NS, 'c', latestCreated('c-2'))), true);
    const r = route(NS, 'r', withTraffic({ configurationName: 'c', percent: 100 }));
    assert.equal(rec.relevant?.(R.Route, r, route(NS, 'r', withTraffic({ configurationName: 'c', percent: 100 }), routeReady)), true, 'readiness settles old marks');
    const relabeled = structuredClone(r);
    relabeled.metadata.labels = { x: 'y' };
    assert.equal(rec.relevant?.(R.Route, r, relabeled), false);
  });

  it('relevant: GC looks at revision marks and the configuration latest names only', () => {
    const gc = makeGCReconciler();
    const rev = revision(NS, 'c-1', ofConfig('c'));
    assert.equal(gc.relevant?.(R.Revision, rev, revision(NS, 'c-1', ofConfig('c'), noGC)), true);
    const st = structuredClone(rev);
    st.status = {};
    assert.equal(gc.relevant?.(R.Revision, rev, st), false);
    assert.equal(gc.relevant?.(R.Configuration, config(NS, 'c'), config(NS, 'c', latestReady('x'))), true);
  });

  it('routingPatch is a no-op when nothing changes', () => {
    const r = revision(NS, 'x', routingState('active'), routesAnnotation('a'));
    assert.equal(routingPatch(r, ['a'], true, NOW), undefined);
    assert.equal(routingPatch(revision(NS, 'y', routingState('pending')), [], true, NOW), undefined);
  });

  it('a route change maps to the configurations it names and ones it used to', async () => {
    const rec = makeLabelerReconciler();
    const f = new FakeCluster(route(NS, 'r', withTraffic({ configurationName: 'c', percent: 100 })), config(NS, 'c', latestReady('c-1')), revision(NS, 'c-1', ofConfig('c')));
    await rec.reconcile(structuredClone(f.get<Configuration>(R.Configuration, 'c', NS)!), f.ctx());
    const w = rec.watches?.find((x) => x.resource === R.Route);
    assert.deepEqual(w?.map(route(NS, 'r', withTraffic({ configurationName: 'other', percent: 100 }))).sort(), ['default/c', 'default/other']);
  });
});
