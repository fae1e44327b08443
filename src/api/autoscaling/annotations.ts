// The autoscaling.knative.dev/* annotations of a Revision (copied to its PodAutoscaler): keys with
// their legacy camelCase spellings (kmap.KeyPriority: the new key wins), validation with upstream's
// messages (serving:pkg/apis/autoscaling/annotation_validation.go), and the DeciderSpec they make
// together with config-autoscaler (serving:pkg/reconciler/autoscaling/resources/target.go,
// kpa/resources/decider.go, pa_lifecycle.go ScaleBounds). Pure.
import type { AutoscalerConfig } from '../serving/config-autoscaler.ts';
import { formatGoDuration, parseGoDurationSeconds } from '../duration.ts';
import { DEFAULT_SERVING_CONFIG } from '../serving/config.ts';
import type { FieldError } from '../serving/validation.ts';

export const KPA = 'kpa.autoscaling.knative.dev';
export const HPA = 'hpa.autoscaling.knative.dev';
const DOMAIN = '.knative.dev';

/**
 * kn-ts extension: the revision's containerConcurrency as a label on the revision's Kubernetes
 * Service (EndpointSlices carry their Service's labels), so the gateway's per-pod breaker knows it
 * without reading Revisions. Absent: unlimited.
 */
export const CONTAINER_CONCURRENCY_LABEL = 'networking.kn-ts.dev/container-concurrency';

export const CONCURRENCY = 'concurrency';
export const RPS = 'rps';
export const CPU = 'cpu';
export const MEMORY = 'memory';

/** Key → its legacy spellings, in priority order (the first present wins). */
export const KEYS = {
  class: ['autoscaling.knative.dev/class'],
  metric: ['autoscaling.knative.dev/metric'],
  target: ['autoscaling.knative.dev/target'],
  targetUtilization: ['autoscaling.knative.dev/target-utilization-percentage', 'autoscaling.knative.dev/targetUtilizationPercentage'],
  minScale: ['autoscaling.knative.dev/min-scale', 'autoscaling.knative.dev/minScale'],
  maxScale: ['autoscaling.knative.dev/max-scale', 'autoscaling.knative.dev/maxScale'],
  initialScale: ['autoscaling.knative.dev/initial-scale', 'autoscaling.knative.dev/initialScale'],
  activationScale: ['autoscaling.knative.dev/activation-scale'],
  window: ['autoscaling.knative.dev/window'],
  panicWindowPercentage: ['autoscaling.knative.dev/panic-window-percentage', 'autoscaling.knative.dev/panicWindowPercentage'],
  panicThresholdPercentage: ['autoscaling.knative.dev/panic-threshold-percentage', 'autoscaling.knative.dev/panicThresholdPercentage'],
  targetBurstCapacity: ['autoscaling.knative.dev/target-burst-capacity', 'autoscaling.knative.dev/targetBurstCapacity'],
  scaleDownDelay: ['autoscaling.knative.dev/scale-down-delay', 'autoscaling.knative.dev/scaleDownDelay'],
  retention: ['autoscaling.knative.dev/scale-to-zero-pod-retention-period', 'autoscaling.knative.dev/scaleToZeroPodRetentionPeriod'],
  algorithm: ['autoscaling.knative.dev/metric-aggregation-algorithm', 'autoscaling.knative.dev/metricAggregationAlgorithm'],
} as const;

export const WINDOW_MIN_S = 6;
export const WINDOW_MAX_S = 3600;
const TARGET_MIN = 0.01;
const INT32_MAX = 2147483647;

type Ann = Record<string, string> | undefined;

/** kmap.KeyPriority.Get: the first of keys present in m. */
export function getKey(m: Ann, keys: readonly string[]): { key: string; value: string } | undefined {
  for (const k of keys) {
    const v = m?.[k];
    if (v !== undefined) return { key: k, value: v };
  }
  return undefined;
}

