// config-autoscaler: the KPA/HPA settings, with upstream's validation messages. Pure.
import { formatGoDurationMs } from '../duration.ts';
import { S, HOUR, parseFloatStrict, Reader } from './config-reader.ts';

export interface AutoscalerConfig {
  /** pod-autoscaler-class */
  podAutoscalerClass: string;
  /** enable-scale-to-zero */
  enableScaleToZero: boolean;
  /** container-concurrency-target-percentage as a fraction in (0, 1]: "70" → 0.7. */
  containerConcurrencyTargetFraction: number;
  /** container-concurrency-target-default */
  containerConcurrencyTargetDefault: number;
  /** requests-per-second-target-default */
  rpsTargetDefault: number;
  /** target-burst-capacity: ≥ 0, or -1 for unlimited. */
  targetBurstCapacity: number;
  /** stable-window, ms (6s … 1h, whole seconds). */
  stableWindowMs: number;
  /** panic-window-percentage (1 … 100). */
  panicWindowPercentage: number;
  /** panic-threshold-percentage (110 … 1000). */
  panicThresholdPercentage: number;
  /** max-scale-up-rate (> 1). */
  maxScaleUpRate: number;
  /** max-scale-down-rate (> 1). */
  maxScaleDownRate: number;
  /** scale-to-zero-grace-period, ms (> 0). */
  scaleToZeroGracePeriodMs: number;
  /** scale-to-zero-pod-retention-period, ms (≥ 0). */
  scaleToZeroPodRetentionPeriodMs: number;
  /** scale-down-delay, ms (≥ 0, whole seconds). */
  scaleDownDelayMs: number;
  /** activator-capacity (≥ 1). */
  activatorCapacity: number;
  /** initial-scale (≥ 0; 0 only with allow-zero-initial-scale). */
  initialScale: number;
  /** allow-zero-initial-scale */
  allowZeroInitialScale: boolean;
  /** min-scale: the cluster default for revisions. */
  minScale: number;
  /** max-scale: 0 means unlimited. */
  maxScale: number;
  /** max-scale-limit: 0 means none. */
  maxScaleLimit: number;
}

