// The checks upstream's validating webhook makes that CRD schemas and CEL cannot (or that kn-ts
// chose not to put there), as pure functions returning apis.FieldError-style messages:
//   missing field(s): spec.containers[0].image
//   invalid value: Foo: spec.containers[0].ports[0].name
//   must not set the field(s): spec.traffic[0].configurationName
//   expected 0 <= 900 <= 600: spec.timeoutSeconds
// (serving:pkg/apis/serving/k8s_validation.go, v1/*_validation.go, autoscaling annotation_validation.go)
import { parseGoDurationSeconds } from '../duration.ts';
import type { V1Container } from '@kubernetes/client-node';
import type { ObjectMeta } from '../meta.ts';
import { validateAnnotations } from '../autoscaling/annotations.ts';
import { A } from './labels.ts';
import { DEFAULTS, type ServingDefaults, servingContainerIndex } from './defaults.ts';
import type { Configuration, RevisionSpec, RevisionTemplateSpec, Service, TrafficTarget } from './types.ts';

export interface FieldError {
  message: string;
  paths: string[];
  details?: string;
}

const missing = (...paths: string[]): FieldError => ({ message: 'missing field(s)', paths });
const disallowed = (...paths: string[]): FieldError => ({ message: 'must not set the field(s)', paths });
const invalid = (value: unknown, path: string, details?: string): FieldError => ({ message: `invalid value: ${String(value)}`, paths: [path], ...(details ? { details } : {}) });
const outOfBounds = (v: number, lo: number, hi: number, path: string): FieldError => ({ message: `expected ${lo} <= ${v} <= ${hi}`, paths: [path] });
const generic = (message: string, ...paths: string[]): FieldError => ({ message, paths });

/** apis.FieldError.Error(): one line per error, sorted, paths joined with ", ". */
export function formatErrors(errs: FieldError[]): string {
  const merged = new Map<string, FieldError>();
  for (const e of errs) {
    const k = `${e.message}\u0000${e.details ?? ''}`;
    const m = merged.get(k);
    if (m) m.paths.push(...e.paths);
    else merged.set(k, { ...e, paths: [...e.paths] });
  }
  return [...merged.values()]
    .map((e) => `${e.message}${e.paths.length ? `: ${[...new Set(e.paths)].sort().join(', ')}` : ''}${e.details ? `\n${e.details}` : ''}`)
    .sort()
    .join('\n');
}

const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const RESERVED_PORTS = new Set([8012, 8013, 8022, 9090, 9091, 8008]);
const RESERVED_ENV = ['PORT', 'K_SERVICE', 'K_CONFIGURATION', 'K_REVISION'];
const RESERVED_MOUNTS = new Set(['/', '/dev', '/dev/log']);
const DISALLOWED_POD_FIELDS = ['restartPolicy', 'terminationGracePeriodSeconds', 'activeDeadlineSeconds', 'nodeName', 'hostname', 'subdomain', 'priority', 'readinessGates'];
// Behind config-features flags that default to disabled.
const GATED_POD_FIELDS = ['affinity', 'topologySpreadConstraints', 'hostAliases', 'nodeSelector', 'runtimeClassName', 'tolerations', 'securityContext', 'shareProcessNamespace', 'priorityClassName', 'schedulerName', 'initContainers', 'dnsPolicy', 'dnsConfig', 'hostIPC', 'hostPID', 'hostNetwork'];
const DISALLOWED_CONTAINER_FIELDS = ['lifecycle', 'stdin', 'stdinOnce', 'tty', 'volumeDevices'];

export function validateName(name: string | undefined, path = 'metadata.name'): FieldError[] {
  if (!name) return [];
  const errs: FieldError[] = [];
  if (name.length > 63) errs.push(invalid(name, path, 'must be no more than 63 characters'));
  if (!DNS1035.test(name)) errs.push(invalid(name, path, "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character"));
  return errs;
}

