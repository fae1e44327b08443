// src/kube/informer.ts without an API server: the cache transform, secondary indexes, namespace
// listing and read-your-writes, over a fake client whose list and watch the test drives.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../src/api/meta.ts';
import { R } from '../../../src/api/resources.ts';
import type { KubeClient, WatchEvent } from '../../../src/kube/client.ts';
import { LAST_APPLIED_ANNOTATION } from '../../../src/api/meta.ts';
import { type IndexDef, Informer, leanObject } from '../../../src/kube/informer.ts';

function obj(ns: string, name: string, rv: string, labels: Record<string, string> = {}, extra: Partial<KubeObject['metadata']> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: ns, name, resourceVersion: rv, labels, ...extra } };
}

/** A client with a fixed initial list and a watch the test feeds with send(). */
function fakeClient(items: KubeObject[]) {
  let onEvent: ((e: WatchEvent) => void) | undefined;
  const client = {
    listAll: async () => ({ items: structuredClone(items), metadata: { resourceVersion: '100' } }),
    watch: (_r: unknown, _o: unknown, h: (e: WatchEvent) => void) => {
      onEvent = h;
      let end!: () => void;
      const done = new Promise<undefined>((r) => (end = () => r(undefined)));
      return { stop: () => end(), done };
    },
  };
  return {
    client: client as unknown as KubeClient,
    send: (type: 'ADDED' | 'MODIFIED' | 'DELETED', o: KubeObject) => onEvent?.({ type, object: structuredClone(o) }),
  };
}

/** Starts the informer and lets its loop open the watch. */
async function start(inf: Informer): Promise<void> {
  await inf.start();
  await new Promise((r) => setImmediate(r));
}

const BY_APP: IndexDef = { name: 'by-app', keys: (o) => (o.metadata.labels?.app ? [`${o.metadata.namespace}/${o.metadata.labels.app}`] : []) };

