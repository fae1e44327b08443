// The Route reconciler (upstream's pkg/reconciler/route): resolves traffic, writes the placeholder
// K8s Services and the KIngress, and sets status url/address/traffic and the conditions
// AllTrafficAssigned, IngressReady, CertificateProvisioned and Ready.
import { isControlledBy, type KubeObject } from '../../api/meta.ts';
import type { Ingress } from '../../api/networking/types.ts';
import { R } from '../../api/resources.ts';
import { DomainNameError, routeAddressURL } from '../../api/serving/domains.ts';
import { L } from '../../api/serving/labels.ts';
import { buildTraffic, DEFAULT_TARGET, effectiveTraffic, statusTraffic, type TrafficConfig, type TrafficError, trafficNames } from '../../api/serving/traffic.ts';
import type { Configuration, Revision, Route } from '../../api/serving/types.ts';
import { KubeError } from '../../kube/errors.ts';
import type { ReconcileContext, Reconciler } from '../runtime/types.ts';
import { ConditionManager } from '../networking/conditions.ts';
import { propagateIngress, updateIngress } from '../networking/ingress.ts';
import { type RouteSettings, routeSettings } from '../networking/settings.ts';
import { deepEqualJSON as equalJSON } from '../runtime/stable.ts';
import { Tracker } from '../runtime/tracker.ts';
import { hostsFor, type K8sService, makeIngress, makePlaceholderService, type NameHosts, placeholderTarget } from './resources.ts';
import { SERVICES_BY_ROUTE } from '../indexes.ts';
import { pick, relevantBy } from '../relevance.ts';

export const ROUTE_CONDITIONS = ['AllTrafficAssigned', 'CertificateProvisioned', 'IngressReady'] as const;
export const EXTERNAL_DOMAIN_TLS_NOT_ENABLED = 'external-domain-tls is not enabled';

export function routeConditions(route: Route, now: () => Date): ConditionManager {
  route.status ??= {};
  return new ConditionManager(route.status, ROUTE_CONDITIONS, now);
}

function markTrafficError(cm: ConditionManager, e: TrafficError): void {
  if (e.status === 'False') cm.markFalse('AllTrafficAssigned', e.reason, e.message);
  else cm.markUnknown('AllTrafficAssigned', e.reason, e.message);
}

export interface RouteReconcilerOptions {
  /** Overrides the settings read from ctx.configMaps() (tests). */
  settings?: (ctx: ReconcileContext) => RouteSettings;
}

