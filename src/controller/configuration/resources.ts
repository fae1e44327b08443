// The Revision a Configuration stamps out for its current generation
// (serving:pkg/reconciler/configuration/resources/revision.go). Pure.
import { controllerRef } from '../../api/meta.ts';
import { rfc3339 } from '../../api/serving/conditions.ts';
import { DEFAULTS, type ServingDefaults, setRevisionSpecDefaults } from '../../api/serving/defaults.ts';
import { A, L } from '../../api/serving/labels.ts';
import { revisionName } from '../../api/serving/naming.ts';
import type { Configuration, Revision } from '../../api/serving/types.ts';

export function makeRevision(cfg: Configuration, now: Date, d: ServingDefaults = DEFAULTS): Revision {
  const t = structuredClone(cfg.spec.template);
  const meta = t.metadata ?? {};
  const labels: Record<string, string> = { ...(meta.labels ?? {}) };
  labels[L.configuration] = cfg.metadata.name ?? '';
  labels[L.configurationGeneration] = String(cfg.metadata.generation ?? 0);
  labels[L.configurationUID] = cfg.metadata.uid ?? '';
  for (const k of [L.service, L.serviceUID]) {
    const v = cfg.metadata.labels?.[k];
    if (v !== undefined) labels[k] = v;
  }
  const annotations: Record<string, string> = { ...(meta.annotations ?? {}) };
  const routes = cfg.metadata.annotations?.[A.routes];
  labels[L.routingState] = routes ? 'active' : 'pending';
  annotations[A.routingStateModified] = rfc3339(now);
  const modifier = cfg.metadata.annotations?.[A.lastModifier];
  if (modifier) annotations[A.creator] = modifier;
  if (routes) annotations[A.routes] = routes;
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Revision',
    metadata: {
      name: revisionName(cfg),
      namespace: cfg.metadata.namespace,
      labels,
      annotations,
      ownerReferences: [controllerRef(cfg)],
    },
    spec: setRevisionSpecDefaults(t.spec, d, cfg.metadata.name ?? ''),
  };
}
