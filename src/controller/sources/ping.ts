// The PingSource reconciler (upstream's pkg/reconciler/pingsource): resolves the sink, validates what
// CEL could not (the cron fields' ranges, the timezone name, base64 and JSON data), hands the source
// to the shared ping adapter, and reports SinkProvided, Deployed (the adapter took the schedule) and
// status.ceAttributes. The adapter runs in this process on the leader only: the end of the
// leadership term (ctx.signal) stops every schedule, and the new leader's resync schedules them again.
import type { Lookup } from '../../api/eventing/destination.ts';
import { R } from '../../api/resources.ts';
import { parseSchedule, pingDataErrors } from '../../api/sources/ping.ts';
import { PING_CONDITIONS, PING_EVENT_TYPE, type PingSource, type SourceStatus, pingSourceSource } from '../../api/sources/types.ts';
import type { PingScheduler } from '../../dataplane/adapters/ping.ts';
import { AddressableResolver } from '../addressable/index.ts';
import { ConditionManager } from '../networking/conditions.ts';
import type { Reconciler } from '../runtime/types.ts';
import { markSink, OIDC_DISABLED_REASON, UNREADABLE_REQUEUE } from './common.ts';

export const ADAPTER_NAME = 'pingsource-mt-adapter';

/** The status of a PingSource (pure); `schedule` says whether the adapter accepted it. */
export function pingStatus(src: PingSource, inp: { lookup: Lookup; now: () => Date }): { status: SourceStatus; valid: boolean } {
  const status: SourceStatus = structuredClone(src.status ?? {});
  const cm = new ConditionManager(status, PING_CONDITIONS, inp.now);
  cm.initialize();
  const ns = src.metadata.namespace ?? '';
  cm.markTrue('OIDCIdentityCreated', OIDC_DISABLED_REASON);
  markSink(status, cm, src.spec?.sink, ns, inp.lookup);
  const errs = pingDataErrors(src.spec);
  try {
    parseSchedule(src.spec?.schedule, src.spec?.timezone);
  } catch (e) {
    errs.unshift((e as Error).message);
  }
  let valid = errs.length === 0;
  if (!valid) cm.markFalse('Deployed', 'InvalidSpec', errs.join('; '));
  else if (status.sinkUri) cm.markTrue('Deployed');
  else {
    cm.markUnknown('Deployed', 'SinkNotResolved', `The ${ADAPTER_NAME} schedules the source once its sink resolves.`);
    valid = false;
  }
  status.ceAttributes = [{ type: PING_EVENT_TYPE, source: pingSourceSource(ns, src.metadata.name ?? '') }];
  return { status, valid };
}

/** The ping adapter as the reconciler uses it: ready() resolves once it can schedule (it may load it). */
export type PingSchedule = Pick<PingScheduler, 'has' | 'ensure' | 'remove' | 'stopAll' | 'lookup'> & { ready(): Promise<unknown> };

export function makePingSourceReconciler(scheduler: PingSchedule): Reconciler<PingSource> {
  // The sink may be any addressable: the resolver caches its kind and re-runs the sources that name it.
  const addressables = new AddressableResolver();
  const terms = new WeakSet<AbortSignal>();
  let deletes = false;
  return {
    name: 'pingsource',
    resource: R.PingSource,
    async reconcile(src, ctx) {
      const ns = src.metadata.namespace ?? '';
      const key = `${ns}/${src.metadata.name}`;
      // Leadership ends: no more ticks from this replica.
      if (ctx.signal && !terms.has(ctx.signal)) {
        terms.add(ctx.signal);
        ctx.signal.addEventListener('abort', () => scheduler.stopAll(), { once: true });
      }
      if (!deletes) {
        deletes = true;
        const inf = ctx.lister<PingSource>(R.PingSource);
        inf.on({
          delete: (o) => {
            const k = `${o.metadata.namespace}/${o.metadata.name}`;
            scheduler.remove(k);
            addressables.untrack(k);
          },
        });
        scheduler.lookup = (n, name) => inf.get(name, n);
      }
      const readable = await addressables.track(ctx, key, ns, [src.spec?.sink?.ref]);
      const { status, valid } = pingStatus(src, { lookup: addressables.lookup(), now: () => ctx.now() });
      src.status = status;
      if (valid) await scheduler.ready();
      if (!valid || ctx.signal?.aborted) {
        scheduler.remove(key);
        return readable ? undefined : UNREADABLE_REQUEUE;
      }
      scheduler.ensure(src);
    },
  };
}