// The checks and messages of upstream's autoscaler config validate() (serving:pkg/autoscaler/config/config.go).
// Upstream rejects the whole ConfigMap on the first bad value; kn-ts keeps that key's default and
// warns with upstream's message, so one typo does not stop autoscaling.
const goFloat = (v: number) => v.toFixed(6);
export function parseAutoscaler(data: Record<string, string> | undefined, warnings: string[], d: AutoscalerConfig): AutoscalerConfig {
  const r = new Reader('config-autoscaler', data, warnings);
  const fraction = r.get(
    d.containerConcurrencyTargetFraction,
    'container-concurrency-target-percentage',
    (v) => {
      const n = parseFloatStrict(v);
      return n === undefined ? undefined : n > 1 ? n / 100 : n;
    },
    (v) => (v > 0 && v <= 1 ? undefined : `container-concurrency-target-percentage = ${goFloat(v)} is outside of valid range of (0, 100]`),
  );
  const durationCheck = (key: string, ok: (v: number) => boolean, what: string) => (v: number) => (ok(v) ? undefined : `${key} ${what}, was: ${formatGoDurationMs(v)}`);
  const rate = (key: string) => (v: number) => (v > 1 ? undefined : `${key} = ${v}, must be greater than 1.0`);
  const c: AutoscalerConfig = {
    podAutoscalerClass: r.str(d.podAutoscalerClass, 'pod-autoscaler-class', (v) => (v ? undefined : 'must not be empty')),
    enableScaleToZero: r.bool(d.enableScaleToZero, 'enable-scale-to-zero'),
    containerConcurrencyTargetFraction: fraction,
    containerConcurrencyTargetDefault: r.float(d.containerConcurrencyTargetDefault, 'container-concurrency-target-default', (v) =>
      v * fraction >= 0.01
        ? undefined
        : `container-concurrency-target-percentage and container-concurrency-target-default yield target concurrency of ${v * fraction}, can't be less than 0.01`,
    ),
    rpsTargetDefault: r.float(d.rpsTargetDefault, 'requests-per-second-target-default', (v) => (v >= 0.01 ? undefined : `requests-per-second-target-default must be at least 0.01, was: ${v}`)),
    targetBurstCapacity: r.float(d.targetBurstCapacity, 'target-burst-capacity', (v) =>
      v >= 0 || v === -1 ? undefined : `target-burst-capacity must be either non-negative or -1 (for unlimited), was: ${goFloat(v)}`,
    ),
    stableWindowMs: r.duration(d.stableWindowMs, 'stable-window', (v) =>
      v < 6 * S || v > HOUR
        ? `stable-window = ${formatGoDurationMs(v)}, must be in [6s; 1h0m0s] range`
        : v % S !== 0
          ? `stable-window = ${formatGoDurationMs(v)}, must be specified with at most second precision`
          : undefined,
    ),
    panicWindowPercentage: r.float(d.panicWindowPercentage, 'panic-window-percentage', (v) => (v >= 1 && v <= 100 ? undefined : `panic-window-percentage = ${v}, must be in [1, 100] interval`)),
    // Not validated in the ConfigMap upstream (only the annotation is): kn-ts applies the annotation's range.
    panicThresholdPercentage: r.float(d.panicThresholdPercentage, 'panic-threshold-percentage', (v) => (v >= 110 && v <= 1000 ? undefined : `panic-threshold-percentage = ${v}, must be in [110, 1000] interval`)),
    maxScaleUpRate: r.float(d.maxScaleUpRate, 'max-scale-up-rate', rate('max-scale-up-rate')),
    maxScaleDownRate: r.float(d.maxScaleDownRate, 'max-scale-down-rate', rate('max-scale-down-rate')),
    scaleToZeroGracePeriodMs: r.duration(d.scaleToZeroGracePeriodMs, 'scale-to-zero-grace-period', durationCheck('scale-to-zero-grace-period', (v) => v > 0, 'must be positive')),
    scaleToZeroPodRetentionPeriodMs: r.duration(d.scaleToZeroPodRetentionPeriodMs, 'scale-to-zero-pod-retention-period', durationCheck('scale-to-zero-pod-retention-period', (v) => v >= 0, 'cannot be negative')),
    scaleDownDelayMs: r.duration(d.scaleDownDelayMs, 'scale-down-delay', (v) =>
      v < 0 ? `scale-down-delay cannot be negative, was: ${formatGoDurationMs(v)}` : v % S !== 0 ? `scale-down-delay = ${formatGoDurationMs(v)}, must be specified with at most second precision` : undefined,
    ),
    activatorCapacity: r.float(d.activatorCapacity, 'activator-capacity', (v) => (v >= 1 ? undefined : `activator-capacity = ${v}, must be at least 1`)),
    allowZeroInitialScale: r.bool(d.allowZeroInitialScale, 'allow-zero-initial-scale'),
    initialScale: 0,
    minScale: r.int(d.minScale, 'min-scale', (v) => (v >= 0 ? undefined : `min-scale = ${v}, must be at least 0`)),
    maxScale: r.int(d.maxScale, 'max-scale', (v) => (v >= 0 ? undefined : `max-scale = ${v}, must be at least 0`)),
    maxScaleLimit: r.int(d.maxScaleLimit, 'max-scale-limit', (v) => (v >= 0 ? undefined : `max-scale-limit = ${v}, must be at least 0`)),
  };
  c.initialScale = r.int(d.initialScale, 'initial-scale', (v) =>
    v < 0 || (v === 0 && !c.allowZeroInitialScale) ? `initial-scale = ${v}, must be at least 0 (or at least 1 when allow-zero-initial-scale is false)` : undefined,
  );
  if (c.maxScale > 0 && c.minScale > c.maxScale) {
    warnings.push(`config-autoscaler: min-scale (${c.minScale}) must be less than max-scale (${c.maxScale}); using the defaults`);
    c.minScale = d.minScale;
    c.maxScale = d.maxScale;
  }
  if (c.maxScaleLimit > 0 && (c.maxScale === 0 || c.maxScale > c.maxScaleLimit)) {
    if (r.raw('max-scale')) {
      warnings.push(`config-autoscaler: max-scale = ${c.maxScale}, must be in [1, max-scale-limit(${c.maxScaleLimit})] range; using max-scale-limit`);
    }
    c.maxScale = c.maxScaleLimit;
  }
  return c;
}
