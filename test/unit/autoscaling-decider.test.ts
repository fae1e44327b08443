// src/api/autoscaling: the KPA decider as a table. Each row is an input history (per-second
// observations of the metric, summed over gateways) and the ready pods at each evaluation, with the
// desired scale worked by hand from upstream's algorithm (serving:pkg/autoscaler/scaling/autoscaler.go,
// kpa/scaler.go, kpa.go computeActiveCondition). Defaults: target 100 × 0.7 = 70 per pod, stable
// window 60 s, panic window 6 s, panic threshold 200 %, max scale up ×1000, down ÷2, TBC 211.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DeciderSpec, makeDeciderSpec, validateAnnotations } from '../../src/api/autoscaling/annotations.ts';
import { activeCondition, Decider, minReady, type PAState, scaleTarget } from '../../src/api/autoscaling/decider.ts';
import { formatErrors } from '../../src/api/serving/validation.ts';
import { DEFAULT_SERVING_CONFIG } from '../../src/api/serving/config.ts';

const S = 1000;
const base = makeDeciderSpec({}, { containerConcurrency: 0, reachability: 'Reachable' });
const spec = (o: Partial<DeciderSpec> = {}, ann: Record<string, string> = {}, cc = 0): DeciderSpec => ({
  ...makeDeciderSpec(ann, { containerConcurrency: cc, reachability: 'Reachable' }),
  ...o,
});

/** [from second, to second inclusive, value per second] */
type Load = [number, number, number];
/** [second, ready pods, expected desired, expected panicking?] */
type Eval = [number, number, number, boolean?];

interface Row {
  name: string;
  spec?: DeciderSpec;
  /** Ready pods when the decider is created (above 1: starts in panic mode). */
  created?: number;
  load: Load[];
  evals: Eval[];
  ebc?: number;
}

