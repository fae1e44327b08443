// What upstream's defaulting webhook does to Services, Configurations and Revisions
// (serving:pkg/apis/serving/v1/*_defaults.go), as pure functions over the few config-defaults,
// config-deployment and config-autoscaler keys they need. The one source of the default values:
// kn-ts's defaulting webhook (src/controller/webhook) applies admissionDefaults() to what users
// store, and the reconcilers apply the same functions to the children they write (ADR 0016).
import { isDeepStrictEqual } from 'node:util';
import type { V1Container, V1Probe } from '@kubernetes/client-node';
import { parseServingConfig } from './config.ts';
import { servingContainerIndex } from './containers.ts';

export { servingContainerIndex };
import type { Configuration, DomainMapping, RevisionSpec, RevisionTemplateSpec, Service, TrafficTarget } from './types.ts';
import type { KubeObject } from '../meta.ts';
import { A } from './labels.ts';

export interface ServingDefaults {
  revisionTimeoutSeconds: number; // 300
  maxRevisionTimeoutSeconds: number; // 600
  revisionResponseStartTimeoutSeconds: number; // defaults to revisionTimeoutSeconds
  revisionIdleTimeoutSeconds: number; // 0
  containerConcurrency: number; // 0
  containerConcurrencyMaxLimit: number; // 1000
  allowContainerConcurrencyZero: boolean; // true
  enableServiceLinks: boolean | undefined; // false
  containerNameTemplate: string; // user-container
  initContainerNameTemplate: string; // init-container
  /** config-deployment progress-deadline, in seconds. */
  progressDeadlineSeconds: number; // 600
  /** config-autoscaler */
  initialScale: number; // 1
  allowZeroInitialScale: boolean; // false
  minScale: number; // 0
  maxScale: number; // 0
  maxScaleLimit: number; // 0
  /** config-features multi-container (enabled by default). */
  multiContainer: boolean;
}

export const DEFAULTS: Readonly<ServingDefaults> = Object.freeze({
  revisionTimeoutSeconds: 300,
  maxRevisionTimeoutSeconds: 600,
  revisionResponseStartTimeoutSeconds: 300,
  revisionIdleTimeoutSeconds: 0,
  containerConcurrency: 0,
  containerConcurrencyMaxLimit: 1000,
  allowContainerConcurrencyZero: true,
  enableServiceLinks: false,
  containerNameTemplate: 'user-container',
  initContainerNameTemplate: 'init-container',
  progressDeadlineSeconds: 600,
  initialScale: 1,
  allowZeroInitialScale: false,
  minScale: 0,
  maxScale: 0,
  maxScaleLimit: 0,
  multiContainer: true,
});

let memo: { key: string; value: ServingDefaults } | undefined;

/**
 * The keys above from the knative-serving ConfigMaps (name → data), parsed by config.ts's
 * parseServingConfig (invalid values fall back to the defaults there); the rest is default.
 */
export function defaultsFromConfigMaps(maps: Record<string, Record<string, string> | undefined>): ServingDefaults {
  const key = JSON.stringify([maps['config-defaults'], maps['config-deployment'], maps['config-autoscaler'], maps['config-features']]);
  if (memo?.key === key) return memo.value;
  const { config } = parseServingConfig(maps);
  const def = config.defaults;
  const as = config.autoscaler;
  const value: ServingDefaults = {
    revisionTimeoutSeconds: def.revisionTimeoutSeconds,
    maxRevisionTimeoutSeconds: def.maxRevisionTimeoutSeconds,
    revisionResponseStartTimeoutSeconds: def.revisionResponseStartTimeoutSeconds,
    revisionIdleTimeoutSeconds: def.revisionIdleTimeoutSeconds,
    containerConcurrency: def.containerConcurrency,
    containerConcurrencyMaxLimit: def.containerConcurrencyMaxLimit,
    allowContainerConcurrencyZero: def.allowContainerConcurrencyZero,
    enableServiceLinks: def.enableServiceLinks,
    containerNameTemplate: def.containerNameTemplate,
    initContainerNameTemplate: def.initContainerNameTemplate,
    progressDeadlineSeconds: Math.round(config.deployment.progressDeadlineMs / 1000),
    initialScale: as.initialScale,
    allowZeroInitialScale: as.allowZeroInitialScale,
    minScale: as.minScale,
    maxScale: as.maxScale,
    maxScaleLimit: as.maxScaleLimit,
    multiContainer: (maps['config-features']?.['multi-container'] ?? 'enabled') !== 'disabled',
  };
  memo = { key, value };
  return value;
}

/** The container-name-template is a Go template over the parent's ObjectMeta; we expand {{.Name}}. */
function containerName(template: string, parentName: string): string {
  return template.replace(/\{\{\s*\.Name\s*\}\}/g, parentName);
}

function hasHandler(p: V1Probe | undefined): boolean {
  return !!(p && (p.httpGet || p.tcpSocket || p.exec || p.grpc));
}

