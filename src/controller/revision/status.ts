// Revision status helpers (serving:pkg/apis/serving/v1/revision_lifecycle.go): a living set over
// ResourcesAvailable and ContainerHealthy; Active is an Info condition copied from the PA.
import type { PodAutoscaler } from '../../api/autoscaling/types.ts';
import { ConditionManager, livingSet } from '../../api/serving/conditions.ts';
import type { RevisionStatus } from '../../api/serving/types.ts';
import type { Deployment } from './resources.ts';

export const ResourcesAvailable = 'ResourcesAvailable';
export const ContainerHealthy = 'ContainerHealthy';
export const Active = 'Active';
export const ReasonDeploying = 'Deploying';
export const ReasonNotOwned = 'NotOwned';
export const ReasonProgressDeadlineExceeded = 'ProgressDeadlineExceeded';
/** kn-ts's reasons for a Deployment the API server refused (upstream only logs the error and retries). */
export const ReasonDeploymentCreateFailed = 'FailedCreate';
export const ReasonDeploymentUpdateFailed = 'FailedUpdate';
export const deploymentRefusedMessage = (creating: boolean, name: string, message: string) =>
  `Failed to ${creating ? 'create' : 'update'} Deployment "${name}": ${message}`;

export const revisionConditionSet = livingSet(ResourcesAvailable, ContainerHealthy);
export const revisionConditions = (s: RevisionStatus, now?: () => Date) => new ConditionManager(revisionConditionSet, s, now);

export const resourceNotOwnedMessage = (kind: string, name: string) => `There is an existing ${kind} "${name}" that we do not own.`;
export const exitCodeReason = (code: number) => `ExitCode${code}`;
export const containerExitingMessage = (message: string) => `Container failed with: ${message}`;

const is = (m: ConditionManager, t: string, s: string) => m.get(t)?.status === s;

/** Active is not True: the revision waits for (or is at) zero pods. */
export function isActivationRequired(m: ConditionManager): boolean {
  const c = m.get(Active);
  return c !== undefined && c.status !== 'True';
}

/** PropagateDeploymentStatus via TransformDeploymentStatus (Progressing, ReplicaFailure). */
export function propagateDeploymentStatus(m: ConditionManager, dep: Deployment): void {
  let st: 'True' | 'False' | 'Unknown' = 'Unknown';
  let reason = ReasonDeploying;
  let message = '';
  const conds = dep.status?.conditions ?? [];
  const prog = conds.find((c) => c.type === 'Progressing');
  const fail = conds.find((c) => c.type === 'ReplicaFailure');
  let progressing: 'True' | 'False' | 'Unknown' = 'Unknown';
  if (prog) {
    progressing = prog.status as 'True' | 'False' | 'Unknown';
    if (prog.status !== 'True') [reason, message] = [prog.reason ?? '', prog.message ?? ''];
  }
  let rsReady: 'True' | 'False' | 'Unknown' = 'True';
  if (fail) {
    if (fail.status === 'True') rsReady = 'False';
    else if (fail.status === 'Unknown') rsReady = 'Unknown';
    if (fail.status !== 'False' && progressing !== 'False') [reason, message] = [fail.reason ?? '', fail.message ?? ''];
  }
  if (progressing === 'False' || rsReady === 'False') st = 'False';
  else if (progressing === 'True' && rsReady === 'True') st = 'True';
  if (st === 'True') m.markTrue(ResourcesAvailable);
  else if (st === 'False') m.markFalse(ResourcesAvailable, reason, message);
  else m.markUnknown(ResourcesAvailable, reason, message);
}

export function hasDeploymentTimedOut(dep: Deployment): boolean {
  return (dep.status?.conditions ?? []).some((c) => c.type === 'Progressing' && c.status === 'False' && c.reason === ReasonProgressDeadlineExceeded);
}

/** PropagateAutoscalerStatus, for when an autoscaler reports on the PA. */
export function propagateAutoscalerStatus(s: RevisionStatus, m: ConditionManager, pa: PodAutoscaler): void {
  const ps = pa.status ?? {};
  const resUnavailable = is(m, ResourcesAvailable, 'False');
  const cond = ps.conditions?.find((c) => c.type === 'Ready');
  delete s.actualReplicas;
  delete s.desiredReplicas;
  if (ps.actualScale !== undefined && ps.actualScale >= 0) s.actualReplicas = ps.actualScale;
  if (ps.desiredScale !== undefined && ps.desiredScale >= 0) s.desiredReplicas = ps.desiredScale;
  if (!cond) {
    m.markUnknown(Active, ReasonDeploying, '');
    if (!resUnavailable) m.markUnknown(ResourcesAvailable, ReasonDeploying, '');
    return;
  }
  const initialized = ps.conditions?.some((c) => c.type === 'ScaleTargetInitialized' && c.status === 'True') ?? false;
  if (initialized && !resUnavailable) {
    m.markTrue(ResourcesAvailable);
    m.markTrue(ContainerHealthy);
  }
  if (is(m, ResourcesAvailable, 'True') && !ps.serviceName) m.markUnknown(ResourcesAvailable, ReasonDeploying, '');
  if (cond.status === 'Unknown') m.markUnknown(Active, cond.reason ?? '', cond.message ?? '');
  else if (cond.status === 'False') {
    if (!initialized && !resUnavailable && ps.serviceName) m.markFalse(ResourcesAvailable, ReasonProgressDeadlineExceeded, 'Initial scale was never achieved');
    m.markFalse(Active, cond.reason ?? '', cond.message ?? '');
  } else {
    m.markTrue(Active);
    m.markTrue(ResourcesAvailable);
    m.markTrue(ContainerHealthy);
  }
}

/**
 * No autoscaler has reported on the PA yet (kn-ts runs without one until it exists): take the
 * Deployment's word. Ready pods ≥ the wanted scale (at least 1) play the part of the PA's
 * ScaleTargetInitialized; replicas are the Deployment's.
 */
export function propagateDeploymentScale(s: RevisionStatus, m: ConditionManager, dep: Deployment): void {
  const ready = dep.status?.readyReplicas ?? 0;
  const want = dep.spec.replicas ?? 1;
  s.actualReplicas = ready;
  s.desiredReplicas = want;
  const resUnavailable = is(m, ResourcesAvailable, 'False');
  if (ready > 0 && ready >= Math.max(1, want)) {
    if (!resUnavailable) m.markTrue(ResourcesAvailable);
    m.markTrue(ContainerHealthy);
    m.markTrue(Active);
  } else {
    if (!resUnavailable) m.markUnknown(ResourcesAvailable, ReasonDeploying, '');
    if (want === 0) m.markFalse(Active, 'NoTraffic', 'The target is not receiving traffic.');
    else m.markUnknown(Active, ReasonDeploying, '');
  }
}
