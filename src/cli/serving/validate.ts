// Client-side checks of the configuration-edit flags, with upstream kn's error texts
// (pkg/flags/podspec*.go, pkg/commands/service/configuration_edit_flags.go, pkg/util/parsing_helper.go),
// and the autoscaling annotation rules kn runs locally (Serving's autoscaling.ValidateAnnotations,
// formatted as knative.dev/pkg apis.FieldError). The per-value parsers are in flag-values.ts, so
// podspec.ts builds from exactly what was validated. Pure: no I/O.
import { validateAnnotations } from '../../api/autoscaling/annotations.ts';
import type { ConfigurationEditFlagValues } from './podspec-flags.ts';
import {
  fail,
  lookupProfile,
  mapFromArray,
  minusSuffix,
  orderedPairs,
  parseEnvFile,
  parseEnvFrom,
  parseEnvValueSource,
  parseGoDuration,
  parseMountValue,
  parseNodeAffinity,
  parsePort,
  parseProbeHandler,
  parseProbeOptions,
  parsePullPolicy,
  parseResources,
  parseScale,
  parseSecurityContext,
  parseToleration,
  parseVolumeSource,
  renderRevisionName,
  splitSlice,
  type Profile,
  wrap,
} from './flag-values.ts';

// ---------------------------------------------------------------------------------------------
// Autoscaling annotations: Serving's ValidateAnnotations with kn's config (AllowZeroInitialScale
// true, MaxScaleLimit 0, class KPA), errors merged and sorted as apis.FieldError.Error().

const AS = 'autoscaling.knative.dev';
export const ANN = {
  class: `${AS}/class`,
  minScale: `${AS}/min-scale`,
  maxScale: `${AS}/max-scale`,
  initialScale: `${AS}/initial-scale`,
  activationScale: `${AS}/activation-scale`,
  metric: `${AS}/metric`,
  target: `${AS}/target`,
  utilization: `${AS}/target-utilization-percentage`,
  window: `${AS}/window`,
  panicWindow: `${AS}/panic-window-percentage`,
  panicThreshold: `${AS}/panic-threshold-percentage`,
  burst: `${AS}/target-burst-capacity`,
  scaleDownDelay: `${AS}/scale-down-delay`,
  retention: `${AS}/scale-to-zero-pod-retention-period`,
  algorithm: `${AS}/metric-aggregation-algorithm`,
} as const;

interface FieldErr {
  message: string;
  paths: string[];
  details?: string;
}

/**
 * The error text Serving's ValidateAnnotations gives for these annotations, or undefined. The rules
 * are the API's (src/api/autoscaling/annotations.ts); the client knows no cluster limits, so
 * max-scale-limit and allow-zero-initial-scale are left to the server.
 */