const rows: Row[] = [
  // steady state
  { name: 'steady: 70 per pod on 1 pod → 1', load: [[0, 59, 70]], evals: [[59, 1, 1, false]] },
  { name: 'steady: 140 on 2 pods → 2', load: [[0, 59, 140]], evals: [[59, 2, 2, false]] },
  { name: 'steady: 141 on 3 pods → ceil(141/70) = 3', load: [[0, 59, 141]], evals: [[59, 3, 3, false]] },
  { name: 'steady: 35 on 1 pod → ceil(0.5) = 1', load: [[0, 59, 35]], evals: [[59, 1, 1]] },
  { name: 'steady: 700 on 10 pods → 10', load: [[0, 59, 700]], evals: [[59, 10, 10, false]] },
  // scale down and its rate limit
  { name: 'idle on 1 pod → 0', load: [[0, 59, 0]], evals: [[59, 1, 0]] },
  { name: 'idle on 4 pods → floor(4/2) = 2 (max-scale-down-rate 2)', load: [[0, 59, 0]], evals: [[59, 4, 2]] },
  { name: 'idle on 10 pods → 5', load: [[0, 59, 0]], evals: [[59, 10, 5]] },
  { name: 'idle on 4 pods, unreachable → 0 (no scale-down limit)', spec: { ...base, reachable: false }, load: [[0, 59, 0]], evals: [[59, 4, 0]] },
  { name: 'max-scale-down-rate 4: idle on 10 pods → floor(10/4) = 2', spec: { ...base, maxScaleDownRate: 4 }, load: [[0, 59, 0]], evals: [[59, 10, 2]] },
  // scale up and its rate limit
  { name: 'max-scale-up-rate 2: 700 on 1 pod → ceil(2×1) = 2', spec: { ...base, maxScaleUpRate: 2 }, load: [[0, 59, 700]], evals: [[59, 1, 2, true]] },
  { name: '7000 on 1 pod → 100 (within ×1000)', load: [[0, 59, 7000]], evals: [[59, 1, 100, true]] },
  { name: 'from zero: one poke (concurrency 1) with no pods → 1', load: [[0, 0, 1]], evals: [[0, 0, 1]] },
  { name: 'from zero: 140 with no pods → 2, panicking (2/1 ≥ 2)', load: [[0, 0, 140]], evals: [[0, 0, 2, true]] },
  // panic mode
  {
    name: 'panic enter: 420 in the last 6 s on 2 pods → max(stable 2, panic 6) = 6',
    load: [[0, 53, 70], [54, 59, 420]],
    evals: [[59, 2, 6, true]],
  },
  {
    name: 'no panic just under the threshold: 210 (dppc 3, 3/2 < 2) → stable ceil(84/70) = 2',
    load: [[0, 53, 70], [54, 59, 210]],
    evals: [[59, 2, 2, false]],
  },
  {
    name: 'panic at exactly the threshold: 280 (dppc 4, 4/2 = 2) → 4',
    load: [[0, 53, 70], [54, 59, 280]],
    evals: [[59, 2, 4, true]],
  },
  {
    name: 'no scale down while panicking: burst ends, 6 s later still 6',
    load: [[0, 53, 70], [54, 59, 420], [60, 65, 0]],
    evals: [[59, 2, 6, true], [65, 6, 6, true]],
  },
  {
    name: 'panic exit a stable window after the last over-threshold tick → floor(6/2) = 3',
    load: [[0, 53, 70], [54, 59, 420], [60, 120, 0]],
    evals: [[59, 2, 6, true], [65, 6, 6, true], [120, 6, 3, false]],
  },
  {
    name: 'panic grows: maxPanicPods follows the larger demand',
    load: [[0, 53, 70], [54, 59, 420], [60, 62, 1400]],
    // t62: panic window 57..62 = (3×420 + 3×1400)/6 = 910 → dppc 13; 13/6 ≥ 2 → 13
    evals: [[59, 2, 6, true], [62, 6, 13, true]],
  },
  {
    name: 'panic panel: once the pods arrive the demand is met and stays (4 pods, 280)',
    load: [[0, 61, 280]],
    evals: [[59, 1, 4, true], [61, 4, 4, true]],
  },
  { name: 'new decider with 5 ready pods starts panicking: idle stays at 5', created: 5, load: [[0, 59, 0]], evals: [[59, 5, 5, true]] },
  { name: '…and leaves panic after a stable window: floor(5/2) = 2', created: 5, load: [[0, 61, 0]], evals: [[61, 5, 2, false]] },
  { name: 'new decider with 1 ready pod does not panic: idle → 0', created: 1, load: [[0, 59, 0]], evals: [[59, 1, 0, false]] },
  // no data
  { name: 'no data → -1 (keep the current scale)', load: [], evals: [[59, 3, -1]] },
  { name: 'last data a whole window ago → -1', load: [[0, 0, 70]], evals: [[60, 1, -1]] },
  { name: 'partial window: 10 s of 140 on 1 pod → 2 (averaged over 10 buckets)', load: [[0, 9, 140]], evals: [[9, 1, 2, true]] },
  {
    name: 'stale tail: 30 s of 70 then 10 s silent → 2100/30 = 70 → 1; panic window empty',
    load: [[0, 29, 70]],
    evals: [[39, 1, 1, false]],
  },
  { name: 'gap inside the window counts as zero: 30 s of 140 then 30 s of 0 on 1 pod → 1', load: [[0, 29, 140], [30, 59, 0]], evals: [[59, 1, 1]] },
  // activation-scale
  { name: 'activation-scale 3: load 10 on 1 pod → 3', spec: { ...base, activationScale: 3 }, load: [[0, 59, 10]], evals: [[59, 1, 3]] },
  { name: 'activation-scale 3: idle on 1 pod → 0 (applies only with traffic)', spec: { ...base, activationScale: 3 }, load: [[0, 59, 0]], evals: [[59, 1, 0]] },
  { name: 'activation-scale 3: 350 on 5 pods → 5 (above it)', spec: { ...base, activationScale: 3 }, load: [[0, 59, 350]], evals: [[59, 5, 5]] },
  // metric rps, targets, utilization, containerConcurrency
  { name: 'rps: 200 × 0.7 = 140 per pod; 300 rps on 1 pod → 3', spec: spec({}, { 'autoscaling.knative.dev/metric': 'rps' }), load: [[0, 59, 300]], evals: [[59, 1, 3, true]] },
  {
    name: 'rps with target 50 and utilization 100: 120 rps on 3 pods → 3',
    spec: spec({}, { 'autoscaling.knative.dev/metric': 'rps', 'autoscaling.knative.dev/target': '50', 'autoscaling.knative.dev/target-utilization-percentage': '100' }),
    load: [[0, 59, 120]],
    evals: [[59, 3, 3]],
  },
  {
    name: 'target-utilization-percentage 50: 100 × 0.5 = 50; load 100 on 2 pods → 2',
    spec: spec({}, { 'autoscaling.knative.dev/target-utilization-percentage': '50' }),
    load: [[0, 59, 100]],
    evals: [[59, 2, 2]],
  },
  { name: 'containerConcurrency 10: 7 per pod; load 20 on 3 pods → 3', spec: spec({}, {}, 10), load: [[0, 59, 20]], evals: [[59, 3, 3]] },
  {
    name: 'target 50 capped by containerConcurrency 10: load 20 on 3 pods → 3',
    spec: spec({}, { 'autoscaling.knative.dev/target': '50' }, 10),
    load: [[0, 59, 20]],
    evals: [[59, 3, 3]],
  },
  { name: 'target 10 (no cc): 7 per pod; load 14 on 2 pods → 2', spec: spec({}, { 'autoscaling.knative.dev/target': '10' }), load: [[0, 59, 14]], evals: [[59, 2, 2]] },
  {
    name: 'legacy targetUtilizationPercentage 100 with cc 1: 1 per pod; load 3 on 3 pods → 3',
    spec: spec({}, { 'autoscaling.knative.dev/targetUtilizationPercentage': '100' }, 1),
    load: [[0, 59, 3]],
    evals: [[59, 3, 3]],
  },
  // scale-down-delay (6 s stable window, 1 s panic window so the numbers stay small)
  {
    name: 'no scale-down-delay: 6 s of 140 then 6 s idle on 2 pods → 1',
    spec: spec({ stableWindowMs: 6 * S, panicWindowMs: S }),
    load: [[0, 5, 140], [6, 11, 0]],
    evals: [[5, 2, 2], [11, 2, 1]],
  },
  {
    name: 'scale-down-delay 10 s keeps the 2 of t=5 at t=11',
    spec: spec({ stableWindowMs: 6 * S, panicWindowMs: S, scaleDownDelayMs: 10 * S }),
    load: [[0, 5, 140], [6, 11, 0]],
    evals: [[5, 2, 2], [11, 2, 2]],
  },
  {
    name: 'scale-down-delay 10 s lets go at t=16',
    spec: spec({ stableWindowMs: 6 * S, panicWindowMs: S, scaleDownDelayMs: 10 * S }),
    load: [[0, 5, 140], [6, 16, 0]],
    evals: [[5, 2, 2], [11, 2, 2], [16, 2, 1]],
  },
  {
    name: 'scale-down-delay does not apply while unreachable → 0',
    spec: spec({ stableWindowMs: 6 * S, panicWindowMs: S, scaleDownDelayMs: 10 * S, reachable: false }),
    load: [[0, 5, 140], [6, 11, 0]],
    evals: [[5, 2, 2], [11, 2, 0]],
  },
  // Idle after fractional averages (a request held for 1, then 2, of a second's 10 samples): the
  // window's running total must come back to exactly 0, or ceil(1e-17 / 70) keeps a pod forever
  // (the wake-from-zero bug seen on kind: woken once, never back to zero).
  { name: 'idle after 0.1, 0.2 on 1 pod → 0 (no floating-point residue)', load: [[0, 0, 0.1], [1, 1, 0.2], [2, 119, 0]], evals: [[119, 1, 0]] },
  {
    name: 'idle after a wake-up of fractional averages on 1 pod → 0',
    load: [[0, 0, 0.43333333333333335], [1, 1, 0.7], [2, 2, 1.0333333333333334], [3, 3, 0.6], [4, 4, 1 / 3], [5, 179, 0]],
    evals: [[179, 1, 0]],
  },
  // excess burst capacity
  { name: 'EBC default: 1 pod × 100 − 211 − 0 = -111', load: [[0, 59, 0]], evals: [[59, 1, 0]], ebc: -111 },
  { name: 'EBC: 3 pods, panic load 50 → floor(300 − 211 − 50) = 39', load: [[0, 59, 50]], evals: [[59, 3, 1]], ebc: 39 },
  { name: 'EBC with TBC -1 → -1', spec: { ...base, targetBurstCapacity: -1 }, load: [[0, 59, 0]], evals: [[59, 1, 0]], ebc: -1 },
  { name: 'EBC with TBC 0 → 0', spec: { ...base, targetBurstCapacity: 0 }, load: [[0, 59, 0]], evals: [[59, 1, 0]], ebc: 0 },
];

