// PodAutoscaler reconciler (serving:pkg/reconciler/autoscaling/kpa and hpa), one for both classes:
// - kpa.autoscaling.knative.dev: a Decider in this process (autoscaler.ts) fed by the gateways; the
//   scale target's replicas through its /scale subresource; PA status as upstream (desiredScale,
//   actualScale; Active / ScaleTargetInitialized / SKSReady → Ready).
// - hpa.autoscaling.knative.dev: an autoscaling/v2 HorizontalPodAutoscaler named after the PA for
//   cpu / memory / a custom metric; never scales to zero; PA always Active.
// - any other class is someone else's: left alone.
//
// kn-ts has no ServerlessService (the gateway reads the revision's Kubernetes Service directly):
// SKSReady is True once that Service (same name as the PA) exists, and serviceName /
// metricsServiceName name it. Ready pods are the Deployment's readyReplicas.
import { parseGoDurationSeconds } from '../../api/duration.ts';
import type { PodAutoscaler } from '../../api/autoscaling/types.ts';
import { type DeciderSpec, HPA, KPA, KEYS, getKey, makeDeciderSpec, validateAnnotations } from '../../api/autoscaling/annotations.ts';
import { activeCondition, type CondStatus, minReady, scaleTarget } from '../../api/autoscaling/decider.ts';
import type { KubeObject } from '../../api/meta.ts';
import { R } from '../../api/resources.ts';
import { ConditionManager, livingSet } from '../../api/serving/conditions.ts';
import type { AutoscalerConfig } from '../../api/serving/config-autoscaler.ts';
import { parseServingConfig } from '../../api/serving/config.ts';
import { A, L } from '../../api/serving/labels.ts';
import { formatErrors } from '../../api/serving/validation.ts';
import type { ReconcileContext, Reconciler } from '../runtime/types.ts';
import type { Deployment } from '../revision/resources.ts';
import type { Autoscaler } from './autoscaler.ts';
import { reconcileHPA } from './hpa.ts';

export const Active = 'Active';
export const ScaleTargetInitialized = 'ScaleTargetInitialized';
export const SKSReady = 'SKSReady';
export const paConditionSet = livingSet(Active, ScaleTargetInitialized, SKSReady);
/** Reason of a PA whose autoscaling annotations do not validate (upstream's webhook would reject the object). */
export const ReasonInvalidAnnotations = 'InvalidAnnotations';

let cfgMemo: { key: string; as: AutoscalerConfig; progressDeadlineMs: number } | undefined;
function autoscalerConfig(ctx: ReconcileContext): { as: AutoscalerConfig; progressDeadlineMs: number } {
  const maps = ctx.configMaps();
  const key = JSON.stringify([maps['config-autoscaler'], maps['config-deployment']]);
  if (cfgMemo?.key !== key) {
    const { config } = parseServingConfig({ 'config-autoscaler': maps['config-autoscaler'], 'config-deployment': maps['config-deployment'] });
    cfgMemo = { key, as: config.autoscaler, progressDeadlineMs: config.deployment.progressDeadlineMs };
  }
  return cfgMemo;
}

export function paClass(pa: KubeObject, cfg: AutoscalerConfig): string {
  return getKey(pa.metadata.annotations, KEYS.class)?.value ?? cfg.podAutoscalerClass;
}

const ms = (t: string | undefined) => (t ? Date.parse(t) : 0);

