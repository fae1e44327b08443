// The EventType reconciler's status (upstream's ReferenceExists rows), the EventType auto-creation
// writes (name, reference, owner, attributes) and `kn eventtype`'s builder, table and describe.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Lookup } from '../../src/api/eventing/destination.ts';
import type { Broker, EventType } from '../../src/api/eventing/types.ts';
import type { KubeObject } from '../../src/api/meta.ts';
import { buildEventType, describeEventType } from '../../src/cli/eventing/eventtype.ts';
import { eventTypeReference, eventTypeStatus } from '../../src/controller/eventtype/index.ts';
import { autoEventType, autoEventTypeName, toDNS1123Subdomain } from '../../src/api/eventing/eventtype-auto.ts';

const now = () => new Date('2026-01-01T00:00:00Z');
const present: Lookup = (r) => (r.name === 'here' ? ({ metadata: { name: 'here', namespace: r.namespace } } as KubeObject) : undefined);
const et = (spec: EventType['spec']): EventType => ({ apiVersion: 'eventing.knative.dev/v1beta2', kind: 'EventType', metadata: { name: 'e', namespace: 'ns1' }, spec });
const rows = (s: { conditions?: { type: string; status: string; reason?: string; message?: string }[] }) => (s.conditions ?? []).map((c) => [c.type, c.status, c.reason ?? '', c.message ?? '']);

describe('EventType status (ReferenceExists)', () => {
  const cases: [string, EventType['spec'], Lookup, string[][]][] = [
    ['no reference', { type: 't' }, present, [['Ready', 'True', '', ''], ['ReferenceExists', 'True', 'ReferenceNotSet', 'spec.reference is not set']]],
    ['an all-empty reference is none', { type: 't', reference: { kind: '', name: '' } }, present, [['Ready', 'True', '', ''], ['ReferenceExists', 'True', 'ReferenceNotSet', 'spec.reference is not set']]],
    ['the reference exists', { type: 't', reference: { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name: 'here' } }, present, [['Ready', 'True', '', ''], ['ReferenceExists', 'True', '', '']]],
    [
      'the reference does not exist',
      { type: 't', reference: { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name: 'gone' } },
      present,
      [['Ready', 'False', 'ResourceDoesNotExist', 'Resource in spec.reference does not exist'], ['ReferenceExists', 'False', 'ResourceDoesNotExist', 'Resource in spec.reference does not exist']],
    ],
    [
      'a kind that cannot be read is Unknown',
      { type: 't', reference: { apiVersion: 'x.dev/v1', kind: 'Thing', name: 'here' } },
      () => 'unknown-kind',
      [['Ready', 'Unknown', 'ReferenceGetFailed', 'Failed to get reference: failed to get lister for x.dev/v1, Kind=Thing'], ['ReferenceExists', 'Unknown', 'ReferenceGetFailed', 'Failed to get reference: failed to get lister for x.dev/v1, Kind=Thing']],
    ],
    ['the deprecated spec.broker stands for a Broker reference', { type: 't', broker: 'gone' }, present, [['Ready', 'False', 'ResourceDoesNotExist', 'Resource in spec.reference does not exist'], ['ReferenceExists', 'False', 'ResourceDoesNotExist', 'Resource in spec.reference does not exist']]],
  ];
  for (const [name, spec, lookup, want] of cases) it(name, () => assert.deepEqual(rows(eventTypeStatus(et(spec), lookup, now)), want));
  it('a reference without namespace is in the EventType\'s', () => assert.equal(eventTypeReference(et({ reference: { kind: 'Broker', name: 'b' } }))?.namespace, 'ns1'));
});

describe('EventType auto-creation', () => {
  const b: Broker = { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', metadata: { name: 'default', namespace: 'ns1', uid: 'u-1' }, status: { address: { name: 'http', url: 'http://x' } } };
  it('named et-<addressable>-<md5(type+source+namespace+name)>', () =>
    // md5("dev.a/srcns1default")
    assert.equal(autoEventTypeName('default', 'ns1', 'dev.a', '/src'), 'et-default-1bdce383fba9741f9f04b2cc0b3bc964'));
  it('a name that is not a DNS-1123 subdomain is made one as upstream (lower case, invalid characters dropped)', () => {
    assert.equal(toDNS1123Subdomain('et-My_Broker-abc'), 'et-mybroker-abc');
    assert.equal(toDNS1123Subdomain('x'.repeat(300)).length, 243);
    assert.equal(toDNS1123Subdomain('et-ok.name-1'), 'et-ok.name-1');
  });
  it('for a Broker: owned by it, referring to it with its address name, the five required attributes, v1beta2 fields too', () => {
    const o = autoEventType(b, { type: 'dev.a', source: '/src', specversion: '1.0' }) as EventType & { spec: { attributes: unknown[] } };
    assert.deepEqual(o.metadata.ownerReferences, [{ apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name: 'default', uid: 'u-1' }]);
    assert.deepEqual(o.spec.reference, { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name: 'default', namespace: 'ns1', address: 'http' });
    assert.equal(o.spec.type, 'dev.a');
    assert.equal(o.spec.source, '/src');
    assert.equal(o.spec.schema, undefined);
    assert.deepEqual(o.spec.attributes, [
      { name: 'type', required: true, value: 'dev.a' },
      { name: 'source', required: true, value: '/src' },
      { name: 'schemadata', required: true, value: '' },
      { name: 'specversion', required: true, value: '1.0' },
      { name: 'id', required: true },
    ]);
  });
  it('for a reply: owned by and referring to the Trigger', () => {
    const o = autoEventType({ kind: 'Trigger', name: 't1', namespace: 'ns1', uid: 'u-t' }, { type: 'dev.reply', source: '/r', dataschema: 'https://s.example.com/x' }) as EventType;
    assert.deepEqual(o.spec?.reference, { apiVersion: 'eventing.knative.dev/v1', kind: 'Trigger', name: 't1', namespace: 'ns1' });
    assert.equal(o.metadata.ownerReferences?.[0]?.kind, 'Trigger');
    assert.equal(o.spec?.schema, 'https://s.example.com/x');
    assert.equal(o.metadata.name, autoEventTypeName('t1', 'ns1', 'dev.reply', '/r'));
  });
});

describe('kn eventtype', () => {
  it('--broker is a Broker reference without namespace; --reference wins as resolved', () => {
    assert.deepEqual(buildEventType('e', 'ns1', { type: 't', source: 'https://s', broker: 'b' }).spec, { type: 't', source: 'https://s', reference: { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name: 'b' } });
    assert.deepEqual(buildEventType('e', 'ns1', { type: 't' }, { apiVersion: 'messaging.knative.dev/v1', kind: 'Channel', name: 'c', namespace: 'ns1' }).spec, {
      type: 't',
      reference: { apiVersion: 'messaging.knative.dev/v1', kind: 'Channel', name: 'c', namespace: 'ns1' },
    });
  });
  it('describe: metadata, Source, Reference (Namespace only when it differs), conditions', () => {
    const e: EventType = { ...et({ type: 't', source: 'https://s', reference: { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name: 'b', namespace: 'other' } }), status: { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }] } };
    const out = describeEventType(e, Date.parse('2026-01-01T00:01:00Z'));
    assert.match(out, /^Name:\s+e\nNamespace:\s+ns1\n/);
    assert.match(out, /\nSource:\s+https:\/\/s\nReference:\s*\n {2}APIVersion:\s+eventing\.knative\.dev\/v1\n {2}Kind:\s+Broker\n {2}Name:\s+b\n {2}Namespace:\s+other\n\n\nConditions:\s*\n/);
  });
});
