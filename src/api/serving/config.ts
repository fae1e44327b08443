// The Serving ConfigMaps in knative-serving (config-domain, config-network, config-autoscaler,
// config-defaults, config-deployment, config-gc), parsed into typed values with upstream's keys and
// defaults. Pure: the caller reads the maps; a bad value falls back to its default and is reported in
// `warnings`, so one typo never stops the control plane.
import { formatGoDurationMs, parseGoDurationMs } from '../duration.ts';
import { isQuantity as isQuantityStrict } from '../quantity.ts';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_DOMAIN_TEMPLATE, DEFAULT_TAG_TEMPLATE, validateDomainTemplate, validateTagTemplate } from './domains.ts';

export { DEFAULT_DOMAIN_TEMPLATE, DEFAULT_TAG_TEMPLATE };

// ---------------------------------------------------------------- types

/** A config-domain entry: routes whose labels match `selector` get this domain. */
export interface DomainSelector {
  /** Label key → value, all of which must match. Empty: the default for every route. */
  selector: Record<string, string>;
}

export interface DomainConfig {
  /** Domain suffix → selector, as config-domain lists them (`_example` excluded). Always has a default entry. */
  domains: Record<string, DomainSelector>;
}

export type TLSMode = 'Enabled' | 'Disabled';

export interface NetworkConfig {
  /** domain-template: Go template over {Name, Namespace, Domain, Annotations, Labels}. */
  domainTemplate: string;
  /** tag-template: Go template over {Name, Tag}. */
  tagTemplate: string;
  /** ingress-class (legacy key ingress.class). */
  ingressClass: string;
  /** certificate-class (legacy key certificate.class). */
  certificateClass: string;
  /** default-external-scheme: the scheme of external URLs. */
  defaultExternalScheme: 'http' | 'https';
  /** autocreate-cluster-domain-claims: DomainMapping creates its ClusterDomainClaim itself. */
  autocreateClusterDomainClaims: boolean;
  /** http-protocol: Enabled serves plain HTTP; Redirected redirects it to HTTPS. */
  httpProtocol: 'Enabled' | 'Redirected';
  /** rollout-duration, in whole seconds (0: instant). */
  rolloutDurationSeconds: number;
  /** external-domain-tls (legacy key auto-tls). */
  externalDomainTLS: TLSMode;
  /** cluster-local-domain-tls. */
  clusterLocalDomainTLS: TLSMode;
  /** system-internal-tls (legacy boolean key internal-encryption). */
  systemInternalTLS: TLSMode;
  /** namespace-wildcard-cert-selector: a label selector in YAML, '' when unset. */
  namespaceWildcardCertSelector: string;
  /** enable-mesh-pod-addressability. */
  enableMeshPodAddressability: boolean;
  /** mesh-compatibility-mode. */
  meshCompatibilityMode: 'enabled' | 'disabled' | 'auto';
}

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

export interface DefaultsConfig {
  /** revision-timeout-seconds */
  revisionTimeoutSeconds: number;
  /** max-revision-timeout-seconds */
  maxRevisionTimeoutSeconds: number;
  /** revision-response-start-timeout-seconds (defaults to revision-timeout-seconds). */
  revisionResponseStartTimeoutSeconds: number;
  /** revision-idle-timeout-seconds (0: none). */
  revisionIdleTimeoutSeconds: number;
  /** revision-{cpu,memory,ephemeral-storage}-{request,limit}: quantities; undefined = no default. */
  revisionCPURequest?: string;
  revisionMemoryRequest?: string;
  revisionEphemeralStorageRequest?: string;
  revisionCPULimit?: string;
  revisionMemoryLimit?: string;
  revisionEphemeralStorageLimit?: string;
  /** container-name-template (a Go template over the parent's ObjectMeta). */
  containerNameTemplate: string;
  /** init-container-name-template */
  initContainerNameTemplate: string;
  /** container-concurrency */
  containerConcurrency: number;
  /** container-concurrency-max-limit */
  containerConcurrencyMaxLimit: number;
  /** allow-container-concurrency-zero */
  allowContainerConcurrencyZero: boolean;
  /** enable-service-links */
  enableServiceLinks: boolean;
}

