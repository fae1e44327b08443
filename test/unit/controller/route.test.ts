// The Route reconciler against a fake cluster (test/unit/controller/route-fixtures.ts): table rows of
// objects → actions, status and the KIngress/placeholder Services written.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../src/api/meta.ts';
import type { Ingress } from '../../../src/api/networking/types.ts';
import { R } from '../../../src/api/resources.ts';
import type { Route } from '../../../src/api/serving/types.ts';
import { makeRouteReconciler } from '../../../src/controller/route/reconciler.ts';
import { makeIngress, rolloutAnnotation } from '../../../src/controller/route/resources.ts';
import { routeSettings } from '../../../src/controller/networking/settings.ts';
import { buildTraffic } from '../../../src/api/serving/traffic.ts';
import {
  clusterLocal,
  cond,
  config,
  EXAMPLE_DOMAIN,
  FakeCluster,
  ingressStatus,
  k8sService,
  latestReady,
  ofConfig,
  ownedBy,
  revision,
  route,
  withAnnotations,
  withRouteLabels,
  withTraffic,
} from './route-fixtures.ts';

const NS = 'default';

interface Row {
  name: string;
  objects: KubeObject[];
  key?: string;
  configMaps?: Record<string, Record<string, string>>;
  wantActions?: string[];
  wantConditions?: Record<string, unknown>;
  wantURL?: string;
  wantTraffic?: unknown[];
  check?(f: FakeCluster, r: Route): void;
}

const hello = () => route(NS, 'hello');
const helloCfg = () => config(NS, 'hello', latestReady('hello-00001'));
const helloRev = () => revision(NS, 'hello-00001', ofConfig('hello'));

async function run(row: Row): Promise<{ f: FakeCluster; r: Route }> {
  const f = new FakeCluster(...row.objects);
  const rec = makeRouteReconciler();
  const r = structuredClone(f.get<Route>(R.Route, (row.key ?? 'hello'), NS)!);
  await rec.reconcile(r, f.ctx({ configMaps: row.configMaps ?? EXAMPLE_DOMAIN }));
  return { f, r };
}

const TLS = { status: 'True', reason: 'TLSNotEnabled', message: 'external-domain-tls is not enabled' };
const NOT_CONFIGURED = { status: 'Unknown', reason: 'IngressNotConfigured', message: 'Ingress has not yet been reconciled.' };

