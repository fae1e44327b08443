// What a Revision runs on: a Deployment, a Kubernetes Service and a PodAutoscaler
// (serving:pkg/reconciler/revision/resources). Pure.
//
// kn-ts has no queue-proxy sidecar (docs/adr/0005-no-queue-proxy.md): the gateway buffers, counts
// concurrency and enforces timeouts. So the pod runs only the user's containers, the kubelet probes
// the user container directly (the default readiness probe is TCP on the user port), and the
// revision's Kubernetes Service selects the pods and targets the user port.
import { parseGoDurationSeconds } from '../../api/duration.ts';
import type { V1Container, V1EnvVar, V1PodSpec, V1Probe } from '@kubernetes/client-node';
import { controllerRef, type KubeObject } from '../../api/meta.ts';
import { CONTAINER_CONCURRENCY_LABEL } from '../../api/autoscaling/annotations.ts';
import type { PodAutoscaler } from '../../api/autoscaling/types.ts';
import { READINESS_PROBE_LABEL, readinessLabel } from '../../api/autoscaling/readiness.ts';
import { DEFAULTS, type ServingDefaults, servingContainerIndex } from '../../api/serving/defaults.ts';
import { A, L } from '../../api/serving/labels.ts';
import { deploymentName, k8sServiceName, podAutoscalerName } from '../../api/serving/naming.ts';
import type { Revision } from '../../api/serving/types.ts';
import { IDLE_TIMEOUT_LABEL, RESPONSE_START_TIMEOUT_LABEL, REVISION_TIMEOUT_LABEL } from '../../api/networking/types.ts';

export const DEFAULT_USER_PORT = 8080;
export const USER_PORT_NAME = 'user-port';

export interface Deployment extends KubeObject {
  spec: {
    replicas?: number;
    selector: { matchLabels: Record<string, string> };
    progressDeadlineSeconds?: number;
    revisionHistoryLimit?: number;
    strategy?: { type: string; rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string } };
    template: { metadata: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec: V1PodSpec };
  };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    updatedReplicas?: number;
    unavailableReplicas?: number;
    conditions?: { type: string; status: string; reason?: string; message?: string; lastUpdateTime?: string; lastTransitionTime?: string }[];
  };
}

export interface K8sService extends KubeObject {
  spec: {
    selector?: Record<string, string>;
    ports?: { name?: string; port: number; targetPort?: number | string; protocol?: string; appProtocol?: string }[];
    type?: string;
    clusterIP?: string;
  };
}

export function servingContainer(rev: Revision): V1Container | undefined {
  const cs = rev.spec.containers ?? [];
  return cs[servingContainerIndex(cs)];
}

/** The user port: the serving container's containerPort, else 8080. */
export function userPort(rev: Revision): number {
  return servingContainer(rev)?.ports?.[0]?.containerPort || DEFAULT_USER_PORT;
}

/** h2c when the serving port is named h2c, else http1 (GetProtocol). */
export function protocolType(rev: Revision): 'http1' | 'h2c' {
  return servingContainer(rev)?.ports?.[0]?.name === 'h2c' ? 'h2c' : 'http1';
}

const DROPPED_ANNOTATIONS = new Set(['serving.knative.dev/lastPinned', A.noGC, A.routingStateModified, A.routes]);

/** Labels of the Deployment, its pods, the K8s Service and the PA (makeLabels). */
export function makeLabels(rev: Revision): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(rev.metadata.labels ?? {})) if (k !== L.route && k !== L.routingState) labels[k] = v;
  labels[L.revision] = rev.metadata.name ?? '';
  labels[L.revisionUID] = rev.metadata.uid ?? '';
  if (labels[L.app] === undefined) labels[L.app] = rev.metadata.name ?? '';
  return labels;
}

function deploymentAnnotations(rev: Revision): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(rev.metadata.annotations ?? {})) if (!DROPPED_ANNOTATIONS.has(k) && !k.startsWith('autoscaling.knative.dev/')) out[k] = v;
  return out;
}

function annotationInt(ann: Record<string, string> | undefined, ...keys: string[]): number | undefined {
  for (const k of keys) {
    const v = ann?.[k];
    if (v !== undefined && /^\d+$/.test(v.trim())) return Number(v);
  }
  return undefined;
}