export function makeRouteReconciler(opts: RouteReconcilerOptions = {}): Reconciler<Route> & { tracker: Tracker } {
  const tracker = new Tracker();
  const settingsOf = opts.settings ?? ((ctx: ReconcileContext) => routeSettings(ctx.configMaps()));
  return {
    name: 'route',
    resource: R.Route,
    owns: [R.Ingress, R.KService],
    // The labeler's routes/routingState marks on Configurations and Revisions do not concern routing.
    relevant: relevantBy([
      [R.Configuration, [pick.generation, pick.status, pick.deletion]],
      [R.Revision, [pick.labels, pick.readiness, pick.spec, pick.deletion]],
    ]),
    watches: [
      { resource: R.Configuration, map: (o) => tracker.lookup(Tracker.ref('Configuration', o.metadata.namespace, o.metadata.name ?? '')) },
      {
        resource: R.Revision,
        map: (o) => {
          const keys = new Set(tracker.lookup(Tracker.ref('Revision', o.metadata.namespace, o.metadata.name ?? '')));
          const cfg = o.metadata.labels?.[L.configuration];
          if (cfg) for (const k of tracker.lookup(Tracker.ref('Configuration', o.metadata.namespace, cfg))) keys.add(k);
          return [...keys];
        },
      },
    ],
    tracker,
    async reconcile(route: Route, ctx: ReconcileContext): Promise<void> {
      const ns = route.metadata.namespace ?? '';
      const name = route.metadata.name ?? '';
      const key = `${ns}/${name}`;
      const s = settingsOf(ctx);
      const cm = routeConditions(route, () => ctx.now());
      cm.initialize();
      const status = route.status ?? {};

      // Track what the traffic block refers to, so a change there reconciles this Route again.
      const refs: string[] = [];
      for (const t of effectiveTraffic(route)) {
        if (t.revisionName) refs.push(Tracker.ref('Revision', ns, t.revisionName));
        if (t.configurationName) refs.push(Tracker.ref('Configuration', ns, t.configurationName));
      }
      tracker.track(key, refs);

      const configs = ctx.lister<Configuration>(R.Configuration);
      const revisions = ctx.lister<Revision>(R.Revision);
      const services = ctx.lister<K8sService>(R.KService);
      const ingresses = ctx.lister<Ingress>(R.Ingress);
      const placeholderLabels = (hostname: string) => services.get(hostname, ns)?.metadata.labels;

      status.address = { url: routeAddressURL(name, ns) };
      const { config: tc, error } = buildTraffic(route, {
        configuration: (n) => configs.get(n, ns),
        revision: (n) => revisions.get(n, ns),
      });
      let hosts: Map<string, NameHosts>;
      try {
        const names = tc ? trafficNames(tc) : [DEFAULT_TARGET];
        hosts = hostsFor(route, names, s, placeholderLabels);
      } catch (e) {
        if (!(e instanceof DomainNameError)) throw e;
        cm.markFalse('AllTrafficAssigned', 'ErrorConfig', e.message);
        return;
      }
      const def = hosts.get(DEFAULT_TARGET);
      if (def) status.url = def.url;
      if (error || !tc) {
        if (error) markTrafficError(cm, error);
        return;
      }
      status.traffic = statusTraffic(tc, (tag) => hosts.get(tag)?.url ?? '');
      cm.markTrue('AllTrafficAssigned');
      cm.markTrue('CertificateProvisioned', 'TLSNotEnabled', EXTERNAL_DOMAIN_TLS_NOT_ENABLED);

      const existingIngress = ingresses.get(name, ns);

      // Placeholder Services, one per traffic name.
      const wanted = new Set<string>();
      for (const h of hosts.values()) {
        wanted.add(h.hostname);
        const desired = makePlaceholderService(route, h.hostname, placeholderTarget(existingIngress, h.visibility === 'ClusterLocal'));
        const have = services.get(h.hostname, ns);
        if (!have) {
          await createTolerant(ctx, R.KService, desired);
        } else if (!isControlledBy(have, route)) {
          cm.markFalse('IngressReady', 'NotOwned', `There is an existing placeholder Service ${JSON.stringify(h.hostname)} that we do not own.`);
          return;
        } else {
          const labels = { ...(have.metadata.labels ?? {}), ...(desired.metadata.labels ?? {}) };
          const spec = { ...(have.spec ?? {}), ...(desired.spec ?? {}) };
          const annotations = desired.metadata.annotations;
          if (!equalJSON(labels, have.metadata.labels) || !equalJSON(spec, have.spec) || !equalJSON(annotations ?? {}, have.metadata.annotations ?? {})) {
            await ctx.client.replace(R.KService, { ...have, metadata: { ...have.metadata, labels, annotations }, spec });
          }
        }
      }
      for (const svc of services.byIndex(SERVICES_BY_ROUTE, key)) {
        if (svc.metadata.labels?.[L.route] !== name || !isControlledBy(svc, route) || wanted.has(svc.metadata.name ?? '')) continue;
        await ctx.client.delete(R.KService, svc.metadata.name ?? '', ns).catch(ignoreNotFound);
      }

      // The KIngress.
      const desired = makeIngress(route, tc, hosts, s, maxTimeoutSeconds(tc, (n) => revisions.get(n, ns)));
      let ing = existingIngress;
      if (!ing) {
        ing = await createTolerant(ctx, R.Ingress, desired);
      } else if (!isControlledBy(ing, route)) {
        cm.markFalse('IngressReady', 'NotOwned', `There is an existing Ingress ${JSON.stringify(name)} that we do not own.`);
        return;
      } else {
        ing = await updateIngress(ctx, ing, desired);
      }
      propagateIngress(cm, ing);
    },
  };
}

/** The largest spec.timeoutSeconds among the revisions a traffic config routes to (undefined if none sets it). */
export function maxTimeoutSeconds(tc: TrafficConfig, revision: (name: string) => Revision | undefined): number | undefined {
  let max: number | undefined;
  for (const targets of tc.targets.values()) {
    for (const t of targets) {
      const v = revision(t.revisionName)?.spec?.timeoutSeconds;
      if (typeof v === 'number' && (max === undefined || v > max)) max = v;
    }
  }
  return max;
}

function ignoreNotFound(e: unknown): void {
  if (!(e instanceof KubeError && e.notFound)) throw e;
}

/** Create; when the cache was behind and it already exists, read it back instead. */
async function createTolerant<T extends KubeObject>(ctx: ReconcileContext, r: typeof R.Ingress, obj: T): Promise<T> {
  try {
    return await ctx.client.create<T>(r, obj);
  } catch (e) {
    if (e instanceof KubeError && e.alreadyExists) return ctx.client.get<T>(r, obj.metadata.name ?? '', obj.metadata.namespace);
    throw e;
  }
}
