// Traffic resolution (src/api/serving/traffic.ts): spec.traffic against Configurations and Revisions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../src/api/meta.ts';
import { buildTraffic, effectiveTraffic, revisionProtocol, statusTraffic, trafficNames } from '../../../src/api/serving/traffic.ts';
import type { Configuration, Revision, Route } from '../../../src/api/serving/types.ts';
import { config, configReady, h2c, latestReady, ofConfig, ofService, revision, revReady, route, withRouteLabels, withTraffic } from './route-fixtures.ts';

const NS = 'default';

function lookup(objs: KubeObject[]) {
  return {
    configuration: (n: string) => objs.find((o) => o.kind === 'Configuration' && o.metadata.name === n) as Configuration | undefined,
    revision: (n: string) => objs.find((o) => o.kind === 'Revision' && o.metadata.name === n) as Revision | undefined,
  };
}

interface Row {
  name: string;
  route: Route;
  objects: KubeObject[];
  /** name → [revision, percent][] */
  wantTargets?: Record<string, [string, number | undefined][]>;
  wantStatus?: unknown[];
  wantError?: { status: string; reason: string; message: string };
}

const rows: Row[] = [
  {
    name: 'no traffic block: 100% to the latest ready revision of the same-named configuration',
    route: route(NS, 'hello'),
    objects: [config(NS, 'hello', latestReady('hello-00001')), revision(NS, 'hello-00001', ofConfig('hello'))],
    wantTargets: { '': [['hello-00001', 100]] },
    wantStatus: [{ revisionName: 'hello-00001', latestRevision: true, percent: 100 }],
  },
  {
    name: 'split between a pinned revision and the latest, with a tag',
    route: route(NS, 'hello', withTraffic({ configurationName: 'hello', percent: 60 }, { revisionName: 'hello-00001', percent: 40, tag: 'old' })),
    objects: [
      config(NS, 'hello', latestReady('hello-00002')),
      revision(NS, 'hello-00001', ofConfig('hello')),
      revision(NS, 'hello-00002', ofConfig('hello')),
    ],
    wantTargets: { '': [['hello-00002', 60], ['hello-00001', 40]], old: [['hello-00001', 100]] },
    wantStatus: [
      { revisionName: 'hello-00002', latestRevision: true, percent: 60 },
      { tag: 'old', revisionName: 'hello-00001', latestRevision: false, percent: 40, url: 'URL(old)' },
    ],
  },
  {
    name: 'a 0% tag still gets 100% on its own name',
    route: route(NS, 'hello', withTraffic({ configurationName: 'hello', percent: 100 }, { revisionName: 'hello-00001', percent: 0, tag: 'v1' })),
    objects: [config(NS, 'hello', latestReady('hello-00002')), revision(NS, 'hello-00001'), revision(NS, 'hello-00002')],
    wantTargets: { '': [['hello-00002', 100], ['hello-00001', 0]], v1: [['hello-00001', 100]] },
  },
  {
    name: 'the same revision twice is consolidated; same tag+revision+latest merges in status',
    route: route(NS, 'hello', withTraffic({ revisionName: 'r1', percent: 30 }, { revisionName: 'r1', percent: 20 }, { revisionName: 'r2', percent: 50 })),
    objects: [revision(NS, 'r1'), revision(NS, 'r2')],
    wantTargets: { '': [['r1', 50], ['r2', 50]] },
    wantStatus: [
      { revisionName: 'r1', latestRevision: false, percent: 50 },
      { revisionName: 'r2', latestRevision: false, percent: 50 },
    ],
  },
  {
    name: 'configuration missing',
    route: route(NS, 'hello', withTraffic({ configurationName: 'nope', percent: 100 })),
    objects: [],
    wantError: { status: 'False', reason: 'ConfigurationMissing', message: 'Configuration "nope" referenced in traffic not found.' },
  },
  {
    name: 'revision missing',
    route: route(NS, 'hello', withTraffic({ revisionName: 'gone', percent: 100 })),
    objects: [],
    wantError: { status: 'False', reason: 'RevisionMissing', message: 'Revision "gone" referenced in traffic not found.' },
  },
  {
    name: 'configuration without a ready revision yet',
    route: route(NS, 'hello'),
    objects: [config(NS, 'hello')],
    wantError: { status: 'Unknown', reason: 'RevisionMissing', message: 'Configuration "hello" is waiting for a Revision to become ready.' },
  },
  {
    name: 'configuration that failed',
    route: route(NS, 'hello'),
    objects: [config(NS, 'hello', configReady('False'))],
    wantError: { status: 'False', reason: 'RevisionMissing', message: 'Configuration "hello" does not have any ready Revision.' },
  },
  {
    name: 'pinned revision not ready',
    route: route(NS, 'hello', withTraffic({ revisionName: 'r1', percent: 100 })),
    objects: [revision(NS, 'r1', revReady('Unknown'))],
    wantError: { status: 'Unknown', reason: 'RevisionMissing', message: 'Revision "r1" is not yet ready.' },
  },
  {
    name: 'pinned revision failed',
    route: route(NS, 'hello', withTraffic({ revisionName: 'r1', percent: 100 })),
    objects: [revision(NS, 'r1', revReady('False'))],
    wantError: { status: 'False', reason: 'RevisionMissing', message: 'Revision "r1" failed to become ready.' },
  },
  {
    name: 'the first error wins, even after a good target',
    route: route(NS, 'hello', withTraffic({ revisionName: 'r1', percent: 50 }, { revisionName: 'x', percent: 25 }, { configurationName: 'y', percent: 25 })),
    objects: [revision(NS, 'r1')],
    wantError: { status: 'False', reason: 'RevisionMissing', message: 'Revision "x" referenced in traffic not found.' },
  },
  {
    name: "a Service's route may only use that Service's revisions",
    route: route(NS, 'hello', withRouteLabels({ 'serving.knative.dev/service': 'hello' }), withTraffic({ revisionName: 'other-00001', percent: 100 })),
    objects: [revision(NS, 'other-00001', ofService('other'))],
    wantError: {
      status: 'False',
      reason: 'RevisionNotOwned',
      message: 'Revision "other-00001" referenced in traffic is not owned by Service "hello".',
    },
  },
];

