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

/** This replica stopped leading while the reconcile ran: its writes are refused from then on. */
export class LeadershipLostError extends Error {
  override name = 'LeadershipLostError';
  constructor() {
    super('leadership lost: writes stopped');
  }
}

/** Our last status write of a key: the resourceVersion it made, and the one it was made on. */
export interface OwnWrite {
  rv: string;
  base: string;
}

/**
 * What the runtime remembers between reconciles of one reconciler: its own last status write per
 * key, until the watch delivers it, so that a reconcile of a cache that has not caught up with
 * that write yet is skipped (the write's watch event brings the key back) instead of ending in a
 * 409.
 *
 * resourceVersions are compared for equality only. What makes that enough: a status write is a
 * PUT conditional on the resourceVersion the reconcile read (`base`), so on the server our write
 * directly follows `base`; the watch delivers a key's versions in order; hence, after the write,
 * the next event for the key other than `base` itself is our write or a later version. A write is
 * remembered only when it was made on the cached version and no other event for the key arrived
 * while it was in flight; anything else just means no shortcut (the next write may meet a 409).
 */
export class ReconcileState {
  readonly written = new Map<string, OwnWrite>();
  /** Keys with a status write in flight: whether an event other than its base arrived meanwhile. */
  private readonly writing = new Map<string, { base: string; moved: boolean }>();
  /** Keys whose last reconcile was skipped because the cache was behind our own write. */
  readonly behind = new Set<string>();
  /** Status writes put off in a row per key, because the key was queued again meanwhile. */
  readonly deferred = new Map<string, number>();
  /** Keys skipped because the cache was behind our own write (tests and metrics). */
  staleSkips = 0;
  /** Status writes left to the next reconcile of the same key (tests and metrics). */
  deferredWrites = 0;

  /**
   * The watch delivered version rv of key (every add and update of the reconciler's kind, in
   * arrival order). Returns whether it is the echo of our own last status write with no reconcile
   * waiting for it: reconciling it would compute the status it already has.
   */
  observe(key: string, rv: string | undefined): boolean {
    const w = this.writing.get(key);
    if (w && rv !== w.base) w.moved = true;
    const mine = this.written.get(key);
    if (!mine || rv === mine.base) return false;
    // Our write, or something after it: the cache has caught up.
    this.written.delete(key);
    const waiting = this.behind.delete(key);
    return rv === mine.rv && !waiting;
  }

  /** The key was deleted. */
  forget(key: string): void {
    this.written.delete(key);
    this.behind.delete(key);
    this.deferred.delete(key);
  }

  /** A status write of key on version base is about to be sent. */
  writeStarted(key: string, base: string | undefined): void {
    this.written.delete(key);
    if (base) this.writing.set(key, { base, moved: false });
  }

  /** It ended; rv is what it wrote (undefined: failed, or not conditional on base). */
  writeEnded(key: string, rv: string | undefined): void {
    const w = this.writing.get(key);
    this.writing.delete(key);
    // (A write that changed nothing keeps its resourceVersion and makes no event.)
    if (w && rv && rv !== w.base && !w.moved) this.written.set(key, { rv, base: w.base });
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
    state?.forget(key);
    return { statusWritten: false }; // deleted: the garbage collector removes the children
  }
  const mine = state?.written.get(key);
  if (mine !== undefined) {
    // Still remembered: no event after our write's base has arrived (observe), so the cache holds
    // the version before our write. Equal to our write: the cache caught up without observe.
    if (cached.metadata.resourceVersion !== mine.rv) {
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
  if (ctx.signal?.aborted) throw new LeadershipLostError();
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
      // Conditional on the version read from the cache (not one our finalizer patch made).
      const base = obj.metadata.resourceVersion === cached.metadata.resourceVersion ? obj.metadata.resourceVersion : undefined;
      state?.writeStarted(key, base);
      let written: { rv?: string; firstTry: boolean } | undefined;
      try {
        if (ctx.signal?.aborted) throw new LeadershipLostError();
        written = await updateStatusOnce(ctx.client, rec.resource, obj);
        statusWritten = true;
      } catch (e) {
        if (e instanceof LeadershipLostError) throw e;
        if (!(e instanceof KubeError && e.notFound)) {
          ctx.recorder.event(obj, 'Warning', 'UpdateFailed', `Failed to update status for "${name}": ${(e as Error).message}`);
          if (!failure) failure = new StatusUpdateError((e as Error).message);
        }
      } finally {
        state?.writeEnded(key, written?.firstTry ? written.rv : undefined);
      }
    }
  }
  if (failure) {
    // Leadership lost: the new leader reconciles; nothing to report.
    if (failure instanceof LeadershipLostError || ctx.signal?.aborted) throw failure instanceof LeadershipLostError ? failure : new LeadershipLostError();
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
  return (await updateStatusOnce(client, r, obj)).rv;
}

/** updateStatus, telling whether the write that succeeded was the first (conditional on obj's own resourceVersion). */
async function updateStatusOnce(client: KubeClient, r: ResourceType, obj: KubeObject & { status?: unknown }): Promise<{ rv?: string; firstTry: boolean }> {
  let current: KubeObject = obj;
  for (let attempt = 0; ; attempt++) {
    try {
      const out = await client.replaceStatus(r, { ...current, status: obj.status });
      return { rv: (out as KubeObject | undefined)?.metadata?.resourceVersion, firstTry: attempt === 0 };
    } catch (e) {
      if (!(e instanceof KubeError && e.conflict) || attempt >= 4) throw e;
      current = await client.get(r, obj.metadata.name ?? '', obj.metadata.namespace);
      if (stableStringify(current.status ?? {}) === stableStringify(obj.status ?? {})) return { firstTry: false };
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