/** Go's strconv.ParseFloat, for the decimal forms people write. */
function parseFloatGo(v: string): number | undefined {
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v) ? Number(v) : undefined;
}
function parseIntGo(v: string): number | undefined {
  return /^[+-]?\d+$/.test(v) ? Number(v) : undefined;
}


/** A Go time.Duration as fmt prints it, from seconds. */
const goDuration = (seconds: number): string => formatGoDuration(seconds * 1e9);

const invalid = (v: unknown, path: string): FieldError => ({ message: `invalid value: ${String(v)}`, paths: [path] });
const outOfBounds = (v: unknown, lo: unknown, hi: unknown, path: string): FieldError => ({ message: `expected ${String(lo)} <= ${String(v)} <= ${String(hi)}`, paths: [path] });
const generic = (message: string, ...paths: string[]): FieldError => ({ message, paths });

function intGE0(m: Ann, keys: readonly string[], errs: FieldError[]): number {
  const kv = getKey(m, keys);
  if (!kv) return 0;
  const i = parseIntGo(kv.value);
  if (i === undefined) {
    errs.push(invalid(kv.value, kv.key));
    return 0;
  }
  if (i < 0 || i > INT32_MAX) {
    errs.push(outOfBounds(kv.value, 0, INT32_MAX, kv.key));
    return 0;
  }
  return i;
}

/** ValidateAnnotations: every problem of the autoscaling annotations, with upstream's messages and paths (annotation keys). */
export function validateAnnotations(m: Ann, cfg: Pick<AutoscalerConfig, 'maxScaleLimit' | 'allowZeroInitialScale'>): FieldError[] {
  const errs: FieldError[] = [];
  // class
  const cls = getKey(m, KEYS.class);
  if (cls && cls.value.endsWith(DOMAIN) && cls.value !== KPA && cls.value !== HPA) errs.push(invalid(cls.value, cls.key));
  // min/max/activation scale
  const min = intGE0(m, KEYS.minScale, errs);
  const max = intGE0(m, KEYS.maxScale, errs);
  if (max !== 0 && max < min) errs.push(generic(`max-scale=${max} is less than min-scale=${min}`, KEYS.maxScale[0], KEYS.minScale[0]));
  const maxKV = getKey(m, KEYS.maxScale);
  if (maxKV && cfg.maxScaleLimit > 0) {
    if (max > cfg.maxScaleLimit) errs.push(outOfBounds(max, 1, cfg.maxScaleLimit, maxKV.key));
    if (max === 0) errs.push(generic(`max-scale=0 (unlimited), must be less than ${cfg.maxScaleLimit}`, maxKV.key));
  }
  const act = getKey(m, KEYS.activationScale);
  if (act) {
    const a = parseIntGo(act.value);
    if (a === undefined || Math.abs(a) > INT32_MAX) errs.push(invalid(act.value, act.key));
    else if (min > a) errs.push(generic(`min-scale=${min} is greater than activation-scale=${a}`, act.key));
    else if (max < a && max !== 0) errs.push(generic(`max-scale=${max} is less than activation-scale=${a}`, act.key));
    else if (a < 2) errs.push(generic(`activation-scale=${a} must be greater than 1`, act.key));
  }
  // floats in a range
  for (const [keys, lo, hi] of [
    [KEYS.panicWindowPercentage, 1, 100],
    [KEYS.panicThresholdPercentage, 110, 1000],
    [KEYS.targetUtilization, 1, 100],
  ] as const) {
    const kv = getKey(m, keys);
    if (!kv) continue;
    const f = parseFloatGo(kv.value);
    if (f === undefined) errs.push(invalid(kv.value, kv.key));
    else if (f < lo || f > hi) errs.push(outOfBounds(kv.value, lo, hi, kv.key));
  }
  const tg = getKey(m, KEYS.target);
  if (tg) {
    const f = parseFloatGo(tg.value);
    if (f === undefined) errs.push(invalid(tg.value, tg.key));
    else if (f < TARGET_MIN) errs.push(generic(`target ${tg.value} should be at least ${TARGET_MIN}`, tg.key));
  }
  const tbc = getKey(m, KEYS.targetBurstCapacity);
  if (tbc) {
    const f = parseFloatGo(tbc.value);
    if (f === undefined || (f < 0 && f !== -1)) errs.push(invalid(tbc.value, tbc.key));
  }
  // durations
  const win = getKey(m, KEYS.window);
  if (win) {
    const s = parseGoDurationSeconds(win.value);
    if (s === undefined) errs.push(invalid(win.value, KEYS.window[0]));
    else if (s < WINDOW_MIN_S || s > WINDOW_MAX_S) errs.push(outOfBounds(win.value, goDuration(WINDOW_MIN_S), goDuration(WINDOW_MAX_S), KEYS.window[0]));
    else if (!Number.isInteger(s)) errs.push(generic('must be specified with at most second precision', KEYS.window[0]));
  }
  const ret = getKey(m, KEYS.retention);
  if (ret) {
    const s = parseGoDurationSeconds(ret.value);
    if (s === undefined) errs.push(invalid(ret.value, ret.key));
    else if (s < 0 || s > WINDOW_MAX_S) errs.push(outOfBounds(ret.value, goDuration(0), goDuration(WINDOW_MAX_S), ret.key));
  }
  const sdd = getKey(m, KEYS.scaleDownDelay);
  if (sdd) {
    const s = parseGoDurationSeconds(sdd.value);
    if (s === undefined) errs.push(invalid(sdd.value, sdd.key));
    else if (s < 0 || s > WINDOW_MAX_S) errs.push(outOfBounds(sdd.value, goDuration(0), goDuration(WINDOW_MAX_S), sdd.key));
    else if (Math.round(s) !== s) errs.push(generic('must be specified with at most second precision', sdd.key));
  }
  // metric
  const met = getKey(m, KEYS.metric);
  if (met) {
    const c = cls?.value ?? KPA;
    if ((c === KPA && met.value !== CONCURRENCY && met.value !== RPS) || (c === HPA && met.value === '')) errs.push(invalid(met.value, KEYS.metric[0]));
  }
  // algorithm (KPA only)
  const alg = getKey(m, KEYS.algorithm);
  if (cls?.value === KPA && alg && alg.value !== '' && !['linear', 'weighted-exponential', 'weightedExponential'].includes(alg.value)) errs.push(invalid(alg.value, alg.key));
  // initial scale
  const init = getKey(m, KEYS.initialScale);
  if (init) {
    const i = parseIntGo(init.value);
    if (i === undefined) errs.push(invalid(init.value, init.key));
    else if (i < 0) errs.push(invalid(init.value, `${init.key} must be greater than 0`));
    else if (!cfg.allowZeroInitialScale && i === 0) errs.push(invalid(init.value, `${init.key}=0 not allowed by cluster`));
  }
  return errs;
}