/** Autoscaling annotations are only valid on spec.template.metadata. */
function validateObjectMetaAnnotations(meta: ObjectMeta | undefined): FieldError[] {
  const bad = Object.keys(meta?.annotations ?? {}).filter((k) => k.startsWith('autoscaling.knative.dev'));
  return bad.length ? [generic('autoscaling annotations must be put under spec.template.metadata.annotations to work', ...bad.map((k) => `metadata.annotations.${k}`))] : [];
}

/** The autoscaling annotations (upstream's ValidateAnnotations, src/api/autoscaling/annotations.ts) and progress-deadline. */
function validateAutoscalingAnnotations(ann: Record<string, string>, d: ServingDefaults, prefix: string): FieldError[] {
  const errs = validateAnnotations(ann, d).map((e) => ({ ...e, paths: e.paths.map((p) => `${prefix}.${p}`) }));
  const v = ann[A.progressDeadline];
  if (v !== undefined) {
    const s = parseGoDurationSeconds(v);
    if (s === undefined || s < 0 || !Number.isInteger(s)) errs.push(invalid(v, `${prefix}.${A.progressDeadline}`));
  }
  return errs;
}

function validateContainer(c: V1Container, path: string, serving: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.image) errs.push(missing(`${path}.image`));
  if (c.name === 'queue-proxy') errs.push(generic(`"${c.name}" is a reserved container name`, `${path}.name`));
  for (const f of DISALLOWED_CONTAINER_FIELDS) if ((c as unknown as Record<string, unknown>)[f] !== undefined) errs.push(disallowed(`${path}.${f}`));
  (c.env ?? []).forEach((e, i) => {
    // Sidecars may set PORT (upstream's reservedSidecarEnvVars).
    if (!e.name) errs.push(missing(`${path}.env[${i}].name`));
    else if (RESERVED_ENV.includes(e.name) && (serving || e.name !== 'PORT')) errs.push(generic(`"${e.name}" is a reserved environment variable`, `${path}.env[${i}].name`));
  });
  (c.envFrom ?? []).forEach((s, i) => {
    if (s.configMapRef && s.secretRef) errs.push(generic('expected exactly one, got both', `${path}.envFrom[${i}].configMapRef`, `${path}.envFrom[${i}].secretRef`));
    else if (!s.configMapRef && !s.secretRef) errs.push(generic('expected exactly one, got neither', `${path}.envFrom[${i}].configMapRef`, `${path}.envFrom[${i}].secretRef`));
  });
  (c.ports ?? []).forEach((port, i) => {
    const pp = `${path}.ports[${i}]`;
    if (RESERVED_PORTS.has(port.containerPort)) errs.push(invalid(port.containerPort, `${pp}.containerPort`, `${port.containerPort} is a reserved port`));
    if (port.containerPort < 0 || port.containerPort > 65535) errs.push(outOfBounds(port.containerPort, 0, 65535, `${pp}.containerPort`));
    if (port.name && port.name !== 'h2c' && port.name !== 'http1') errs.push(invalid(port.name, `${pp}.name`));
    if (port.protocol && port.protocol !== 'TCP') errs.push(invalid(port.protocol, `${pp}.protocol`));
  });
  const seen = new Set<string>();
  (c.volumeMounts ?? []).forEach((m, i) => {
    const mp = `${path}.volumeMounts[${i}].mountPath`;
    if (RESERVED_MOUNTS.has(m.mountPath)) errs.push(invalid(`mountPath "${m.mountPath}" is a reserved path`, mp));
    if (seen.has(m.mountPath)) errs.push(invalid(`"${m.mountPath}" must be unique`, mp));
    seen.add(m.mountPath);
  });
  const rp = c.readinessProbe;
  if (rp) {
    const handlers = [rp.httpGet, rp.tcpSocket, rp.exec, rp.grpc].filter((h) => h !== undefined).length;
    if (handlers > 1) errs.push(generic('expected exactly one, got both', `${path}.readinessProbe`));
    if (rp.successThreshold !== undefined && rp.successThreshold < 1) errs.push(outOfBounds(rp.successThreshold, 1, 2147483647, `${path}.readinessProbe.successThreshold`));
    if (!serving && handlers > 0) errs.push(disallowed(`${path}.readinessProbe`));
  }
  return errs;
}