const rows: Row[] = [
  {
    name: 'configuration not yet ready: AllTrafficAssigned Unknown, nothing created',
    objects: [hello(), config(NS, 'hello')],
    wantActions: [],
    wantURL: 'http://hello.default.example.com',
    wantConditions: {
      AllTrafficAssigned: { status: 'Unknown', reason: 'RevisionMissing', message: 'Configuration "hello" is waiting for a Revision to become ready.' },
      Ready: { status: 'Unknown', reason: 'RevisionMissing', message: 'Configuration "hello" is waiting for a Revision to become ready.' },
    },
  },
  {
    name: 'configuration missing: AllTrafficAssigned False',
    objects: [route(NS, 'hello', withTraffic({ configurationName: 'nope', percent: 100 }))],
    wantActions: [],
    wantConditions: {
      AllTrafficAssigned: { status: 'False', reason: 'ConfigurationMissing', message: 'Configuration "nope" referenced in traffic not found.' },
      Ready: { status: 'False', reason: 'ConfigurationMissing', message: 'Configuration "nope" referenced in traffic not found.' },
    },
  },
  {
    name: 'first reconcile: placeholder Service and KIngress created, IngressNotConfigured',
    objects: [hello(), helloCfg(), helloRev()],
    wantActions: ['create services default/hello', 'create ingresses default/hello'],
    wantURL: 'http://hello.default.example.com',
    wantTraffic: [{ revisionName: 'hello-00001', latestRevision: true, percent: 100 }],
    wantConditions: { AllTrafficAssigned: { status: 'True' }, CertificateProvisioned: TLS, IngressReady: NOT_CONFIGURED, Ready: NOT_CONFIGURED },
    check(f, r) {
      assert.equal(r.status?.address?.url, 'http://hello.default.svc.cluster.local');
      const ing = f.get<Ingress>(R.Ingress, 'hello', NS)!;
      assert.deepEqual(ing.metadata.labels, { 'serving.knative.dev/route': 'hello', 'serving.knative.dev/routeNamespace': NS });
      assert.equal(ing.metadata.annotations?.['networking.knative.dev/ingress.class'], 'kourier.ingress.networking.knative.dev');
      assert.equal(ing.metadata.ownerReferences?.[0]?.uid, 'uid-route-hello');
      assert.deepEqual(ing.spec, {
        httpOption: 'Enabled',
        rules: [
          {
            hosts: ['hello.default', 'hello.default.svc', 'hello.default.svc.cluster.local'],
            visibility: 'ClusterLocal',
            http: { paths: [{ splits: [split('hello-00001', 100)] }] },
          },
          { hosts: ['hello.default.example.com'], visibility: 'ExternalIP', http: { paths: [{ splits: [split('hello-00001', 100)] }] } },
        ],
      });
      const svc = f.get<KubeObject & { spec: Record<string, unknown> }>(R.KService, 'hello', NS)!;
      assert.equal(svc.spec.type, 'ExternalName');
      assert.equal(svc.spec.externalName, 'kourier-internal.kourier-system.svc.cluster.local');
      assert.deepEqual(svc.metadata.labels, { 'serving.knative.dev/route': 'hello' });
      assert.equal(svc.metadata.ownerReferences?.[0]?.kind, 'Route');
    },
  },
  {
    name: 'KIngress ready: IngressReady and Ready True, nothing written',
    objects: [hello(), helloCfg(), helloRev()],
    wantActions: [],
    wantConditions: { IngressReady: { status: 'True' }, Ready: { status: 'True' } },
  },
  {
    name: 'KIngress failed: its reason is mirrored',
    objects: [hello(), helloCfg(), helloRev()],
    wantConditions: {
      IngressReady: { status: 'False', reason: 'DomainConflict', message: 'Ingress rejected' },
      Ready: { status: 'False', reason: 'DomainConflict', message: 'Ingress rejected' },
    },
  },
  {
    name: 'split and tags: status url per tag, rule set per tag, tag-to-host annotation',
    objects: [
      route(NS, 'hello', withTraffic({ configurationName: 'hello', percent: 80, tag: 'latest' }, { revisionName: 'hello-00000', percent: 20, tag: 'old' })),
      helloCfg(),
      helloRev(),
      revision(NS, 'hello-00000', ofConfig('hello')),
    ],
    wantActions: ['create services default/hello', 'create services default/latest-hello', 'create services default/old-hello', 'create ingresses default/hello'],
    wantTraffic: [
      { tag: 'latest', revisionName: 'hello-00001', latestRevision: true, percent: 80, url: 'http://latest-hello.default.example.com' },
      { tag: 'old', revisionName: 'hello-00000', latestRevision: false, percent: 20, url: 'http://old-hello.default.example.com' },
    ],
    check(f) {
      const ing = f.get<Ingress>(R.Ingress, 'hello', NS)!;
      const summary = ing.spec.rules?.map((r) => `${r.visibility} ${r.hosts?.at(-1)} ${r.http?.paths[0]?.splits.map((s) => `${s.serviceName}=${s.percent}`).join(',')}`);
      assert.deepEqual(summary, [
        'ClusterLocal hello.default.svc.cluster.local hello-00001=80,hello-00000=20',
        'ExternalIP hello.default.example.com hello-00001=80,hello-00000=20',
        'ClusterLocal latest-hello.default.svc.cluster.local hello-00001=100',
        'ExternalIP latest-hello.default.example.com hello-00001=100',
        'ClusterLocal old-hello.default.svc.cluster.local hello-00000=100',
        'ExternalIP old-hello.default.example.com hello-00000=100',
      ]);
      assert.deepEqual(JSON.parse(ing.metadata.annotations?.['networking.internal.knative.dev/tag-to-host'] ?? '{}'), {
        latest: ['latest-hello.default', 'latest-hello.default.example.com', 'latest-hello.default.svc', 'latest-hello.default.svc.cluster.local'],
        old: ['old-hello.default', 'old-hello.default.example.com', 'old-hello.default.svc', 'old-hello.default.svc.cluster.local'],
      });
      assert.deepEqual(JSON.parse(ing.metadata.annotations?.['networking.internal.knative.dev/rollout'] ?? ''), {
        configurations: [
          { configurationName: 'hello', percent: 80, revisions: [{ revisionName: 'hello-00001', percent: 100 }], stepParams: {} },
          { configurationName: 'hello', tag: 'latest', percent: 100, revisions: [{ revisionName: 'hello-00001', percent: 100 }], stepParams: {} },
        ],
      });
    },
  },
  {
    name: 'cluster-local label: only ClusterLocal rules, svc.cluster.local URL',
    objects: [route(NS, 'hello', clusterLocal), helloCfg(), helloRev()],
    wantURL: 'http://hello.default.svc.cluster.local',
    check(f) {
      const ing = f.get<Ingress>(R.Ingress, 'hello', NS)!;
      assert.deepEqual(ing.spec.rules?.map((r) => r.visibility), ['ClusterLocal']);
      assert.equal(ing.metadata.labels?.['networking.knative.dev/visibility'], 'cluster-local');
      assert.equal(f.get<KubeObject>(R.KService, 'hello', NS)?.metadata.labels?.['networking.knative.dev/visibility'], 'cluster-local');
    },
  },
  {
    name: 'config-domain empty of a default: svc.cluster.local default makes the route cluster-local',
    objects: [hello(), helloCfg(), helloRev()],
    configMaps: { 'config-domain': { 'svc.cluster.local': '' } },
    wantURL: 'http://hello.default.svc.cluster.local',
    check(f) {
      assert.deepEqual(f.get<Ingress>(R.Ingress, 'hello', NS)!.spec.rules?.map((r) => r.visibility), ['ClusterLocal']);
    },
  },
  {
    name: 'a tag whose placeholder Service is labelled cluster-local is private, the rest stays public',
    objects: [
      route(NS, 'hello', withTraffic({ configurationName: 'hello', percent: 100 }, { revisionName: 'hello-00001', percent: 0, tag: 'dev' })),
      helloCfg(),
      helloRev(),
      // The route's own placeholder Service, labelled by the user.
      k8sService(NS, 'dev-hello', withRouteLabels({ 'serving.knative.dev/route': 'hello', 'networking.knative.dev/visibility': 'cluster-local' }), ownedBy(hello())),
    ],
    wantTraffic: [
      { revisionName: 'hello-00001', latestRevision: true, percent: 100 },
      { tag: 'dev', revisionName: 'hello-00001', latestRevision: false, percent: 0, url: 'http://dev-hello.default.svc.cluster.local' },
    ],
    check(f) {
      const ing = f.get<Ingress>(R.Ingress, 'hello', NS)!;
      assert.deepEqual(
        ing.spec.rules?.map((r) => `${r.visibility} ${r.hosts?.at(-1)}`),
        ['ClusterLocal hello.default.svc.cluster.local', 'ExternalIP hello.default.example.com', 'ClusterLocal dev-hello.default.svc.cluster.local'],
      );
      // The user's label survives the update of the placeholder.
      assert.equal(f.get<KubeObject>(R.KService, 'dev-hello', NS)?.metadata.labels?.['networking.knative.dev/visibility'], 'cluster-local');
    },
  },
  {
    name: 'a placeholder Service we do not own: IngressReady False NotOwned',
    objects: [hello(), helloCfg(), helloRev(), k8sService(NS, 'hello')],
    wantActions: [],
    wantConditions: { IngressReady: { status: 'False', reason: 'NotOwned', message: 'There is an existing placeholder Service "hello" that we do not own.' } },
  },
  {
    name: 'a domain template that gives an invalid host: AllTrafficAssigned False',
    objects: [route(NS, 'hello'), helloCfg(), helloRev()],
    // The template passes config-network's check (index of a missing key is ""), but this Route has
    // no "team" annotation, so its host has an empty label.
    configMaps: { ...EXAMPLE_DOMAIN, 'config-network': { 'domain-template': '{{.Name}}.{{index .Annotations "team"}}.{{.Domain}}' } },
    wantActions: [],
    wantConditions: { AllTrafficAssigned: { status: 'False', reason: 'ErrorConfig', message: /invalid domain name "hello..example.com"/ } },
  },
  {
    name: 'ingress class and custom template from config-network; route annotation overrides the class',
    objects: [route(NS, 'hello', withAnnotations({ 'networking.knative.dev/ingress.class': 'mine' })), helloCfg(), helloRev()],
    configMaps: {
      'config-domain': { '127.0.0.1.sslip.io': '' },
      'config-network': { 'ingress-class': 'cm-class', 'domain-template': '{{.Name}}-{{.Namespace}}.{{.Domain}}' },
    },
    wantURL: 'http://hello-default.127.0.0.1.sslip.io',
    check(f) {
      assert.equal(f.get<Ingress>(R.Ingress, 'hello', NS)!.metadata.annotations?.['networking.knative.dev/ingress.class'], 'mine');
    },
  },
  {
    name: 'a removed tag: its placeholder Service is deleted, the KIngress updated',
    objects: [
      hello(),
      helloCfg(),
      helloRev(),
      k8sService(NS, 'old-hello', withRouteLabels({ 'serving.knative.dev/route': 'hello' }), ownedBy(hello())),
    ],
    wantActions: ['create services default/hello', 'delete services default/old-hello', 'create ingresses default/hello'],
  },
  {
    name: 'tag-header-based-routing: tag paths first on the default rules, tag header on tag rules',
    objects: [route(NS, 'hello', withTraffic({ configurationName: 'hello', percent: 100 }, { revisionName: 'hello-00001', percent: 0, tag: 'v1' })), helloCfg(), helloRev()],
    configMaps: { ...EXAMPLE_DOMAIN, 'config-features': { 'tag-header-based-routing': 'enabled' } },
    check(f) {
      const rules = f.get<Ingress>(R.Ingress, 'hello', NS)!.spec.rules ?? [];
      assert.deepEqual(rules[1]?.http?.paths, [
        { headers: { 'Knative-Serving-Tag': { exact: 'v1' } }, splits: [split('hello-00001', 100)] },
        { appendHeaders: { 'Knative-Serving-Default-Route': 'true' }, splits: [split('hello-00001', 100)] },
      ]);
      assert.deepEqual(rules[3]?.http?.paths, [{ appendHeaders: { 'Knative-Serving-Tag': 'v1' }, splits: [split('hello-00001', 100)] }]);
    },
  },
];

