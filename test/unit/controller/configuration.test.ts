// Configuration → Revision: table rows, plus naming, defaulting and validation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { L } from '../../../src/api/serving/labels.ts';
import { childName, deploymentName, generatedRevisionName } from '../../../src/api/serving/naming.ts';
import { setServiceDefaults } from '../../../src/api/serving/defaults.ts';
import type { Revision } from '../../../src/api/serving/types.ts';
import { formatErrors, validateRevisionTemplate, validateService, validateTraffic } from '../../../src/api/serving/validation.ts';
import { makeRevision } from '../../../src/controller/configuration/resources.ts';
import { configurationReconciler } from '../../../src/controller/configuration/index.ts';
import {
  assertConditions,
  config,
  ksvc,
  markRevFailed,
  markRevReady,
  NOW,
  rev,
  tableTest,
  withAnnotations,
  withConditions,
  withGeneration,
  withImage,
  withLabels,
  withObservedGeneration,
  withStatus,
  withTemplateName,
} from './fixtures.ts';

describe('naming', () => {
  it('revision names are <config>-%05d; long names are shortened with an md5 like kmeta.ChildName', () => {
    assert.equal(generatedRevisionName('hello', 1), 'hello-00001');
    assert.equal(generatedRevisionName('hello', 123456), 'hello-123456');
    const long = 'a'.repeat(60);
    const n = childName(long, '-00001');
    assert.equal(n.length, 63);
    assert.match(n, /^a{25}[0-9a-f]{32}-00001$/);
    assert.equal(deploymentName('hello-00001'), 'hello-00001-deployment');
    const veryLongSuffix = childName('abc', `-${'x'.repeat(70)}`);
    assert.ok(veryLongSuffix.length <= 63);
  });
});

describe('defaults and validation', () => {
  it('setServiceDefaults fills what the webhook would', () => {
    const s = setServiceDefaults(ksvc('ns', 'a'));
    assert.deepEqual(s.spec.traffic, [{ percent: 100, latestRevision: true }]);
    assert.equal(s.spec.template.spec.containers[0]?.name, 'user-container');
    const two = setServiceDefaults(ksvc('ns', 'b', (x) => x.spec.template.spec.containers.push({ image: 'side' } as never)));
    assert.deepEqual(two.spec.template.spec.containers.map((c) => c.name), ['user-container-0', 'user-container-1']);
  });

  it('reports upstream-style field errors', () => {
    const s = ksvc('ns', 'a', withImage(''), (x) => {
      const c = x.spec.template.spec.containers[0];
      if (c) {
        c.ports = [{ containerPort: 8012 }];
        c.env = [{ name: 'PORT', value: '1' }];
      }
      x.spec.template.spec.timeoutSeconds = 900;
    });
    assert.equal(
      formatErrors(validateService(s)),
      [
        '"PORT" is a reserved environment variable: spec.template.spec.containers[0].env[0].name',
        'expected 0 <= 900 <= 600: spec.template.spec.timeoutSeconds',
        'invalid value: 8012: spec.template.spec.containers[0].ports[0].containerPort\n8012 is a reserved port',
        'missing field(s): spec.template.spec.containers[0].image',
      ].join('\n'),
    );
    assert.match(formatErrors(validateRevisionTemplate({ metadata: { name: 'other-v1' }, spec: { containers: [{ image: 'x' } as never] } }, { name: 'a' })), /"other-v1" must have prefix "a-"/);
    assert.equal(formatErrors(validateTraffic([{ revisionName: 'r', latestRevision: true, percent: 100 }], true)), 'may not set revisionName "r" when latestRevision is true: spec.traffic[0].latestRevision');
    assert.equal(formatErrors(validateTraffic([{ configurationName: 'c', percent: 100 }], true)), 'must not set the field(s): spec.traffic[0].configurationName');
  });
});

describe('makeRevision', () => {
  it('labels, annotations, owner and name from the configuration', () => {
    const c = config('ns', 'hello', withGeneration(3), withLabels({ [L.service]: 'hello', [L.serviceUID]: 'u1' }), withAnnotations({ 'serving.knative.dev/routes': 'hello', 'serving.knative.dev/lastModifier': 'alice' }));
    const r = makeRevision(c, NOW);
    assert.equal(r.metadata.name, 'hello-00003');
    assert.deepEqual(r.metadata.labels, {
      [L.configuration]: 'hello',
      [L.configurationGeneration]: '3',
      [L.configurationUID]: 'cfg-uid-hello',
      [L.service]: 'hello',
      [L.serviceUID]: 'u1',
      [L.routingState]: 'active',
    });
    assert.deepEqual(r.metadata.annotations, { 'serving.knative.dev/routingStateModified': '2024-05-01T12:00:00Z', 'serving.knative.dev/creator': 'alice', 'serving.knative.dev/routes': 'hello' });
    assert.equal(r.metadata.ownerReferences?.[0]?.kind, 'Configuration');
    assert.equal(r.spec.timeoutSeconds, 300);
    assert.equal(makeRevision(config('ns', 'x'), NOW).metadata.labels?.[L.routingState], 'pending');
  });
});

