// The controller runtime: the work queue's guarantees, rate limiting, order-stable status compare,
// condition sets, and reconcileKey's status handling (write only on change, conflict retry, events).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject, Status } from '../../../src/api/meta.ts';
import { R } from '../../../src/api/resources.ts';
import { ConditionManager, livingSet } from '../../../src/api/serving/conditions.ts';
import { BucketRateLimiter, ExponentialFailureRateLimiter, WorkQueue } from '../../../src/controller/runtime/queue.ts';
import { keepTransitionTimes, MAX_DEFERRED_WRITES, ReconcileState, reconcileKey } from '../../../src/controller/runtime/reconcile.ts';
import { stableStringify } from '../../../src/controller/runtime/stable.ts';
import type { Reconciler } from '../../../src/controller/runtime/types.ts';
import { KubeError } from '../../../src/kube/errors.ts';
import { EARLIER_S, FakeClient, ksvc, makeEnv, NOW_S, withConditions, withObservedGeneration } from './fixtures.ts';

describe('WorkQueue', () => {
  it('de-duplicates keys waiting in the queue', async () => {
    const q = new WorkQueue();
    q.add('a');
    q.add('b');
    q.add('a');
    assert.equal(q.length, 2);
    assert.equal(await q.get(), 'a');
    assert.equal(await q.get(), 'b');
    assert.equal(q.length, 0);
  });

  it('never hands out a key being processed; a re-add meanwhile is processed again after done()', async () => {
    const q = new WorkQueue();
    q.add('a');
    const k = await q.get();
    assert.equal(k, 'a');
    q.add('a');
    q.add('a');
    assert.equal(q.length, 0, 'not queued while processing');
    let second: string | undefined;
    const p = q.get().then((x) => (second = x));
    await new Promise((r) => setImmediate(r));
    assert.equal(second, undefined, 'a waiting worker does not get the busy key');
    q.done('a');
    await p;
    assert.equal(second, 'a');
    q.done('a');
    assert.equal(q.length, 0, 'processed once more, not twice');
  });

  it('clear drops waiting and delayed keys; a key in flight is not handed out again', async () => {
    const q = new WorkQueue();
    q.add('a');
    q.add('b');
    const k = await q.get();
    q.add(k!); // re-added while in flight
    q.addAfter('c', 10);
    q.clear();
    assert.equal(q.length, 0);
    q.done(k!);
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(q.length, 0, 'neither the re-add nor the delayed key came back');
    q.add('d');
    assert.equal(await q.get(), 'd', 'the queue still works');
  });

  it('addAfter keeps the earliest delay and shutDown releases waiting workers', async () => {
    const q = new WorkQueue();
    q.addAfter('a', 60_000);
    q.addAfter('a', 5);
    const got = await q.get();
    assert.equal(got, 'a');
    q.done('a');
    const waiting = q.get();
    q.shutDown();
    assert.equal(await waiting, undefined);
    q.add('b');
    assert.equal(q.length, 0, 'no adds after shutdown');
  });

  it('backs off exponentially per key from 5 ms to 1000 s and forgets on success', () => {
    const l = new ExponentialFailureRateLimiter();
    assert.deepEqual([l.when('k'), l.when('k'), l.when('k'), l.when('k')], [5, 10, 20, 40]);
    assert.equal(l.when('other'), 5);
    for (let i = 0; i < 40; i++) l.when('k');
    assert.equal(l.when('k'), 1_000_000);
    assert.equal(l.retries('k'), 45);
    l.forget('k');
    assert.equal(l.when('k'), 5);
  });

  it('an overall token bucket delays once the burst is spent', () => {
    let t = 0;
    const b = new BucketRateLimiter(10, 3, () => t);
    assert.deepEqual([b.when(), b.when(), b.when()], [0, 0, 0]);
    assert.equal(b.when(), 100);
    t = 1000;
    assert.equal(b.when(), 0);
  });
});

