// What the API server refuses in a pod spec when the control plane turns a Revision into a
// Deployment (apimachinery and core/v1 validation), checked on the Revision's own spec so a bad
// value is refused before anything is written instead of leaving a Revision that never becomes
// ready. Also the metadata rules every object has (label and annotation keys, label values) and
// Serving's visibility label. Pure; each problem names its field path, the value and the rule.
import type { V1Container, V1Probe } from '@kubernetes/client-node';
import type { ObjectMeta } from '../meta.ts';
import { labelValueError, nameError, qualifiedNameError, envVarNameError } from '../names.ts';
import { parseQuantity, QuantityError } from '../quantity.ts';
import { imageReferenceError } from './image.ts';
import type { RevisionSpec } from './types.ts';

export interface Problem {
  /** Field path, e.g. spec.template.spec.containers[0].resources.requests.cpu */
  path: string;
  /** The value and the rule it breaks: `the cpu request "-1" must be greater than or equal to 0` */
  message: string;
}

const q = (v: unknown) => JSON.stringify(v);
const MAX_INT32 = 2147483647;
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;
const PORT_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const STANDARD_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);
export const VISIBILITY_LABEL = 'networking.knative.dev/visibility';

function subdomain(out: Problem[], path: string, what: string, v: string | undefined): void {
  if (v === undefined) return;
  const e = nameError(v, 'dns1123-subdomain');
  if (e) out.push({ path, message: `the ${what} ${q(v)} is not valid: ${e}` });
}

function nonNegative(out: Problem[], path: string, what: string, v: number | undefined, max = MAX_INT32): void {
  if (v === undefined || v === null) return;
  if (!Number.isInteger(v) || v < 0 || v > max) out.push({ path, message: `the ${what} ${v} must be between 0 and ${max}` });
}

/** Metadata keys and values every Kubernetes object must keep to. */
export function metadataProblems(meta: ObjectMeta | undefined, prefix: string): Problem[] {
  const out: Problem[] = [];
  for (const [k, v] of Object.entries(meta?.labels ?? {})) {
    const ke = qualifiedNameError(k);
    if (ke) out.push({ path: `${prefix}.labels`, message: `the label key ${q(k)} is not valid: ${ke}` });
    const ve = labelValueError(String(v));
    if (ve) out.push({ path: `${prefix}.labels`, message: `the value ${q(v)} of label ${q(k)} is not valid: ${ve}` });
  }
  const visibility = meta?.labels?.[VISIBILITY_LABEL];
  if (visibility !== undefined && visibility !== 'cluster-local') {
    out.push({ path: `${prefix}.labels`, message: `the label ${VISIBILITY_LABEL}=${q(visibility)} is not valid: its only value is "cluster-local"` });
  }
  for (const k of Object.keys(meta?.annotations ?? {})) {
    const ke = qualifiedNameError(k);
    if (ke) out.push({ path: `${prefix}.annotations`, message: `the annotation key ${q(k)} is not valid: ${ke}` });
  }
  return out;
}

function resourceProblems(out: Problem[], c: V1Container, p: string): void {
  const parsed: Record<'requests' | 'limits', Map<string, bigint>> = { requests: new Map(), limits: new Map() };
  for (const kind of ['requests', 'limits'] as const) {
    const word = kind === 'requests' ? 'request' : 'limit';
    for (const [name, raw] of Object.entries((c.resources?.[kind] ?? {}) as Record<string, unknown>)) {
      const path = `${p}.resources.${kind}.${name}`;
      if (!STANDARD_RESOURCES.has(name) && !name.startsWith('hugepages-') && !name.includes('/')) {
        out.push({ path, message: `the resource name ${q(name)} is not valid: use cpu, memory, ephemeral-storage, hugepages-<size> or a fully qualified name such as example.com/gpu` });
        continue;
      }
      try {
        const v = parseQuantity(String(raw));
        if (v.nano < 0n) out.push({ path, message: `the ${name} ${word} ${q(String(raw))} must be greater than or equal to 0` });
        else parsed[kind].set(name, v.nano);
      } catch (e) {
        if (!(e instanceof QuantityError)) throw e;
        out.push({ path, message: `the ${name} ${word} ${q(String(raw))} is not a quantity (${e.message}; e.g. 500m or 256Mi)` });
      }
    }
  }
  for (const [name, req] of parsed.requests) {
    const lim = parsed.limits.get(name);
    if (lim !== undefined && req > lim) {
      out.push({
        path: `${p}.resources.requests.${name}`,
        message: `the ${name} request ${q(String(c.resources!.requests![name]))} must be less than or equal to the ${name} limit ${q(String(c.resources!.limits![name]))}`,
      });
    }
  }
}

