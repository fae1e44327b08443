// Service → Configuration + Route (serving:pkg/reconciler/service). Compares the desired children
// (resources.ts) with the listers, creates or updates them, mirrors their status.
import { isControlledBy, type KubeObject } from '../../api/meta.ts';
import { R } from '../../api/resources.ts';
import { READY } from '../../api/serving/conditions.ts';
import { defaultsFromConfigMaps } from '../../api/serving/defaults.ts';
import { A, L } from '../../api/serving/labels.ts';
import { formatErrors, validateServiceOwnFields } from '../../api/serving/validation.ts';
import type { Configuration, Revision, Route, Service } from '../../api/serving/types.ts';
import { stableStringify } from '../runtime/stable.ts';
import type { ReconcileContext, Reconciler } from '../runtime/types.ts';
import { makeConfiguration, makeRoute } from './resources.ts';
import {
  checkRoutesNotReady,
  markConfigurationNotOwned,
  markConfigurationNotReconciled,
  markRevisionNameTaken,
  markRouteNotOwned,
  markRouteNotReconciled,
  propagateConfigurationStatus,
  propagateRouteStatus,
  serviceConditions,
} from './status.ts';

const same = (a: unknown, b: unknown) => stableStringify(a ?? {}) === stableStringify(b ?? {});

/** Creates the child, or updates its labels, annotations and spec when they differ. */
async function reconcileChild<T extends KubeObject & { spec: unknown }>(
  ctx: ReconcileContext,
  owner: Service,
  r: typeof R.Configuration,
  desired: T,
  existing: T | undefined,
  keepAnnotations: string[] = [],
): Promise<T> {
  const kind = r.kind;
  if (!existing) {
    try {
      const created = await ctx.client.create<T>(r, desired);
      ctx.recorder.event(owner, 'Normal', 'Created', `Created ${kind} "${desired.metadata.name}"`);
      return created;
    } catch (e) {
      ctx.recorder.event(owner, 'Warning', 'CreationFailed', `Failed to create ${kind} "${desired.metadata.name}": ${(e as Error).message}`);
      throw e;
    }
  }
  const annotations = { ...(desired.metadata.annotations ?? {}) };
  for (const k of keepAnnotations) {
    const v = existing.metadata.annotations?.[k];
    if (v !== undefined) annotations[k] = v;
  }
  if (same(existing.spec, desired.spec) && same(existing.metadata.labels, desired.metadata.labels) && same(existing.metadata.annotations, annotations)) return existing;
  const next = { ...structuredClone(existing), spec: desired.spec } as T;
  next.metadata.labels = desired.metadata.labels;
  next.metadata.annotations = annotations;
  try {
    const updated = await ctx.client.replace<T>(r, next);
    ctx.recorder.event(owner, 'Normal', 'Updated', `Updated ${kind} "${desired.metadata.name}"`);
    return updated;
  } catch (e) {
    ctx.recorder.event(owner, 'Warning', 'UpdateFailed', `Failed to update ${kind} "${desired.metadata.name}": ${(e as Error).message}`);
    throw e;
  }
}

/** CheckNameAvailability: a BYO revision name must be free, ours, or the same spec. */
export function byoNameTaken(cfg: Configuration, rev: Revision | undefined): boolean {
  const name = cfg.spec.template.metadata?.name;
  if (!name || !rev) return false;
  if (!isControlledBy(rev, cfg)) return true;
  if (rev.metadata.labels?.[L.configurationGeneration] === String(cfg.metadata.generation ?? '')) return false;
  return !same(rev.spec, cfg.spec.template.spec);
}

export async function reconcileService(svc: Service, ctx: ReconcileContext): Promise<void> {
  const status = (svc.status ??= {});
  const m = serviceConditions(status, ctx.now);
  m.initialize();
  const ns = svc.metadata.namespace;
  const own = validateServiceOwnFields(svc);
  if (own.length) {
    m.markFalse(READY, 'ValidationFailed', `validation failed: ${formatErrors(own)}`);
    return;
  }
  const d = defaultsFromConfigMaps(ctx.configMaps());

  // 1. Configuration
  const cfgName = svc.metadata.name ?? '';
  const haveCfg = ctx.lister<Configuration>(R.Configuration).get(cfgName, ns);
  if (haveCfg && !isControlledBy(haveCfg, svc)) {
    markConfigurationNotOwned(m, cfgName);
    return;
  }
  const cfg = await reconcileChild(ctx, svc, R.Configuration, makeConfiguration(svc, d), haveCfg, [A.routes]);
  if (cfg.metadata.generation !== cfg.status?.observedGeneration) {
    markConfigurationNotReconciled(m);
    // With a BYO revision name, Configuration then Route: wait for the Configuration.
    if (cfg.spec.template.metadata?.name) return;
  } else {
    propagateConfigurationStatus(status, m, cfg);
  }

  // 2. The BYO revision name must be available.
  const byo = cfg.spec.template.metadata?.name;
  if (byo && byoNameTaken(cfg, ctx.lister<Revision>(R.Revision).get(byo, ns))) {
    markRevisionNameTaken(m, byo);
    return;
  }

  // 3. Route
  const haveRoute = ctx.lister<Route>(R.Route).get(cfgName, ns);
  if (haveRoute && !isControlledBy(haveRoute, svc)) {
    markRouteNotOwned(m, cfgName);
    return;
  }
  const route = await reconcileChild(ctx, svc, R.Route, makeRoute(svc), haveRoute);
  if (route.metadata.generation !== route.status?.observedGeneration) markRouteNotReconciled(m);
  else propagateRouteStatus(status, m, route);
  checkRoutesNotReady(m, cfg, route);
}

export const serviceReconciler: Reconciler<Service> = {
  name: 'service',
  resource: R.Service,
  owns: [R.Configuration, R.Route],
  reads: [R.Revision],
  reconcile: reconcileService,
};