/** kmeta.ChildName for the short names used here: parent + suffix (names stay far below 63). */
function defaultContainerNames(containers: V1Container[], taken: Set<string>, base: string): void {
  let next = 0;
  for (const c of containers) {
    if (c.name) continue;
    let name = base;
    if (containers.length > 1 || taken.has(name)) {
      do name = `${base}-${next++}`;
      while (taken.has(name));
    }
    c.name = name;
    taken.add(name);
  }
}

function defaultGrpcService(p: V1Probe | undefined): void {
  if (p?.grpc && p.grpc.service === undefined) p.grpc.service = '';
}

export interface DefaultingContext {
  /** Upstream sets enableServiceLinks only when the object is created (apis.IsInCreate). */
  create?: boolean;
}

/** RevisionSpec.SetDefaults (revision_defaults.go). Mutates and returns spec. */
export function setRevisionSpecDefaults(spec: RevisionSpec, d: ServingDefaults = DEFAULTS, parentName = '', o: DefaultingContext = { create: true }): RevisionSpec {
  if (!spec.timeoutSeconds) spec.timeoutSeconds = d.revisionTimeoutSeconds;
  if (spec.idleTimeoutSeconds === undefined && d.revisionIdleTimeoutSeconds !== 0 && d.revisionIdleTimeoutSeconds < spec.timeoutSeconds) {
    spec.idleTimeoutSeconds = d.revisionIdleTimeoutSeconds;
  }
  if (spec.responseStartTimeoutSeconds === undefined && d.revisionResponseStartTimeoutSeconds !== 0 && d.revisionResponseStartTimeoutSeconds < spec.timeoutSeconds) {
    spec.responseStartTimeoutSeconds = d.revisionResponseStartTimeoutSeconds;
  }
  if (spec.containerConcurrency === undefined) spec.containerConcurrency = d.containerConcurrency;
  spec.containers ??= [];
  // One set of taken names over containers and init containers; the unnamed get the template's
  // name, or name-0, name-1, … (skipping taken ones) when there are several or the name is taken.
  const taken = new Set<string>([...spec.containers, ...(spec.initContainers ?? [])].map((c) => c.name ?? ''));
  defaultContainerNames(spec.containers, taken, containerName(d.containerNameTemplate, parentName));
  if (spec.initContainers) defaultContainerNames(spec.initContainers, taken, containerName(d.initContainerNameTemplate, parentName));
  const writable = new Set((spec.volumes ?? []).filter((v) => v.emptyDir || v.persistentVolumeClaim || v.ephemeral).map((v) => v.name));
  for (const c of spec.containers) {
    c.resources ??= {};
    // The serving container (the only one, or one with ports) gets a TCP readiness probe if it has none.
    if (spec.containers.length === 1 || (c.ports?.length ?? 0) > 0) {
      c.readinessProbe ??= {};
      if (!hasHandler(c.readinessProbe)) c.readinessProbe.tcpSocket = { port: 0 as unknown as number };
    }
    const p = c.readinessProbe;
    if (p) {
      if (!p.successThreshold) p.successThreshold = 1;
      if (p.periodSeconds) {
        if (!p.failureThreshold) p.failureThreshold = 3;
        if (!p.timeoutSeconds) p.timeoutSeconds = 1;
      }
    }
    defaultGrpcService(c.readinessProbe);
    defaultGrpcService(c.livenessProbe);
    defaultGrpcService(c.startupProbe);
    if (spec.enableServiceLinks === undefined && o.create && d.enableServiceLinks !== undefined) spec.enableServiceLinks = d.enableServiceLinks;
    // Mounts of volumes other than emptyDir, PVC and ephemeral are read-only.
    for (const m of c.volumeMounts ?? []) if (!writable.has(m.name)) m.readOnly = true;
  }
  return spec;
}

export function setTemplateDefaults(t: RevisionTemplateSpec, d: ServingDefaults = DEFAULTS, parentName = '', o?: DefaultingContext): RevisionTemplateSpec {
  t.spec ??= { containers: [] };
  setRevisionSpecDefaults(t.spec, d, parentName, o);
  return t;
}

/** TrafficTarget.SetDefaults: latestRevision = (revisionName == ""), percent = 0 when unset. */
function defaultTarget(t: TrafficTarget): TrafficTarget {
  const c: TrafficTarget = { ...t };
  c.latestRevision ??= !c.revisionName;
  c.percent ??= SCHEMA_DEFAULTS.percent;
  return c;
}

/**
 * The defaults that need neither configuration nor context, which the CRD schemas also carry
 * (scripts/gen-crds.mjs), so they hold while no webhook answers.
 */
export const SCHEMA_DEFAULTS = Object.freeze({
  /** A Service's traffic when it has none. */
  serviceTraffic: Object.freeze([Object.freeze({ latestRevision: true, percent: 100 })]),
  /** A spec traffic target's percent when it has none. */
  percent: 0,
});

