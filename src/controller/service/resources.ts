// Desired Configuration and Route of a Service (serving:pkg/reconciler/service/resources). Pure.
import { controllerRef, LAST_APPLIED_ANNOTATION } from '../../api/meta.ts';
import { A, L } from '../../api/serving/labels.ts';
import { configurationName, routeName } from '../../api/serving/naming.ts';
import { DEFAULTS, defaultTraffic, type ServingDefaults, setTemplateDefaults } from '../../api/serving/defaults.ts';
import type { Configuration, Route, Service, TrafficTarget } from '../../api/serving/types.ts';

const ROLLOUT_KEYS = [A.rolloutDuration, 'serving.knative.dev/rolloutDuration'];

function without(m: Record<string, string> | undefined, keys: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m ?? {})) if (!keys.includes(k)) out[k] = v;
  return out;
}

export function makeConfiguration(svc: Service, d: ServingDefaults = DEFAULTS): Configuration {
  const name = svc.metadata.name ?? '';
  const template = setTemplateDefaults(structuredClone(svc.spec.template), d, name);
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Configuration',
    metadata: {
      name: configurationName(name),
      namespace: svc.metadata.namespace,
      labels: { ...(svc.metadata.labels ?? {}), [L.service]: name, [L.serviceUID]: svc.metadata.uid ?? '' },
      annotations: { ...without(svc.metadata.annotations, [LAST_APPLIED_ANNOTATION, ...ROLLOUT_KEYS]), [A.routes]: routeName(name) },
      ownerReferences: [controllerRef(svc)],
    },
    spec: { template },
  };
}

export function makeRoute(svc: Service): Route {
  const name = svc.metadata.name ?? '';
  const traffic: TrafficTarget[] = defaultTraffic(svc.spec.traffic).map((t) => (t.revisionName ? { ...t } : { ...t, configurationName: configurationName(name) }));
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Route',
    metadata: {
      name: routeName(name),
      namespace: svc.metadata.namespace,
      labels: { ...(svc.metadata.labels ?? {}), [L.service]: name },
      annotations: without(svc.metadata.annotations, [LAST_APPLIED_ANNOTATION]),
      ownerReferences: [controllerRef(svc)],
    },
    spec: { traffic },
  };
}
