// Revision garbage collection per config-gc (upstream's pkg/reconciler/gc): keyed by Configuration.
// Active revisions are never collected: the latest ready and latest created, ones annotated
// serving.knative.dev/no-gc: "true", and any whose routingState is not `reserve` (routed or pending).
// Of the rest, stale ones (older than retain-since-create-time AND not active for
// retain-since-last-active-time) are deleted, least recently active first, keeping
// min-non-active-revisions; then non-stale ones beyond max-non-active-revisions.
import { R } from '../../api/resources.ts';
import { A, L } from '../../api/serving/labels.ts';
import type { Configuration, Revision } from '../../api/serving/types.ts';
import { KubeError } from '../../kube/errors.ts';
import { gcSettings, type GCSettings } from './settings.ts';
import { REVISIONS_BY_CONFIGURATION } from '../indexes.ts';
import { pick, relevantBy } from '../relevance.ts';
import type { ReconcileContext, Reconciler } from '../runtime/types.ts';

export function isRevisionActive(rev: Revision, cfg: Configuration): boolean {
  const name = rev.metadata.name;
  if (name === cfg.status?.latestReadyRevisionName || name === cfg.status?.latestCreatedRevisionName) return true;
  if ((rev.metadata.annotations?.[A.noGC] ?? '').toLowerCase() === 'true') return true;
  return rev.metadata.labels?.[L.routingState] !== 'reserve';
}

/** routingStateModified, else the creation time (ms since epoch). */
export function lastActive(rev: Revision): number {
  const m = Date.parse(rev.metadata.annotations?.[A.routingStateModified] ?? '');
  if (!Number.isNaN(m)) return m;
  return Date.parse(rev.metadata.creationTimestamp ?? '') || 0;
}

/** Ms until rev turns stale (0 = stale now); undefined = never (both durations disabled). */
export function msUntilStale(rev: Revision, s: GCSettings, now: number): number | undefined {
  if (s.retainSinceCreateTimeMs === undefined && s.retainSinceLastActiveTimeMs === undefined) return undefined;
  let wait = 0;
  if (s.retainSinceCreateTimeMs !== undefined) {
    const created = Date.parse(rev.metadata.creationTimestamp ?? '') || 0;
    wait = Math.max(wait, created + s.retainSinceCreateTimeMs - now);
  }
  if (s.retainSinceLastActiveTimeMs !== undefined) wait = Math.max(wait, lastActive(rev) + s.retainSinceLastActiveTimeMs - now);
  return wait;
}

/** Which Revisions to delete, and when to look again (the earliest moment another one turns stale). */
export function collect(cfg: Configuration, revs: Revision[], s: GCSettings, now: number): { delete: Revision[]; recheckMs?: number } {
  const min = s.minNonActiveRevisions;
  const max = s.maxNonActiveRevisions;
  if (max === undefined && s.retainSinceCreateTimeMs === undefined && s.retainSinceLastActiveTimeMs === undefined) return { delete: [] };
  if (revs.length <= min) return { delete: [] };
  const nonActive = revs.filter((r) => !isRevisionActive(r, cfg)).sort((a, b) => lastActive(b) - lastActive(a));
  if (nonActive.length <= min) return { delete: [] };
  const out: Revision[] = [];
  const kept: Revision[] = nonActive.slice(0, min);
  let recheck: number | undefined;
  // Oldest (least recently active) first, so the newest `min` survive.
  for (const rev of nonActive.slice(min)) {
    const wait = msUntilStale(rev, s, now);
    if (wait !== undefined && wait <= 0) out.push(rev);
    else {
      kept.push(rev);
      if (wait !== undefined) recheck = recheck === undefined ? wait : Math.min(recheck, wait);
    }
  }
  if (max !== undefined && kept.length > max) {
    // `kept` is newest first; drop the least recently active beyond max.
    out.push(...kept.slice(max));
  }
  return { delete: out, ...(recheck !== undefined ? { recheckMs: recheck } : {}) };
}

/** Longest wait before re-checking a Configuration whose revisions will turn stale later. */
const MAX_RECHECK_MS = 3_600_000;

export function makeGCReconciler(opts: { settings?: (ctx: ReconcileContext) => GCSettings } = {}): Reconciler<Configuration> {
  const settingsOf = opts.settings ?? ((ctx: ReconcileContext) => gcSettings(ctx.configMaps()));
  return {
    name: 'revision-gc',
    resource: R.Configuration,
    statusless: true,
    relevant: relevantBy([
      [R.Configuration, [pick.statusField('latestReadyRevisionName'), pick.statusField('latestCreatedRevisionName'), pick.deletion]],
      [R.Revision, [pick.labels, pick.annotations, pick.deletion]],
    ]),
    watches: [
      {
        resource: R.Revision,
        map: (o) => {
          const c = o.metadata.labels?.[L.configuration];
          return c ? [`${o.metadata.namespace}/${c}`] : [];
        },
      },
    ],
    async reconcile(cfg: Configuration, ctx: ReconcileContext) {
      const ns = cfg.metadata.namespace ?? '';
      const revs = ctx
        .lister<Revision>(R.Revision)
        .byIndex(REVISIONS_BY_CONFIGURATION, `${ns}/${cfg.metadata.name}`)
        .filter((r) => !r.metadata.deletionTimestamp);
      const { delete: doomed, recheckMs } = collect(cfg, revs, settingsOf(ctx), ctx.now().getTime());
      for (const rev of doomed) {
        try {
          await ctx.client.delete(R.Revision, rev.metadata.name ?? '', ns);
          ctx.log.info({ revision: rev.metadata.name, namespace: ns }, 'revision garbage collected');
        } catch (e) {
          if (!(e instanceof KubeError && e.notFound)) throw e;
        }
      }
      return recheckMs !== undefined ? { requeueAfterMs: Math.min(Math.max(recheckMs, 1000), MAX_RECHECK_MS) } : undefined;
    },
  };
}