/** RouteSpec.SetDefaults in a Service (a default configuration name): none → 100% to the latest revision. */
export function defaultTraffic(traffic: TrafficTarget[] | undefined): TrafficTarget[] {
  if (!traffic || traffic.length === 0) return SCHEMA_DEFAULTS.serviceTraffic.map((t) => ({ ...t }));
  return traffic.map(defaultTarget);
}

export function setServiceDefaults(svc: Service, d: ServingDefaults = DEFAULTS): Service {
  svc.spec ??= { template: { spec: { containers: [] } } };
  svc.spec.template ??= { spec: { containers: [] } };
  setTemplateDefaults(svc.spec.template, d, svc.metadata.name ?? '');
  svc.spec.traffic = defaultTraffic(svc.spec.traffic);
  return svc;
}

export function setConfigurationDefaults(cfg: Configuration, d: ServingDefaults = DEFAULTS): Configuration {
  setTemplateDefaults(cfg.spec.template, d, cfg.metadata.name ?? '');
  return cfg;
}

// ---------- what the defaulting admission webhook does (webhook.serving.knative.dev) ----------

export type DefaultedKind = 'Service' | 'Configuration' | 'Route' | 'Revision' | 'DomainMapping';
export const DEFAULTED_KINDS: readonly DefaultedKind[] = ['Service', 'Configuration', 'Route', 'Revision', 'DomainMapping'];

export interface AdmissionRequestView {
  kind: DefaultedKind;
  operation: 'CREATE' | 'UPDATE';
  object: KubeObject;
  /** The stored object, on UPDATE. */
  oldObject?: KubeObject | undefined;
  /** The requesting user (admission userInfo.username). */
  username?: string | undefined;
  /** The request's namespace (an object being created may not carry it yet). */
  namespace?: string | undefined;
}

type WithSpec = KubeObject & { spec?: Record<string, unknown> };

/** serving.SetUserInfo: creator and lastModifier on create; lastModifier when the spec changed on update. */
function setUserInfo(obj: WithSpec, oldSpec: unknown, r: AdmissionRequestView): void {
  if (!r.username) return;
  const ann = (obj.metadata.annotations ??= {});
  if (r.operation === 'UPDATE') {
    if (isDeepStrictEqual(oldSpec ?? {}, obj.spec ?? {})) return;
    ann[A.lastModifier] = r.username;
  } else {
    ann[A.creator] = r.username;
    ann[A.lastModifier] = r.username;
  }
}

/** ConfigurationSpec.SetDefaults: on update, a template whose BYO name did not change is left alone. */
function defaultTemplate(spec: { template?: RevisionTemplateSpec } | undefined, old: WithSpec | undefined, parentName: string, d: ServingDefaults, create: boolean): void {
  if (!spec) return;
  const name = spec.template?.metadata?.name;
  const oldName = (old?.spec?.template as RevisionTemplateSpec | undefined)?.metadata?.name;
  if (old && name && name === oldName) return;
  spec.template ??= { spec: { containers: [] } };
  setTemplateDefaults(spec.template, d, parentName, { create });
}

/**
 * The object as upstream's defaulting webhook stores it: SetDefaults of Service, Configuration,
 * Route, Revision (create only) and DomainMapping, with the requesting user as creator/lastModifier
 * where upstream records it. Returns a defaulted copy; the input is not changed.
 */
export function admissionDefaults(r: AdmissionRequestView, d: ServingDefaults = DEFAULTS): KubeObject {
  const obj = structuredClone(r.object) as WithSpec;
  const old = r.oldObject as WithSpec | undefined;
  const create = r.operation === 'CREATE';
  const name = obj.metadata.name ?? '';
  const standalone = !obj.metadata.ownerReferences?.length;
  switch (r.kind) {
    case 'Service': {
      const spec = (obj.spec ??= {}) as unknown as Service['spec'];
      defaultTemplate(spec, old, name, d, create);
      spec.traffic = defaultTraffic(spec.traffic);
      setUserInfo(obj, old?.spec, r);
      break;
    }
    case 'Configuration':
      defaultTemplate((obj.spec ??= {}) as unknown as Configuration['spec'], old, name, d, create);
      if (standalone) setUserInfo(obj, old?.spec, r);
      break;
    case 'Route': {
      const spec = (obj.spec ??= {}) as { traffic?: TrafficTarget[] };
      if (spec.traffic) spec.traffic = spec.traffic.map(defaultTarget);
      if (standalone) setUserInfo(obj, old?.spec, r);
      break;
    }
    case 'Revision':
      if (create) setRevisionSpecDefaults(((obj.spec ??= {}) as unknown as RevisionSpec), d, '', { create });
      break;
    case 'DomainMapping': {
      const ref = (obj.spec as DomainMapping['spec'] | undefined)?.ref;
      if (ref && !ref.namespace) ref.namespace = obj.metadata.namespace ?? r.namespace ?? '';
      setUserInfo(obj, old?.spec, r);
      break;
    }
  }
  return obj;
}