function split(rev: string, percent: number) {
  return {
    serviceNamespace: NS,
    serviceName: rev,
    servicePort: 80,
    percent,
    appendHeaders: { 'Knative-Serving-Revision': rev, 'Knative-Serving-Namespace': NS },
  };
}

/** Puts a KIngress for the rows that start from an existing one (the gateway would write its status). */
async function withExistingIngress(row: Row, ready: Parameters<typeof ingressStatus>): Promise<Row> {
  const f = new FakeCluster(...row.objects);
  const rec = makeRouteReconciler();
  await rec.reconcile(structuredClone(f.get<Route>(R.Route, 'hello', NS)!), f.ctx({ configMaps: EXAMPLE_DOMAIN }));
  const objs = [...f.store.values()].flatMap((m) => [...m.values()]);
  const ing = objs.find((o) => o.kind === 'Ingress') as Ingress;
  ingressStatus(...ready)(ing);
  return { ...row, objects: objs };
}

describe('route reconciler', () => {
  for (const base of rows) {
    it(base.name, async () => {
      let row = base;
      if (base.name.startsWith('KIngress ready')) row = await withExistingIngress(base, ['True']);
      if (base.name.startsWith('KIngress failed')) row = await withExistingIngress(base, ['False', true, 'DomainConflict', 'Ingress rejected']);
      const { f, r } = await run(row);
      if (row.wantActions) assert.deepEqual(f.summary(), row.wantActions);
      for (const [type, want] of Object.entries(row.wantConditions ?? {})) {
        const got = cond(r, type);
        if (want && typeof want === 'object' && (want as { message?: unknown }).message instanceof RegExp) {
          const w = want as { status: string; reason: string; message: RegExp };
          assert.equal(got?.status, w.status);
          assert.equal(got?.reason, w.reason);
          assert.match(got?.message ?? '', w.message);
        } else assert.deepEqual(got, want, type);
      }
      if (row.wantURL) assert.equal(r.status?.url, row.wantURL);
      if (row.wantTraffic) assert.deepEqual(r.status?.traffic, row.wantTraffic);
      row.check?.(f, r);
    });
  }

  it('is idempotent: a second reconcile over the result writes nothing', async () => {
    const f = new FakeCluster(
      route(NS, 'hello', withTraffic({ configurationName: 'hello', percent: 50, tag: 'a' }, { revisionName: 'hello-00001', percent: 50, tag: 'b' })),
      helloCfg(),
      helloRev(),
    );
    const rec = makeRouteReconciler();
    const r1 = structuredClone(f.get<Route>(R.Route, 'hello', NS)!);
    await rec.reconcile(r1, f.ctx({ configMaps: EXAMPLE_DOMAIN }));
    const n = f.actions.length;
    const r2 = structuredClone(f.get<Route>(R.Route, 'hello', NS)!);
    r2.status = structuredClone(r1.status);
    await rec.reconcile(r2, f.ctx({ configMaps: EXAMPLE_DOMAIN }));
    assert.equal(f.actions.length, n, f.summary().slice(n).join('\n'));
    assert.deepEqual(r2.status, r1.status);
  });

  it('a spec change updates the KIngress and resets IngressReady until the gateway observes it', async () => {
    const row = await withExistingIngress({ name: '', objects: [hello(), helloCfg(), helloRev(), revision(NS, 'hello-00000', ofConfig('hello'))] }, ['True']);
    const f = new FakeCluster(...row.objects);
    const r = structuredClone(f.get<Route>(R.Route, 'hello', NS)!);
    r.spec.traffic = [{ configurationName: 'hello', percent: 50 }, { revisionName: 'hello-00000', percent: 50 }];
    await makeRouteReconciler().reconcile(r, f.ctx({ configMaps: EXAMPLE_DOMAIN }));
    assert.deepEqual(f.summary(), ['replace ingresses default/hello']);
    assert.deepEqual(cond(r, 'IngressReady'), NOT_CONFIGURED);
  });

  it('tracks the configurations and revisions it refers to', async () => {
    const rec = makeRouteReconciler();
    const f = new FakeCluster(route(NS, 'hello', withTraffic({ configurationName: 'cfg', percent: 50 }, { revisionName: 'rev', percent: 50 })));
    await rec.reconcile(structuredClone(f.get<Route>(R.Route, 'hello', NS)!), f.ctx());
    const cfgWatch = rec.watches?.find((w) => w.resource === R.Configuration);
    const revWatch = rec.watches?.find((w) => w.resource === R.Revision);
    assert.deepEqual(cfgWatch?.map(config(NS, 'cfg')), ['default/hello']);
    assert.deepEqual(cfgWatch?.map(config(NS, 'other')), []);
    assert.deepEqual(revWatch?.map(revision(NS, 'rev')), ['default/hello']);
    assert.deepEqual(revWatch?.map(revision(NS, 'cfg-00002', ofConfig('cfg'))), ['default/hello']);
  });

  it('the rollout annotation of a route without latestRevision targets is {}', () => {
    const { config: tc } = buildTraffic(route(NS, 'r', withTraffic({ revisionName: 'a', percent: 100 })), {
      configuration: () => undefined,
      revision: () => revision(NS, 'a'),
    });
    assert.ok(tc);
    assert.equal(rolloutAnnotation(tc), '{}');
    const ing = makeIngress(route(NS, 'r'), tc, new Map(), routeSettings({}));
    assert.deepEqual(ing.spec.rules, []);
  });
});