export interface DeploymentConfig {
  /** queue-sidecar-image: kn-ts runs no queue-proxy sidecar, so this is only kept for compatibility. */
  queueSidecarImage: string;
  /** registries-skipping-tag-resolving */
  registriesSkippingTagResolving: string[];
  /** digest-resolution-timeout, ms */
  digestResolutionTimeoutMs: number;
  /** progress-deadline, ms (whole seconds, > 0) */
  progressDeadlineMs: number;
  /** queue-sidecar-{cpu,memory,ephemeral-storage}-{request,limit} */
  queueSidecarCPURequest?: string;
  queueSidecarCPULimit?: string;
  queueSidecarMemoryRequest?: string;
  queueSidecarMemoryLimit?: string;
  queueSidecarEphemeralStorageRequest?: string;
  queueSidecarEphemeralStorageLimit?: string;
  /** queue-sidecar-token-audiences */
  queueSidecarTokenAudiences: string[];
  /** runtime-class-name: YAML map of class name → label selector, '' when unset. */
  runtimeClassName: string;
  /** pod-is-always-schedulable */
  podIsAlwaysSchedulable: boolean;
}

/** The value of a disabled config-gc setting (upstream's `-1`). */
export const GC_DISABLED = -1;

export interface GCConfig {
  /** retain-since-create-time, ms, or GC_DISABLED. */
  retainSinceCreateTimeMs: number;
  /** retain-since-last-active-time, ms, or GC_DISABLED. */
  retainSinceLastActiveTimeMs: number;
  /** min-non-active-revisions */
  minNonActiveRevisions: number;
  /** max-non-active-revisions, or GC_DISABLED. */
  maxNonActiveRevisions: number;
}

export interface ServingConfig {
  domain: DomainConfig;
  network: NetworkConfig;
  autoscaler: AutoscalerConfig;
  defaults: DefaultsConfig;
  deployment: DeploymentConfig;
  gc: GCConfig;
}

// ---------------------------------------------------------------- defaults

export const SYSTEM_NAMESPACE = 'knative-serving';
export const CONFIG_MAP_NAMES = ['config-domain', 'config-network', 'config-autoscaler', 'config-defaults', 'config-deployment', 'config-gc'] as const;
export type ConfigMapName = (typeof CONFIG_MAP_NAMES)[number];

/** The domain routes get when config-domain names no default. */
export const DEFAULT_DOMAIN = 'example.com';
/** The domain of cluster-local routes. */
export const CLUSTER_LOCAL_DOMAIN = 'svc.cluster.local';
export const VISIBILITY_LABEL = 'networking.knative.dev/visibility';
export const KOURIER_INGRESS_CLASS = 'kourier.ingress.networking.knative.dev';

const S = 1000;
const M = 60 * S;
const HOUR = 60 * M;

