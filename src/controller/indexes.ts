// Secondary indexes over the controller's informer caches, so that a reconcile looks up the few
// objects it concerns instead of scanning a namespace (ctx.lister(r).byIndex(INDEX, value)).
// Values are `namespace/name` of what an object points at.
import type { KubeObject } from '../api/meta.ts';
import { L } from '../api/serving/labels.ts';
import { referencedByRoute } from '../api/serving/traffic.ts';
import type { Revision, Route } from '../api/serving/types.ts';
import type { IndexDef } from '../kube/informer.ts';

const ns = (o: KubeObject) => o.metadata.namespace ?? '';

/** Revisions by their serving.knative.dev/configuration label: `namespace/configuration`. */
export const REVISIONS_BY_CONFIGURATION: IndexDef<Revision> = {
  name: 'revisions-by-configuration',
  keys: (o) => {
    const c = o.metadata.labels?.[L.configuration];
    return c ? [`${ns(o)}/${c}`] : [];
  },
};

/**
 * Routes by what their traffic names, in spec or status: `namespace/Configuration/name` and
 * `namespace/Revision/name` (pinned revisions, and the revisions status.traffic resolved to).
 */
export const ROUTES_BY_TARGET: IndexDef<Route> = {
  name: 'routes-by-target',
  keys: (o) => {
    const { configurations, revisions } = referencedByRoute(o);
    return [...[...configurations].map((c) => routeTargetKey(ns(o), 'Configuration', c)), ...[...revisions].map((r) => routeTargetKey(ns(o), 'Revision', r))];
  },
};

export const routeTargetKey = (namespace: string, kind: 'Configuration' | 'Revision', name: string): string => `${namespace}/${kind}/${name}`;

/** Kubernetes Services by their serving.knative.dev/route label (a Route's placeholder Services). */
export const SERVICES_BY_ROUTE: IndexDef = {
  name: 'services-by-route',
  keys: (o) => {
    const r = o.metadata.labels?.[L.route];
    return r ? [`${ns(o)}/${r}`] : [];
  },
};