describe('stable JSON and condition sets', () => {
  it('compares ignoring key order and undefined, not array order', () => {
    assert.equal(stableStringify({ b: 1, a: { d: 2, c: undefined } }), stableStringify({ a: { d: 2 }, b: 1 }));
    assert.notEqual(stableStringify([1, 2]), stableStringify([2, 1]));
  });

  it('a living set: Ready follows its dependents; others are Info and do not count', () => {
    const s: Status = {};
    let t = new Date('2024-01-01T00:00:00Z');
    const m = new ConditionManager(livingSet('A', 'B'), s, () => t);
    m.initialize();
    assert.deepEqual(s.conditions?.map((c) => `${c.type}=${c.status}`), ['A=Unknown', 'B=Unknown', 'Ready=Unknown']);
    m.markTrue('A');
    assert.equal(m.get('Ready')?.status, 'Unknown');
    m.markTrue('B');
    assert.equal(m.get('Ready')?.status, 'True');
    m.markFalse('Active', 'NoTraffic', 'idle');
    assert.equal(m.get('Active')?.severity, 'Info');
    assert.equal(m.get('Ready')?.status, 'True');
    m.markFalse('A', 'Boom', 'it broke');
    assert.deepEqual([m.get('Ready')?.status, m.get('Ready')?.reason, m.get('Ready')?.message], ['False', 'Boom', 'it broke']);
    m.markUnknown('B', 'Waiting', '');
    assert.equal(m.get('Ready')?.status, 'False', 'a False dependent trumps Unknown');
    const before = m.get('A')?.lastTransitionTime;
    t = new Date('2024-01-02T00:00:00Z');
    m.markFalse('A', 'Other', 'new message');
    assert.equal(m.get('A')?.lastTransitionTime, before, 'lastTransitionTime moves only on a status change');
    m.markTrue('A');
    assert.equal(m.get('A')?.lastTransitionTime, '2024-01-02T00:00:00Z');
  });

  it('keepTransitionTimes restores the time of a condition whose status did not change', () => {
    const before: Status = { conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: EARLIER_S }] };
    const after: Status = { conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: NOW_S, reason: 'X' }, { type: 'A', status: 'True', lastTransitionTime: NOW_S }] };
    keepTransitionTimes(before, after);
    assert.equal(after.conditions?.[0]?.lastTransitionTime, EARLIER_S);
    assert.equal(after.conditions?.[1]?.lastTransitionTime, NOW_S);
  });
});