/** RevisionSpec validation (paths relative to `prefix`, e.g. "spec" or "spec.template.spec"). */
export function validateRevisionSpec(spec: RevisionSpec | undefined, d: ServingDefaults = DEFAULTS, prefix = 'spec'): FieldError[] {
  if (!spec) return [missing(prefix)];
  const errs: FieldError[] = [];
  const containers = spec.containers ?? [];
  if (containers.length === 0) return [missing(`${prefix}.containers`)];
  if (containers.length > 1 && !d.multiContainer) errs.push(disallowed(`${prefix}.containers`));
  for (const f of [...DISALLOWED_POD_FIELDS, ...GATED_POD_FIELDS]) if ((spec as unknown as Record<string, unknown>)[f] !== undefined) errs.push(disallowed(`${prefix}.${f}`));
  if (spec.automountServiceAccountToken === true) errs.push(disallowed(`${prefix}.automountServiceAccountToken`));
  if (spec.serviceAccountName) {
    // validation.IsDNS1123Subdomain's texts, one error each (Kubernetes' wording, as upstream passes them on).
    const sa = spec.serviceAccountName;
    if (sa.length > 253) errs.push(invalid(sa, `${prefix}.serviceAccountName`, 'must be no more than 253 characters'));
    if (!DNS1123_SUBDOMAIN.test(sa)) errs.push(invalid(sa, `${prefix}.serviceAccountName`, DNS1123_SUBDOMAIN_MSG));
  }
  const withPorts = containers.filter((c) => (c.ports?.length ?? 0) > 0);
  const portCount = containers.reduce((n, c) => n + (c.ports?.length ?? 0), 0);
  if (portCount > 1) errs.push(generic('more than one container port is set', ...containers.flatMap((c, i) => ((c.ports?.length ?? 0) > 0 ? [`${prefix}.containers[${i}].ports`] : []))));
  if (containers.length > 1 && withPorts.length === 0) errs.push(generic('exactly one container must specify ports', `${prefix}.containers`));
  const si = servingContainerIndex(containers);
  const names = new Set<string>();
  containers.forEach((c, i) => {
    errs.push(...validateContainer(c, `${prefix}.containers[${i}]`, i === si));
    if (c.name) {
      if (names.has(c.name)) errs.push(invalid(c.name, `${prefix}.containers[${i}].name`, 'container names must be unique'));
      names.add(c.name);
    }
  });
  if (spec.timeoutSeconds !== undefined && (spec.timeoutSeconds < 0 || spec.timeoutSeconds > d.maxRevisionTimeoutSeconds)) {
    errs.push(outOfBounds(spec.timeoutSeconds, 0, d.maxRevisionTimeoutSeconds, `${prefix}.timeoutSeconds`));
  }
  for (const f of ['responseStartTimeoutSeconds', 'idleTimeoutSeconds'] as const) {
    const v = spec[f];
    if (v !== undefined && (v < 0 || v > (spec.timeoutSeconds ?? d.revisionTimeoutSeconds))) errs.push(outOfBounds(v, 0, spec.timeoutSeconds ?? d.revisionTimeoutSeconds, `${prefix}.${f}`));
  }
  const cc = spec.containerConcurrency;
  if (cc !== undefined) {
    const lo = d.allowContainerConcurrencyZero ? 0 : 1;
    if (cc < lo || cc > d.containerConcurrencyMaxLimit) errs.push(outOfBounds(cc, lo, d.containerConcurrencyMaxLimit, `${prefix}.containerConcurrency`));
  }
  return errs;
}

