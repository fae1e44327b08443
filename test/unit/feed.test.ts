// The data-plane feed's pure parts (src/api/eventing/feed.ts): what an object is cut down to, which
// lines are the feed's, how the broker's copy follows a connection, and the EventType reports.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeFeed, encodeFeed, FeedMirror, parseObserved, project } from '../../src/api/eventing/feed.ts';
import type { KubeObject } from '../../src/api/meta.ts';

const obj = (name: string, extra: object = {}): KubeObject => ({ apiVersion: 'eventing.knative.dev/v1', kind: 'Trigger', metadata: { name, namespace: 'ns', uid: `u-${name}` }, ...extra });

describe('project', () => {
  it('a Broker keeps its class, delivery, address name and dead-letter URI; nothing else', () => {
    const b = {
      metadata: { name: 'b', namespace: 'ns', uid: 'u', resourceVersion: '9', labels: { x: 'y' }, annotations: { 'eventing.knative.dev/broker.class': 'MTChannelBasedBroker', other: 'z' } },
      spec: { config: { name: 'c' }, delivery: { retry: 3 } },
      status: { conditions: [{ type: 'Ready', status: 'True' }], address: { name: 'http', url: 'http://x' }, deadLetterSinkUri: 'http://dls' },
    };
    assert.deepEqual(project('Broker', b as KubeObject), {
      metadata: { name: 'b', namespace: 'ns', uid: 'u', annotations: { 'eventing.knative.dev/broker.class': 'MTChannelBasedBroker' } },
      spec: { delivery: { retry: 3 } },
      status: { address: { name: 'http' }, deadLetterSinkUri: 'http://dls' },
    });
  });
  it('a Trigger keeps its spec and resolved URIs, and its deletion mark', () => {
    const spec = { broker: 'default', filters: [{ exact: { type: 't' } }], subscriber: { ref: { kind: 'Service', name: 's' } } };
    const t = obj('t', { spec, status: { subscriberUri: 'http://s', conditions: [] } });
    t.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    assert.deepEqual(project('Trigger', t), { metadata: { name: 't', namespace: 'ns', uid: 'u-t', deletionTimestamp: '2026-01-01T00:00:00Z' }, spec, status: { subscriberUri: 'http://s' } });
  });
  it('an InMemoryChannel keeps its subscribers only', () => {
    const subscribers = [{ uid: 's1', subscriberUri: 'http://a' }];
    assert.deepEqual(project('InMemoryChannel', obj('c', { spec: { subscribers }, status: { address: { url: 'http://c' } } })), { metadata: { name: 'c', namespace: 'ns', uid: 'u-c' }, spec: { subscribers } });
    assert.deepEqual(project('InMemoryChannel', obj('d')).spec, { subscribers: [] });
  });
});

describe('decodeFeed', () => {
  const rows: [string, boolean][] = [
    [encodeFeed({ op: 'put', kind: 'Trigger', object: obj('t') }).trim(), true],
    ['{"op":"delete","kind":"Broker","key":"ns/b"}', true],
    ['{"op":"features","eventTypeAutoCreate":true}', true],
    ['{"op":"synced"}', true],
    ['{"op":"ping"}', true],
    ['{"op":"put","kind":"Pod","object":{"metadata":{"name":"p"}}}', false],
    ['{"op":"put","kind":"Trigger","object":{}}', false],
    ['{"op":"delete","kind":"Trigger"}', false],
    ['{"op":"features","eventTypeAutoCreate":"yes"}', false],
    ['{"op":"explode"}', false],
    ['null', false],
    ['not json', false],
  ];
  for (const [line, ok] of rows) it(`${ok ? 'takes' : 'refuses'} ${line}`, () => assert.equal(decodeFeed(line) !== undefined, ok));
});

describe('FeedMirror', () => {
  it('a connection\'s snapshot replaces the copy at synced; changes after it apply at once', () => {
    const m = new FeedMirror();
    m.reset();
    assert.equal(m.apply({ op: 'put', kind: 'Trigger', object: obj('a') }), false, 'not served before synced');
    assert.deepEqual(m.list('Trigger'), []);
    assert.equal(m.apply({ op: 'synced' }), true);
    assert.deepEqual(m.list('Trigger').map((o) => o.metadata.name), ['a']);
    assert.equal(m.apply({ op: 'put', kind: 'Trigger', object: obj('b') }), true);
    assert.equal(m.get('Trigger', 'ns/b')?.metadata.uid, 'u-b');
    assert.equal(m.apply({ op: 'delete', kind: 'Trigger', key: 'ns/zzz' }), false, 'deleting what is not there changes nothing');
    // A reconnect: the old copy serves until the new snapshot is whole; what it no longer lists is gone.
    m.reset();
    m.apply({ op: 'put', kind: 'Trigger', object: obj('c') });
    assert.deepEqual(m.list('Trigger').map((o) => o.metadata.name), ['a', 'b']);
    m.apply({ op: 'synced' });
    assert.deepEqual(m.list('Trigger').map((o) => o.metadata.name), ['c']);
    assert.equal(m.apply({ op: 'delete', kind: 'Trigger', key: 'ns/c' }), true);
    assert.deepEqual(m.list('Trigger'), []);
  });
  it('features set the flag without changing the table', () => {
    const m = new FeedMirror();
    assert.equal(m.apply({ op: 'features', eventTypeAutoCreate: true }), false);
    assert.equal(m.eventTypeAutoCreate, true);
    assert.equal(m.apply({ op: 'ping' }), false);
  });
});

describe('parseObserved', () => {
  const ref = { kind: 'Broker', name: 'b', namespace: 'ns', uid: 'u' };
  it('takes a list of references with type and source', () => {
    const body = JSON.stringify([{ ref, type: 't', source: '/s', specversion: '1.0' }]);
    assert.deepEqual(parseObserved(body), [{ ref, type: 't', source: '/s', specversion: '1.0' }]);
    assert.deepEqual(parseObserved('[]'), []);
  });
  const bad: [string, string][] = [
    ['{', 'the body is not JSON'],
    ['{}', 'the body must be a JSON array'],
    [JSON.stringify([{ ref: { ...ref, kind: 'Pod' }, type: 't', source: '' }]), 'each item needs ref.kind (Broker, Trigger or InMemoryChannel), ref.name, ref.namespace and ref.uid'],
    [JSON.stringify([{ ref: { ...ref, name: '' }, type: 't', source: '' }]), 'each item needs ref.kind (Broker, Trigger or InMemoryChannel), ref.name, ref.namespace and ref.uid'],
    [JSON.stringify([{ ref, source: '/s' }]), 'each item needs a type and a source'],
    [JSON.stringify([{ ref, type: 't', source: '/s', dataschema: 5 }]), 'dataschema and specversion must be strings'],
  ];
  for (const [body, want] of bad) it(`refuses ${body}`, () => assert.equal(parseObserved(body), want));
});
