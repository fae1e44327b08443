// src/controller/autoscaling/autoscaler.ts with a hand-driven clock: gateway reports add up, idle
// is recorded only while gateways report, a poke decides at once (even before the decider exists),
// and the intake rejects what is not a report.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeDeciderSpec } from '../../src/api/autoscaling/annotations.ts';
import { Autoscaler } from '../../src/controller/autoscaling/autoscaler.ts';
import { parseReport } from '../../src/controller/autoscaling/stats-server.ts';

const spec = makeDeciderSpec({}, { reachability: 'Reachable' });
const KEY = 'default/hello-00001';
const stat = (concurrency: number) => ({ namespace: 'default', revision: 'hello-00001', concurrency, rps: concurrency });

/** `seconds` of a gateway reporting no traffic, collected every second and ticked every other. */
function idle(a: Autoscaler, advance: (ms: number) => void, seconds: number): void {
  for (let i = 0; i < seconds; i++) {
    advance(1_000);
    a.ingest({ gateway: 'gw-1', stats: [] });
    if (i % 2) a.tick();
    else a.collect();
  }
}

function setup() {
  let now = 1_000_000;
  const a = new Autoscaler({ now: () => now });
  const enq: string[] = [];
  a.enqueue = (k) => enq.push(k);
  return { a, enq, advance: (ms: number) => (now += ms) };
}