/** Everything the autoscaler needs about one PodAutoscaler (autoscaler.DeciderSpec plus the scaler's inputs). */
export interface DeciderSpec {
  class: string;
  metric: string;
  /** Target per pod (concurrency or rps), after utilization: max(0.01, total × utilization). */
  targetValue: number;
  /** The per-pod total before utilization (containerConcurrency or the target). */
  totalValue: number;
  maxScaleUpRate: number;
  maxScaleDownRate: number;
  /** panic-threshold-percentage / 100. */
  panicThreshold: number;
  stableWindowMs: number;
  panicWindowMs: number;
  targetBurstCapacity: number;
  activatorCapacity: number;
  scaleDownDelayMs: number;
  initialScale: number;
  activationScale: number;
  reachable: boolean;
  /** ScaleBounds: min (0 while unreachable) and max (0 = unlimited). */
  minScale: number;
  maxScale: number;
  enableScaleToZero: boolean;
  scaleToZeroGracePeriodMs: number;
  scaleToZeroPodRetentionPeriodMs: number;
  containerConcurrency: number;
}

const num = (m: Ann, keys: readonly string[]): number | undefined => {
  const kv = getKey(m, keys);
  return kv ? parseFloatGo(kv.value) : undefined;
};
const dur = (m: Ann, keys: readonly string[]): number | undefined => {
  const kv = getKey(m, keys);
  return kv ? parseGoDurationSeconds(kv.value) : undefined;
};

