// Order-insensitive (for object keys) JSON equality, undefined fields dropped.
function stable(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : stable(x))).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stable(o[k])}`)
    .join(',')}}`;
}

export function equalJSON(a: unknown, b: unknown): boolean {
  return stable(a) === stable(b);
}

/**
 * For reconcilers keyed by a kind they do not own (the labeler and GC run on Configurations): the
 * runtime sets status.observedGeneration and writes status after every reconcile, which would mark a
 * Configuration as observed before its own reconciler ran. Dropping the generation from the deep
 * copy the reconciler gets makes the runtime leave status alone. (A `statusless` flag on the
 * Reconciler contract would say this directly; see the route engineer's report.)
 */
export function leaveStatusAlone(obj: { metadata: { generation?: number } }): void {
  delete obj.metadata.generation;
}
