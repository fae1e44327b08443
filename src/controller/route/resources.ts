// Pure desired-state builders of the Route reconciler: the KIngress and the placeholder K8s Services
// (upstream's route/resources/{ingress,service}.go), plus the names, hosts and visibility per
// traffic name they are built from.
import type { V1Service } from '@kubernetes/client-node';
import { controllerRef, type KubeObject, LAST_APPLIED_ANNOTATION } from '../../api/meta.ts';
import type { HTTPIngressPath, Ingress, IngressBackendSplit, IngressRule, IngressVisibility } from '../../api/networking/types.ts';
import {
  CLUSTER_LOCAL_DOMAIN,
  clusterLocalHosts,
  domainNameFromTemplate,
  hostnameFor,
  serviceHostname,
  urlOf,
} from '../../api/serving/domains.ts';
import { A, H, L } from '../../api/serving/labels.ts';
import { DEFAULT_TARGET, type RevisionTarget, type TrafficConfig, trafficNames } from '../../api/serving/traffic.ts';
import { childName } from '../../api/serving/naming.ts';
import type { Route } from '../../api/serving/types.ts';
import type { RouteSettings } from '../networking/settings.ts';

/** The gateway's cluster-local address (Kourier's kourier-internal Service). */
export const GATEWAY_INTERNAL_HOST = 'kourier-internal.kourier-system.svc.cluster.local';

const ALT_CLASS_KEYS = ['networking.knative.dev/ingress-class', 'networking.knative.dev/ingress.class'];

/** One traffic name ("" or a tag) with its host names. */
export interface NameHosts {
  name: string;
  /** Host name part: the route name or the tag host (`tag-route`), also the placeholder Service's name. */
  hostname: string;
  visibility: IngressVisibility;
  /** The host of its URL: external FQDN, or `<hostname>.<ns>.svc.cluster.local` when cluster-local. */
  host: string;
  /** External FQDN (only for ExternalIP). */
  externalHost?: string;
  url: string;
}

/**
 * Hosts per traffic name. `placeholderLabels(hostname)` gives the labels of an existing placeholder
 * Service, where a `networking.knative.dev/visibility` label makes that one tag cluster-local.
 * Throws DomainNameError when a host name is not a valid FQDN.
 */
export function hostsFor(
  route: Route,
  names: string[],
  s: RouteSettings,
  placeholderLabels: (hostname: string) => Record<string, string> | undefined,
): Map<string, NameHosts> {
  const ns = route.metadata.namespace ?? '';
  const labels = route.metadata.labels ?? {};
  const domain = s.domainFor(labels);
  const routeLocal = domain === CLUSTER_LOCAL_DOMAIN;
  const out = new Map<string, NameHosts>();
  for (const name of names) {
    const hostname = hostnameFor(route.metadata.name ?? '', name, s.tagTemplate);
    const tagLocal = name !== DEFAULT_TARGET && placeholderLabels(hostname)?.[L.visibility] !== undefined;
    if (routeLocal || tagLocal) {
      const host = domainNameFromTemplate({ name: hostname, namespace: ns, domain: CLUSTER_LOCAL_DOMAIN });
      out.set(name, { name, hostname, visibility: 'ClusterLocal', host, url: urlOf('http', host) });
    } else {
      const host = domainNameFromTemplate(
        { name: hostname, namespace: ns, domain, annotations: route.metadata.annotations ?? {}, labels },
        s.domainTemplate,
      );
      out.set(name, { name, hostname, visibility: 'ExternalIP', host, externalHost: host, url: urlOf(s.defaultExternalScheme, host) });
    }
  }
  return out;
}

/** The port of a revision's K8s Service for its protocol (upstream's networking.ServicePort). */
export function revisionServicePort(protocol: 'http1' | 'h2c'): 80 | 81 {
  return protocol === 'h2c' ? 81 : 80;
}

/** The KIngress annotation the gateway reads for the request timeout (docs/adr/0006-gateway.md). */
export const TIMEOUT_ANNOTATION = 'networking.kn-ts.dev/timeout-seconds';

function splitsOf(ns: string, targets: RevisionTarget[]): IngressBackendSplit[] {
  const out: IngressBackendSplit[] = [];
  for (const t of targets) {
    const pct = t.percent ?? 0;
    if (pct === 0) continue;
    out.push({
      serviceNamespace: ns,
      serviceName: t.revisionName,
      // The revision's K8s Service port, which the gateway finds by name in the EndpointSlice:
      // `http` on 80, or `http2` on 81 (appProtocol kubernetes.io/h2c) for an h2c revision.
      servicePort: revisionServicePort(t.protocol),
      percent: pct,
      appendHeaders: { [H.revision]: t.revisionName, [H.namespace]: ns },
    });
  }
  return out;
}

/** networking.internal.knative.dev/rollout: the instant rollout (kn-ts has no gradual rollout yet). */
export function rolloutAnnotation(tc: TrafficConfig): string {
  const configurations: unknown[] = [];
  for (const name of trafficNames(tc)) {
    for (const t of tc.targets.get(name) ?? []) {
      if (!t.latestRevision || !(t.percent ?? 0)) continue;
      configurations.push({
        configurationName: t.configurationName,
        ...(name ? { tag: name } : {}),
        percent: t.percent,
        revisions: [{ revisionName: t.revisionName, percent: 100 }],
        stepParams: {},
      });
    }
  }
  return JSON.stringify(configurations.length ? { configurations } : {});
}