/** Replicas before an autoscaler decides: max(initial-scale, min-scale), initial-scale defaulting to 1. */
export function initialReplicas(rev: Revision, d: ServingDefaults = DEFAULTS): number {
  const ann = rev.metadata.annotations;
  let initial = annotationInt(ann, A.initialScale, 'autoscaling.knative.dev/initialScale') ?? d.initialScale;
  if (initial === 0 && !d.allowZeroInitialScale) initial = d.initialScale;
  const min = annotationInt(ann, A.minScale, 'autoscaling.knative.dev/minScale') ?? d.minScale;
  return Math.max(initial, min);
}

export function progressDeadlineSeconds(rev: Revision, d: ServingDefaults = DEFAULTS): number {
  const s = parseGoDurationSeconds(rev.metadata.annotations?.[A.progressDeadline]);
  return s !== undefined && Number.isInteger(s) && s > 0 ? s : d.progressDeadlineSeconds;
}

function withPort(p: V1Probe | undefined, port: number): V1Probe | undefined {
  if (!p) return p;
  const q = structuredClone(p);
  if (q.tcpSocket && !q.tcpSocket.port) q.tcpSocket.port = port as never;
  if (q.httpGet && !q.httpGet.port) q.httpGet.port = port as never;
  if (q.grpc && !q.grpc.port) q.grpc.port = port;
  return q;
}

function makeContainer(c: V1Container, rev: Revision, serving: boolean, port: number): V1Container {
  const out = structuredClone(c);
  const labels = rev.metadata.labels ?? {};
  const env: V1EnvVar[] = [...(out.env ?? [])];
  if (serving) {
    out.ports = [{ name: USER_PORT_NAME, containerPort: port }];
    env.push({ name: 'PORT', value: String(port) });
  }
  env.push(
    { name: 'K_REVISION', value: rev.metadata.name ?? '' },
    { name: 'K_CONFIGURATION', value: labels[L.configuration] ?? '' },
    { name: 'K_SERVICE', value: labels[L.service] ?? '' },
  );
  out.env = env;
  out.terminationMessagePolicy ??= 'FallbackToLogsOnError';
  delete out.stdin;
  delete out.tty;
  if (serving) {
    // No queue-proxy: the kubelet probes the user container. Knative's "aggressive" probe
    // (periodSeconds 0) becomes the kubelet's fastest, once a second.
    const probe: V1Probe = withPort(out.readinessProbe, port) ?? { tcpSocket: { port: port as never } };
    if (!probe.httpGet && !probe.tcpSocket && !probe.exec && !probe.grpc) probe.tcpSocket = { port: port as never };
    if (!probe.periodSeconds) {
      probe.periodSeconds = 1;
      delete probe.failureThreshold;
      delete probe.timeoutSeconds;
    }
    probe.successThreshold ??= 1;
    out.readinessProbe = probe;
    const live = withPort(out.livenessProbe, port);
    if (live) out.livenessProbe = live;
  }
  return out;
}

/** FNV-32a, base 36 (the deployment-hash label). */
export function fnv32a(s: string): string {
  let h = 0x811c9dc5;
  const bytes = Buffer.from(s, 'utf8');
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36);
}

function stable(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${stable(o[k])}`).join(',')}}`;
}

export function makeDeployment(rev: Revision, d: ServingDefaults = DEFAULTS): Deployment {
  const name = rev.metadata.name ?? '';
  const port = userPort(rev);
  const si = servingContainerIndex(rev.spec.containers ?? []);
  const { containerConcurrency: _cc, timeoutSeconds, responseStartTimeoutSeconds: _rs, idleTimeoutSeconds: _it, containers, ...pod } = structuredClone(rev.spec);
  const podSpec: V1PodSpec = {
    ...pod,
    containers: (containers ?? []).map((c, i) => makeContainer(c, rev, i === si, port)),
    terminationGracePeriodSeconds: timeoutSeconds ?? d.revisionTimeoutSeconds,
  };
  if (podSpec.enableServiceLinks === undefined && d.enableServiceLinks !== undefined) podSpec.enableServiceLinks = d.enableServiceLinks;
  podSpec.initContainers = pod.initContainers?.map((c) => {
    const x = structuredClone(c);
    x.terminationMessagePolicy ??= 'FallbackToLogsOnError';
    return x;
  });
  if (!podSpec.initContainers) delete podSpec.initContainers;
  const labels = makeLabels(rev);
  const annotations = deploymentAnnotations(rev);
  const podAnnotations = { ...annotations, [A.defaultContainer]: podSpec.containers[si]?.name ?? '' };
  const spec: Deployment['spec'] = {
    replicas: initialReplicas(rev, d),
    selector: { matchLabels: { [L.revisionUID]: rev.metadata.uid ?? '' } },
    progressDeadlineSeconds: progressDeadlineSeconds(rev, d),
    revisionHistoryLimit: 0,
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0 } },
    template: { metadata: { labels: { ...labels }, annotations: podAnnotations }, spec: podSpec },
  };
  const { replicas: _r, ...hashed } = spec;
  const hash = fnv32a(stable({ spec: hashed, annotations, labels }));
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: deploymentName(name),
      namespace: rev.metadata.namespace,
      labels: { ...labels, [L.deploymentHash]: hash },
      annotations,
      ownerReferences: [controllerRef(rev)],
    },
    spec,
  };
}