function probePort(out: Problem[], path: string, port: number | string | undefined): void {
  if (port === undefined) return;
  if (typeof port === 'number') {
    // 0 is Serving's "the container's port".
    if (!Number.isInteger(port) || port < 0 || port > 65535) out.push({ path, message: `the probe port ${port} must be between 1 and 65535 (or 0 for the container's port)` });
  } else if (port.length > 15 || !PORT_NAME.test(port) || !/[a-z]/.test(port) || port.includes('--')) {
    out.push({ path, message: `the probe port ${q(port)} is neither a number between 1 and 65535 nor a valid port name` });
  }
}

function probeProblems(out: Problem[], probe: V1Probe | undefined, path: string, liveness: boolean): void {
  if (!probe) return;
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'] as const) {
    const v = probe[f];
    if (v !== undefined && v !== null && (!Number.isInteger(v) || v < 0)) out.push({ path: `${path}.${f}`, message: `${f} ${v} must be 0 or greater (0 keeps the default)` });
  }
  if (liveness && probe.successThreshold !== undefined && probe.successThreshold !== 1 && probe.successThreshold !== 0) {
    out.push({ path: `${path}.successThreshold`, message: `successThreshold ${probe.successThreshold} must be 1 for a liveness probe` });
  }
  probePort(out, `${path}.httpGet.port`, probe.httpGet?.port as number | string | undefined);
  probePort(out, `${path}.tcpSocket.port`, probe.tcpSocket?.port as number | string | undefined);
  if (probe.exec && !(probe.exec.command ?? []).length) out.push({ path: `${path}.exec.command`, message: 'an exec probe needs a command' });
}

function containerProblems(out: Problem[], c: V1Container, p: string): void {
  if (c.image) {
    const e = imageReferenceError(c.image);
    if (e) out.push({ path: `${p}.image`, message: `the image ${q(c.image)} is ${e.startsWith('not') ? e : `not valid: ${e}`}` });
  }
  if (c.name) {
    const e = nameError(c.name, 'dns1123-label');
    if (e) out.push({ path: `${p}.name`, message: `the container name ${q(c.name)} is not valid: ${e}` });
  }
  resourceProblems(out, c, p);
  nonNegative(out, `${p}.securityContext.runAsUser`, 'user ID', c.securityContext?.runAsUser);
  nonNegative(out, `${p}.securityContext.runAsGroup`, 'group ID', c.securityContext?.runAsGroup);
  (c.ports ?? []).forEach((port, i) => {
    const v = port.containerPort;
    if (!Number.isInteger(v) || v < 1 || v > 65535) out.push({ path: `${p}.ports[${i}].containerPort`, message: `the port ${v} must be between 1 and 65535` });
  });
  (c.env ?? []).forEach((e, i) => {
    const path = `${p}.env[${i}]`;
    const ne = envVarNameError(e.name ?? '');
    if (ne) out.push({ path: `${path}.name`, message: `the environment variable name ${q(e.name ?? '')} is not valid: ${ne}` });
    const ref = e.valueFrom?.configMapKeyRef ?? e.valueFrom?.secretKeyRef;
    if (ref) {
      const what = e.valueFrom?.configMapKeyRef ? 'config map' : 'secret';
      subdomain(out, `${path}.valueFrom`, `${what} name`, ref.name ?? '');
      if (!ref.key || ref.key.length > 253 || !CONFIG_MAP_KEY.test(ref.key)) {
        out.push({ path: `${path}.valueFrom`, message: `the ${what} key ${q(ref.key ?? '')} is not valid: a key must consist of alphanumeric characters, '-', '_' or '.'` });
      }
    }
  });
  (c.envFrom ?? []).forEach((s, i) => {
    if (s.configMapRef) subdomain(out, `${p}.envFrom[${i}]`, 'config map name', s.configMapRef.name ?? '');
    if (s.secretRef) subdomain(out, `${p}.envFrom[${i}]`, 'secret name', s.secretRef.name ?? '');
  });
  (c.volumeMounts ?? []).forEach((m, i) => {
    const path = `${p}.volumeMounts[${i}]`;
    if (!m.mountPath?.startsWith('/')) out.push({ path: `${path}.mountPath`, message: `the mount path ${q(m.mountPath ?? '')} must be an absolute path (start with /)` });
    if (m.subPath !== undefined && (m.subPath.startsWith('/') || m.subPath.split('/').includes('..'))) {
      out.push({ path: `${path}.subPath`, message: `the sub-path ${q(m.subPath)} must be a relative path without '..'` });
    }
  });
  probeProblems(out, c.livenessProbe, `${p}.livenessProbe`, true);
  probeProblems(out, c.readinessProbe, `${p}.readinessProbe`, false);
  probeProblems(out, c.startupProbe, `${p}.startupProbe`, true);
}