function defaults(): ServingConfig {
  return {
    domain: { domains: { [DEFAULT_DOMAIN]: { selector: {} } } },
    network: {
      domainTemplate: DEFAULT_DOMAIN_TEMPLATE,
      tagTemplate: DEFAULT_TAG_TEMPLATE,
      ingressClass: KOURIER_INGRESS_CLASS,
      certificateClass: 'cert-manager.certificate.networking.knative.dev',
      defaultExternalScheme: 'http',
      autocreateClusterDomainClaims: false,
      httpProtocol: 'Enabled',
      rolloutDurationSeconds: 0,
      externalDomainTLS: 'Disabled',
      clusterLocalDomainTLS: 'Disabled',
      systemInternalTLS: 'Disabled',
      namespaceWildcardCertSelector: '',
      enableMeshPodAddressability: false,
      meshCompatibilityMode: 'auto',
    },
    autoscaler: {
      podAutoscalerClass: 'kpa.autoscaling.knative.dev',
      enableScaleToZero: true,
      containerConcurrencyTargetFraction: 0.7,
      containerConcurrencyTargetDefault: 100,
      rpsTargetDefault: 200,
      targetBurstCapacity: 211,
      stableWindowMs: 60 * S,
      panicWindowPercentage: 10,
      panicThresholdPercentage: 200,
      maxScaleUpRate: 1000,
      maxScaleDownRate: 2,
      scaleToZeroGracePeriodMs: 30 * S,
      scaleToZeroPodRetentionPeriodMs: 0,
      scaleDownDelayMs: 0,
      activatorCapacity: 100,
      initialScale: 1,
      allowZeroInitialScale: false,
      minScale: 0,
      maxScale: 0,
      maxScaleLimit: 0,
    },
    defaults: {
      revisionTimeoutSeconds: 300,
      maxRevisionTimeoutSeconds: 600,
      revisionResponseStartTimeoutSeconds: 300,
      revisionIdleTimeoutSeconds: 0,
      containerNameTemplate: 'user-container',
      initContainerNameTemplate: 'init-container',
      containerConcurrency: 0,
      containerConcurrencyMaxLimit: 1000,
      allowContainerConcurrencyZero: true,
      enableServiceLinks: false,
    },
    deployment: {
      queueSidecarImage: '',
      registriesSkippingTagResolving: ['kind.local', 'ko.local', 'dev.local'],
      digestResolutionTimeoutMs: 10 * S,
      progressDeadlineMs: 600 * S,
      queueSidecarCPURequest: '25m',
      queueSidecarTokenAudiences: [],
      runtimeClassName: '',
      podIsAlwaysSchedulable: false,
    },
    gc: {
      retainSinceCreateTimeMs: 48 * HOUR,
      retainSinceLastActiveTimeMs: 15 * HOUR,
      minNonActiveRevisions: 20,
      maxNonActiveRevisions: 1000,
    },
  };
}

/** Upstream's defaults (with kn-ts's Kourier ingress class and example.com domain). Frozen. */
export const DEFAULT_SERVING_CONFIG: ServingConfig = deepFreeze(defaults());

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

// ---------------------------------------------------------------- value parsers

/** Go's strconv.ParseBool. */
function parseBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(s)) return false;
  return undefined;
}

function parseIntStrict(s: string): number | undefined {
  return /^[+-]?\d+$/.test(s.trim()) ? Number(s.trim()) : undefined;
}

function parseFloatStrict(s: string): number | undefined {
  const t = s.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return undefined;
  return Number(t);
}

/** A Kubernetes resource quantity ("400m", "100M", "1Gi", "0.5")? (config maps allow surrounding blanks) */
export function isQuantity(s: string): boolean {
  return isQuantityStrict(s.trim());
}

// ---------------------------------------------------------------- the reader

/** Reads typed keys of one ConfigMap, collecting a warning per bad value. */
class Reader {
  readonly data: Record<string, string>;
  readonly map: string;
  readonly warnings: string[];
  constructor(map: string, data: Record<string, string> | undefined, warnings: string[]) {
    this.map = map;
    this.data = data ?? {};
    this.warnings = warnings;
  }

  /** The raw value of the first present key (new key first, then legacy ones). */
  raw(...keys: string[]): { key: string; value: string } | undefined {
    for (const key of keys) {
      const v = this.data[key];
      if (v !== undefined) return { key, value: v.trim() };
    }
    return undefined;
  }

  warn(key: string, value: string, why: string): void {
    this.warnings.push(`${this.map}: invalid value "${value}" for ${key}: ${why}; using the default`);
  }

  /** Runs parse on the value; undefined result or a false check keeps the default. */
  get<T>(def: T, keys: string | string[], parse: (v: string) => T | undefined, check?: (v: T) => string | undefined): T {
    const r = this.raw(...(Array.isArray(keys) ? keys : [keys]));
    if (!r) return def;
    const v = parse(r.value);
    if (v === undefined) {
      this.warn(r.key, r.value, 'cannot be parsed');
      return def;
    }
    const problem = check?.(v);
    if (problem) {
      this.warn(r.key, r.value, problem);
      return def;
    }
    return v;
  }

