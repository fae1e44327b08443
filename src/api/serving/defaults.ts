// What upstream's defaulting webhook does to Services, Configurations and Revisions
// (serving:pkg/apis/serving/v1/*_defaults.go), as pure functions over the few config-defaults,
// config-deployment and config-autoscaler keys they need. kn-ts has no webhook: the controller
// applies these to the children it writes, and the CLI may apply them before it creates.
import type { V1Probe } from '@kubernetes/client-node';
import { parseServingConfig } from './config.ts';
import { servingContainerIndex } from './containers.ts';

export { servingContainerIndex };
import type { Configuration, RevisionSpec, RevisionTemplateSpec, Service, TrafficTarget } from './types.ts';

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

/** Parses a Go duration ("600s", "10m", "1h30m", "1.5s") into seconds; undefined when invalid. */
export function parseDurationSeconds(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const t = s.trim();
  if (t === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let m: RegExpExecArray | null;
  let pos = 0;
  const unit: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  while ((m = re.exec(t)) !== null) {
    total += Number(m[1]) * (unit[m[2] ?? 's'] ?? 1);
    pos = re.lastIndex;
  }
  if (pos !== t.length || pos === 0) return undefined;
  return total;
}

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

/** RevisionSpec.SetDefaults (on create). Mutates and returns spec. */
export function setRevisionSpecDefaults(spec: RevisionSpec, d: ServingDefaults = DEFAULTS, parentName = ''): RevisionSpec {
  if (!spec.timeoutSeconds) spec.timeoutSeconds = d.revisionTimeoutSeconds;
  if (spec.responseStartTimeoutSeconds === undefined && d.revisionResponseStartTimeoutSeconds !== 0 && d.revisionResponseStartTimeoutSeconds < spec.timeoutSeconds) {
    spec.responseStartTimeoutSeconds = d.revisionResponseStartTimeoutSeconds;
  }
  if (spec.idleTimeoutSeconds === undefined && d.revisionIdleTimeoutSeconds !== 0 && d.revisionIdleTimeoutSeconds < spec.timeoutSeconds) {
    spec.idleTimeoutSeconds = d.revisionIdleTimeoutSeconds;
  }
  if (spec.containerConcurrency === undefined) spec.containerConcurrency = d.containerConcurrency;
  if (spec.enableServiceLinks === undefined && d.enableServiceLinks !== undefined) spec.enableServiceLinks = d.enableServiceLinks;
  spec.containers ??= [];
  const base = containerName(d.containerNameTemplate, parentName);
  const taken = new Set(spec.containers.map((c) => c.name).filter(Boolean));
  const si = servingContainerIndex(spec.containers);
  spec.containers.forEach((c, i) => {
    if (!c.name) {
      let name = spec.containers.length > 1 ? `${base}-${i}` : base;
      if (taken.has(name)) name = `${base}-${i}`;
      c.name = name;
      taken.add(name);
    }
    if (i === si) {
      if (!hasHandler(c.readinessProbe)) c.readinessProbe = { ...(c.readinessProbe ?? {}), tcpSocket: { port: 0 as unknown as number } };
      const p = c.readinessProbe as V1Probe;
      p.successThreshold ??= 1;
      if (p.periodSeconds) {
        p.failureThreshold ??= 3;
        p.timeoutSeconds ??= 1;
      }
      if (p.grpc && p.grpc.service === undefined) p.grpc.service = '';
    }
    // Mounts of volumes other than emptyDir/PVC/ephemeral are read-only.
    for (const m of c.volumeMounts ?? []) {
      const v = spec.volumes?.find((x) => x.name === m.name);
      if (v && !v.emptyDir && !v.persistentVolumeClaim && !v.ephemeral) m.readOnly = true;
    }
  });
  const initBase = containerName(d.initContainerNameTemplate, parentName);
  spec.initContainers?.forEach((c, i) => {
    if (!c.name) c.name = (spec.initContainers?.length ?? 0) > 1 ? `${initBase}-${i}` : initBase;
  });
  return spec;
}

export function setTemplateDefaults(t: RevisionTemplateSpec, d: ServingDefaults = DEFAULTS, parentName = ''): RevisionTemplateSpec {
  t.spec ??= { containers: [] };
  setRevisionSpecDefaults(t.spec, d, parentName);
  return t;
}

/** Route traffic default in a Service: 100% to the latest revision; latestRevision filled in. */
export function defaultTraffic(traffic: TrafficTarget[] | undefined): TrafficTarget[] {
  if (!traffic || traffic.length === 0) return [{ percent: 100, latestRevision: true }];
  return traffic.map((t) => {
    const c: TrafficTarget = { ...t };
    c.latestRevision ??= !c.revisionName;
    return c;
  });
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
