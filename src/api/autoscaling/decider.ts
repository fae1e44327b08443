// The KPA's decisions, as pure code with the clock passed in:
// - Decider: one revision's metric windows and panic state; scale() is upstream's autoscaler.Scale
//   (serving:pkg/autoscaler/scaling/autoscaler.go): stable and panic window averages → desired pods,
//   rate limits, activation-scale, panic mode, scale-down-delay, excess burst capacity.
// - scaleTarget(): the scaler around it (kpa/scaler.go scale + handleScaleToZero): min/max and
//   initial scale, enable-scale-to-zero, the active → inactive → zero sequence with the grace and
//   retention periods, and activation timing out.
// - activeCondition(): the PA's Active condition (kpa.go computeActiveCondition).
//
// kn-ts difference: the gateway is always in the request path (docs/adr/0005), so there is no SKS
// Proxy/Serve switch to wait for. scale-to-zero-grace-period is counted from the moment the PA
// became inactive (upstream counts from when the SKS switched to Proxy, which with the default
// target-burst-capacity is usually earlier): the last pod goes stable-window + grace after traffic
// stops (90 s by default; upstream documents 60–90 s).
import { MaxWindow, TimedBuckets } from './buckets.ts';
import type { DeciderSpec } from './annotations.ts';

export interface ScaleResult {
  /** Desired pods, or -1 when there is no data (keep the current scale). */
  desired: number;
  /** Excess burst capacity: -1 unlimited TBC, else floor(ready × total − TBC − panic load). */
  ebc: number;
  valid: boolean;
  panicking: boolean;
  observedStable: number;
  observedPanic: number;
}

export class Decider {
  spec: DeciderSpec;
  private stable: TimedBuckets;
  private panic: TimedBuckets;
  private delay: MaxWindow | undefined;
  /** ms since epoch when panic mode last saw the threshold crossed; undefined: not panicking. */
  panicTime: number | undefined;
  maxPanicPods = 0;
  /** The last valid result (what the PA reconciler applies). */
  last: ScaleResult | undefined;

  /** readyPods: pods ready when the decider is created; above 1 it starts in panic mode so a restart never scales down early. */
  constructor(spec: DeciderSpec, nowMs: number, readyPods = 0) {
    this.spec = spec;
    this.stable = new TimedBuckets(spec.stableWindowMs);
    this.panic = new TimedBuckets(spec.panicWindowMs);
    this.delay = spec.scaleDownDelayMs > 0 ? new MaxWindow(spec.scaleDownDelayMs) : undefined;
    if (readyPods > 1) {
      this.panicTime = nowMs;
      this.maxPanicPods = readyPods;
    }
  }

  /** A new spec; windows whose length changed start afresh. */
  update(spec: DeciderSpec): void {
    if (spec.stableWindowMs !== this.spec.stableWindowMs) this.stable = new TimedBuckets(spec.stableWindowMs);
    if (spec.panicWindowMs !== this.spec.panicWindowMs) this.panic = new TimedBuckets(spec.panicWindowMs);
    if (spec.scaleDownDelayMs !== this.spec.scaleDownDelayMs) this.delay = spec.scaleDownDelayMs > 0 ? new MaxWindow(spec.scaleDownDelayMs) : undefined;
    this.spec = spec;
  }

  /** Adds an observation of the spec's metric (concurrency or requests per second, summed over reporters) at tMs. */
  record(tMs: number, value: number): void {
    this.stable.record(tMs, value);
    this.panic.record(tMs, value);
  }

  scale(nowMs: number, readyPodCount: number): ScaleResult {
    const s = this.spec;
    if (this.stable.isEmpty(nowMs)) {
      return { desired: -1, ebc: 0, valid: false, panicking: this.panicTime !== undefined, observedStable: 0, observedPanic: 0 };
    }
    const readyPods = Math.max(1, readyPodCount);
    const observedStable = this.stable.average(nowMs);
    const observedPanic = this.panic.average(nowMs);
    const maxScaleUp = Math.ceil(s.maxScaleUpRate * readyPods);
    const maxScaleDown = s.reachable ? Math.floor(readyPods / s.maxScaleDownRate) : 0;
    const dspc = Math.ceil(observedStable / s.targetValue);
    const dppc = Math.ceil(observedPanic / s.targetValue);
    let desiredStable = Math.min(Math.max(dspc, maxScaleDown), maxScaleUp);
    let desiredPanic = Math.min(Math.max(dppc, maxScaleDown), maxScaleUp);
    if (s.activationScale > 1) {
      if (dspc > 0 && s.activationScale > desiredStable) desiredStable = s.activationScale;
      if (dppc > 0 && s.activationScale > desiredPanic) desiredPanic = s.activationScale;
    }
    const overPanic = dppc / readyPods >= s.panicThreshold;
    if (overPanic) this.panicTime = nowMs;
    else if (this.panicTime !== undefined && this.panicTime + s.stableWindowMs < nowMs) {
      this.panicTime = undefined;
      this.maxPanicPods = 0;
    }
    let desired = desiredStable;
    if (this.panicTime !== undefined) {
      // Provision for the larger of the two, and never scale down while panicking.
      desired = Math.max(desiredStable, desiredPanic);
      if (desired > this.maxPanicPods) this.maxPanicPods = desired;
      desired = this.maxPanicPods;
    }
    if (s.reachable && this.delay) {
      this.delay.record(nowMs, desired);
      desired = this.delay.current();
    }
    let ebc = -1;
    if (s.targetBurstCapacity === 0) ebc = 0;
    else if (s.targetBurstCapacity > 0) ebc = Math.floor(readyPodCount * s.totalValue - s.targetBurstCapacity - observedPanic);
    const r: ScaleResult = { desired, ebc, valid: true, panicking: this.panicTime !== undefined, observedStable, observedPanic };
    this.last = r;
    return r;
  }
}

