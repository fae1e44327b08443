// Revision → Deployment + Kubernetes Service + PodAutoscaler (serving:pkg/reconciler/revision), and
// the Revision's status from them (and, when nothing is available, from its pods).
import type { V1Pod } from '@kubernetes/client-node';
import type { PodAutoscaler } from '../../api/autoscaling/types.ts';
import { isControlledBy, type KubeObject, type ResourceType } from '../../api/meta.ts';
import { R } from '../../api/resources.ts';
import { defaultsFromConfigMaps, type ServingDefaults } from '../../api/serving/defaults.ts';
import { L } from '../../api/serving/labels.ts';
import { deploymentName, k8sServiceName, podAutoscalerName } from '../../api/serving/naming.ts';
import type { Revision } from '../../api/serving/types.ts';
import { KubeError } from '../../kube/errors.ts';
import { stableStringify } from '../runtime/stable.ts';
import type { ReconcileContext, Reconciler } from '../runtime/types.ts';
import { type Deployment, type K8sService, makeDeployment, makeK8sService, makePodAutoscaler } from './resources.ts';
import {
  ContainerHealthy,
  containerExitingMessage,
  exitCodeReason,
  hasDeploymentTimedOut,
  isActivationRequired,
  propagateAutoscalerStatus,
  propagateDeploymentScale,
  propagateDeploymentStatus,
  deploymentRefusedMessage,
  ReasonDeploying,
  ReasonDeploymentCreateFailed,
  ReasonDeploymentUpdateFailed,
  ReasonNotOwned,
  resourceNotOwnedMessage,
  ResourcesAvailable,
  revisionConditions,
} from './status.ts';

const same = (a: unknown, b: unknown) => stableStringify(a ?? {}) === stableStringify(b ?? {});
/** While a Deployment's pods exist but none is available, look again this often (a crash loop or an image pull error does not always touch the Deployment). */
export const POD_RECHECK_MS = 10_000;

class NotOwnedError extends Error {}

/** A request the API server answered with a final no (invalid, forbidden), not a transient failure. */
const refused = (e: unknown): boolean => e instanceof KubeError && [400, 403, 422].includes(e.code);

async function ensure<T extends KubeObject>(
  ctx: ReconcileContext,
  rev: Revision,
  r: ResourceType,
  desired: T,
  upToDate: (have: T) => boolean,
  merge: (have: T, want: T) => T,
): Promise<{ obj: T; created: boolean }> {
  const have = ctx.lister<T>(r).get(desired.metadata.name ?? '', desired.metadata.namespace);
  if (!have) {
    try {
      return { obj: await ctx.client.create<T>(r, desired), created: true };
    } catch (e) {
      ctx.recorder.event(rev, 'Warning', 'CreationFailed', `Failed to create ${r.kind} "${desired.metadata.name}": ${(e as Error).message}`);
      throw e;
    }
  }
  if (!isControlledBy(have, rev)) throw new NotOwnedError(`revision: "${rev.metadata.name}" does not own ${r.kind}: "${desired.metadata.name}"`);
  if (upToDate(have)) return { obj: have, created: false };
  return { obj: await ctx.client.replace<T>(r, merge(structuredClone(have), desired)), created: false };
}

function withMeta<T extends KubeObject>(have: T, want: T): T {
  have.metadata.labels = { ...(have.metadata.labels ?? {}), ...(want.metadata.labels ?? {}) };
  have.metadata.annotations = { ...(have.metadata.annotations ?? {}), ...(want.metadata.annotations ?? {}) };
  return have;
}

const labelsCovered = (have: KubeObject, want: KubeObject) =>
  Object.entries(want.metadata.labels ?? {}).every(([k, v]) => have.metadata.labels?.[k] === v) &&
  Object.entries(want.metadata.annotations ?? {}).every(([k, v]) => have.metadata.annotations?.[k] === v);

/** Surfaces why no pod is available: unschedulable, a container that exited, an image it cannot pull. */
async function checkPods(rev: Revision, dep: Deployment, ctx: ReconcileContext, m: ReturnType<typeof revisionConditions>): Promise<void> {
  let pods: V1Pod[];
  try {
    const list = await ctx.client.list<KubeObject>(R.Pod, { namespace: rev.metadata.namespace, labelSelector: `${L.revisionUID}=${rev.metadata.uid}`, limit: 1 });
    pods = list.items as unknown as V1Pod[];
  } catch (e) {
    ctx.log.warn({ err: (e as Error).message, revision: rev.metadata.name }, 'could not list pods');
    return;
  }
  const pod = pods[0];
  if (!pod) return;
  const unsched = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  if (unsched) m.markFalse(ResourcesAvailable, unsched.reason ?? '', unsched.message ?? '');
  for (const cs of pod.status?.containerStatuses ?? []) {
    const t = cs.lastState?.terminated ?? cs.state?.terminated;
    if (t) {
      m.markFalse(ContainerHealthy, exitCodeReason(t.exitCode), containerExitingMessage(t.exitCode === 0 && !t.message ? 'container exited with no error' : (t.message ?? '')));
      break;
    }
    const w = cs.state?.waiting;
    if (w && hasDeploymentTimedOut(dep)) {
      m.markFalse(ResourcesAvailable, w.reason ?? '', w.message ?? '');
      break;
    }
  }
}

