// The hpa.autoscaling.knative.dev class (serving:pkg/reconciler/autoscaling/hpa): an autoscaling/v2
// HorizontalPodAutoscaler named after the PA, scaling the same target; Kubernetes' HPA controller
// does the scaling. It never scales to zero, so the PA is always Active.
import type { PodAutoscaler } from '../../api/autoscaling/types.ts';
import { type DeciderSpec, KEYS, CPU, MEMORY, getKey } from '../../api/autoscaling/annotations.ts';
import { controllerRef, isControlledBy, type KubeObject } from '../../api/meta.ts';
import { R } from '../../api/resources.ts';
import type { ConditionManager } from '../../api/serving/conditions.ts';
import { stableStringify } from '../runtime/stable.ts';
import type { ReconcileContext } from '../runtime/types.ts';

const INT32_MAX = 2147483647;

export interface HorizontalPodAutoscaler extends KubeObject {
  spec: {
    scaleTargetRef: { apiVersion: string; kind: string; name: string };
    minReplicas?: number;
    maxReplicas: number;
    metrics?: Record<string, unknown>[];
  };
  status?: { currentReplicas?: number; desiredReplicas?: number };
}

/** MakeHPA: min/max from the scale bounds (max 0 → MaxInt32), one metric when a target is set. */
export function makeHPA(pa: PodAutoscaler, spec: DeciderSpec): HorizontalPodAutoscaler {
  const hpa: HorizontalPodAutoscaler = {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: {
      name: pa.metadata.name,
      namespace: pa.metadata.namespace,
      labels: { ...(pa.metadata.labels ?? {}) },
      annotations: { ...(pa.metadata.annotations ?? {}) },
      ownerReferences: [controllerRef(pa)],
    },
    spec: {
      scaleTargetRef: { ...pa.spec.scaleTargetRef },
      maxReplicas: spec.maxScale === 0 ? INT32_MAX : spec.maxScale,
      ...(spec.minScale > 0 ? { minReplicas: spec.minScale } : {}),
    },
  };
  const t = getKey(pa.metadata.annotations, KEYS.target);
  const target = t ? Number(t.value) : undefined;
  if (target !== undefined && Number.isFinite(target)) {
    if (spec.metric === CPU) {
      hpa.spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: Math.ceil(target) } } }];
    } else if (spec.metric === MEMORY) {
      hpa.spec.metrics = [{ type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: `${Math.trunc(target)}Mi` } } }];
    } else {
      hpa.spec.metrics = [{ type: 'Pods', pods: { metric: { name: spec.metric }, target: { type: 'AverageValue', averageValue: String(Math.trunc(target)) } } }];
    }
  }
  return hpa;
}

export async function reconcileHPA(pa: PodAutoscaler, ctx: ReconcileContext, spec: DeciderSpec, m: ConditionManager): Promise<void> {
  const status = (pa.status ??= {});
  const ns = pa.metadata.namespace ?? '';
  const want = makeHPA(pa, spec);
  let have = ctx.lister<HorizontalPodAutoscaler>(R.HorizontalPodAutoscaler).get(pa.metadata.name ?? '', ns);
  if (!have) {
    have = await ctx.client.create<HorizontalPodAutoscaler>(R.HorizontalPodAutoscaler, want);
  } else if (!isControlledBy(have, pa)) {
    m.markFalse('Active', 'NotOwned', `PA: ${pa.metadata.name} does not own HPA: ${pa.metadata.name}`);
    return;
  } else if (stableStringify(have.spec) !== stableStringify(want.spec) || stableStringify(have.metadata.labels) !== stableStringify(want.metadata.labels)) {
    const next = structuredClone(have);
    next.spec = want.spec;
    next.metadata.labels = want.metadata.labels;
    next.metadata.annotations = want.metadata.annotations;
    have = await ctx.client.replace<HorizontalPodAutoscaler>(R.HorizontalPodAutoscaler, next);
  }
  const svc = ctx.lister<KubeObject>(R.KService).get(pa.metadata.name ?? '', ns);
  // The HPA controller fills currentReplicas on its next sync (15 s); the Deployment's ready pods say it sooner.
  const dep = ctx.lister<KubeObject & { status?: { readyReplicas?: number } }>(R.Deployment).get(pa.spec.scaleTargetRef.name, ns);
  const current = Math.max(have.status?.currentReplicas ?? 0, dep?.status?.readyReplicas ?? 0);
  if (svc) {
    status.serviceName = pa.metadata.name;
    status.metricsServiceName = pa.metadata.name;
    m.markTrue('SKSReady');
    if (m.get('ScaleTargetInitialized')?.status !== 'True' && current >= Math.max(spec.minScale, 1)) m.markTrue('ScaleTargetInitialized');
  } else m.markUnknown('SKSReady', 'NotReady', 'K8s Service is not ready');
  m.markTrue('Active');
  status.desiredScale = have.status?.desiredReplicas ?? 0;
  status.actualScale = current;
}