describe('Decider.scale (autoscaler.Scale)', () => {
  it('has at least 40 rows', () => assert.ok(rows.length >= 40, String(rows.length)));
  for (const r of rows) {
    it(r.name, () => {
      const d = new Decider(r.spec ?? base, 0, r.created ?? 0);
      const points: [number, number][] = [];
      for (const [from, to, v] of r.load) for (let t = from; t <= to; t++) points.push([t, v]);
      let last: ReturnType<Decider['scale']> | undefined;
      for (const [at, ready, want, panicking] of r.evals) {
        while (points.length && points[0]![0] <= at) {
          const [t, v] = points.shift()!;
          d.record(t * S, v);
        }
        last = d.scale(at * S + 500, ready);
        assert.equal(last.desired, want, `desired at t=${at}`);
        if (panicking !== undefined) assert.equal(last.panicking, panicking, `panicking at t=${at}`);
      }
      if (r.ebc !== undefined) assert.equal(last?.ebc, r.ebc);
    });
  }
});

const pa = (o: Partial<PAState> = {}): PAState => ({ active: 'True', activeSinceMs: 0, scaleTargetInitialized: true, progressDeadlineMs: 600 * S, ...o });

describe('scaleTarget (kpa scaler: bounds, initial scale, scale to zero)', () => {
  const table: [string, number, DeciderSpec, PAState, number, { want: number; apply: boolean; requeueAfterMs?: number }][] = [
    ['no data while active: keep', -1, base, pa(), 10 * S, { want: -1, apply: false }],
    ['no data while activating: wait for the activation timeout', -1, base, pa({ active: 'Unknown' }), 10 * S, { want: -1, apply: false, requeueAfterMs: 620 * S }],
    ['min-scale 5 lifts 3', 3, { ...base, minScale: 5 }, pa(), 0, { want: 5, apply: true }],
    ['max-scale 10 caps a burst of 30', 30, { ...base, maxScale: 10 }, pa(), 0, { want: 10, apply: true }],
    ['min-scale 2 never goes to zero', 0, { ...base, minScale: 2 }, pa({ activeSinceMs: -3600 * S }), 0, { want: 2, apply: true }],
    ['enable-scale-to-zero false: 0 → 1', 0, { ...base, enableScaleToZero: false }, pa({ active: 'False' }), 0, { want: 1, apply: true }],
    ['active for 30 s of a 60 s window: keep 1, come back in 30 s', 0, base, pa({ activeSinceMs: -30 * S }), 0, { want: 1, apply: true, requeueAfterMs: 30 * S }],
    ['active for a whole stable window: report 0 (becomes inactive), do not apply', 0, base, pa({ activeSinceMs: -60 * S }), 0, { want: 0, apply: false, requeueAfterMs: S }],
    ['inactive for 10 s of a 30 s grace period: wait 20 s', 0, base, pa({ active: 'False', activeSinceMs: -10 * S }), 0, { want: -1, apply: false, requeueAfterMs: 20 * S }],
    ['inactive for the grace period: scale to 0', 0, base, pa({ active: 'False', activeSinceMs: -30 * S }), 0, { want: 0, apply: true }],
    ['retention 120 s, inactive 60 s: wait 60 s more', 0, { ...base, scaleToZeroPodRetentionPeriodMs: 120 * S }, pa({ active: 'False', activeSinceMs: -60 * S }), 0, { want: -1, apply: false, requeueAfterMs: 60 * S }],
    ['retention 120 s, inactive 120 s: scale to 0', 0, { ...base, scaleToZeroPodRetentionPeriodMs: 120 * S }, pa({ active: 'False', activeSinceMs: -120 * S }), 0, { want: 0, apply: true }],
    ['activating past progress deadline + 30 s: give up, scale to 0', 0, base, pa({ active: 'Unknown', activeSinceMs: -630 * S }), 0, { want: 0, apply: true }],
    ['initial-scale 3 before the target reached it: 1 → 3', 1, { ...base, initialScale: 3 }, pa({ scaleTargetInitialized: false }), 0, { want: 3, apply: true }],
    ['initial-scale 3 once reached: 1 stays 1', 1, { ...base, initialScale: 3 }, pa(), 0, { want: 1, apply: true }],
  ];
  for (const [name, desired, s, state, now, want] of table) it(name, () => assert.deepEqual(scaleTarget(desired, s, state, now), want));
});