/** Every problem the API server would find in the Deployment made from this spec. */
export function podSpecProblems(spec: RevisionSpec | undefined, prefix: string): Problem[] {
  const out: Problem[] = [];
  if (!spec) return out;
  (spec.containers ?? []).forEach((c, i) => containerProblems(out, c, `${prefix}.containers[${i}]`));
  if (spec.serviceAccountName !== undefined && spec.serviceAccountName !== '') subdomain(out, `${prefix}.serviceAccountName`, 'service account name', spec.serviceAccountName);
  (spec.imagePullSecrets ?? []).forEach((s, i) => subdomain(out, `${prefix}.imagePullSecrets[${i}]`, 'pull secret name', s.name ?? ''));
  (spec.volumes ?? []).forEach((v, i) => {
    const path = `${prefix}.volumes[${i}]`;
    const ne = nameError(v.name ?? '', 'dns1123-label');
    if (ne) out.push({ path: `${path}.name`, message: `the volume name ${q(v.name ?? '')} is not valid: ${ne}` });
    if (v.configMap) subdomain(out, `${path}.configMap`, 'config map name', v.configMap.name ?? '');
    if (v.secret) subdomain(out, `${path}.secret`, 'secret name', v.secret.secretName ?? '');
    if (v.persistentVolumeClaim) subdomain(out, `${path}.persistentVolumeClaim`, 'claim name', v.persistentVolumeClaim.claimName ?? '');
    const size = v.emptyDir?.sizeLimit;
    if (size !== undefined) {
      try {
        if (parseQuantity(String(size)).nano < 0n) out.push({ path: `${path}.emptyDir.sizeLimit`, message: `the size limit ${q(String(size))} must be greater than or equal to 0` });
      } catch {
        out.push({ path: `${path}.emptyDir.sizeLimit`, message: `the size limit ${q(String(size))} is not a quantity (e.g. 1Gi)` });
      }
    }
  });
  for (const [k, v] of Object.entries(spec.nodeSelector ?? {})) {
    const ke = qualifiedNameError(k);
    if (ke) out.push({ path: `${prefix}.nodeSelector`, message: `the node selector key ${q(k)} is not valid: ${ke}` });
    const ve = labelValueError(String(v));
    if (ve) out.push({ path: `${prefix}.nodeSelector`, message: `the node selector value ${q(v)} of ${q(k)} is not valid: ${ve}` });
  }
  (spec.tolerations ?? []).forEach((t, i) => {
    const path = `${prefix}.tolerations[${i}]`;
    if (t.key) {
      const ke = qualifiedNameError(t.key);
      if (ke) out.push({ path: `${path}.key`, message: `the toleration key ${q(t.key)} is not valid: ${ke}` });
    }
    if (t.operator !== undefined && t.operator !== 'Exists' && t.operator !== 'Equal') {
      out.push({ path: `${path}.operator`, message: `the toleration operator ${q(t.operator)} is not valid: use Exists or Equal` });
    }
    if (!t.key && t.operator !== 'Exists') out.push({ path: `${path}.operator`, message: 'a toleration without a key must have Operator=Exists' });
    if (t.operator === 'Exists' && t.value) out.push({ path: `${path}.value`, message: `a toleration with Operator=Exists must not have a value (got ${q(t.value)})` });
    if (t.effect !== undefined && !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(t.effect)) {
      out.push({ path: `${path}.effect`, message: `the toleration effect ${q(t.effect)} is not valid: use NoSchedule, PreferNoSchedule or NoExecute` });
    }
  });
  const na = spec.affinity?.nodeAffinity;
  const terms = [
    ...(na?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []).map((t, i) => ({ t, path: `${prefix}.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[${i}]` })),
    ...(na?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((p, i) => {
      const path = `${prefix}.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
      if (!Number.isInteger(p.weight) || p.weight < 1 || p.weight > 100) out.push({ path: `${path}.weight`, message: `the node affinity weight ${p.weight} must be between 1 and 100` });
      return { t: p.preference, path: `${path}.preference` };
    }),
  ];
  for (const { t, path } of terms) {
    (t?.matchExpressions ?? []).forEach((e, i) => {
      const p = `${path}.matchExpressions[${i}]`;
      const ke = qualifiedNameError(e.key ?? '');
      if (ke) out.push({ path: `${p}.key`, message: `the node affinity key ${q(e.key ?? '')} is not valid: ${ke}` });
      const n = e.values?.length ?? 0;
      if (e.operator === 'In' || e.operator === 'NotIn') {
        if (!n) out.push({ path: `${p}.values`, message: `the node affinity operator ${e.operator} needs at least one value` });
      } else if (e.operator === 'Exists' || e.operator === 'DoesNotExist') {
        if (n) out.push({ path: `${p}.values`, message: `the node affinity operator ${e.operator} takes no values` });
      } else if (e.operator !== 'Gt' && e.operator !== 'Lt') {
        out.push({ path: `${p}.operator`, message: `the node affinity operator ${q(e.operator ?? '')} is not valid: use In, NotIn, Exists or DoesNotExist` });
      }
    });
  }
  return out;
}