/** A RevisionTemplateSpec inside a parent named parentName (BYO-name rules, annotations, spec). */
export function validateRevisionTemplate(t: RevisionTemplateSpec | undefined, parent: ObjectMeta, d: ServingDefaults = DEFAULTS, prefix = 'spec.template'): FieldError[] {
  if (!t) return [missing(prefix)];
  const errs: FieldError[] = [];
  const name = t.metadata?.name;
  if (name) {
    errs.push(...validateName(name, `${prefix}.metadata.name`));
    if (parent.generateName && !parent.name) errs.push(invalid(`generateName and template name cannot both be set`, `${prefix}.metadata.name`));
    else if (!name.startsWith(`${parent.name}-`)) errs.push(invalid(`"${name}" must have prefix "${parent.name}-"`, `${prefix}.metadata.name`));
  }
  errs.push(...validateAutoscalingAnnotations(t.metadata?.annotations ?? {}, d, `${prefix}.metadata.annotations`));
  errs.push(...validateRevisionSpec(t.spec, d, `${prefix}.spec`));
  return errs;
}

/** Traffic targets of a Service (configurationName is not allowed there) or of a Route. */
export function validateTraffic(traffic: TrafficTarget[] | undefined, inService: boolean, prefix = 'spec.traffic'): FieldError[] {
  if (!traffic || traffic.length === 0) return [];
  const errs: FieldError[] = [];
  const tags = new Map<string, number>();
  let sum = 0;
  traffic.forEach((t, i) => {
    const p = `${prefix}[${i}]`;
    if (t.tag !== undefined) {
      errs.push(...validateName(t.tag, `${p}.tag`));
      const first = tags.get(t.tag);
      if (first !== undefined) errs.push(generic(`Multiple definitions for "${t.tag}"`, `${p}.tag`, `${prefix}[${first}].tag`));
      else tags.set(t.tag, i);
    }
    if (t.url !== undefined) errs.push(disallowed(`${p}.url`));
    if (inService && t.configurationName !== undefined) errs.push(disallowed(`${p}.configurationName`));
    if (!inService) {
      if (t.revisionName && t.configurationName) errs.push(generic('expected exactly one, got both', `${p}.configurationName`, `${p}.revisionName`));
      else if (!t.revisionName && !t.configurationName) errs.push(generic('expected exactly one, got neither', `${p}.configurationName`, `${p}.revisionName`));
    }
    if (t.revisionName && t.latestRevision === true) errs.push(generic(`may not set revisionName "${t.revisionName}" when latestRevision is true`, `${p}.latestRevision`));
    if (!t.revisionName && t.latestRevision === false) errs.push(generic('may not set revisionName "" when latestRevision is false', `${p}.latestRevision`));
    const pct = t.percent ?? 0;
    if (pct < 0 || pct > 100) errs.push(outOfBounds(pct, 0, 100, `${p}.percent`));
    sum += pct;
  });
  if (sum !== 100) errs.push(generic(`Traffic targets sum to ${sum}, want 100`, prefix));
  return errs;
}

export function validateService(svc: Service, d: ServingDefaults = DEFAULTS): FieldError[] {
  return [
    ...validateName(svc.metadata.name),
    ...validateObjectMetaAnnotations(svc.metadata),
    ...validateRevisionTemplate(svc.spec?.template, svc.metadata, d),
    ...validateTraffic(svc.spec?.traffic, true),
  ];
}

export function validateConfiguration(cfg: Configuration, d: ServingDefaults = DEFAULTS): FieldError[] {
  return [...validateName(cfg.metadata.name), ...validateObjectMetaAnnotations(cfg.metadata), ...validateRevisionTemplate(cfg.spec?.template, cfg.metadata, d)];
}

/** The parts of a Service that are its own (metadata and traffic): the template is the Configuration's to report. */
export function validateServiceOwnFields(svc: Service): FieldError[] {
  return [...validateObjectMetaAnnotations(svc.metadata), ...validateTraffic(svc.spec?.traffic, true)];
}