describe('reconcileKey', () => {
  const setReady: Reconciler = {
    name: 'test',
    resource: R.Service,
    async reconcile(obj) {
      const s = (obj.status ??= {}) as Status;
      new ConditionManager(livingSet(), s, () => new Date(NOW_S)).markTrue('Ready');
    },
  };

  it('writes status with observedGeneration when it changed', async () => {
    const svc = ksvc('default', 'hello');
    svc.metadata.generation = 3;
    const env = makeEnv([svc]);
    const out = await reconcileKey(setReady, 'default/hello', env.ctx);
    assert.equal(out.statusWritten, true);
    const st = env.client.statusUpdates()[0]?.status as Status;
    assert.equal(st.observedGeneration, 3);
    assert.equal(st.conditions?.[0]?.status, 'True');
  });

  it('does not write when nothing changed (even if the reconcile touched lastTransitionTime)', async () => {
    const svc = ksvc('default', 'hello', withConditions(['Ready', 'True']), withObservedGeneration(1));
    const env = makeEnv([svc]);
    const out = await reconcileKey(setReady, 'default/hello', env.ctx);
    assert.equal(out.statusWritten, false);
    assert.equal(env.client.actions.length, 0);
  });

  it('a missing object is a no-op', async () => {
    const env = makeEnv([]);
    assert.deepEqual(await reconcileKey(setReady, 'default/gone', env.ctx), { statusWritten: false });
  });

  it('retries a conflicting status write on the re-read object', async () => {
    const svc = ksvc('default', 'hello');
    const client = new FakeClient([{ ...svc, metadata: { ...svc.metadata, resourceVersion: '7' } } as KubeObject]);
    let fails = 1;
    client.reactors.push((verb) => (verb === 'updateStatus' && fails-- > 0 ? new KubeError('conflict', 409, 'Conflict') : undefined));
    const env = makeEnv([svc], { client });
    await reconcileKey(setReady, 'default/hello', env.ctx);
    const writes = client.statusUpdates();
    assert.equal(writes.length, 1);
    assert.equal(writes[0]?.metadata.resourceVersion, '7', 'the retry carries the fresh resourceVersion');
  });

  it('turns an error into an InternalError event, still writes status, and rethrows', async () => {
    const failing: Reconciler = {
      name: 'test',
      resource: R.Service,
      async reconcile(obj) {
        new ConditionManager(livingSet(), ((obj.status ??= {}) as Status)).markFalse('Ready', 'Oops', 'bad');
        throw new Error('boom');
      },
    };
    const env = makeEnv([ksvc('default', 'hello')]);
    await assert.rejects(reconcileKey(failing, 'default/hello', env.ctx), /boom/);
    assert.deepEqual(env.recorder.events, ['Warning InternalError boom']);
    assert.equal(env.client.statusUpdates().length, 1);
  });

  it('a failing status write emits UpdateFailed and fails the reconcile', async () => {
    const env = makeEnv([ksvc('default', 'hello')]);
    env.client.failOn('updateStatus', 'services', new KubeError('etcd is sad', 500, 'InternalError'));
    await assert.rejects(reconcileKey(setReady, 'default/hello', env.ctx));
    assert.match(env.recorder.events[0] ?? '', /^Warning UpdateFailed Failed to update status for "hello": etcd is sad/);
  });

  it('a statusless reconciler never gets status or observedGeneration written', async () => {
    const svc = ksvc('default', 'hello');
    svc.metadata.generation = 4;
    const env = makeEnv([svc]);
    const out = await reconcileKey({ ...setReady, statusless: true }, 'default/hello', env.ctx);
    assert.equal(out.statusWritten, false);
    assert.equal(env.client.statusUpdates().length, 0);
  });

  it('adds the finalizer before reconciling; on deletion calls finalize, then removes it', async () => {
    let finalized = 0;
    const rec: Reconciler = { ...setReady, finalizer: 'example.dev/cleanup', finalize: async () => void finalized++ };
    const env = makeEnv([ksvc('default', 'hello')]);
    await reconcileKey(rec, 'default/hello', env.ctx);
    const add = env.client.actions.find((a) => a.verb === 'patch');
    assert.deepEqual((add?.obj as unknown as { metadata: { finalizers: string[] } }).metadata.finalizers, ['example.dev/cleanup']);
    assert.equal(finalized, 0);

    const doomed = ksvc('default', 'bye');
    doomed.metadata.deletionTimestamp = NOW_S;
    doomed.metadata.finalizers = ['other', 'example.dev/cleanup'];
    const env2 = makeEnv([doomed]);
    await reconcileKey(rec, 'default/bye', env2.ctx);
    assert.equal(finalized, 1);
    const remove = env2.client.actions.find((a) => a.verb === 'patch');
    assert.deepEqual((remove?.obj as unknown as { metadata: { finalizers: string[] } }).metadata.finalizers, ['other']);
    assert.equal(env2.client.statusUpdates().length, 0, 'no status write while deleting');
  });

  it('a failing finalize keeps the finalizer and fails the reconcile', async () => {
    const doomed = ksvc('default', 'bye');
    doomed.metadata.deletionTimestamp = NOW_S;
    doomed.metadata.finalizers = ['example.dev/cleanup'];
    const env = makeEnv([doomed]);
    const rec: Reconciler = { ...setReady, finalizer: 'example.dev/cleanup', finalize: async () => Promise.reject(new Error('claim stuck')) };
    await assert.rejects(reconcileKey(rec, 'default/bye', env.ctx), /claim stuck/);
    assert.equal(env.client.actions.filter((a) => a.verb === 'patch').length, 0);
  });

  it('skips a reconcile while the cache is older than our own last status write', async () => {
    const svc = ksvc('default', 'hello');
    svc.metadata.resourceVersion = '10';
    const env = makeEnv([svc]);
    const state = new ReconcileState();
    state.written.set('default/hello', { rv: '9', base: '10' }); // opaque: '9' is our write, made on '10'
    const out = await reconcileKey(setReady, 'default/hello', env.ctx, state);
    assert.equal(out.statusWritten, false);
    assert.ok(out.requeueAfterMs !== undefined, 'looks again later');
    assert.equal(env.client.actions.length, 0);
    assert.equal(state.staleSkips, 1);
    state.observe('default/hello', '9');
    assert.equal(state.written.has('default/hello'), false, 'the echo arrived: the cache caught up');
  });

  it('remembers a status write only when it was made on the cached version with nothing arriving meanwhile', async () => {
    const svc = ksvc('default', 'hello');
    svc.metadata.resourceVersion = 'zz';
    const quiet = makeEnv([svc]);
    const write = quiet.client.replaceStatus.bind(quiet.client);
    quiet.client.replaceStatus = (async (...a: Parameters<typeof write>) => {
      const out = await write(...a);
      return { ...out, metadata: { ...out.metadata, resourceVersion: 'aa' } }; // as a server would: a new version
    }) as typeof write;
    const s1 = new ReconcileState();
    assert.equal((await reconcileKey(setReady, 'default/hello', quiet.ctx, s1)).statusWritten, true);
    const mine = s1.written.get('default/hello');
    assert.deepEqual(mine, { rv: 'aa', base: 'zz' }, 'the write is remembered');
    assert.equal(s1.observe('default/hello', 'zz'), false, 'a late event for the base version is not our echo');
    assert.ok(s1.written.has('default/hello'), 'still waiting for our write');
    assert.equal(s1.observe('default/hello', 'aa'), true, 'our echo');

    const busy = makeEnv([structuredClone(svc)]);
    const s2 = new ReconcileState();
    const realReplace = busy.client.replaceStatus.bind(busy.client);
    busy.client.replaceStatus = (async (...a: Parameters<typeof realReplace>) => {
      s2.observe('default/hello', 'someone-else'); // arrives while our write is in flight
      return realReplace(...a);
    }) as typeof realReplace;
    assert.equal((await reconcileKey(setReady, 'default/hello', busy.ctx, s2)).statusWritten, true);
    assert.equal(s2.written.has('default/hello'), false, 'the cache moved during the write: nothing is assumed');
  });

  it('leaves a changed status to the next reconcile when the key was queued again meanwhile, a bounded number of times', async () => {
    const svc = ksvc('default', 'hello');
    const env = makeEnv([svc]);
    const state = new ReconcileState();
    for (let i = 0; i < MAX_DEFERRED_WRITES; i++) {
      const out = await reconcileKey(setReady, 'default/hello', env.ctx, state, () => true);
      assert.equal(out.statusWritten, false, `deferral ${i + 1}`);
    }
    assert.equal(env.client.actions.length, 0, 'nothing written while a newer reconcile is queued');
    assert.equal(state.deferredWrites, MAX_DEFERRED_WRITES);
    const out = await reconcileKey(setReady, 'default/hello', env.ctx, state, () => true);
    assert.equal(out.statusWritten, true, 'never put off forever');
    assert.equal(state.deferred.has('default/hello'), false);
  });

  it('writes at once when nothing is queued, and never defers after a failure', async () => {
    const env = makeEnv([ksvc('default', 'hello')]);
    const state = new ReconcileState();
    assert.equal((await reconcileKey(setReady, 'default/hello', env.ctx, state, () => false)).statusWritten, true);
    const failing: Reconciler = { ...setReady, reconcile: async (o) => { await setReady.reconcile(o, env.ctx); throw new Error('boom'); } };
    const env2 = makeEnv([ksvc('default', 'hello')]);
    await assert.rejects(reconcileKey(failing, 'default/hello', env2.ctx, new ReconcileState(), () => true), /boom/);
    assert.equal(env2.client.statusUpdates().length, 1, 'the status of a failed reconcile is written');
  });

  it('an update to the resourceVersion of our own write is an echo, unless a reconcile waits for it', () => {
    const state = new ReconcileState();
    state.written.set('default/hello', { rv: 'b', base: 'a' });
    assert.equal(state.observe('default/other', 'b'), false);
    assert.equal(state.observe('default/hello', 'b'), true);
    state.written.set('default/hello', { rv: 'b', base: 'a' });
    assert.equal(state.observe('default/hello', 'c'), false, 'someone else wrote after us');
    assert.equal(state.written.has('default/hello'), false, 'which is after our write too');
    state.written.set('default/hello', { rv: 'b', base: 'a' });
    state.behind.add('default/hello');
    assert.equal(state.observe('default/hello', 'b'), false, 'a skipped reconcile waits for this event');
  });

  it('a reconcile skipped as stale marks the key as waiting for the echo', async () => {
    const svc = ksvc('default', 'hello');
    svc.metadata.resourceVersion = '10';
    const env = makeEnv([svc]);
    const state = new ReconcileState();
    state.written.set('default/hello', { rv: '12', base: '10' });
    await reconcileKey(setReady, 'default/hello', env.ctx, state);
    assert.equal(state.behind.has('default/hello'), true);
    assert.equal(state.observe('default/hello', '12'), false);
  });
});