export function autoscalingAnnotationsError(anns: Map<string, string> | Record<string, string>): string | undefined {
  const errs: FieldErr[] = validateAnnotations(anns instanceof Map ? Object.fromEntries(anns) : anns, { maxScaleLimit: 0, allowZeroInitialScale: true });
  if (!errs.length) return undefined;
  // apis.FieldError: merge equal messages (paths de-duplicated and sorted), sort by message.
  const merged = new Map<string, FieldErr>();
  for (const e of errs) {
    const key = `${e.message}-${e.details ?? ''}`;
    const have = merged.get(key);
    if (have) {
      for (const p of e.paths) if (!have.paths.includes(p)) have.paths.push(p);
    }
    else merged.set(key, { ...e, paths: [...e.paths] });
  }
  const list = [...merged.values()];
  for (const e of list) e.paths.sort();
  list.sort((a, b) => (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
  return list.map((e) => `${e.message}: ${e.paths.join(', ')}`).join('\n');
}

export function checkAutoscalingAnnotations(anns: Map<string, string> | Record<string, string>): void {
  const err = autoscalingAnnotationsError(anns);
  if (err) fail(err);
}

// ---------------------------------------------------------------------------------------------
// The whole flag set, in upstream's order (ResolvePodSpec, then the rest of Apply).

export interface ValidateOptions {
  /** Contents of --env-file (the command reads the file). */
  envFileContents?: string;
  /** Profiles from the kn config file (the built-in `istio` is always there). */
  profiles?: Record<string, Profile>;
}

/**
 * Every check kn makes on the flags before sending, that does not depend on the existing
 * service. Throws UserError with upstream's one-line message; the first failing check wins,
 * in upstream's order. applyConfigurationFlags runs the same checks (and the few that need the
 * service, such as unmounting a volume that is still mounted).
 */
export function validateConfigurationFlags(flags: ConfigurationEditFlagValues, opts: ValidateOptions = {}): void {
  const f = flags;
  // --- pod spec (ResolvePodSpec)
  if (f.env !== undefined || f['env-value-from'] !== undefined || f['env-file'] !== undefined) {
    wrap('Invalid --env: ', () => orderedPairs(f.env ?? []));
    const evf = wrap('Invalid --env-value-from: ', () => orderedPairs(f['env-value-from'] ?? []));
    if (f['env-file'] && opts.envFileContents !== undefined) parseEnvFile(opts.envFileContents);
    for (const v of evf.set.values()) parseEnvValueSource(v);
  }
  if (f['env-from'] !== undefined) parseEnvFrom(f['env-from']);
  if (f.mount !== undefined || f.volume !== undefined) {
    const mounts = wrap('Invalid --mount: ', () => orderedPairs(f.mount ?? []));
    const vols = wrap('Invalid --volume: ', () => orderedPairs(f.volume ?? []));
    for (const [p, v] of mounts.set) parseMountValue(p, v);
    for (const v of vols.set.values()) parseVolumeSource(v);
  }
  if (f['pull-policy'] !== undefined) parsePullPolicy(f['pull-policy']);
  parseResources(f.request);
  parseResources(f.limit);
  if (f.port !== undefined) checkPort(parsePort(f.port));
  if (f['probe-liveness'] !== undefined) parseProbeHandler(f['probe-liveness']);
  if (f['probe-liveness-opts'] !== undefined) parseProbeOptions(f['probe-liveness-opts']);
  if (f['probe-readiness'] !== undefined) parseProbeHandler(f['probe-readiness']);
  if (f['probe-readiness-opts'] !== undefined) parseProbeOptions(f['probe-readiness-opts']);
  if (f['security-context'] !== undefined) parseSecurityContext(f['security-context']);
  if (f['node-selector'] !== undefined) wrap('Invalid --node-selector: ', () => mapFromArray(f['node-selector'], true));
  if (f.toleration !== undefined) wrap('Invalid --toleration: ', () => parseToleration(splitSlice(f.toleration)));
  if (f['node-affinity'] !== undefined) wrap('Invalid --node-affinity: ', () => parseNodeAffinity(splitSlice(f['node-affinity'])));
  // --- the rest of Apply
  if (f['revision-name']) renderRevisionName(f['revision-name'], 'x', 1, (n) => 'b'.repeat(n));
  if (f['scale-min'] !== undefined) checkAutoscalingAnnotations({ [ANN.minScale]: String(f['scale-min']) });
  if (f['scale-max'] !== undefined) checkAutoscalingAnnotations({ [ANN.maxScale]: String(f['scale-max']) });
  if (f.scale !== undefined) {
    if (f['scale-max'] !== undefined) fail('only --scale or --scale-max can be specified');
    if (f['scale-min'] !== undefined) fail('only --scale or --scale-min can be specified');
    const s = parseScale(f.scale);
    if (s.min !== undefined && s.max !== undefined && s.max !== 0 && s.min > s.max) {
      fail(`invalid --scale ${f.scale}: the minimum ${s.min} is greater than the maximum ${s.max}; use --scale MIN..MAX with MIN <= MAX`);
    }
    if (s.min !== undefined && !f.scale.includes('..')) {
      checkAutoscalingAnnotations({ [ANN.maxScale]: String(s.max) });
      checkAutoscalingAnnotations({ [ANN.minScale]: String(s.min) });
    } else {
      if (s.min !== undefined) checkAutoscalingAnnotations({ [ANN.minScale]: String(s.min) });
      if (s.max !== undefined) checkAutoscalingAnnotations({ [ANN.maxScale]: String(s.max) });
    }
  }
  if (f['scale-min'] !== undefined && f['scale-max'] !== undefined && f['scale-max'] !== 0 && f['scale-min'] > f['scale-max']) {
    fail(`--scale-min ${f['scale-min']} is greater than --scale-max ${f['scale-max']}; give a minimum that is not above the maximum`);
  }
  if (f['scale-activation'] !== undefined && f['scale-activation'] < 0) {
    fail(`invalid --scale-activation ${f['scale-activation']}: must be 0 or greater (the number of replicas to scale to from zero)`);
  }
  if (f['scale-metric'] !== undefined) {
    const m = f['scale-metric'];
    if (!['concurrency', 'rps', 'cpu', 'memory'].includes(m)) {
      fail(`invalid --scale-metric ${JSON.stringify(m)}: use concurrency or rps (or cpu or memory with the hpa.autoscaling.knative.dev class)`);
    }
  }
  const window = f['scale-window'] ?? f['autoscale-window'];
  if (window !== undefined) {
    wrap("invalid duration for 'scale-window': ", () => parseGoDuration(window));
    checkAutoscalingAnnotations({ [ANN.window]: window });
  }
  const target = f['scale-target'] ?? f['concurrency-target'];
  if (target !== undefined) checkAutoscalingAnnotations({ [ANN.target]: String(target) });
  if (f['concurrency-limit'] !== undefined) {
    if (f['concurrency-limit'] < 0) fail(`invalid concurrency-limit ${f['concurrency-limit']} (must not be less than 0)`);
    if (f['concurrency-limit'] > 1000) fail(`expected 0 <= ${f['concurrency-limit']} <= 1000: spec.template.spec.containerConcurrency`);
  }
  const util = f['scale-utilization'] ?? f['concurrency-utilization'];
  if (util !== undefined) checkAutoscalingAnnotations({ [ANN.utilization]: String(util) });
  if (f.label !== undefined || f['label-service'] !== undefined || f['label-revision'] !== undefined) {
    wrap('Invalid --label: ', () => mapFromArray(f.label, true));
    wrap('Invalid --label-service: Unable to parse label flags: ', () => mapFromArray(f['label-service'], true));
    wrap('Invalid --label-revision: Unable to parse label flags: ', () => mapFromArray(f['label-revision'], true));
  }
  if (f.annotation !== undefined || f['annotation-service'] !== undefined || f['annotation-revision'] !== undefined) {
    annotationMaps(f);
  }
  if (f['scale-init'] !== undefined) {
    if (f.annotation?.some((a) => a.includes(ANN.initialScale))) {
      fail(`only one of the --scale-init or --annotation ${ANN.initialScale} can be specified`);
    }
    checkAutoscalingAnnotations({ [ANN.initialScale]: String(f['scale-init']) });
  }
  if (f.timeout !== undefined && (f.timeout < 0 || f.timeout > 600)) {
    fail(`expected 0 <= ${f.timeout} <= 600: spec.template.spec.timeoutSeconds`);
  }
  if (f.profile !== undefined) lookupProfile(f.profile, opts.profiles);
}

/** Webhook-equivalent port checks (Serving rejects these server-side; we say so before sending). */
export function checkPort(p: { name?: string; containerPort: number }): void {
  const path = 'spec.template.spec.containers[0].ports';
  if ([8012, 8013, 8022, 9090, 9091, 8008].includes(p.containerPort)) {
    fail(`invalid value: ${p.containerPort} is a reserved port: ${path}.containerPort (${p.containerPort} is a reserved port, please use a different value)`);
  }
  if (p.containerPort < 0 || p.containerPort > 65535) fail(`expected 0 <= ${p.containerPort} <= 65535: ${path}.containerPort`);
  if (p.containerPort === 0) fail(`invalid --port 0: the port must be between 1 and 65535`);
  if (p.name && p.name !== 'h2c' && p.name !== 'http1') {
    fail(`Port name ${p.name} is not allowed: ${path} (Name must be empty, or one of: 'h2c', 'http1')`);
  }
}

/** The annotation maps of -a / --annotation-revision / --annotation-service, validated as upstream. */
export function annotationMaps(f: ConfigurationEditFlagValues): {
  revision: Map<string, string>;
  service: Map<string, string>;
  removeBoth: string[];
  removeRevision: string[];
  removeService: string[];
} {
  const all = wrap('Invalid --annotation: ', () => mapFromArray(f.annotation, true));
  const rev = wrap('Invalid --annotation-revision: ', () => mapFromArray(f['annotation-revision'], true));
  const svc = wrap('Invalid --annotation-service: ', () => mapFromArray(f['annotation-service'], true));
  const removeBoth = minusSuffix(all);
  // The help promises `name-` unsets for the per-object flags too (upstream would send a
  // literal "name-" key, which the API server rejects); we unset.
  const removeRevision = minusSuffix(rev);
  const removeService = minusSuffix(svc);
  const revision = new Map([...all, ...rev]);
  checkAutoscalingAnnotations(revision);
  const service = new Map<string, string>();
  for (const [k, v] of all) if (!k.startsWith(AS)) service.set(k, v);
  for (const [k, v] of svc) {
    if (k.startsWith(AS)) fail(`service can not have auto-scaling related annotation: ${k} , please update using '--annotation-revision'`);
    service.set(k, v);
  }
  return { revision, service, removeBoth, removeRevision, removeService };
}