  str(def: string, keys: string | string[], check?: (v: string) => string | undefined): string {
    return this.get(def, keys, (v) => v, check);
  }
  bool(def: boolean, keys: string | string[]): boolean {
    return this.get(def, keys, parseBool);
  }
  int(def: number, keys: string | string[], check?: (v: number) => string | undefined): number {
    return this.get(def, keys, parseIntStrict, check);
  }
  float(def: number, keys: string | string[], check?: (v: number) => string | undefined): number {
    return this.get(def, keys, parseFloatStrict, check);
  }
  duration(def: number, keys: string | string[], check?: (v: number) => string | undefined): number {
    return this.get(def, keys, parseGoDurationMs, check);
  }
  oneOf<T extends string>(def: T, keys: string | string[], values: readonly T[], caseInsensitive = false): T {
    return this.get<T>(def, keys, (v) => {
      const hit = values.find((x) => (caseInsensitive ? x.toLowerCase() === v.toLowerCase() : x === v));
      return hit;
    });
  }
  quantity(def: string | undefined, key: string): string | undefined {
    const r = this.raw(key);
    if (!r || r.value === '') return def;
    if (!isQuantity(r.value)) {
      this.warn(key, r.value, 'not a resource quantity');
      return def;
    }
    return r.value;
  }
  list(def: string[], key: string): string[] {
    const r = this.raw(key);
    if (!r) return [...def];
    return r.value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  }
}

const atLeast = (min: number) => (v: number) => (v >= min ? undefined : `must be at least ${min}`);
const above = (min: number) => (v: number) => (v > min ? undefined : `must be greater than ${min}`);
const between = (min: number, max: number) => (v: number) => (v >= min && v <= max ? undefined : `must be between ${min} and ${max}`);
const wholeSeconds = (v: number) => (v % S === 0 ? undefined : 'must be a whole number of seconds');
const all =
  <T>(...checks: ((v: T) => string | undefined)[]) =>
  (v: T) => {
    for (const c of checks) {
      const p = c(v);
      if (p) return p;
    }
    return undefined;
  };

// ---------------------------------------------------------------- per map

function parseDomain(data: Record<string, string> | undefined, warnings: string[]): DomainConfig {
  const domains: Record<string, DomainSelector> = {};
  let hasDefault = false;
  for (const [key, value] of Object.entries(data ?? {})) {
    if (key === '_example') continue;
    const domain = key.trim();
    let selector: Record<string, string> = {};
    const text = value.trim();
    if (text !== '') {
      let doc: unknown;
      try {
        doc = parseYaml(text);
      } catch (e) {
        warnings.push(`config-domain: invalid selector for ${domain}: ${(e as Error).message.split('\n')[0]}; entry ignored`);
        continue;
      }
      const sel = doc && typeof doc === 'object' ? (doc as { selector?: unknown }).selector : undefined;
      if (doc !== null && (typeof doc !== 'object' || (sel !== undefined && (sel === null || typeof sel !== 'object' || Array.isArray(sel))))) {
        warnings.push(`config-domain: invalid selector for ${domain}: expected "selector:" with a map of labels; entry ignored`);
        continue;
      }
      for (const [k, v] of Object.entries((sel as Record<string, unknown> | undefined) ?? {})) selector[k] = String(v);
    }
    if (Object.keys(selector).length === 0) {
      hasDefault = true;
      selector = {};
    }
    domains[domain] = { selector };
  }
  if (!hasDefault) domains[DEFAULT_DOMAIN] = { selector: {} };
  return { domains };
}

const TLS = ['Enabled', 'Disabled'] as const;

