// What the source reconcilers share: resolving spec.sink into status (the duck SourceStatus) through
// the general addressable resolver (any duck-Addressable kind: a Knative Service, a Broker, a
// Channel, a Sequence…; ADR 0021), the OIDC condition with the feature off, a Deployment's
// availability as a condition, and create-or-update of an owned child.
import { createHash } from 'node:crypto';
import { type Lookup, resolveDestination } from '../../api/eventing/destination.ts';
import type { Destination } from '../../api/eventing/types.ts';
import { isControlledBy, type KubeObject, type ResourceType } from '../../api/meta.ts';
import type { SourceStatus } from '../../api/sources/types.ts';
import type { ConditionManager } from '../networking/conditions.ts';
import { stableStringify } from '../runtime/stable.ts';
import type { ReconcileContext } from '../runtime/types.ts';
import { OIDC_DISABLED_REASON } from '../trigger/index.ts';

export { OIDC_DISABLED_REASON };

/** Resolves spec.sink into status.sinkUri/sinkCACerts/sinkAudience and the SinkProvided condition. */
export function markSink(status: SourceStatus, cm: ConditionManager, sink: Destination | undefined, ns: string, lookup: Lookup): string | undefined {
  const r = resolveDestination(sink, ns, lookup);
  if (!r.url) {
    delete status.sinkUri;
    delete status.sinkCACerts;
    delete status.sinkAudience;
    cm.markFalse('SinkProvided', 'NotFound', r.error ?? 'Sink not found');
    return undefined;
  }
  status.sinkUri = r.url;
  if (r.CACerts) status.sinkCACerts = r.CACerts;
  else delete status.sinkCACerts;
  if (r.audience) status.sinkAudience = r.audience;
  else delete status.sinkAudience;
  cm.markTrue('SinkProvided');
  return r.url;
}

/** Reconcile again soon when the sink's kind could not be read yet (a CRD installed later, a slow first list). */
export const UNREADABLE_REQUEUE = { requeueAfterMs: 5000 };

export interface DeploymentLike extends KubeObject {
  spec?: { replicas?: number; selector?: unknown; template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: Record<string, unknown> } };
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[]; readyReplicas?: number; availableReplicas?: number };
}

/** PropagateDeploymentAvailability: the Deployment's Available condition as `type`. */
export function propagateAvailability(cm: ConditionManager, type: string, d: DeploymentLike | undefined, name: string): void {
  const c = d?.status?.conditions?.find((x) => x.type === 'Available');
  if (!c) return cm.markUnknown(type, 'DeploymentUnavailable', `The Deployment '${name}' is unavailable.`);
  if (c.status === 'True') cm.markTrue(type);
  else if (c.status === 'False') cm.markFalse(type, c.reason ?? '', c.message ?? '');
  else cm.markUnknown(type, c.reason ?? '', c.message ?? '');
}

/** The annotation holding a hash of the spec a reconciler last wrote (the API server defaults fields, so specs are not compared). */
export const SPEC_HASH_ANNOTATION = 'sources.knative.dev/spec-hash';

export function withSpecHash<T extends KubeObject & { spec?: unknown }>(o: T): T {
  o.metadata.annotations = { ...(o.metadata.annotations ?? {}), [SPEC_HASH_ANNOTATION]: createHash('sha256').update(stableStringify(o.spec ?? {})).digest('hex').slice(0, 16) };
  return o;
}

export const hashCurrent = (have: KubeObject, want: KubeObject): boolean => have.metadata.annotations?.[SPEC_HASH_ANNOTATION] === want.metadata.annotations?.[SPEC_HASH_ANNOTATION];

export const sameJSON = (a: unknown, b: unknown): boolean => stableStringify(a ?? {}) === stableStringify(b ?? {});

/**
 * Creates the child when missing, replaces its spec when `upToDate` says no; refuses a child of the
 * same name that the owner does not control (upstream's "not owned" error).
 */
export async function ensureChild<T extends KubeObject & { spec?: unknown }>(ctx: ReconcileContext, owner: KubeObject, r: ResourceType, want: T, upToDate: (have: T) => boolean): Promise<T> {
  const have = ctx.lister<T>(r).get(want.metadata.name ?? '', want.metadata.namespace);
  if (!have) return ctx.client.create<T>(r, want);
  if (!isControlledBy(have, owner)) throw new Error(`${r.kind.toLowerCase()} "${want.metadata.name}" is not owned by ${owner.kind} "${owner.metadata.name}"`);
  if (upToDate(have)) return have;
  const next = structuredClone(have);
  next.spec = want.spec;
  next.metadata.labels = { ...(have.metadata.labels ?? {}), ...(want.metadata.labels ?? {}) };
  next.metadata.annotations = { ...(have.metadata.annotations ?? {}), ...(want.metadata.annotations ?? {}) };
  return ctx.client.replace<T>(r, next);
}
