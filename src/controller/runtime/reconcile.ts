// One reconcile of one key, as knative.dev/pkg's generated reconcilerImpl.Reconcile does it:
// read from the cache, deep copy, call reconcile, set status.observedGeneration, write the status
// only when it changed (order-stable JSON compare) with conflict retry, turn errors into events.
// Shared by the Manager and by the unit tests (which pass a fake client and listers).
import type { KubeObject, ResourceType, Status } from '../../api/meta.ts';
import type { KubeClient } from '../../kube/client.ts';
import { KubeError } from '../../kube/errors.ts';
import { rvOlder } from '../../kube/informer.ts';
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

/**
 * What the runtime remembers between reconciles of one reconciler: the resourceVersion of its own
 * last status write per key, so that a reconcile of a cache that has not caught up with that write
 * yet is skipped (the write's watch event brings the key back) instead of ending in a 409.
 */
export class ReconcileState {
  readonly written = new Map<string, string>();
  /** Keys whose last reconcile was skipped because the cache was behind our own write. */
  readonly behind = new Set<string>();
  /** Status writes put off in a row per key, because the key was queued again meanwhile. */
  readonly deferred = new Map<string, number>();
  /** Keys skipped because the cache was behind our own write (tests and metrics). */
  staleSkips = 0;
  /** Status writes left to the next reconcile of the same key (tests and metrics). */
  deferredWrites = 0;

  /**
   * Whether an update of key to resourceVersion rv is the echo of our own last status write, with
   * no reconcile waiting for it: reconciling it would compute the status it already has.
   */
  isEcho(key: string, rv: string | undefined): boolean {
    return rv !== undefined && this.written.get(key) === rv && !this.behind.has(key);
  }
}

/** At most this many status writes of one key are put off in a row (see reconcileKey's `pending`). */
export const MAX_DEFERRED_WRITES = 3;

/** While the cache is behind our write, look again after this long even without an event. */
export const STALE_RECHECK_MS = 5_000;

/**
 * `pending`, when given, tells whether the key has been queued again while this reconcile ran (a
 * child or the object changed meanwhile). Then a changed status is not written: the next reconcile
 * of the key, which is certain to follow, computes it from newer state and writes it instead, so a
 * status that would be superseded at once costs no request. At most MAX_DEFERRED_WRITES in a row.
 */
export async function reconcileKey(rec: Reconciler, key: string, ctx: ReconcileContext, state?: ReconcileState, pending?: () => boolean): Promise<ReconcileOutcome> {
  const { namespace, name } = splitKey(key);
  const cached = ctx.lister(rec.resource).get(name, namespace);
  if (!cached) {
    state?.written.delete(key);
    state?.behind.delete(key);
    state?.deferred.delete(key);
    return { statusWritten: false }; // deleted: the garbage collector removes the children
  }
  const mine = state?.written.get(key);
  if (mine !== undefined) {
    if (rvOlder(cached.metadata.resourceVersion, mine)) {
      state!.staleSkips++;
      state!.behind.add(key);
      return { statusWritten: false, requeueAfterMs: STALE_RECHECK_MS };
    }
    state!.written.delete(key);
    state!.behind.delete(key);
  }
  if (cached.metadata.deletionTimestamp) {
    if (rec.finalizer && rec.finalize && cached.metadata.finalizers?.includes(rec.finalizer)) {
      await finalizeObject(rec, structuredClone(cached), ctx);
    }
    return { statusWritten: false };
  }
  const obj = structuredClone(cached) as KubeObject & { status?: Status };
  if (rec.finalizer && !obj.metadata.finalizers?.includes(rec.finalizer)) {
    const patched = await patchFinalizers(ctx.client, rec.resource, obj, [...(obj.metadata.finalizers ?? []), rec.finalizer]);
    obj.metadata.finalizers = patched.metadata.finalizers;
    obj.metadata.resourceVersion = patched.metadata.resourceVersion;
  }
  const before = stableStringify(cached.status ?? {});
  let result: void | { requeueAfterMs?: number } = undefined;
  let failure: unknown;
  try {
    result = await rec.reconcile(obj, ctx);
  } catch (e) {
    failure = e;
  }
  let statusWritten = false;
  if (!rec.statusless) {
    obj.status ??= {};
    keepTransitionTimes(cached.status as Status | undefined, obj.status);
    if (obj.metadata.generation !== undefined) obj.status.observedGeneration = obj.metadata.generation;
    const deferrals = state?.deferred.get(key) ?? 0;
    if (stableStringify(obj.status) === before) {
      state?.deferred.delete(key);
    } else if (!failure && state && pending?.() && deferrals < MAX_DEFERRED_WRITES) {
      state.deferred.set(key, deferrals + 1);
      state.deferredWrites++;
    } else {
      state?.deferred.delete(key);
      try {
        const rv = await updateStatus(ctx.client, rec.resource, obj);
        if (rv) state?.written.set(key, rv);
        statusWritten = true;
      } catch (e) {
        if (!(e instanceof KubeError && e.notFound)) {
          ctx.recorder.event(obj, 'Warning', 'UpdateFailed', `Failed to update status for "${name}": ${(e as Error).message}`);
          if (!failure) failure = new StatusUpdateError((e as Error).message);
        }
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

/** finalize, then take our finalizer off (a failing finalize keeps it, and the key is retried). */
async function finalizeObject(rec: Reconciler, obj: KubeObject, ctx: ReconcileContext): Promise<void> {
  try {
    await rec.finalize?.(obj, ctx);
  } catch (e) {
    ctx.recorder.event(obj, 'Warning', 'FinalizeFailed', `Failed to finalize "${obj.metadata.name}": ${(e as Error).message}`);
    throw e;
  }
  try {
    await patchFinalizers(ctx.client, rec.resource, obj, (obj.metadata.finalizers ?? []).filter((f) => f !== rec.finalizer));
  } catch (e) {
    if (!(e instanceof KubeError && e.notFound)) throw e;
  }
}

/**
 * Sets metadata.finalizers with a merge patch that carries the resourceVersion, so it applies only
 * to the object as we saw it (a concurrent change is a 409 and the key is retried).
 */
async function patchFinalizers(client: KubeClient, r: ResourceType, obj: KubeObject, finalizers: string[]): Promise<KubeObject> {
  return client.patch<KubeObject>(r, obj.metadata.name ?? '', obj.metadata.namespace, { metadata: { finalizers, resourceVersion: obj.metadata.resourceVersion } }, 'merge');
}

/**
 * replaceStatus; on a conflict re-read the object, re-apply the status, try again (5 tries).
 * Resolves with the resourceVersion written (undefined when the live status already matched).
 */
export async function updateStatus(client: KubeClient, r: ResourceType, obj: KubeObject & { status?: unknown }): Promise<string | undefined> {
  let current: KubeObject = obj;
  for (let attempt = 0; ; attempt++) {
    try {
      const out = await client.replaceStatus(r, { ...current, status: obj.status });
      return (out as KubeObject | undefined)?.metadata?.resourceVersion;
    } catch (e) {
      if (!(e instanceof KubeError && e.conflict) || attempt >= 4) throw e;
      current = await client.get(r, obj.metadata.name ?? '', obj.metadata.namespace);
      if (stableStringify(current.status ?? {}) === stableStringify(obj.status ?? {})) return undefined;
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
