// Which updates concern a reconciler (Reconciler.relevant): the parts of an object a reconciler
// reads, compared between the old and the new version. An update that changes none of them enqueues
// nothing, so the labeler's routing-state patches, for example, do not wake the Route reconciler,
// and a Revision's status does not wake the labeler. Adds and deletes always enqueue.
import { getCondition, type KubeObject, type ResourceType, type Status } from '../api/meta.ts';
import { stableStringify } from './runtime/stable.ts';

type Obj = KubeObject & { spec?: unknown; status?: Status & Record<string, unknown> };

const same = (a: unknown, b: unknown) => a === b || stableStringify(a ?? null) === stableStringify(b ?? null);

/** A field picker: returns what a reconciler reads of an object. */
export type Pick = (o: Obj) => unknown;

export const pick = {
  generation: (o: Obj) => o.metadata.generation,
  deletion: (o: Obj) => o.metadata.deletionTimestamp ?? null,
  labels: (o: Obj) => o.metadata.labels,
  annotations: (o: Obj) => o.metadata.annotations,
  label: (k: string) => (o: Obj) => o.metadata.labels?.[k],
  annotation: (k: string) => (o: Obj) => o.metadata.annotations?.[k],
  spec: (o: Obj) => o.spec,
  status: (o: Obj) => o.status,
  statusField: (k: string) => (o: Obj) => o.status?.[k],
  /** What isReady / isFailed and the Ready message depend on. */
  readiness: (o: Obj) => [o.metadata.generation, o.status?.observedGeneration, getCondition(o.status, 'Ready') ?? null],
} satisfies Record<string, Pick | ((k: string) => Pick)>;

/** true when any picked part differs between a and b. */
export function changed(a: KubeObject, b: KubeObject, picks: Pick[]): boolean {
  for (const p of picks) if (!same(p(a as Obj), p(b as Obj))) return true;
  return false;
}

/** Builds Reconciler.relevant from per-kind pickers; a kind without an entry: every update counts. */
export function relevantBy(table: [ResourceType, Pick[]][]): (r: ResourceType, a: KubeObject, b: KubeObject) => boolean {
  return (r, a, b) => {
    const row = table.find(([t]) => t.group === r.group && t.plural === r.plural);
    return row ? changed(a, b, row[1]) : true;
  };
}
