// Service status helpers (serving:pkg/apis/serving/v1/service_lifecycle.go): a living condition
// set over ConfigurationsReady and RoutesReady, and the propagation from the children.
import type { Condition } from '../../api/meta.ts';
import { ConditionManager, livingSet } from '../../api/serving/conditions.ts';
import type { Configuration, Route, ServiceStatus, TrafficTarget } from '../../api/serving/types.ts';
import { stableStringify } from '../runtime/stable.ts';

export const ConfigurationsReady = 'ConfigurationsReady';
export const RoutesReady = 'RoutesReady';
export const serviceConditionSet = livingSet(ConfigurationsReady, RoutesReady);

export const serviceConditions = (s: ServiceStatus, now?: () => Date) => new ConditionManager(serviceConditionSet, s, now);

export function markConfigurationNotOwned(m: ConditionManager, name: string): void {
  m.markFalse(ConfigurationsReady, 'NotOwned', `There is an existing Configuration "${name}" that we do not own.`);
}
export function markRouteNotOwned(m: ConditionManager, name: string): void {
  m.markFalse(RoutesReady, 'NotOwned', `There is an existing Route "${name}" that we do not own.`);
}
export function markConfigurationNotReconciled(m: ConditionManager): void {
  m.markUnknown(ConfigurationsReady, 'OutOfDate', 'The Configuration is still working to reflect the latest desired specification.');
}
export function markRouteNotReconciled(m: ConditionManager): void {
  m.markUnknown(RoutesReady, 'OutOfDate', 'The Route is still working to reflect the latest desired specification.');
}
export function markRevisionNameTaken(m: ConditionManager, name: string): void {
  m.markFalse(RoutesReady, 'RevisionNameTaken', `The revision name "${name}" is taken`);
}
export function markRouteNotYetReady(m: ConditionManager): void {
  m.markUnknown(RoutesReady, 'TrafficNotMigrated', 'Traffic is not yet migrated to the latest revision.');
}

function mirror(m: ConditionManager, type: string, c: Condition | undefined): void {
  if (!c) return;
  if (c.status === 'True') m.markTrue(type);
  else if (c.status === 'False') m.markFalse(type, c.reason ?? '', c.message ?? '');
  else m.markUnknown(type, c.reason ?? '', c.message ?? '');
}

export function propagateConfigurationStatus(s: ServiceStatus, m: ConditionManager, cfg: Configuration): void {
  const cs = cfg.status ?? {};
  if (cs.latestReadyRevisionName !== undefined) s.latestReadyRevisionName = cs.latestReadyRevisionName;
  else delete s.latestReadyRevisionName;
  if (cs.latestCreatedRevisionName !== undefined) s.latestCreatedRevisionName = cs.latestCreatedRevisionName;
  else delete s.latestCreatedRevisionName;
  mirror(m, ConfigurationsReady, cs.conditions?.find((c) => c.type === 'Ready'));
}

export function propagateRouteStatus(s: ServiceStatus, m: ConditionManager, route: Route): void {
  const rs = route.status ?? {};
  for (const k of ['url', 'address', 'traffic'] as const) {
    if (rs[k] !== undefined) (s as Record<string, unknown>)[k] = structuredClone(rs[k]);
    else delete s[k];
  }
  mirror(m, RoutesReady, rs.conditions?.find((c) => c.type === 'Ready'));
}

/** checkRoutesNotReady: RoutesReady True but status traffic not yet the spec (configurationName → latest ready). */
export function checkRoutesNotReady(m: ConditionManager, cfg: Configuration, route: Route): void {
  if (m.get(RoutesReady)?.status !== 'True') return;
  const want = structuredClone(route.spec.traffic ?? []);
  const got = structuredClone(route.status?.traffic ?? []);
  if (want.length !== got.length) return markRouteNotYetReady(m);
  for (const t of want) {
    if (t.configurationName === cfg.metadata.name) {
      t.revisionName = cfg.status?.latestReadyRevisionName;
      delete t.configurationName;
    }
  }
  const strip = (ts: TrafficTarget[]) => ts.map(({ url: _u, latestRevision: _l, ...rest }) => rest);
  if (stableStringify(strip(got)) !== stableStringify(strip(want))) markRouteNotYetReady(m);
}
