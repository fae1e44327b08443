// Service → Configuration + Route: table rows in the style of serving's service table_test.go.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { L } from '../../../src/api/serving/labels.ts';
import type { Configuration, Route } from '../../../src/api/serving/types.ts';
import { makeConfiguration, makeRoute } from '../../../src/controller/service/resources.ts';
import { serviceReconciler } from '../../../src/controller/service/index.ts';
import {
  assertConditions,
  config,
  ksvc,
  markRevReady,
  rev,
  route,
  tableTest,
  withAnnotations,
  withConditions,
  withGeneration,
  withImage,
  withLabels,
  withObservedGeneration,
  withOwner,
  withStatus,
  withTemplateName,
  withTraffic,
} from './fixtures.ts';

describe('makeConfiguration / makeRoute', () => {
  it('labels, annotations, owner and defaulted template', () => {
    const svc = ksvc('ns', 'hello', withLabels({ team: 'a' }), withAnnotations({ 'kubectl.kubernetes.io/last-applied-configuration': '{}', 'serving.knative.dev/rollout-duration': '60s', note: 'x' }));
    const c = makeConfiguration(svc);
    assert.deepEqual(c.metadata.labels, { team: 'a', [L.service]: 'hello', [L.serviceUID]: 'svc-uid-hello' });
    assert.deepEqual(c.metadata.annotations, { note: 'x', 'serving.knative.dev/routes': 'hello' });
    assert.deepEqual(c.metadata.ownerReferences, [{ apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'hello', uid: 'svc-uid-hello', controller: true, blockOwnerDeletion: true }]);
    const spec = c.spec.template.spec;
    assert.equal(spec.containers[0]?.name, 'user-container');
    assert.equal(spec.timeoutSeconds, 300);
    assert.equal(spec.containerConcurrency, 0);
    assert.equal(spec.enableServiceLinks, false);
    assert.deepEqual(spec.containers[0]?.readinessProbe, { tcpSocket: { port: 0 }, successThreshold: 1 });
    const r = makeRoute(svc);
    assert.deepEqual(r.metadata.labels, { team: 'a', [L.service]: 'hello' });
    assert.deepEqual(r.metadata.annotations, { note: 'x', 'serving.knative.dev/rollout-duration': '60s' });
    assert.deepEqual(r.spec.traffic, [{ percent: 100, latestRevision: true, configurationName: 'hello' }]);
  });

  it('pinned traffic keeps its revisionName; the rest follows the configuration', () => {
    const svc = ksvc('ns', 'hello', withTraffic({ revisionName: 'hello-00001', percent: 50 }, { latestRevision: true, percent: 50, tag: 'next' }));
    assert.deepEqual(makeRoute(svc).spec.traffic, [
      { revisionName: 'hello-00001', percent: 50, latestRevision: false },
      { latestRevision: true, percent: 50, tag: 'next', configurationName: 'hello' },
    ]);
  });
});

const svc = () => ksvc('default', 'hello');
const ownedCfg = (...o: ((c: Configuration) => void)[]) => {
  const c = makeConfiguration(svc());
  c.metadata.uid = 'cfg-uid-hello';
  c.metadata.generation = 1;
  for (const f of o) f(c);
  return c;
};
const ownedRoute = (...o: ((r: Route) => void)[]) => {
  const r = makeRoute(svc());
  r.metadata.generation = 1;
  for (const f of o) f(r);
  return r;
};

