// The labeler (upstream's pkg/reconciler/labeler): marks which Routes point at each Configuration and
// Revision (annotation serving.knative.dev/routes) and the Revision's routing state (label
// serving.knative.dev/routingState active/reserve, annotation serving.knative.dev/routingStateModified).
//
// Upstream runs it as a second Route reconciler with a finalizer. kn-ts keys it by Configuration
// instead: each reconcile recomputes a Configuration's and its Revisions' routes from every Route
// in the namespace, so a deleted Route is cleaned up without a finalizer.
import { isFailed, isReady, type KubeObject } from '../../api/meta.ts';
import { R } from '../../api/resources.ts';
import { A, L } from '../../api/serving/labels.ts';
import { referencedByRoute } from '../../api/serving/traffic.ts';
import type { Configuration, Revision, Route, Service } from '../../api/serving/types.ts';
import { KubeError } from '../../kube/errors.ts';
import { pick, relevantBy } from '../relevance.ts';
import { REVISIONS_BY_CONFIGURATION, ROUTES_BY_TARGET, routeTargetKey } from '../indexes.ts';
import type { ReconcileContext, Reconciler } from '../runtime/types.ts';
import { Tracker } from '../runtime/tracker.ts';

export const ROUTING_STATE = { active: 'active', reserve: 'reserve', pending: 'pending' } as const;

export function parseRoutes(v: string | undefined): string[] {
  return (v ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)
    .sort();
}

export const rfc3339 = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Route name → configurations and revisions it references (pinned revisions add their configuration). */
export function routeTargets(
  route: Route,
  cfgOf: (name: string) => Configuration | undefined,
  revOf: (name: string) => Revision | undefined,
): { configurations: Set<string>; revisions: Set<string> } {
  const { configurations, revisions, latestOf } = referencedByRoute(route);
  for (const r of [...revisions]) {
    const c = revOf(r)?.metadata.labels?.[L.configuration];
    if (c) configurations.add(c);
  }
  for (const c of latestOf) {
    const latest = cfgOf(c)?.status?.latestCreatedRevisionName;
    if (latest) revisions.add(latest);
  }
  return { configurations, revisions };
}

/** The metadata patch that brings obj's routes annotation (and routing state) to `want`, if any. */
export function routingPatch(obj: KubeObject, want: string[], isRevision: boolean, now: Date): Record<string, unknown> | undefined {
  const have = parseRoutes(obj.metadata.annotations?.[A.routes]);
  const hadKey = obj.metadata.annotations?.[A.routes] !== undefined;
  const annotations: Record<string, string | null> = {};
  const labels: Record<string, string | null> = {};
  const same = have.join(',') === want.join(',');
  if (!same || (want.length === 0 && hadKey)) annotations[A.routes] = want.length ? want.join(',') : null;
  if (isRevision) {
    const state = obj.metadata.labels?.[L.routingState];
    const desiredState = want.length ? ROUTING_STATE.active : ROUTING_STATE.reserve;
    // A Revision no Route ever pointed at keeps its state (pending, set when it is created).
    const touched = want.length > 0 || hadKey || have.length > 0;
    if (touched && state !== desiredState) {
      labels[L.routingState] = desiredState;
      annotations[A.routingStateModified] = rfc3339(now);
    }
  }
  if (!Object.keys(annotations).length && !Object.keys(labels).length) return undefined;
  return {
    metadata: {
      ...(Object.keys(annotations).length ? { annotations } : {}),
      ...(Object.keys(labels).length ? { labels } : {}),
    },
  };
}