/** ResolveMetricTarget: [targetValue, totalValue] for the PA's metric. */
export function resolveTarget(m: Ann, containerConcurrency: number, cfg: AutoscalerConfig): [number, number] {
  const metric = getKey(m, KEYS.metric)?.value ?? CONCURRENCY;
  let total: number;
  let tu: number;
  if (metric === RPS) {
    total = cfg.rpsTargetDefault;
    tu = 0.7;
  } else {
    total = containerConcurrency > 0 ? containerConcurrency : cfg.containerConcurrencyTargetDefault;
    tu = cfg.containerConcurrencyTargetFraction;
  }
  const t = num(m, KEYS.target);
  if (t !== undefined) total = metric !== RPS && containerConcurrency > 0 ? Math.min(t, containerConcurrency) : t;
  const u = num(m, KEYS.targetUtilization);
  if (u !== undefined) tu = u / 100;
  return [Math.max(TARGET_MIN, total * tu), total];
}

/** The DeciderSpec of a PA from its annotations, spec and config-autoscaler. Call only when validateAnnotations found nothing. */
export function makeDeciderSpec(
  m: Ann,
  pa: { containerConcurrency?: number; reachability?: string },
  cfg: AutoscalerConfig = DEFAULT_SERVING_CONFIG.autoscaler,
): DeciderSpec {
  const cc = pa.containerConcurrency ?? 0;
  const [targetValue, totalValue] = resolveTarget(m, cc, cfg);
  const stableWindowMs = (dur(m, KEYS.window) ?? cfg.stableWindowMs / 1000) * 1000;
  const pwp = num(m, KEYS.panicWindowPercentage) ?? cfg.panicWindowPercentage;
  // resources/metric.go: round to the second, at least one bucket.
  const panicWindowMs = Math.max(1000, Math.round((stableWindowMs * pwp) / 100 / 1000) * 1000);
  const reachable = pa.reachability !== 'Unreachable';
  let initialScale = cfg.initialScale;
  const ia = num(m, KEYS.initialScale);
  if (ia !== undefined && (ia > 0 || cfg.allowZeroInitialScale)) initialScale = ia;
  const minScale = reachable ? (num(m, KEYS.minScale) ?? cfg.minScale) : 0;
  let maxScale = num(m, KEYS.maxScale) ?? cfg.maxScale;
  if (cfg.maxScaleLimit > 0 && (maxScale === 0 || maxScale > cfg.maxScaleLimit)) maxScale = cfg.maxScaleLimit;
  return {
    class: getKey(m, KEYS.class)?.value ?? cfg.podAutoscalerClass,
    metric: getKey(m, KEYS.metric)?.value ?? CONCURRENCY,
    targetValue,
    totalValue,
    maxScaleUpRate: cfg.maxScaleUpRate,
    maxScaleDownRate: cfg.maxScaleDownRate,
    panicThreshold: (num(m, KEYS.panicThresholdPercentage) ?? cfg.panicThresholdPercentage) / 100,
    stableWindowMs,
    panicWindowMs,
    targetBurstCapacity: num(m, KEYS.targetBurstCapacity) ?? cfg.targetBurstCapacity,
    activatorCapacity: cfg.activatorCapacity,
    scaleDownDelayMs: (dur(m, KEYS.scaleDownDelay) ?? cfg.scaleDownDelayMs / 1000) * 1000,
    initialScale,
    activationScale: num(m, KEYS.activationScale) ?? 1,
    reachable,
    minScale,
    maxScale,
    enableScaleToZero: cfg.enableScaleToZero,
    scaleToZeroGracePeriodMs: cfg.scaleToZeroGracePeriodMs,
    scaleToZeroPodRetentionPeriodMs: (dur(m, KEYS.retention) ?? cfg.scaleToZeroPodRetentionPeriodMs / 1000) * 1000,
    containerConcurrency: cc,
  };
}