export async function reconcileRevision(rev: Revision, ctx: ReconcileContext): Promise<void | { requeueAfterMs?: number }> {
  const status = (rev.status ??= {});
  const m = revisionConditions(status, ctx.now);
  m.initialize();
  const d: ServingDefaults = defaultsFromConfigMaps(ctx.configMaps());
  const name = rev.metadata.name ?? '';

  // containerStatuses: kn-ts does not resolve tags to digests; imageDigest is the image as given.
  const cs = (c: { name?: string; image?: string }) => ({ ...(c.name ? { name: c.name } : {}), ...(c.image ? { imageDigest: c.image } : {}) });
  status.containerStatuses = (rev.spec.containers ?? []).map(cs);
  if (rev.spec.initContainers?.length) status.initContainerStatuses = rev.spec.initContainers.map(cs);

  // 1. Deployment
  const wantDep = makeDeployment(rev, d);
  let dep: Deployment;
  try {
    const res = await ensure<Deployment>(
      ctx,
      rev,
      R.Deployment,
      wantDep,
      (have) => have.metadata.labels?.[L.deploymentHash] === wantDep.metadata.labels?.[L.deploymentHash],
      (have, want) => {
        // Replicas belong to the autoscaler once the Deployment exists; the selector is immutable.
        const next = withMeta(have, want);
        next.spec = { ...want.spec, replicas: have.spec.replicas, selector: have.spec.selector };
        return next;
      },
    );
    dep = res.obj;
    if (res.created) {
      m.markUnknown(ResourcesAvailable, ReasonDeploying, '');
      m.markUnknown(ContainerHealthy, ReasonDeploying, '');
    }
  } catch (e) {
    if (e instanceof NotOwnedError) m.markFalse(ResourcesAvailable, ReasonNotOwned, resourceNotOwnedMessage('Deployment', deploymentName(name)));
    else if (refused(e)) {
      // The API server refuses the Deployment (an invalid pod spec from kubectl YAML, a quota, a
      // policy): say so on the Revision at once, with Kubernetes' message, instead of staying
      // Unknown until the progress deadline. The next reconcile tries again.
      const creating = !ctx.lister<Deployment>(R.Deployment).get(wantDep.metadata.name ?? '', wantDep.metadata.namespace);
      m.markFalse(ResourcesAvailable, creating ? ReasonDeploymentCreateFailed : ReasonDeploymentUpdateFailed, deploymentRefusedMessage(creating, deploymentName(name), (e as Error).message));
    }
    throw e;
  }
  if (!isActivationRequired(m)) propagateDeploymentStatus(m, dep);
  const replicas = dep.spec.replicas ?? 1;
  const notAvailable = replicas > 0 && (dep.status?.availableReplicas ?? 0) === 0;
  // Look at the pods only once the Deployment reports some (a Deployment just created has none to
  // look at, and its status change brings us back here).
  const podsPending = notAvailable && (dep.status?.replicas ?? 0) > 0;
  if (podsPending) await checkPods(rev, dep, ctx, m);
  if ((dep.status?.readyReplicas ?? 0) > 0) m.markTrue(ContainerHealthy);

  // 2. The revision's Kubernetes Service
  const wantSvc = makeK8sService(rev);
  try {
    await ensure<K8sService>(
      ctx,
      rev,
      R.KService,
      wantSvc,
      (have) => labelsCovered(have, wantSvc) && same(have.spec.selector, wantSvc.spec.selector) && same(have.spec.ports, wantSvc.spec.ports),
      (have, want) => {
        const next = withMeta(have, want);
        next.spec = { ...have.spec, selector: want.spec.selector, ports: want.spec.ports };
        return next;
      },
    );
  } catch (e) {
    if (e instanceof NotOwnedError) m.markFalse(ResourcesAvailable, ReasonNotOwned, resourceNotOwnedMessage('Service', k8sServiceName(name)));
    throw e;
  }

  // 3. PodAutoscaler
  const failing = (m.get(ResourcesAvailable)?.status === 'False' || m.get(ContainerHealthy)?.status === 'False') && replicas > 0 && (dep.status?.readyReplicas ?? 0) === 0;
  const wantPA = makePodAutoscaler(rev, d, failing);
  let pa: PodAutoscaler;
  try {
    pa = (
      await ensure<PodAutoscaler>(
        ctx,
        rev,
        R.PodAutoscaler,
        wantPA,
        (have) => labelsCovered(have, wantPA) && same(have.spec, wantPA.spec),
        (have, want) => {
          const next = withMeta(have, want);
          next.spec = want.spec;
          return next;
        },
      )
    ).obj;
  } catch (e) {
    if (e instanceof NotOwnedError) m.markFalse(ResourcesAvailable, ReasonNotOwned, resourceNotOwnedMessage('PodAutoscaler', podAutoscalerName(name)));
    throw e;
  }
  if (pa.status?.conditions?.some((c) => c.type === 'Ready')) propagateAutoscalerStatus(status, m, pa);
  else propagateDeploymentScale(status, m, dep);

  if (podsPending && m.get('Ready')?.status !== 'False') return { requeueAfterMs: POD_RECHECK_MS };
}

export const revisionReconciler: Reconciler<Revision> = {
  name: 'revision',
  resource: R.Revision,
  owns: [R.Deployment, R.KService, R.PodAutoscaler],
  reconcile: reconcileRevision,
};
