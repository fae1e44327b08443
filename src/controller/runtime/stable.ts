// Order-stable JSON, for "did the status change?" comparisons: object keys sorted, undefined
// dropped, array order kept.
export function stableStringify(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : stableStringify(x))).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify(o[k])}`).join(',')}}`;
}

export function deepEqualJSON(a: unknown, b: unknown): boolean {
  return stableStringify(a) === stableStringify(b);
}