const cfg = (...o: Parameters<typeof config>[2][]) => config('default', 'hello', ...o);

describe('configuration reconciler', () => {
  tableTest(configurationReconciler, [
    {
      name: 'first reconcile creates hello-00001 and records it as latest created',
      objects: [cfg()],
      key: 'default/hello',
      wantCreates: ['Revision/hello-00001'],
      wantEvents: ['Normal Created Created Revision "hello-00001"'],
      wantStatus: (s) => {
        assert.equal(s.latestCreatedRevisionName, 'hello-00001');
        assert.equal(s.latestReadyRevisionName, undefined);
        assertConditions(s, [['Ready', 'Unknown']]);
      },
    },
    {
      name: 'the latest created revision became ready: latest ready, Ready True, events',
      objects: [cfg(), rev('default', cfg(), 1, markRevReady)],
      key: 'default/hello',
      wantCreates: [],
      wantEvents: ['Normal ConfigurationReady Configuration becomes ready', 'Normal LatestReadyUpdate LatestReadyRevisionName updated to "hello-00001"'],
      wantStatus: (s) => {
        assert.equal(s.latestReadyRevisionName, 'hello-00001');
        assertConditions(s, [['Ready', 'True']]);
      },
    },
    {
      name: 'generation 2: a new revision; latest ready stays on the old one meanwhile',
      objects: [
        cfg(withGeneration(2), withImage('v2'), withObservedGeneration(1), withStatus({ latestCreatedRevisionName: 'hello-00001', latestReadyRevisionName: 'hello-00001' }), withConditions(['Ready', 'True'])),
        rev('default', cfg(), 1, markRevReady),
      ],
      key: 'default/hello',
      wantCreates: ['Revision/hello-00002'],
      wantStatus: (s) => {
        assert.equal(s.latestCreatedRevisionName, 'hello-00002');
        assert.equal(s.latestReadyRevisionName, 'hello-00001');
        assertConditions(s, [['Ready', 'Unknown']]);
      },
      check: ({ client }) => assert.equal((client.creates()[0] as Revision).metadata.labels?.[L.configurationGeneration], '2'),
    },
    {
      name: 'the latest created revision failed: RevisionFailed with its message',
      objects: [cfg(), rev('default', cfg(), 1, markRevFailed('ExitCode1', 'Container failed with: oops'))],
      key: 'default/hello',
      wantEvents: ['Warning LatestCreatedFailed Latest created revision "hello-00001" has failed'],
      wantStatus: (s) => assertConditions(s, [['Ready', 'False', 'RevisionFailed', 'Revision "hello-00001" failed with message: Container failed with: oops.']]),
    },
    {
      name: 'BYO name: created with that name',
      objects: [cfg(withTemplateName('hello-blue'))],
      key: 'default/hello',
      wantCreates: ['Revision/hello-blue'],
    },
    {
      name: 'BYO name held by a revision of another configuration: RevisionFailed "already exists"',
      objects: [
        cfg(withTemplateName('hello-blue')),
        (() => {
          const r = rev('default', config('default', 'other'), 1);
          r.metadata.name = 'hello-blue';
          return r;
        })(),
      ],
      key: 'default/hello',
      wantCreates: [],
      wantStatus: (s) => assertConditions(s, [['Ready', 'False', 'RevisionFailed', 'Revision creation failed with message: revisions.serving.knative.dev "hello-blue" already exists.']]),
    },
    {
      name: 'BYO name reused with a different spec at a new generation: RevisionFailed',
      objects: [cfg(withTemplateName('hello-blue'), withGeneration(2), withImage('v2')), rev('default', cfg(withTemplateName('hello-blue')), 1)],
      key: 'default/hello',
      wantCreates: [],
      wantStatus: (s) => assertConditions(s, [['Ready', 'False', 'RevisionFailed']]),
    },
    {
      name: 'an invalid template: no revision, RevisionFailed with the field error',
      objects: [cfg(withImage(''))],
      key: 'default/hello',
      wantCreates: [],
      wantStatus: (s) =>
        assertConditions(s, [['Ready', 'False', 'RevisionFailed', 'Revision creation failed with message: validation failed: missing field(s): spec.template.spec.containers[0].image.']]),
    },
    {
      name: 'creating the revision fails: CreationFailed, Ready False, retried',
      objects: [cfg()],
      key: 'default/hello',
      failOn: [['create', 'revisions']],
      wantErr: true,
      wantStatus: (s) => assertConditions(s, [['Ready', 'False', 'RevisionFailed', 'Revision creation failed with message: inducing failure for create revisions.']]),
    },
  ]);
});