describe('activeCondition (computeActiveCondition)', () => {
  it('want 0 → Inactive NoTraffic', () => assert.deepEqual(activeCondition(0, 1, 1, 'True'), { status: 'False', reason: 'NoTraffic', message: 'The target is not receiving traffic.' }));
  it('want 0 while activating → Inactive TimedOut', () => assert.equal(activeCondition(0, 0, 1, 'Unknown')?.reason, 'TimedOut'));
  it('want 2, none ready → Activating Queued', () => assert.deepEqual(activeCondition(2, 0, 1, 'False'), { status: 'Unknown', reason: 'Queued', message: 'Requests to the target are being buffered as resources are provisioned.' }));
  it('unknown want, ready, active → Active', () => assert.deepEqual(activeCondition(-1, 1, 1, 'True'), { status: 'True' }));
  it('unknown want, none ready, inactive → unchanged', () => assert.equal(activeCondition(-1, 0, 1, 'False'), undefined));
  it('want 1, ready, inactive → Active', () => assert.deepEqual(activeCondition(1, 1, 1, 'False'), { status: 'True' }));
  it('initial scale 0 not yet reached → Inactive NoTraffic', () => {
    const s = { ...base, initialScale: 0 };
    assert.equal(minReady(s, false), 0);
    assert.equal(activeCondition(-1, 0, minReady(s, false), 'Unknown')?.reason, 'NoTraffic');
  });
});