export function makeLabelerReconciler(): Reconciler<Configuration> & { tracker: Tracker } {
  // Route key → configurations it was seen to reference; revision → configuration.
  const tracker = new Tracker();
  const revConfig = new Map<string, string>();
  const mapRoute = (o: KubeObject): string[] => {
    const ns = o.metadata.namespace ?? '';
    const keys = new Set<string>(tracker.lookup(Tracker.ref('Route', ns, o.metadata.name ?? '')));
    const { configurations, revisions } = referencedByRoute(o as Route);
    for (const c of configurations) keys.add(`${ns}/${c}`);
    for (const r of revisions) {
      const c = revConfig.get(`${ns}/${r}`);
      if (c) keys.add(`${ns}/${c}`);
    }
    return [...keys];
  };
  return {
    name: 'labeler',
    resource: R.Configuration,
    statusless: true,
    reads: [R.Service],
    relevant: relevantBy([
      [R.Configuration, [pick.annotation(A.routes), pick.label(L.service), pick.statusField('latestCreatedRevisionName'), pick.generation, pick.deletion]],
      [R.Route, [pick.spec, pick.statusField('traffic'), pick.readiness, pick.deletion]],
      [R.Revision, [pick.label(L.configuration), pick.label(L.configurationGeneration), pick.label(L.service), pick.label(L.routingState), pick.annotation(A.routes), pick.deletion]],
    ]),
    watches: [
      { resource: R.Route, map: mapRoute },
      {
        resource: R.Revision,
        map: (o) => {
          const c = o.metadata.labels?.[L.configuration];
          if (!c) return [];
          revConfig.set(`${o.metadata.namespace}/${o.metadata.name}`, c);
          return [`${o.metadata.namespace}/${c}`];
        },
      },
    ],
    tracker,
    async reconcile(cfg: Configuration, ctx: ReconcileContext): Promise<void> {
      const ns = cfg.metadata.namespace ?? '';
      const cfgName = cfg.metadata.name ?? '';
      const key = `${ns}/${cfgName}`;
      const configs = ctx.lister<Configuration>(R.Configuration);
      const revLister = ctx.lister<Revision>(R.Revision);
      const routeLister = ctx.lister<Route>(R.Route);
      const cfgOf = (n: string) => configs.get(n, ns);
      const revOf = (n: string) => revLister.get(n, ns);
      const routeOf = (n: string) => {
        const r = routeLister.get(n, ns);
        return r && !r.metadata.deletionTimestamp ? r : undefined;
      };
      const myRevs = revLister.byIndex(REVISIONS_BY_CONFIGURATION, key);
      for (const r of myRevs) revConfig.set(`${ns}/${r.metadata.name}`, cfgName);
      // The Routes that can point here: those naming this Configuration or one of its Revisions.
      const candidates = new Map<string, Route>();
      const addCandidates = (rs: Route[]) => {
        for (const r of rs) if (!r.metadata.deletionTimestamp) candidates.set(r.metadata.name ?? '', r);
      };
      addCandidates(routeLister.byIndex(ROUTES_BY_TARGET, routeTargetKey(ns, 'Configuration', cfgName)));
      for (const rev of myRevs) addCandidates(routeLister.byIndex(ROUTES_BY_TARGET, routeTargetKey(ns, 'Revision', rev.metadata.name ?? '')));

      const cfgRoutes = new Set<string>();
      const revRoutes = new Map<string, Set<string>>(myRevs.map((r) => [r.metadata.name ?? '', new Set<string>()]));
      const referencing: string[] = [];
      // The Revision of the current generation is the latest created one even while the cached
      // Configuration status does not say so yet (it is written just after the Revision is created).
      const current = myRevs.find((r) => r.metadata.labels?.[L.configurationGeneration] === String(cfg.metadata.generation));
      for (const route of candidates.values()) {
        const t = routeTargets(route, cfgOf, revOf);
        if (current && referencedByRoute(route).latestOf.has(cfgName)) t.revisions.add(current.metadata.name ?? '');
        const rn = route.metadata.name ?? '';
        let mine = false;
        if (t.configurations.has(cfgName)) {
          cfgRoutes.add(rn);
          mine = true;
        }
        for (const r of t.revisions) {
          const set = revRoutes.get(r);
          if (set) {
            set.add(rn);
            mine = true;
          }
        }
        if (mine) referencing.push(Tracker.ref('Route', ns, rn));
      }
      tracker.track(key, referencing);

      // A Route that no longer points here keeps its mark until it is Ready or Failed (so traffic
      // being migrated away still counts as routed), unless it is gone.
      const keepUnsettled = (have: string[], want: Set<string>, owner?: string) => {
        for (const rn of have) {
          const r = routeOf(rn);
          if (r && !want.has(rn) && !isReady(r) && !isFailed(r)) want.add(rn);
          // The Service writes its Configuration with its Route's name already in place, a moment
          // before it creates that Route, and the Configuration copies it onto its Revisions: a
          // Route we have not seen yet is not a Route that is gone.
          if (!r && rn === owner && ctx.lister<Service>(R.Service).get(rn, ns)) want.add(rn);
        }
        return [...want].sort();
      };

      const now = ctx.now();
      const cfgPatch = routingPatch(cfg, keepUnsettled(parseRoutes(cfg.metadata.annotations?.[A.routes]), cfgRoutes, cfg.metadata.labels?.[L.service]), false, now);
      if (cfgPatch) await patchTolerant(ctx, R.Configuration, cfgName, ns, cfgPatch);
      for (const rev of myRevs) {
        const rn = rev.metadata.name ?? '';
        const want = keepUnsettled(parseRoutes(rev.metadata.annotations?.[A.routes]), revRoutes.get(rn) ?? new Set(), rev.metadata.labels?.[L.service]);
        const p = routingPatch(rev, want, true, now);
        if (p) await patchTolerant(ctx, R.Revision, rn, ns, p);
      }
    },
  };
}

async function patchTolerant(ctx: ReconcileContext, r: typeof R.Revision, name: string, ns: string, body: unknown): Promise<void> {
  try {
    await ctx.client.patch(r, name, ns, body, 'merge');
  } catch (e) {
    if (!(e instanceof KubeError && e.notFound)) throw e;
  }
}