function ingressAnnotations(route: Route, s: RouteSettings): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(route.metadata.annotations ?? {})) {
    if (k === LAST_APPLIED_ANNOTATION || ALT_CLASS_KEYS.includes(k)) continue;
    out[k] = v;
  }
  out[A.ingressClass] = ingressClassFor(route, s);
  return out;
}

/** The route's own ingress.class annotation, else config-network's ingress-class. */
export function ingressClassFor(route: Route, s: RouteSettings): string {
  const a = route.metadata.annotations ?? {};
  return a[A.ingressClass] ?? a['networking.knative.dev/ingress-class'] ?? s.ingressClass;
}

/**
 * The KIngress of a Route (upstream's MakeIngress). `timeoutSeconds`: the largest timeoutSeconds of
 * the revisions it routes to, written as networking.kn-ts.dev/timeout-seconds for the gateway.
 */
export function makeIngress(route: Route, tc: TrafficConfig, hosts: Map<string, NameHosts>, s: RouteSettings, timeoutSeconds?: number): Ingress {
  const ns = route.metadata.namespace ?? '';
  const names = trafficNames(tc);
  const rules: IngressRule[] = [];
  const tagToHost: Record<string, string[]> = {};
  for (const name of names) {
    const h = hosts.get(name);
    if (!h) continue;
    const targets = tc.targets.get(name) ?? [];
    const visibilities: IngressVisibility[] = ['ClusterLocal'];
    if (h.visibility === 'ExternalIP') visibilities.push('ExternalIP');
    const allHosts: string[] = [];
    for (const v of visibilities) {
      const ruleHosts = v === 'ClusterLocal' ? clusterLocalHosts(h.hostname, ns) : [h.externalHost ?? h.host];
      allHosts.push(...ruleHosts);
      const path: HTTPIngressPath = { splits: splitsOf(ns, targets) };
      const paths: HTTPIngressPath[] = [path];
      if (s.tagHeaderBasedRouting) {
        if (name === DEFAULT_TARGET) {
          path.appendHeaders = { [H.defaultRoute]: 'true' };
          const tagPaths = names
            .filter((n) => n !== DEFAULT_TARGET)
            .map((n): HTTPIngressPath => ({ headers: { [H.tag]: { exact: n } }, splits: splitsOf(ns, tc.targets.get(n) ?? []) }));
          paths.unshift(...tagPaths);
        } else {
          path.appendHeaders = { [H.tag]: name };
        }
      }
      rules.push({ hosts: ruleHosts, visibility: v, http: { paths } });
    }
    if (name !== DEFAULT_TARGET) tagToHost[name] = [...new Set(allHosts)].sort();
  }
  const annotations = ingressAnnotations(route, s);
  annotations[A.rollout] = rolloutAnnotation(tc);
  if (Object.keys(tagToHost).length) annotations[A.tagToHost] = JSON.stringify(tagToHost);
  if (timeoutSeconds !== undefined) annotations[TIMEOUT_ANNOTATION] = String(timeoutSeconds);
  return {
    apiVersion: 'networking.internal.knative.dev/v1alpha1',
    kind: 'Ingress',
    metadata: {
      name: childName(route.metadata.name ?? '', ''),
      namespace: ns,
      labels: { ...(route.metadata.labels ?? {}), [L.route]: route.metadata.name ?? '', [L.routeNamespace]: ns },
      annotations,
      ownerReferences: [controllerRef(route)],
    },
    spec: { httpOption: s.httpProtocol, rules },
  };
}

/** Where a placeholder Service points: the KIngress load balancer (private first), else kourier-internal. */
export function placeholderTarget(ingress: Ingress | undefined, clusterLocal: boolean): string {
  const priv = ingress?.status?.privateLoadBalancer?.ingress?.[0];
  const pub = ingress?.status?.publicLoadBalancer?.ingress?.[0];
  const lb = priv || clusterLocal ? priv : pub;
  return lb?.domainInternal || lb?.domain || GATEWAY_INTERNAL_HOST;
}

export type K8sService = V1Service & KubeObject;

/** A placeholder K8s Service `<hostname>` (an ExternalName to the gateway), owned by the Route. */
export function makePlaceholderService(route: Route, hostname: string, externalName: string): K8sService {
  const labels: Record<string, string> = { [L.route]: route.metadata.name ?? '' };
  const vis = route.metadata.labels?.[L.visibility];
  if (vis) labels[L.visibility] = vis;
  const annotations = { ...(route.metadata.annotations ?? {}) };
  delete annotations[LAST_APPLIED_ANNOTATION];
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: hostname,
      namespace: route.metadata.namespace ?? '',
      labels,
      ...(Object.keys(annotations).length ? { annotations } : {}),
      ownerReferences: [controllerRef(route)],
    },
    spec: {
      type: 'ExternalName',
      externalName,
      sessionAffinity: 'None',
      ports: [{ name: 'http2', protocol: 'TCP', appProtocol: 'kubernetes.io/h2c', port: 80, targetPort: 80 }],
    },
  };
}

/** The route URL's host for status.address: `<route>.<ns>.svc.cluster.local`. */
export function routeServiceHost(route: Route): string {
  return serviceHostname(route.metadata.name ?? '', route.metadata.namespace ?? '');
}