function timeoutLabels(rev: Revision): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (label: string, v: number | undefined) => {
    if (v !== undefined && v > 0) out[label] = String(v);
  };
  put(REVISION_TIMEOUT_LABEL, rev.spec.timeoutSeconds);
  put(RESPONSE_START_TIMEOUT_LABEL, rev.spec.responseStartTimeoutSeconds);
  put(IDLE_TIMEOUT_LABEL, rev.spec.idleTimeoutSeconds);
  return out;
}

/** The revision's Service: `<rev>`, selecting its pods, port 80 (http1) or 81 (h2c) → the user port. */
export function makeK8sService(rev: Revision): K8sService {
  const name = rev.metadata.name ?? '';
  const h2c = protocolType(rev) === 'h2c';
  const probeLabel = readinessLabel((rev.spec.containers ?? [])[servingContainerIndex(rev.spec.containers ?? [])]?.readinessProbe);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: k8sServiceName(name),
      namespace: rev.metadata.namespace,
      labels: {
        ...makeLabels(rev),
        [L.serverlessService]: name,
        [L.serviceType]: 'Public',
        // The gateway's per-pod breaker reads it from the EndpointSlices (activation, issue #9).
        ...((rev.spec.containerConcurrency ?? 0) > 0 ? { [CONTAINER_CONCURRENCY_LABEL]: String(rev.spec.containerConcurrency) } : {}),
        // What the activator probes before releasing held requests (src/api/autoscaling/readiness.ts).
        ...(probeLabel ? { [READINESS_PROBE_LABEL]: probeLabel } : {}),
        // The timeouts the gateway applies as queue-proxy would (src/dataplane/gateway/table.ts).
        ...timeoutLabels(rev),
      },
      annotations: deploymentAnnotations(rev),
      ownerReferences: [controllerRef(rev)],
    },
    spec: {
      selector: { [L.revisionUID]: rev.metadata.uid ?? '' },
      ports: [
        h2c
          ? { name: 'http2', port: 81, protocol: 'TCP', targetPort: userPort(rev), appProtocol: 'kubernetes.io/h2c' }
          : { name: 'http', port: 80, protocol: 'TCP', targetPort: userPort(rev) },
      ],
    },
  };
}

/** Reachability from the routing state (and Unreachable when the revision cannot come up). */
export function reachability(rev: Revision, failing = false): '' | 'Reachable' | 'Unreachable' {
  if (failing) return 'Unreachable';
  const s = rev.metadata.labels?.[L.routingState];
  return s === 'active' ? 'Reachable' : s === 'reserve' ? 'Unreachable' : '';
}

export function makePodAutoscaler(rev: Revision, d: ServingDefaults = DEFAULTS, failing = false): PodAutoscaler {
  void d;
  const name = rev.metadata.name ?? '';
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(rev.metadata.annotations ?? {})) if (!DROPPED_ANNOTATIONS.has(k)) annotations[k] = v;
  annotations[A.autoscalingClass] ??= 'kpa.autoscaling.knative.dev';
  if (annotations[A.metric] === undefined) annotations[A.metric] = annotations[A.autoscalingClass] === 'hpa.autoscaling.knative.dev' ? 'cpu' : 'concurrency';
  return {
    apiVersion: 'autoscaling.internal.knative.dev/v1alpha1',
    kind: 'PodAutoscaler',
    metadata: {
      name: podAutoscalerName(name),
      namespace: rev.metadata.namespace,
      labels: makeLabels(rev),
      annotations,
      ownerReferences: [controllerRef(rev)],
    },
    spec: {
      containerConcurrency: rev.spec.containerConcurrency ?? 0,
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: deploymentName(name) },
      reachability: reachability(rev, failing),
      protocolType: protocolType(rev),
    },
  };
}