describe('annotations: targets, windows, bounds', () => {
  it('defaults: 70 per pod of 100, 60 s / 6 s, threshold 2, TBC 211', () => {
    assert.equal(base.targetValue, 70);
    assert.equal(base.totalValue, 100);
    assert.equal(base.stableWindowMs, 60 * S);
    assert.equal(base.panicWindowMs, 6 * S);
    assert.equal(base.panicThreshold, 2);
    assert.equal(base.targetBurstCapacity, 211);
  });
  it('window 20s, panic 25 % → 5 s; panic threshold 150 %', () => {
    const s = spec({}, { 'autoscaling.knative.dev/window': '20s', 'autoscaling.knative.dev/panic-window-percentage': '25', 'autoscaling.knative.dev/panic-threshold-percentage': '150' });
    assert.equal(s.stableWindowMs, 20 * S);
    assert.equal(s.panicWindowMs, 5 * S);
    assert.equal(s.panicThreshold, 1.5);
  });
  it('min-scale is 0 while unreachable; max-scale-limit caps an unlimited max', () => {
    const cfg = { ...DEFAULT_SERVING_CONFIG.autoscaler, maxScaleLimit: 7 };
    const s = makeDeciderSpec({ 'autoscaling.knative.dev/minScale': '3' }, { reachability: 'Unreachable' }, cfg);
    assert.equal(s.minScale, 0);
    assert.equal(s.maxScale, 7);
  });
  it('initial-scale 0 only with allow-zero-initial-scale', () => {
    const ann = { 'autoscaling.knative.dev/initial-scale': '0' };
    assert.equal(makeDeciderSpec(ann, {}).initialScale, 1);
    assert.equal(makeDeciderSpec(ann, {}, { ...DEFAULT_SERVING_CONFIG.autoscaler, allowZeroInitialScale: true }).initialScale, 0);
  });
});

