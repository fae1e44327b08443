// The Serving ConfigMaps in knative-serving (config-domain, config-network, config-autoscaler,
// config-defaults, config-deployment, config-gc), parsed into typed values with upstream's keys and
// defaults. Pure: the caller reads the maps; a bad value falls back to its default and is reported in
// `warnings`, so one typo never stops the control plane. config-domain/config-network are in
// config-network.ts, config-autoscaler in config-autoscaler.ts, the shared Reader in config-reader.ts;
// this file holds the whole ServingConfig, its defaults, config-defaults/deployment/gc and the entry point.
import { parseGoDurationMs } from '../duration.ts';
import { DEFAULT_DOMAIN_TEMPLATE, DEFAULT_TAG_TEMPLATE } from './domains.ts';
import { type AutoscalerConfig, parseAutoscaler } from './config-autoscaler.ts';
import { DEFAULT_DOMAIN, type DomainConfig, KOURIER_INGRESS_CLASS, type NetworkConfig, parseDomain, parseNetwork } from './config-network.ts';
import { S, HOUR, parseIntStrict, Reader, atLeast, above, between, wholeSeconds, all } from './config-reader.ts';

export { DEFAULT_DOMAIN_TEMPLATE, DEFAULT_TAG_TEMPLATE };

// ---------------------------------------------------------------- types

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

// ---------------------------------------------------------------- per map (config-domain and config-network: config-network.ts; config-autoscaler: config-autoscaler.ts)

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
    network: parseNetwork(maps['config-network'], warnings, DEFAULT_SERVING_CONFIG.network),
    autoscaler: parseAutoscaler(maps['config-autoscaler'], warnings, DEFAULT_SERVING_CONFIG.autoscaler),
    defaults: parseDefaults(maps['config-defaults'], warnings),
    deployment: parseDeployment(maps['config-deployment'], warnings),
    gc: parseGC(maps['config-gc'], warnings),
  };
  return { config, warnings };
}