describe('service reconciler', () => {
  tableTest(serviceReconciler, [
    {
      name: 'first reconcile creates the Configuration and the Route',
      objects: [svc()],
      key: 'default/hello',
      wantCreates: ['Configuration/hello', 'Route/hello'],
      wantEvents: ['Normal Created Created Configuration "hello"', 'Normal Created Created Route "hello"'],
      wantStatus: (s) => {
        assertConditions(s, [
          ['ConfigurationsReady', 'Unknown', 'OutOfDate', 'The Configuration is still working to reflect the latest desired specification.'],
          ['RoutesReady', 'Unknown', 'OutOfDate', 'The Route is still working to reflect the latest desired specification.'],
          ['Ready', 'Unknown'],
        ]);
        assert.equal(s.observedGeneration, 1);
      },
    },
    {
      name: 'children ready: Service ready with url, address, traffic and latest revisions copied',
      objects: [
        svc(),
        ownedCfg(withObservedGeneration(1), withStatus({ latestCreatedRevisionName: 'hello-00001', latestReadyRevisionName: 'hello-00001' }), withConditions(['Ready', 'True'])),
        ownedRoute(
          withConditions(['Ready', 'True']),
          withStatus({ observedGeneration: 1, url: 'http://hello.default.example.com', address: { url: 'http://hello.default.svc.cluster.local' }, traffic: [{ revisionName: 'hello-00001', latestRevision: true, percent: 100 }] }),
        ),
      ],
      key: 'default/hello',
      wantCreates: [],
      wantUpdates: [],
      wantStatus: (s) => {
        assertConditions(s, [['ConfigurationsReady', 'True'], ['RoutesReady', 'True'], ['Ready', 'True']]);
        assert.equal(s.url, 'http://hello.default.example.com');
        assert.deepEqual(s.address, { url: 'http://hello.default.svc.cluster.local' });
        assert.equal(s.latestReadyRevisionName, 'hello-00001');
        assert.equal(s.latestCreatedRevisionName, 'hello-00001');
      },
    },
    {
      name: 'route traffic not yet on the latest ready revision: TrafficNotMigrated',
      objects: [
        svc(),
        ownedCfg(withObservedGeneration(1), withStatus({ latestCreatedRevisionName: 'hello-00002', latestReadyRevisionName: 'hello-00002' }), withConditions(['Ready', 'True'])),
        ownedRoute(withConditions(['Ready', 'True']), withStatus({ observedGeneration: 1, traffic: [{ revisionName: 'hello-00001', latestRevision: true, percent: 100 }] })),
      ],
      key: 'default/hello',
      wantStatus: (s) => assertConditions(s, [['RoutesReady', 'Unknown', 'TrafficNotMigrated', 'Traffic is not yet migrated to the latest revision.'], ['Ready', 'Unknown']]),
    },
    {
      name: 'configuration failed: ConfigurationsReady mirrors its reason and message',
      objects: [
        svc(),
        ownedCfg(withObservedGeneration(1), withConditions(['Ready', 'False', 'RevisionFailed', 'Revision "hello-00001" failed with message: Back-off.'])),
        ownedRoute(withObservedGeneration(1), withConditions(['Ready', 'Unknown', 'RevisionMissing'])),
      ],
      key: 'default/hello',
      wantStatus: (s) =>
        assertConditions(s, [
          ['ConfigurationsReady', 'False', 'RevisionFailed', 'Revision "hello-00001" failed with message: Back-off.'],
          ['Ready', 'False', 'RevisionFailed'],
        ]),
    },
    {
      name: 'a Configuration of that name not owned by the Service: NotOwned',
      objects: [svc(), config('default', 'hello')],
      key: 'default/hello',
      wantCreates: [],
      wantStatus: (s) => assertConditions(s, [['ConfigurationsReady', 'False', 'NotOwned', 'There is an existing Configuration "hello" that we do not own.'], ['Ready', 'False']]),
    },
    {
      name: 'a Route of that name not owned by the Service: NotOwned',
      objects: [svc(), ownedCfg(withObservedGeneration(1)), route('default', 'hello')],
      key: 'default/hello',
      wantCreates: [],
      wantStatus: (s) => assertConditions(s, [['RoutesReady', 'False', 'NotOwned', 'There is an existing Route "hello" that we do not own.']]),
    },
    {
      name: 'a new image updates the Configuration spec',
      objects: [ksvc('default', 'hello', withImage('ghcr.io/x/y:v2'), withGeneration(2)), ownedCfg(withObservedGeneration(1)), ownedRoute(withObservedGeneration(1))],
      key: 'default/hello',
      wantUpdates: ['Configuration/hello'],
      wantEvents: ['Normal Updated Updated Configuration "hello"'],
      check: ({ client }) => assert.equal((client.updates()[0] as Configuration).spec.template.spec.containers[0]?.image, 'ghcr.io/x/y:v2'),
    },
    {
      name: 'BYO revision name: wait for the Configuration before touching the Route',
      objects: [ksvc('default', 'hello', withTemplateName('hello-v1'))],
      key: 'default/hello',
      wantCreates: ['Configuration/hello'],
    },
    {
      name: 'BYO revision name taken by another configuration: RevisionNameTaken',
      objects: (() => {
        const s = ksvc('default', 'hello', withTemplateName('hello-v1'));
        const c = makeConfiguration(s);
        c.metadata.generation = 1;
        c.metadata.uid = 'cfg-uid-hello';
        withObservedGeneration(1)(c);
        const other = config('default', 'other');
        const r = rev('default', other, 1, markRevReady);
        r.metadata.name = 'hello-v1';
        r.metadata.ownerReferences = [{ apiVersion: 'serving.knative.dev/v1', kind: 'Configuration', name: 'other', uid: 'cfg-uid-other', controller: true }];
        return [s, c, r];
      })(),
      key: 'default/hello',
      wantCreates: [],
      wantStatus: (s) => assertConditions(s, [['RoutesReady', 'False', 'RevisionNameTaken', 'The revision name "hello-v1" is taken']]),
    },
    {
      name: 'invalid traffic: Ready False, no children written',
      objects: [ksvc('default', 'hello', withTraffic({ latestRevision: true, percent: 90 }))],
      key: 'default/hello',
      wantCreates: [],
      wantStatus: (s) => assertConditions(s, [['Ready', 'False', 'ValidationFailed', 'validation failed: Traffic targets sum to 90, want 100: spec.traffic']]),
    },
    {
      name: 'autoscaling annotations on the Service itself are rejected',
      objects: [ksvc('default', 'hello', withAnnotations({ 'autoscaling.knative.dev/min-scale': '1' }))],
      key: 'default/hello',
      wantCreates: [],
      wantStatus: (s) =>
        assertConditions(s, [['Ready', 'False', 'ValidationFailed', 'validation failed: autoscaling annotations must be put under spec.template.metadata.annotations to work: metadata.annotations.autoscaling.knative.dev/min-scale']]),
    },
    {
      name: 'creating the Configuration fails: CreationFailed event and an error to retry',
      objects: [svc()],
      key: 'default/hello',
      failOn: [['create', 'configurations']],
      wantErr: true,
      wantEvents: ['Warning CreationFailed Failed to create Configuration "hello": inducing failure for create configurations', 'Warning InternalError inducing failure for create configurations'],
    },
    {
      name: 'steady state writes nothing',
      objects: [
        ksvc('default', 'hello', withObservedGeneration(1), withStatus({ latestCreatedRevisionName: 'hello-00001', latestReadyRevisionName: 'hello-00001', url: 'http://h', traffic: [{ revisionName: 'hello-00001', latestRevision: true, percent: 100 }] }), (s) => {
          withConditions(['ConfigurationsReady', 'True'], ['Ready', 'True'], ['RoutesReady', 'True'])(s);
          withObservedGeneration(1)(s);
        }),
        ownedCfg(withObservedGeneration(1), withStatus({ latestCreatedRevisionName: 'hello-00001', latestReadyRevisionName: 'hello-00001' }), withConditions(['Ready', 'True'])),
        ownedRoute(withConditions(['Ready', 'True']), withStatus({ observedGeneration: 1, url: 'http://h', traffic: [{ revisionName: 'hello-00001', latestRevision: true, percent: 100 }] })),
      ],
      key: 'default/hello',
      wantCreates: [],
      wantUpdates: [],
      wantStatus: null,
      wantEvents: [],
    },
  ]);

  it('the configuration owner is this service', () => {
    const c = ownedCfg();
    withOwner(svc())(c);
    assert.equal(c.metadata.ownerReferences?.[0]?.uid, 'svc-uid-hello');
  });
});
