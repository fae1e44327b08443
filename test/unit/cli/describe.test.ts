// kn's describe layout: metadata, conditions table, service/revision/route/domain layouts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Condition } from '../../../src/api/meta.ts';
import type { DomainMapping, Revision, Service } from '../../../src/api/serving/types.ts';
import { conditionMarker, PrefixWriter, sortConditions, writeConditions, writeMetadata } from '../../../src/cli/output/describe.ts';
import { describeDomainMapping, describeRevision, describeService, revisionDescriptions } from '../../../src/cli/serving/describe-serving.ts';

const NOW = Date.parse('2024-01-01T01:00:00Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString();

describe('describe writer', () => {
  it('metadata: boring keys hidden and the rest joined and cut at 100 without -v', () => {
    const dw = new PrefixWriter();
    const labels: Record<string, string> = { 'serving.knative.dev/service': 'x', app: 'hello' };
    for (let i = 0; i < 12; i++) labels[`key${i}`] = 'value-value';
    writeMetadata(dw, { name: 'n', namespace: 'ns', labels, creationTimestamp: ago(300) }, false, NOW);
    const out = dw.toString();
    const line = out.split('\n').find((l) => l.startsWith('Labels:'))!;
    assert.equal(line.length, 'Labels:     '.length + 92);
    assert.ok(line.endsWith(' ...'));
    assert.ok(!out.includes('serving.knative.dev/service'));
    assert.match(out, /\nAge: +5m\n$/);
  });
  it('metadata with -v: one k=v per line, all keys', () => {
    const dw = new PrefixWriter();
    writeMetadata(dw, { name: 'n', namespace: 'ns', annotations: { 'serving.knative.dev/creator': 'me', b: '2' } }, true, NOW);
    assert.equal(dw.toString(), 'Name:         n\nNamespace:    ns\nAnnotations:  b=2\n              serving.knative.dev/creator=me\nAge:          \n');
  });
  it('conditions: Ready first, then by severity and type; markers; -v adds the message', () => {
    const cs: Condition[] = [
      { type: 'Zeta', status: 'False', severity: 'Info', reason: 'I' },
      { type: 'Beta', status: 'False', severity: 'Warning', reason: 'W', message: 'warn' },
      { type: 'Alpha', status: 'Unknown' },
      { type: 'Ready', status: 'False', reason: 'Bad', message: 'very bad', lastTransitionTime: ago(46) },
    ];
    assert.deepEqual(sortConditions(cs).map((c) => c.type), ['Ready', 'Alpha', 'Beta', 'Zeta']);
    assert.deepEqual(cs.map(conditionMarker), [' I', ' W', '??', '!!']);
    assert.equal(conditionMarker({ type: 'x', status: 'True' }), '++');
    const dw = new PrefixWriter();
    writeConditions(dw, cs, true, NOW);
    assert.equal(
      dw.toString(),
      'Conditions:  \n  OK TYPE     AGE REASON\n  !! Ready    46s Bad (very bad)\n  ?? Alpha        \n   W Beta         W (warn)\n   I Zeta         I (undefined)\n'.replace('I (undefined)', 'I ()'),
    );
  });
});

const rev = (name: string, gen: number, ready: Condition['status']): Revision => ({
  metadata: { name, namespace: 'ns', labels: { 'serving.knative.dev/service': 'svc', 'serving.knative.dev/configurationGeneration': String(gen) }, creationTimestamp: ago(50) },
  spec: { containers: [{ name: 'c', image: 'img', ports: [{ containerPort: 8080 }], resources: { requests: { cpu: '100m' }, limits: { cpu: '1', memory: '1Gi' } } }], containerConcurrency: 10 },
  status: { conditions: [{ type: 'Ready', status: ready, reason: ready === 'False' ? 'Crash' : undefined }] },
});

describe('serving describe layouts', () => {
  const service: Service = {
    metadata: { name: 'svc', namespace: 'ns', creationTimestamp: ago(120) },
    spec: { template: { spec: { containers: [{ name: 'c', image: 'img' }], serviceAccountName: 'sa' } } },
    status: {
      url: 'http://svc.ns.example.com',
      latestCreatedRevisionName: 'svc-00003',
      latestReadyRevisionName: 'svc-00002',
      traffic: [{ revisionName: 'svc-00002', latestRevision: true, percent: 100 }, { revisionName: 'svc-00001', percent: 0, tag: 'old' }],
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: ago(46) }],
    },
  };
  const revs: Record<string, Revision> = { 'svc-00001': rev('svc-00001', 1, 'True'), 'svc-00002': rev('svc-00002', 2, 'True'), 'svc-00003': rev('svc-00003', 3, 'False') };
  const reader = {
    getRevision: async (n: string) => revs[n]!,
    getConfigurationLatestCreated: async () => 'svc-00003',
    listServiceRevisions: async () => Object.values(revs),
  };

  it('service: revisions ordered by generation, bullets, headers, Error line', async () => {
    const descs = await revisionDescriptions(reader, service, false);
    assert.deepEqual(descs.map((d) => d.revision.metadata.name), ['svc-00003', 'svc-00002', 'svc-00001']);
    assert.equal(
      describeService(service, descs, false, NOW),
      [
        'Name:             svc',
        'Namespace:        ns',
        'Age:              2m',
        'URL:              http://svc.ns.example.com',
        'Service Account:  sa',
        '',
        'Revisions:  ',
        '     !  svc-00003 (latest created) [3] (50s)',
        '        Error:  Crash',
        '        Image:  img',
        '  100%  @latest (svc-00002) [2] (50s)',
        '        Image:  img',
        '     +  svc-00001 #old [1] (50s)',
        '        Image:  img',
        '',
        'Conditions:  ',
        '  OK TYPE     AGE REASON',
        '  ++ Ready    46s ',
        '',
      ].join('\n'),
    );
  });

  it('revision: port, concurrency, resources', () => {
    const out = describeRevision(revs['svc-00002']!, undefined, false, NOW);
    assert.match(out, /\nPort: +8080\nConcurrency: +\n {2}Limit: +10\nMemory: +1Gi\nCPU: +100m \.\.\. 1\nService: +svc\n/);
  });

  it('domain mapping: reference block, namespace only when it differs', () => {
    const dm: DomainMapping = {
      metadata: { name: 'a.example.org', namespace: 'ns' },
      spec: { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'svc', namespace: 'other' } },
    };
    assert.match(describeDomainMapping(dm, false, NOW), /\nReference: +\n {2}APIVersion: +serving\.knative\.dev\/v1\n {2}Kind: +Service\n {2}Name: +svc\n {2}Namespace: +other\n\n/);
  });
});
