// One reconcile of one key, as knative.dev/pkg's generated reconcilerImpl.Reconcile does it:
// read from the cache, deep copy, call reconcile, set status.observedGeneration, write the status
// only when it changed (order-stable JSON compare) with conflict retry, turn errors into events.
// Shared by the Manager and by the unit tests (which pass a fake client and listers).
import type { KubeObject, ResourceType, Status } from '../../api/meta.ts';
import type { KubeClient } from '../../kube/client.ts';
import { KubeError } from '../../kube/errors.ts';
import { stableStringify } from './stable.ts';
import type { ReconcileContext, Reconciler } from './types.ts';

export function splitKey(key: string): { namespace: string | undefined; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: undefined, name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

export interface ReconcileOutcome {
  /** Whether a status write happened. */
  statusWritten: boolean;
  requeueAfterMs?: number;
}

/** Raised when the status write itself failed (after the reconcile ran). */
export class StatusUpdateError extends Error {
  override name = 'StatusUpdateError';
}

export async function reconcileKey(rec: Reconciler, key: string, ctx: ReconcileContext): Promise<ReconcileOutcome> {
  const { namespace, name } = splitKey(key);
  const cached = ctx.lister(rec.resource).get(name, namespace);
  if (!cached) return { statusWritten: false }; // deleted: the garbage collector removes the children
  if (cached.metadata.deletionTimestamp) return { statusWritten: false };
  const obj = structuredClone(cached) as KubeObject & { status?: Status };
  const before = stableStringify(cached.status ?? {});
  let result: void | { requeueAfterMs?: number } = undefined;
  let failure: unknown;
  try {
    result = await rec.reconcile(obj, ctx);
  } catch (e) {
    failure = e;
  }
  obj.status ??= {};
  keepTransitionTimes(cached.status as Status | undefined, obj.status);
  if (obj.metadata.generation !== undefined) obj.status.observedGeneration = obj.metadata.generation;
  let statusWritten = false;
  if (stableStringify(obj.status) !== before) {
    try {
      await updateStatus(ctx.client, rec.resource, obj);
      statusWritten = true;
    } catch (e) {
      if (!(e instanceof KubeError && e.notFound)) {
        ctx.recorder.event(obj, 'Warning', 'UpdateFailed', `Failed to update status for "${name}": ${(e as Error).message}`);
        if (!failure) failure = new StatusUpdateError((e as Error).message);
      }
    }
  }
  if (failure) {
    // A conflict only means our cache is behind: retry quietly, as pkg does.
    if (!(failure instanceof KubeError && failure.conflict)) {
      ctx.recorder.event(obj, 'Warning', 'InternalError', String((failure as Error)?.message ?? failure));
    }
    throw failure;
  }
  return { statusWritten, ...(result?.requeueAfterMs !== undefined ? { requeueAfterMs: result.requeueAfterMs } : {}) };
}

/** replaceStatus; on a conflict re-read the object, re-apply the status, try again (5 tries). */
export async function updateStatus(client: KubeClient, r: ResourceType, obj: KubeObject & { status?: unknown }): Promise<void> {
  let current: KubeObject = obj;
  for (let attempt = 0; ; attempt++) {
    try {
      await client.replaceStatus(r, { ...current, status: obj.status });
      return;
    } catch (e) {
      if (!(e instanceof KubeError && e.conflict) || attempt >= 4) throw e;
      current = await client.get(r, obj.metadata.name ?? '', obj.metadata.namespace);
      if (stableStringify(current.status ?? {}) === stableStringify(obj.status ?? {})) return;
    }
  }
}

/**
 * A condition whose status did not change keeps its lastTransitionTime, even when a reconcile
 * walked it through other states on the way (Unknown, then False again): repeated reconciles
 * of an unchanged world then produce byte-identical status and no write.
 */
export function keepTransitionTimes(before: Status | undefined, after: Status): void {
  for (const c of after.conditions ?? []) {
    const old = before?.conditions?.find((o) => o.type === c.type);
    if (old && old.status === c.status && old.lastTransitionTime) c.lastTransitionTime = old.lastTransitionTime;
  }
}