/** The initial excess burst capacity of a new decider (multiscaler createScaler). */
export function initialEBC(spec: DeciderSpec): number {
  if (spec.targetBurstCapacity === -1) return -1;
  if (spec.targetBurstCapacity === 0) return 0;
  return Math.floor(spec.initialScale * spec.totalValue - spec.targetBurstCapacity);
}

export type CondStatus = 'True' | 'False' | 'Unknown';

/** What the scaler knows of the PA: its Active condition and whether the scale target reached its initial scale. */
export interface PAState {
  /** Active condition status; undefined is treated as Unknown (activating), as InitializeConditions leaves it. */
  active: CondStatus | undefined;
  /** ms since epoch of the Active condition's last transition. */
  activeSinceMs: number;
  scaleTargetInitialized: boolean;
  /** progress-deadline annotation or config-deployment's, ms. */
  progressDeadlineMs: number;
}

/** Added to the progress deadline before an activation that never succeeds is given up (scale back to 0). */
export const ACTIVATION_TIMEOUT_BUFFER_MS = 30_000;

export interface ScaleDecision {
  /** Desired scale to report; -1: unknown (keep what is there). */
  want: number;
  /** Patch the scale target to want. */
  apply: boolean;
  /** Reconcile again after this long (the next step of the scale-to-zero sequence). */
  requeueAfterMs?: number;
}

/** applyBounds: clamp to [min, max], max 0 meaning unbounded. */
export function applyBounds(min: number, max: number, x: number): number {
  if (x < min) return min;
  if (max !== 0 && x > max) return max;
  return x;
}

/** The scaler: the decider's desired scale → what to apply to the Deployment. */
export function scaleTarget(desired: number, spec: DeciderSpec, pa: PAState, nowMs: number): ScaleDecision {
  const activating = pa.active === undefined || pa.active === 'Unknown';
  if (desired < 0 && !activating) return { want: desired, apply: false };
  let min = spec.minScale;
  if (spec.initialScale > 1 && !pa.scaleTargetInitialized) min = Math.max(spec.initialScale, min);
  const bounded = applyBounds(min, spec.maxScale, desired);
  if (bounded !== 0) return { want: bounded, apply: bounded >= 0 };
  if (!spec.enableScaleToZero) return { want: 1, apply: true };
  const since = nowMs - pa.activeSinceMs;
  if (activating) {
    const timeout = pa.progressDeadlineMs + ACTIVATION_TIMEOUT_BUFFER_MS;
    if (since >= timeout) return { want: 0, apply: true };
    return { want: -1, apply: false, requeueAfterMs: timeout - since };
  }
  if (pa.active === 'True') {
    // Stay at one pod until active for a stable window; then report 0 (the PA becomes inactive) without applying.
    if (since >= spec.stableWindowMs) return { want: 0, apply: false, requeueAfterMs: 1_000 };
    return { want: 1, apply: true, requeueAfterMs: spec.stableWindowMs - since };
  }
  // Inactive: keep the last pod for max(grace, retention) since it became inactive.
  const hold = Math.max(spec.scaleToZeroGracePeriodMs, spec.scaleToZeroPodRetentionPeriodMs);
  if (since >= hold) return { want: 0, apply: true };
  return { want: -1, apply: false, requeueAfterMs: hold - since };
}

export interface ActiveCondition {
  status: CondStatus;
  reason?: string;
  message?: string;
}

export const NO_TRAFFIC = { reason: 'NoTraffic', message: 'The target is not receiving traffic.' } as const;
export const TIMED_OUT = { reason: 'TimedOut', message: 'The target could not be activated.' } as const;
export const QUEUED = { reason: 'Queued', message: 'Requests to the target are being buffered as resources are provisioned.' } as const;

/**
 * computeActiveCondition: the PA's new Active condition from want (-1 unknown), ready pods and the
 * current condition; undefined leaves it as it is. minReady: max(min-scale, 1), or the initial scale
 * while the target has not reached it.
 */
export function activeCondition(want: number, got: number, minReady: number, current: CondStatus | undefined): ActiveCondition | undefined {
  const activating = current === undefined || current === 'Unknown';
  const inactive = current === 'False';
  if (want === 0 || minReady === 0) return { status: 'False', ...(activating && minReady > 0 ? TIMED_OUT : NO_TRAFFIC) };
  if (got < minReady) return want > 0 || !inactive ? { status: 'Unknown', ...QUEUED } : undefined;
  return want > 0 || !inactive ? { status: 'True' } : undefined;
}

/** The ready pods the PA needs to be Active (0 only for an initial scale of 0 not yet reached). */
export function minReady(spec: DeciderSpec, scaleTargetInitialized: boolean): number {
  return scaleTargetInitialized ? Math.max(spec.minScale, 1) : Math.max(spec.minScale, spec.initialScale);
}

/** computeNumActivators' cousin: requests the gateway may send one pod at once (0: unlimited). */
export function podCapacity(spec: DeciderSpec): number {
  return spec.containerConcurrency > 0 ? spec.containerConcurrency : 0;
}