describe('validateAnnotations: upstream messages', () => {
  const cfg = { maxScaleLimit: 0, allowZeroInitialScale: false };
  const v = (ann: Record<string, string>, c = cfg) => formatErrors(validateAnnotations(ann, c));
  const cases: [Record<string, string>, string, typeof cfg?][] = [
    [{ 'autoscaling.knative.dev/min-scale': 'two' }, 'invalid value: two: autoscaling.knative.dev/min-scale'],
    [{ 'autoscaling.knative.dev/minScale': '-1' }, 'expected 0 <= -1 <= 2147483647: autoscaling.knative.dev/minScale'],
    [{ 'autoscaling.knative.dev/min-scale': '5', 'autoscaling.knative.dev/max-scale': '2' }, 'max-scale=2 is less than min-scale=5: autoscaling.knative.dev/max-scale, autoscaling.knative.dev/min-scale'],
    [{ 'autoscaling.knative.dev/max-scale': '20' }, 'expected 1 <= 20 <= 10: autoscaling.knative.dev/max-scale', { maxScaleLimit: 10, allowZeroInitialScale: false }],
    [{ 'autoscaling.knative.dev/max-scale': '0' }, 'max-scale=0 (unlimited), must be less than 10: autoscaling.knative.dev/max-scale', { maxScaleLimit: 10, allowZeroInitialScale: false }],
    [{ 'autoscaling.knative.dev/activation-scale': '1' }, 'activation-scale=1 must be greater than 1: autoscaling.knative.dev/activation-scale'],
    [{ 'autoscaling.knative.dev/min-scale': '4', 'autoscaling.knative.dev/activation-scale': '3' }, 'min-scale=4 is greater than activation-scale=3: autoscaling.knative.dev/activation-scale'],
    [{ 'autoscaling.knative.dev/max-scale': '2', 'autoscaling.knative.dev/activation-scale': '3' }, 'max-scale=2 is less than activation-scale=3: autoscaling.knative.dev/activation-scale'],
    [{ 'autoscaling.knative.dev/window': '5s' }, 'expected 6s <= 5s <= 1h0m0s: autoscaling.knative.dev/window'],
    [{ 'autoscaling.knative.dev/window': '6500ms' }, 'must be specified with at most second precision: autoscaling.knative.dev/window'],
    [{ 'autoscaling.knative.dev/window': 'soon' }, 'invalid value: soon: autoscaling.knative.dev/window'],
    [{ 'autoscaling.knative.dev/panic-threshold-percentage': '100' }, 'expected 110 <= 100 <= 1000: autoscaling.knative.dev/panic-threshold-percentage'],
    [{ 'autoscaling.knative.dev/panic-window-percentage': '0' }, 'expected 1 <= 0 <= 100: autoscaling.knative.dev/panic-window-percentage'],
    [{ 'autoscaling.knative.dev/target': '0.001' }, 'target 0.001 should be at least 0.01: autoscaling.knative.dev/target'],
    [{ 'autoscaling.knative.dev/target-utilization-percentage': '150' }, 'expected 1 <= 150 <= 100: autoscaling.knative.dev/target-utilization-percentage'],
    [{ 'autoscaling.knative.dev/target-burst-capacity': '-2' }, 'invalid value: -2: autoscaling.knative.dev/target-burst-capacity'],
    [{ 'autoscaling.knative.dev/scale-down-delay': '2h' }, 'expected 0s <= 2h <= 1h0m0s: autoscaling.knative.dev/scale-down-delay'],
    [{ 'autoscaling.knative.dev/scale-down-delay': '1500ms' }, 'must be specified with at most second precision: autoscaling.knative.dev/scale-down-delay'],
    [{ 'autoscaling.knative.dev/scale-to-zero-pod-retention-period': '2h' }, 'expected 0s <= 2h <= 1h0m0s: autoscaling.knative.dev/scale-to-zero-pod-retention-period'],
    [{ 'autoscaling.knative.dev/metric': 'cpu' }, 'invalid value: cpu: autoscaling.knative.dev/metric'],
    [{ 'autoscaling.knative.dev/class': 'foo.knative.dev' }, 'invalid value: foo.knative.dev: autoscaling.knative.dev/class'],
    [{ 'autoscaling.knative.dev/initial-scale': '0' }, 'invalid value: 0: autoscaling.knative.dev/initial-scale=0 not allowed by cluster'],
    [{ 'autoscaling.knative.dev/class': 'kpa.autoscaling.knative.dev', 'autoscaling.knative.dev/metric-aggregation-algorithm': 'median' }, 'invalid value: median: autoscaling.knative.dev/metric-aggregation-algorithm'],
  ];
  for (const [ann, want, c] of cases) it(want, () => assert.equal(v(ann, c), want));
  it('accepts good values, HPA cpu, foreign classes', () => {
    assert.equal(v({ 'autoscaling.knative.dev/class': 'hpa.autoscaling.knative.dev', 'autoscaling.knative.dev/metric': 'cpu', 'autoscaling.knative.dev/target': '80' }), '');
    assert.equal(v({ 'autoscaling.knative.dev/class': 'example.com/custom', 'autoscaling.knative.dev/metric': 'anything' }), '');
    assert.equal(v({ 'autoscaling.knative.dev/window': '1h', 'autoscaling.knative.dev/min-scale': '1', 'autoscaling.knative.dev/max-scale': '3', 'autoscaling.knative.dev/activation-scale': '2' }), '');
  });
});