async function reconcileKPA(pa: PodAutoscaler, ctx: ReconcileContext, a: Autoscaler, spec: DeciderSpec, progressDeadlineMs: number): Promise<void | { requeueAfterMs?: number }> {
  const status = (pa.status ??= {});
  const m = new ConditionManager(paConditionSet, status, ctx.now);
  const ns = pa.metadata.namespace ?? '';
  const key = `${ns}/${pa.metadata.name}`;
  const dep = ctx.lister<Deployment>(R.Deployment).get(pa.spec.scaleTargetRef.name, ns);
  if (!dep) {
    m.markUnknown(ScaleTargetInitialized, 'Deploying', `Waiting for the scale target ${pa.spec.scaleTargetRef.kind} "${pa.spec.scaleTargetRef.name}"`);
    return;
  }
  const svc = ctx.lister<KubeObject>(R.KService).get(pa.metadata.name ?? '', ns);
  if (svc) {
    status.serviceName = pa.metadata.name;
    status.metricsServiceName = pa.metadata.name;
    m.markTrue(SKSReady);
  } else m.markUnknown(SKSReady, 'NotReady', 'K8s Service is not ready');

  const got = dep.status?.readyReplicas ?? 0;
  a.ensure(key, spec, got);
  const decision = a.decide(key);
  const desired = decision?.valid ? decision.desired : -1;
  const act = m.get(Active);
  const initialized = m.get(ScaleTargetInitialized)?.status === 'True';
  const s = scaleTarget(desired, spec, { active: act?.status as CondStatus | undefined, activeSinceMs: ms(act?.lastTransitionTime), scaleTargetInitialized: initialized, progressDeadlineMs }, ctx.now().getTime());
  const current = dep.spec.replicas ?? 1;
  if (s.apply && s.want !== current) {
    await ctx.client.patch(R.Deployment, dep.metadata.name ?? '', ns, [{ op: 'add', path: '/spec/replicas', value: s.want }], 'json', { subresource: 'scale' });
    ctx.log.info({ pa: key, from: current, to: s.want, stable: decision?.observedStable, panic: decision?.observedPanic }, 'scaling');
  }
  status.actualScale = got;
  if (s.want >= 0) status.desiredScale = s.want;
  else status.desiredScale ??= current;
  const need = minReady(spec, initialized);
  if (!initialized && got >= need && status.serviceName) m.markTrue(ScaleTargetInitialized);
  const next = activeCondition(s.want, got, need, act?.status as CondStatus | undefined);
  if (next?.status === 'True') m.markTrue(Active);
  else if (next?.status === 'False') m.markFalse(Active, next.reason ?? '', next.message ?? '');
  else if (next) m.markUnknown(Active, next.reason ?? '', next.message ?? '');
  // The scaler's next step was computed for the old Active state: when it changed (an activation
  // that just succeeded), decide again at once for the new one rather than at the old state's
  // requeue (an activating PA's is the progress deadline), since the decider's desired scale may not
  // change again to enqueue it.
  if (next && next.status !== (act?.status ?? 'Unknown')) return { requeueAfterMs: 100 };
  if (s.requeueAfterMs !== undefined) return { requeueAfterMs: Math.max(100, s.requeueAfterMs) };
}

export function makePodAutoscalerReconciler(a: Autoscaler): Reconciler<PodAutoscaler> {
  return {
    name: 'podautoscaler',
    resource: R.PodAutoscaler,
    owns: [R.HorizontalPodAutoscaler],
    watches: [
      {
        // A Deployment's ready pods (and replicas) move the PA of its revision.
        resource: R.Deployment,
        map: (d) => {
          const rev = d.metadata.labels?.[L.revision];
          return rev ? [`${d.metadata.namespace}/${rev}`] : [];
        },
      },
    ],
    reads: [R.KService],
    relevant(r, o, n) {
      if (r !== R.Deployment) return true;
      const a = o as Deployment;
      const b = n as Deployment;
      return a.spec.replicas !== b.spec.replicas || a.status?.readyReplicas !== b.status?.readyReplicas;
    },
    async reconcile(pa, ctx) {
      a.enqueue ??= (key) => ctx.enqueueAfter(key, 0);
      a.log ??= ctx.log;
      a.exists ??= (key) => {
        const [ns, name] = key.split('/');
        return ctx.lister<PodAutoscaler>(R.PodAutoscaler).get(name ?? '', ns) !== undefined;
      };
      const { as, progressDeadlineMs } = autoscalerConfig(ctx);
      const cls = paClass(pa, as);
      const key = `${pa.metadata.namespace}/${pa.metadata.name}`;
      if (cls !== KPA) a.forget(key, `class ${cls}`);
      if (cls !== KPA && cls !== HPA) return;
      const status = (pa.status ??= {});
      const m = new ConditionManager(paConditionSet, status, ctx.now);
      m.initialize();
      const errs = validateAnnotations(pa.metadata.annotations, as);
      if (errs.length) {
        a.forget(key, "invalid annotations");
        m.markFalse(Active, ReasonInvalidAnnotations, `validation failed: ${formatErrors(errs)}`);
        return;
      }
      const spec = makeDeciderSpec(pa.metadata.annotations, pa.spec, as);
      if (cls === HPA) return reconcileHPA(pa, ctx, spec, m);
      const pd = parseGoDurationSeconds(pa.metadata.annotations?.[A.progressDeadline]);
      return reconcileKPA(pa, ctx, a, spec, pd !== undefined && pd > 0 ? pd * 1000 : progressDeadlineMs);
    },
  };
}