describe('Informer', () => {
  it('transform: cached objects and handler arguments lose managedFields and last-applied', async () => {
    const big = obj('a', 'x', '1', {}, { managedFields: [{ manager: 'kubectl' }], annotations: { [LAST_APPLIED_ANNOTATION]: '{"huge":true}', keep: 'me' } });
    const { client, send } = fakeClient([big]);
    const inf = new Informer(client, R.ConfigMap, { transform: leanObject({ dropLastApplied: true }) });
    const seen: KubeObject[] = [];
    inf.on({ add: (o) => seen.push(o), update: (_a, b) => seen.push(b) });
    await start(inf);
    send('MODIFIED', { ...big, metadata: { ...big.metadata, resourceVersion: '2' } });
    const cached = inf.get('x', 'a');
    assert.equal(cached?.metadata.managedFields, undefined);
    assert.deepEqual(cached?.metadata.annotations, { keep: 'me' });
    assert.equal(seen.length, 2);
    for (const o of seen) assert.equal(o.metadata.managedFields, undefined);
    inf.stop();
  });

  it('leanObject keeps last-applied unless asked, and drops managedFields always', () => {
    const o = obj('a', 'x', '1', {}, { managedFields: [{}], annotations: { [LAST_APPLIED_ANNOTATION]: '{}' } });
    leanObject()(o);
    assert.equal(o.metadata.managedFields, undefined);
    assert.equal(o.metadata.annotations?.[LAST_APPLIED_ANNOTATION], '{}');
  });

  it('shareStrings: every value, key and array element is as before (numbers, booleans, nulls, numeric and odd strings)', () => {
    const long = 'x'.repeat(5000);
    const src = {
      apiVersion: 'apps/v1',
      metadata: { name: 'hello-00001-deployment', labels: { 'serving.knative.dev/revision': 'hello-00001', '80': '80', __proto__x: '__proto__' }, annotations: { big: long } },
      spec: { replicas: 0, paused: false, x: null, ports: [{ port: 80, name: 'http' }, '80', '__proto__', 'constructor', ''], nested: [['a', ['b']]] },
      status: { conditions: [{ type: 'Available', status: 'True', message: 'Deployment has minimum availability.' }] },
    };
    const o = JSON.parse(JSON.stringify(src)) as KubeObject;
    const t = leanObject({ shareStrings: true })(o);
    assert.deepEqual(t, JSON.parse(JSON.stringify(src)));
    assert.equal(Object.getPrototypeOf((t as unknown as { metadata: object }).metadata), Object.prototype);
  });

  it('byIndex: built on first use, follows adds, label changes and deletes', async () => {
    const { client, send } = fakeClient([obj('a', 'x', '1', { app: 'one' }), obj('a', 'y', '1', { app: 'two' }), obj('b', 'x', '1', { app: 'one' })]);
    const inf = new Informer(client, R.ConfigMap);
    await start(inf);
    assert.deepEqual(inf.byIndex(BY_APP, 'a/one').map((o) => o.metadata.name), ['x']);
    send('ADDED', obj('a', 'z', '2', { app: 'one' }));
    assert.deepEqual(inf.byIndex(BY_APP, 'a/one').map((o) => o.metadata.name).sort(), ['x', 'z']);
    send('MODIFIED', obj('a', 'x', '3', { app: 'two' }));
    assert.deepEqual(inf.byIndex(BY_APP, 'a/one').map((o) => o.metadata.name), ['z']);
    assert.deepEqual(inf.byIndex(BY_APP, 'a/two').map((o) => o.metadata.name).sort(), ['x', 'y']);
    send('DELETED', obj('a', 'z', '4', { app: 'one' }));
    assert.deepEqual(inf.byIndex(BY_APP, 'a/one'), []);
    assert.equal(inf.byIndex(BY_APP, 'b/one').length, 1, 'namespaces do not mix');
    assert.equal(inf.byIndex(BY_APP, 'a/three').length, 0);
    inf.stop();
  });

  it('list(namespace) sees only that namespace, list() all, through adds and deletes', async () => {
    const { client, send } = fakeClient([obj('a', 'x', '1'), obj('b', 'x', '1')]);
    const inf = new Informer(client, R.ConfigMap);
    await start(inf);
    assert.deepEqual(inf.list('a').map((o) => o.metadata.namespace), ['a']);
    assert.equal(inf.list().length, 2);
    send('DELETED', obj('a', 'x', '2'));
    assert.deepEqual(inf.list('a'), []);
    assert.equal(inf.list().length, 1);
    assert.equal(inf.size, 1);
    inf.stop();
  });

  it('noteWritten: get() returns our write until the watch delivers the next event for it', async () => {
    const { client, send } = fakeClient([obj('a', 'old', '5')]);
    const inf = new Informer(client, R.ConfigMap, { transform: leanObject() });
    await start(inf);
    const created = obj('a', 'new', '7', {}, { managedFields: [{}] });
    inf.noteWritten(created);
    assert.equal(inf.get('new', 'a')?.metadata.resourceVersion, '7', 'seen before the watch event');
    assert.equal(inf.get('new', 'a')?.metadata.managedFields, undefined, 'transformed too');
    assert.equal(inf.list('a').length, 1, 'list() is the cache only');
    created.metadata.name = 'mutated';
    assert.equal(inf.get('new', 'a')?.metadata.name, 'new', 'a copy is kept');
    inf.noteWritten(obj('a', 'old', '9', { v: 'mine' }));
    assert.equal(inf.get('old', 'a')?.metadata.labels?.v, 'mine', 'an update newer than the cache wins');
    send('ADDED', obj('a', 'new', '7', { from: 'watch' }));
    assert.equal(inf.get('new', 'a')?.metadata.labels?.from, 'watch', 'the watch caught up');
    send('MODIFIED', obj('a', 'old', '11', { v: 'later' }));
    assert.equal(inf.get('old', 'a')?.metadata.labels?.v, 'later', 'any later event supersedes our write');
    inf.noteWritten(obj('a', 'old', '11'));
    assert.equal(inf.get('old', 'a')?.metadata.labels?.v, 'later', 'a write the cache already holds is not remembered');
    inf.noteWritten(obj('a', 'gone', '12'));
    send('DELETED', obj('a', 'gone', '13'));
    assert.equal(inf.get('gone', 'a'), undefined, 'a delete forgets the write');
    inf.stop();
  });

  it('noteWritten entries expire', async () => {
    const { client } = fakeClient([]);
    const inf = new Informer(client, R.ConfigMap);
    await start(inf);
    inf.noteWritten(obj('a', 'x', '3'), undefined, -1);
    assert.equal(inf.get('x', 'a'), undefined);
    inf.stop();
  });

  it('noteWritten after an event arrived while the write was in flight remembers nothing', async () => {
    const { client, send } = fakeClient([obj('a', 'x', 'rv-a')]);
    const inf = new Informer(client, R.ConfigMap);
    await start(inf);
    // Versions that sort the "wrong" way: nothing may depend on their order.
    const mark = inf.writeStarted('a/x');
    send('MODIFIED', obj('a', 'x', 'rv-later', { by: 'someone' }));
    inf.noteWritten(obj('a', 'x', 'rv-0', { by: 'us' }), mark);
    assert.equal(inf.get('x', 'a')?.metadata.labels?.by, 'someone', 'the cache moved during our write: it is trusted');
    const quiet = inf.writeStarted('a/x');
    inf.noteWritten(obj('a', 'x', 'rv-00', { by: 'us' }), quiet);
    assert.equal(inf.get('x', 'a')?.metadata.labels?.by, 'us', 'nothing arrived meanwhile: our write is read back');
    const failed = inf.writeStarted('a/x');
    inf.writeFailed(failed);
    send('MODIFIED', obj('a', 'x', 'rv-zz', { by: 'them' }));
    assert.equal(inf.get('x', 'a')?.metadata.labels?.by, 'them');
    inf.stop();
  });
});