describe('buildTraffic', () => {
  for (const row of rows) {
    it(row.name, () => {
      const { config: tc, error } = buildTraffic(row.route, lookup(row.objects));
      if (row.wantError) {
        assert.equal(tc, undefined);
        assert.deepEqual({ status: error?.status, reason: error?.reason, message: error?.message }, row.wantError);
        return;
      }
      assert.equal(error, undefined);
      assert.ok(tc);
      if (row.wantTargets) {
        const got = Object.fromEntries(trafficNames(tc).map((n) => [n, (tc.targets.get(n) ?? []).map((t) => [t.revisionName, t.percent])]));
        assert.deepEqual(got, row.wantTargets);
      }
      if (row.wantStatus) assert.deepEqual(statusTraffic(tc, (tag) => `URL(${tag})`), row.wantStatus);
    });
  }

  it('records referenced configurations and revisions, and the protocol', () => {
    const { config: tc } = buildTraffic(
      route(NS, 'hello', withTraffic({ configurationName: 'hello', percent: 50 }, { revisionName: 'r1', percent: 50 })),
      lookup([config(NS, 'hello', latestReady('hello-00002')), revision(NS, 'hello-00002', h2c), revision(NS, 'r1', ofConfig('other'))]),
    );
    assert.deepEqual(tc?.configurations, ['hello', 'other']);
    assert.deepEqual(tc?.revisions, ['hello-00002', 'r1']);
    assert.equal(tc?.targets.get('')?.[0]?.protocol, 'h2c');
  });

  it('names: default first, then tags sorted', () => {
    const { config: tc } = buildTraffic(
      route(NS, 'r', withTraffic({ revisionName: 'a', percent: 50, tag: 'zeta' }, { revisionName: 'b', percent: 50, tag: 'alpha' })),
      lookup([revision(NS, 'a'), revision(NS, 'b')]),
    );
    assert.ok(tc);
    assert.deepEqual(trafficNames(tc), ['', 'alpha', 'zeta']);
  });
});

describe('effectiveTraffic', () => {
  it('defaults configurationName to the route name and latestRevision to !revisionName', () => {
    assert.deepEqual(effectiveTraffic(route(NS, 'r', withTraffic({ percent: 100 }))), [{ percent: 100, configurationName: 'r', latestRevision: true }]);
    assert.deepEqual(effectiveTraffic(route(NS, 'r', withTraffic({ revisionName: 'x', percent: 100 }))), [
      { revisionName: 'x', percent: 100, latestRevision: false },
    ]);
  });

  it('the protocol comes from the serving container, not from a sidecar', () => {
    const rev = (containers: Revision['spec']['containers']) => ({ apiVersion: 'serving.knative.dev/v1', kind: 'Revision', metadata: { name: 'r' }, spec: { containers } }) as Revision;
    assert.equal(revisionProtocol(rev([{ name: 'a', image: 'a', ports: [{ name: 'h2c', containerPort: 8080 }] }])), 'h2c');
    assert.equal(revisionProtocol(rev([{ name: 'a', image: 'a' }])), 'http1');
    // A sidecar without ports listed first: the serving container is the one with ports.
    assert.equal(revisionProtocol(rev([{ name: 'side', image: 'side' }, { name: 'a', image: 'a', ports: [{ name: 'h2c', containerPort: 8080 }] }])), 'h2c');
    // Only the serving container's first port counts.
    assert.equal(revisionProtocol(rev([{ name: 'a', image: 'a', ports: [{ name: 'http1', containerPort: 8080 }, { name: 'h2c', containerPort: 9090 }] }])), 'http1');
  });
});