function parseNetwork(data: Record<string, string> | undefined, warnings: string[]): NetworkConfig {
  const r = new Reader('config-network', data, warnings);
  const d = DEFAULT_SERVING_CONFIG.network;
  let systemInternalTLS = r.oneOf<TLSMode>(d.systemInternalTLS, 'system-internal-tls', TLS, true);
  if (!r.raw('system-internal-tls') && r.bool(false, 'internal-encryption')) systemInternalTLS = 'Enabled';
  return {
    domainTemplate: r.str(d.domainTemplate, 'domain-template', validateDomainTemplate),
    tagTemplate: r.str(d.tagTemplate, 'tag-template', validateTagTemplate),
    ingressClass: r.str(d.ingressClass, ['ingress-class', 'ingress.class'], (v) => (v ? undefined : 'must not be empty')),
    certificateClass: r.str(d.certificateClass, ['certificate-class', 'certificate.class'], (v) => (v ? undefined : 'must not be empty')),
    defaultExternalScheme: r.oneOf(d.defaultExternalScheme, 'default-external-scheme', ['http', 'https'] as const, true),
    autocreateClusterDomainClaims: r.bool(d.autocreateClusterDomainClaims, 'autocreate-cluster-domain-claims'),
    httpProtocol: r.oneOf(d.httpProtocol, 'http-protocol', ['Enabled', 'Redirected'] as const, true),
    rolloutDurationSeconds: r.int(d.rolloutDurationSeconds, 'rollout-duration', atLeast(0)),
    externalDomainTLS: r.oneOf<TLSMode>(d.externalDomainTLS, ['external-domain-tls', 'auto-tls'], TLS, true),
    clusterLocalDomainTLS: r.oneOf<TLSMode>(d.clusterLocalDomainTLS, 'cluster-local-domain-tls', TLS, true),
    systemInternalTLS,
    namespaceWildcardCertSelector: r.str(d.namespaceWildcardCertSelector, 'namespace-wildcard-cert-selector'),
    enableMeshPodAddressability: r.bool(d.enableMeshPodAddressability, 'enable-mesh-pod-addressability'),
    meshCompatibilityMode: r.oneOf(d.meshCompatibilityMode, 'mesh-compatibility-mode', ['enabled', 'disabled', 'auto'] as const, true),
  };
}