describe('Autoscaler', () => {
  it('adds up the reports of several gateway replicas in the same second', () => {
    const { a } = setup();
    a.ensure(KEY, spec, 1);
    a.ingest({ gateway: 'gw-1', stats: [stat(70)] });
    a.ingest({ gateway: 'gw-2', stats: [stat(70)] });
    a.collect();
    assert.equal(a.decide(KEY)?.desired, 2, '140 concurrent / 70 per pod');
    a.stop();
  });

  it("one replica's two reports in one second count once (its latest), not twice", () => {
    const { a, advance } = setup();
    a.ensure(KEY, spec, 1);
    for (let i = 0; i < 10; i++) {
      // Reports drift against the collection: two land between one collection and the next.
      a.ingest({ gateway: 'gw-1', stats: [stat(70)] });
      advance(400);
      a.ingest({ gateway: 'gw-1', stats: [stat(70)] });
      advance(600);
      a.collect();
    }
    const r = a.decide(KEY);
    assert.equal(r?.observedPanic, 70);
    assert.equal(r?.observedStable, 70);
    assert.equal(r?.desired, 1, 'never read as a burst');
    a.stop();
  });

  it('a report that is not renewed stops counting after 2 s', () => {
    const { a, advance } = setup();
    a.ensure(KEY, spec, 1);
    a.ingest({ gateway: 'gw-1', stats: [stat(140)] });
    a.ingest({ gateway: 'gw-2', stats: [stat(140)] });
    for (let i = 0; i < 3; i++) {
      advance(1_000);
      a.ingest({ gateway: 'gw-1', stats: [stat(140)] });
      a.collect();
    }
    // Collected at +1 s and +2 s: 140 + 140; at +3 s gw-2's report is 3 s old: 140 alone.
    assert.equal(a.decide(KEY)?.observedPanic, (280 + 280 + 140) / 3);
    a.stop();
  });

  it('a decider younger than its stable window (a new leader) never decides 0 for a revision with pods; then it does', () => {
    const { a, advance } = setup();
    a.ensure(KEY, spec, 1);
    for (let i = 0; i < 29; i++) {
      a.ingest({ gateway: 'gw-1', stats: [] });
      advance(2_000);
      a.tick();
      assert.equal(a.decide(KEY)?.desired, -1, `at ${(i + 1) * 2} s: keep the scale`);
    }
    advance(2_000);
    a.ingest({ gateway: 'gw-1', stats: [] });
    a.tick();
    assert.equal(a.decide(KEY)?.desired, 0, 'a whole stable window of idle');
    // At zero already, a young decider may say 0 at once.
    const b = setup();
    b.a.ensure(KEY, spec, 0);
    b.a.ingest({ gateway: 'gw-1', stats: [] });
    b.a.tick();
    assert.equal(b.a.decide(KEY)?.desired, 0);
    a.stop();
    b.a.stop();
  });

  it('a replica that does not lead forgets its deciders on the tick', () => {
    const { a } = setup();
    let leading = true;
    a.leading = () => leading;
    a.ensure(KEY, spec, 1);
    a.tick();
    assert.ok(a.has(KEY));
    leading = false;
    a.tick();
    assert.ok(!a.has(KEY));
  });

  it('no gateway reporting: no data, the scale is kept (-1); reporting gateways make idle a 0', () => {
    const { a, advance } = setup();
    a.ensure(KEY, spec, 1);
    for (let i = 0; i < 31; i++) {
      advance(2_000);
      a.tick();
    }
    assert.equal(a.decide(KEY)?.desired, -1);
    a.ingest({ gateway: 'gw-1', stats: [] });
    a.tick();
    assert.equal(a.decide(KEY)?.desired, 0);
    a.stop();
  });

  it('woken from zero: a held request reported as fractional averages, then idle → 0 after the stable window, and the PA is enqueued', () => {
    // What the gateway reports around a wake-up (the request held for some of a second's 10
    // samples, then in flight): sums that a running total never brought back to exactly 0.
    const { a, enq, advance } = setup();
    const short = makeDeciderSpec({ 'autoscaling.knative.dev/window': '6s' }, { reachability: 'Reachable' });
    a.ensure(KEY, short, 0);
    a.ingest({ gateway: 'gw-1', stats: [], poke: [{ namespace: 'default', revision: 'hello-00001' }] });
    for (const c of [0.3, 1, 1, 0.7, 0.1, 0.2]) {
      advance(1_000);
      a.ingest({ gateway: 'gw-1', stats: c ? [stat(c)] : [] });
      a.collect();
    }
    a.ensure(KEY, short, 1);
    assert.equal(a.decide(KEY)?.desired, 1);
    enq.length = 0;
    idle(a, advance, 10);
    const r = a.decide(KEY);
    assert.equal(r?.observedStable, 0, 'idle for a whole window is exactly 0');
    assert.equal(r?.desired, 0);
    assert.deepEqual(enq, [KEY], 'the tick that saw 1 → 0 enqueued the PA');
    a.stop();
  });

  it('two collections in one second (a timer that fired early) record once: the one-bucket panic window never reads a doubled load', () => {
    const { a, advance } = setup();
    const short = makeDeciderSpec({ 'autoscaling.knative.dev/window': '6s', 'autoscaling.knative.dev/target': '2', 'autoscaling.knative.dev/target-utilization-percentage': '100' }, { reachability: 'Reachable' });
    a.ensure(KEY, short, 1);
    // 5 in flight, reported and collected every second on the second...
    for (let i = 0; i < 8; i++) {
      if (i) advance(1_000);
      a.ingest({ gateway: 'gw-1', stats: [stat(5)] });
      a.collect();
    }
    // ...and once more 999 ms later, still in the same second.
    advance(999);
    a.ingest({ gateway: 'gw-1', stats: [stat(5)] });
    a.collect();
    const r = a.decide(KEY);
    assert.equal(r?.observedPanic, 5);
    assert.equal(r?.desired, 3, 'ceil(5 / 2) on 1 pod, panicking; a doubled bucket would say ceil(10 / 2) = 5');
    a.stop();
  });

  it('a new idle revision: 0 decided before its pod was ready, then kept by the young-decider guard, is enqueued again when the guard ends', () => {
    const { a, enq, advance } = setup();
    const short = makeDeciderSpec({ 'autoscaling.knative.dev/window': '6s' }, { reachability: 'Reachable' });
    // The PA reconciler creates the decider while the Deployment has no ready pod yet...
    a.ensure(KEY, short, 0);
    advance(1_000);
    a.ingest({ gateway: 'gw-1', stats: [] });
    a.tick();
    assert.deepEqual(enq, [KEY], 'no pod, no traffic: 0 at once (the guard is for revisions with pods)');
    // ...and reconciles once the pod is ready: a decider younger than its window keeps the pod.
    a.ensure(KEY, short, 1);
    assert.equal(a.decide(KEY)?.desired, -1);
    enq.length = 0;
    idle(a, advance, 8);
    assert.equal(a.decide(KEY)?.desired, 0);
    assert.deepEqual(enq, [KEY], 'the tick that saw the guard end (-1 → 0) enqueued the PA');
    a.stop();
  });

  it('a tick enqueues the PA when the decision changes, not when it stays', () => {
    const { a, enq, advance } = setup();
    a.ensure(KEY, spec, 1);
    a.ingest({ gateway: 'gw-1', stats: [stat(140)] });
    a.tick();
    assert.deepEqual(enq, [KEY]);
    advance(100);
    a.ingest({ gateway: 'gw-1', stats: [] });
    a.tick();
    assert.deepEqual(enq, [KEY], 'same second, same decision');
    a.stop();
  });

  it('a poke for a revision at zero decides at once and enqueues', () => {
    const { a, enq } = setup();
    a.ensure(KEY, spec, 0);
    a.ingest({ gateway: 'gw-1', stats: [], poke: [{ namespace: 'default', revision: 'hello-00001' }] });
    assert.deepEqual(enq, [KEY]);
    assert.equal(a.decide(KEY)?.desired, 1);
    a.stop();
  });

  it('a poke before the decider exists is kept for it', () => {
    const { a, enq } = setup();
    a.ingest({ gateway: 'gw-1', stats: [], poke: [{ namespace: 'default', revision: 'hello-00001' }] });
    assert.deepEqual(enq, [KEY], 'the PA is reconciled, which creates the decider');
    a.ensure(KEY, spec, 0);
    assert.equal(a.decide(KEY)?.desired, 1);
    a.stop();
  });

  it('drops the decider of a PA that no longer exists', () => {
    const { a } = setup();
    let there = true;
    a.exists = () => there;
    a.ensure(KEY, spec, 1);
    a.tick();
    assert.ok(a.has(KEY));
    there = false;
    a.tick();
    assert.ok(!a.has(KEY));
  });

  it('parseReport accepts reports and rejects anything else', () => {
    assert.deepEqual(parseReport('{"gateway":"g","stats":[{"namespace":"n","revision":"r","concurrency":1.5,"rps":2}]}')?.stats.length, 1);
    for (const bad of ['', 'null', '{"gateway":1,"stats":[]}', '{"gateway":"g","stats":[{"namespace":"n"}]}', '{"gateway":"g","stats":[],"poke":[1]}']) assert.equal(parseReport(bad), undefined, bad);
  });
});
