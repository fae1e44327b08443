// What the gateway's informers keep of each KIngress and EndpointSlice (issue #9, docs/adr/0030-gateway-memory.md).
// The gateway watches both kinds in every namespace, and the API server sends whole objects:
// managedFields, owner references, every label and annotation (a KIngress carries the Route's
// rollout annotation, an EndpointSlice every label of its Service), each endpoint's targetRef,
// nodeName and zone. The caches keep a projection instead: only the fields the routing table
// (table.ts), the status writer (status.ts) and the replica list read, built as new small objects
// so that nothing of the parsed JSON stays reachable.
import type { KubeObject, ObjectMeta } from '../../api/meta.ts';
import type { Ingress } from '../../api/networking/types.ts';
import { CONTAINER_CONCURRENCY_LABEL } from '../../api/autoscaling/annotations.ts';
import { READINESS_PROBE_LABEL } from '../../api/autoscaling/readiness.ts';
import { A } from '../../api/serving/labels.ts';
import { IDLE_TIMEOUT_LABEL, RESPONSE_START_TIMEOUT_LABEL, REVISION_TIMEOUT_LABEL } from '../../api/networking/types.ts';
import { type EndpointSlice, INGRESS_CLASS_ALT, SERVICE_NAME_LABEL, TIMEOUT_ANNOTATION } from './table.ts';

/** The KIngress annotations the gateway reads (the ingress class, kn-ts's timeout). */
export const INGRESS_ANNOTATIONS = [A.ingressClass, INGRESS_CLASS_ALT, TIMEOUT_ANNOTATION] as const;
/** The EndpointSlice labels the gateway reads (its Service, the revision's settings). */
export const SLICE_LABELS = [SERVICE_NAME_LABEL, CONTAINER_CONCURRENCY_LABEL, READINESS_PROBE_LABEL, REVISION_TIMEOUT_LABEL, RESPONSE_START_TIMEOUT_LABEL, IDLE_TIMEOUT_LABEL] as const;

function pick(m: Record<string, string> | undefined, keys: readonly string[]): Record<string, string> | undefined {
  if (!m) return undefined;
  let out: Record<string, string> | undefined;
  for (const k of keys) {
    const v = m[k];
    if (v !== undefined) (out ??= {})[k] = v;
  }
  return out;
}

/** The identity and version fields every cached object keeps (the informer keys and compares them). */
function meta(m: ObjectMeta): ObjectMeta {
  const out: ObjectMeta = { name: m.name, namespace: m.namespace, resourceVersion: m.resourceVersion };
  if (m.deletionTimestamp) out.deletionTimestamp = m.deletionTimestamp;
  return out;
}

/**
 * A KIngress as the gateway keeps it: spec and status whole (the table routes by the spec, hashes
 * it for K-Network-Hash, and the status writer compares and replaces the status), the metadata the
 * table orders and reports by, and the annotations it reads. The status writer's PUT of the status
 * subresource sends this object back: the API server takes only its status (and checks its
 * resourceVersion), so what the projection leaves out is not lost.
 */
export function leanIngress(obj: KubeObject): KubeObject {
  const o = obj as Ingress;
  const m = meta(o.metadata);
  m.uid = o.metadata.uid;
  m.generation = o.metadata.generation;
  m.creationTimestamp = o.metadata.creationTimestamp;
  const annotations = pick(o.metadata.annotations, INGRESS_ANNOTATIONS);
  if (annotations) m.annotations = annotations;
  const out: Ingress = { apiVersion: o.apiVersion, kind: o.kind, metadata: m, spec: o.spec };
  if (o.status) out.status = o.status;
  return out;
}

/** An EndpointSlice as the gateway keeps it: the labels it reads, each endpoint's addresses and conditions, the ports. */
export function leanEndpointSlice(obj: KubeObject): KubeObject {
  const s = obj as EndpointSlice;
  const m = meta(s.metadata);
  const labels = pick(s.metadata.labels, SLICE_LABELS);
  if (labels) m.labels = labels;
  const out: EndpointSlice = { metadata: m };
  if (s.addressType) out.addressType = s.addressType;
  if (s.endpoints)
    out.endpoints = s.endpoints.map((e) => {
      const c = e.conditions;
      return c ? { addresses: e.addresses, conditions: { ready: c.ready, serving: c.serving, terminating: c.terminating } } : { addresses: e.addresses };
    });
  if (s.ports) out.ports = s.ports.map((p) => ({ name: p.name, port: p.port, appProtocol: p.appProtocol }));
  return out;
}