// The checks and messages of upstream's autoscaler config validate() (serving:pkg/autoscaler/config/config.go).
// Upstream rejects the whole ConfigMap on the first bad value; kn-ts keeps that key's default and
// warns with upstream's message, so one typo does not stop autoscaling.
const goFloat = (v: number) => v.toFixed(6);
function parseAutoscaler(data: Record<string, string> | undefined, warnings: string[]): AutoscalerConfig {
  const r = new Reader('config-autoscaler', data, warnings);
  const d = DEFAULT_SERVING_CONFIG.autoscaler;
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

function parseDefaults(data: Record<string, string> | undefined, warnings: string[]): DefaultsConfig {
  const r = new Reader('config-defaults', data, warnings);
  const d = DEFAULT_SERVING_CONFIG.defaults;
  const c: DefaultsConfig = {
    revisionTimeoutSeconds: r.int(d.revisionTimeoutSeconds, 'revision-timeout-seconds', atLeast(1)),
    maxRevisionTimeoutSeconds: r.int(d.maxRevisionTimeoutSeconds, 'max-revision-timeout-seconds', atLeast(1)),
    revisionResponseStartTimeoutSeconds: 0,
    revisionIdleTimeoutSeconds: r.int(d.revisionIdleTimeoutSeconds, 'revision-idle-timeout-seconds', atLeast(0)),
    containerNameTemplate: r.str(d.containerNameTemplate, 'container-name-template', (v) => (v ? undefined : 'must not be empty')),
    initContainerNameTemplate: r.str(d.initContainerNameTemplate, 'init-container-name-template', (v) => (v ? undefined : 'must not be empty')),
    containerConcurrency: 0,
    containerConcurrencyMaxLimit: r.int(d.containerConcurrencyMaxLimit, 'container-concurrency-max-limit', atLeast(1)),
    allowContainerConcurrencyZero: r.bool(d.allowContainerConcurrencyZero, 'allow-container-concurrency-zero'),
    enableServiceLinks: r.bool(d.enableServiceLinks, 'enable-service-links'),
  };
  for (const [field, key] of [
    ['revisionCPURequest', 'revision-cpu-request'],
    ['revisionMemoryRequest', 'revision-memory-request'],
    ['revisionEphemeralStorageRequest', 'revision-ephemeral-storage-request'],
    ['revisionCPULimit', 'revision-cpu-limit'],
    ['revisionMemoryLimit', 'revision-memory-limit'],
    ['revisionEphemeralStorageLimit', 'revision-ephemeral-storage-limit'],
  ] as const) {
    const q = r.quantity(undefined, key);
    if (q !== undefined) c[field] = q;
  }
  if (c.revisionTimeoutSeconds > c.maxRevisionTimeoutSeconds) {
    warnings.push(
      `config-defaults: revision-timeout-seconds (${c.revisionTimeoutSeconds}) must be less than or equal to max-revision-timeout-seconds (${c.maxRevisionTimeoutSeconds}); using the defaults`,
    );
    c.revisionTimeoutSeconds = d.revisionTimeoutSeconds;
    c.maxRevisionTimeoutSeconds = d.maxRevisionTimeoutSeconds;
  }
  const timeout = c.revisionTimeoutSeconds;
  const notAbove = (v: number) => (v < 0 ? 'must be at least 0' : v > timeout ? `must be less than or equal to revision-timeout-seconds (${timeout})` : undefined);
  c.revisionResponseStartTimeoutSeconds = r.int(timeout, 'revision-response-start-timeout-seconds', notAbove);
  if (c.revisionIdleTimeoutSeconds > timeout) {
    warnings.push(`config-defaults: revision-idle-timeout-seconds (${c.revisionIdleTimeoutSeconds}) must be less than or equal to revision-timeout-seconds (${timeout}); using the default`);
    c.revisionIdleTimeoutSeconds = d.revisionIdleTimeoutSeconds;
  }
  const ccMin = c.allowContainerConcurrencyZero ? 0 : 1;
  c.containerConcurrency = r.int(ccMin === 0 ? d.containerConcurrency : 1, 'container-concurrency', between(ccMin, c.containerConcurrencyMaxLimit));
  return c;
}

function parseDeployment(data: Record<string, string> | undefined, warnings: string[]): DeploymentConfig {
  const r = new Reader('config-deployment', data, warnings);
  const d = DEFAULT_SERVING_CONFIG.deployment;
  const c: DeploymentConfig = {
    queueSidecarImage: r.str(d.queueSidecarImage, ['queue-sidecar-image', 'queueSidecarImage']),
    registriesSkippingTagResolving: r.list(d.registriesSkippingTagResolving, 'registries-skipping-tag-resolving'),
    digestResolutionTimeoutMs: r.duration(d.digestResolutionTimeoutMs, 'digest-resolution-timeout', above(0)),
    progressDeadlineMs: r.duration(d.progressDeadlineMs, 'progress-deadline', all(above(0), wholeSeconds)),
    queueSidecarTokenAudiences: r.list(d.queueSidecarTokenAudiences, 'queue-sidecar-token-audiences'),
    runtimeClassName: r.str(d.runtimeClassName, 'runtime-class-name'),
    podIsAlwaysSchedulable: r.bool(d.podIsAlwaysSchedulable, 'pod-is-always-schedulable'),
  };
  for (const [field, key] of [
    ['queueSidecarCPURequest', 'queue-sidecar-cpu-request'],
    ['queueSidecarCPULimit', 'queue-sidecar-cpu-limit'],
    ['queueSidecarMemoryRequest', 'queue-sidecar-memory-request'],
    ['queueSidecarMemoryLimit', 'queue-sidecar-memory-limit'],
    ['queueSidecarEphemeralStorageRequest', 'queue-sidecar-ephemeral-storage-request'],
    ['queueSidecarEphemeralStorageLimit', 'queue-sidecar-ephemeral-storage-limit'],
  ] as const) {
    const q = r.quantity(d[field], key);
    if (q !== undefined) c[field] = q;
  }
  return c;
}

function parseGC(data: Record<string, string> | undefined, warnings: string[]): GCConfig {
  const r = new Reader('config-gc', data, warnings);
  const d = DEFAULT_SERVING_CONFIG.gc;
  const durationOrDisabled = (v: string) => (v.toLowerCase() === 'disabled' ? GC_DISABLED : parseGoDurationMs(v));
  const intOrDisabled = (v: string) => (v.toLowerCase() === 'disabled' ? GC_DISABLED : parseIntStrict(v));
  const nonNegative = (v: number) => (v === GC_DISABLED || v >= 0 ? undefined : 'must be at least 0, or "disabled"');
  const c: GCConfig = {
    retainSinceCreateTimeMs: r.get(d.retainSinceCreateTimeMs, 'retain-since-create-time', durationOrDisabled, nonNegative),
    retainSinceLastActiveTimeMs: r.get(d.retainSinceLastActiveTimeMs, 'retain-since-last-active-time', durationOrDisabled, nonNegative),
    minNonActiveRevisions: r.int(d.minNonActiveRevisions, 'min-non-active-revisions', atLeast(0)),
    maxNonActiveRevisions: r.get(d.maxNonActiveRevisions, 'max-non-active-revisions', intOrDisabled, nonNegative),
  };
  if (c.maxNonActiveRevisions !== GC_DISABLED && c.minNonActiveRevisions > c.maxNonActiveRevisions) {
    warnings.push(
      `config-gc: min-non-active-revisions (${c.minNonActiveRevisions}) must be less than or equal to max-non-active-revisions (${c.maxNonActiveRevisions}); using the defaults`,
    );
    c.minNonActiveRevisions = d.minNonActiveRevisions;
    c.maxNonActiveRevisions = d.maxNonActiveRevisions;
  }
  return c;
}

// ---------------------------------------------------------------- entry points

/** maps: ConfigMap name → data (undefined when the map does not exist). Bad values → defaults + a warnings list. */
export function parseServingConfig(maps: Record<string, Record<string, string> | undefined>): { config: ServingConfig; warnings: string[] } {
  const warnings: string[] = [];
  const config: ServingConfig = {
    domain: parseDomain(maps['config-domain'], warnings),
    network: parseNetwork(maps['config-network'], warnings),
    autoscaler: parseAutoscaler(maps['config-autoscaler'], warnings),
    defaults: parseDefaults(maps['config-defaults'], warnings),
    deployment: parseDeployment(maps['config-deployment'], warnings),
    gc: parseGC(maps['config-gc'], warnings),
  };
  return { config, warnings };
}

function matches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** The domain suffix for a route: config-domain selectors matched against the route's labels; default "svc.cluster.local" for cluster-local. */
export function domainForRoute(cfg: ServingConfig, routeLabels: Record<string, string>): string {
  if (routeLabels[VISIBILITY_LABEL] === 'cluster-local') return CLUSTER_LOCAL_DOMAIN;
  // The most specific matching selector wins; among equals, the lexicographically smallest domain.
  let domain = '';
  let specificity = -1;
  for (const [d, { selector }] of Object.entries(cfg.domain.domains)) {
    const n = Object.keys(selector).length;
    if (!matches(selector, routeLabels) || n < specificity) continue;
    if (n > specificity || d < domain) {
      domain = d;
      specificity = n;
    }
  }
  return domain || DEFAULT_DOMAIN;
}

/** True when routes with these labels are cluster-local (their domain is svc.cluster.local). */
export function isClusterLocalRoute(cfg: ServingConfig, routeLabels: Record<string, string>): boolean {
  return domainForRoute(cfg, routeLabels) === CLUSTER_LOCAL_DOMAIN;
}
