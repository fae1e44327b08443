// A small reference tracker (knative.dev/pkg tracker): a reconciler records which objects a key
// refers to; a change to one of them maps back to the keys that referred to it.
export class Tracker {
  private readonly byRef = new Map<string, Set<string>>();
  private readonly byKey = new Map<string, Set<string>>();

  static ref(kind: string, namespace: string | undefined, name: string): string {
    return `${kind}/${namespace ?? ''}/${name}`;
  }

  /** Replaces what `key` refers to. */
  track(key: string, refs: Iterable<string>): void {
    this.untrack(key);
    const set = new Set(refs);
    this.byKey.set(key, set);
    for (const r of set) {
      let s = this.byRef.get(r);
      if (!s) this.byRef.set(r, (s = new Set()));
      s.add(key);
    }
  }

  untrack(key: string): void {
    for (const r of this.byKey.get(key) ?? []) {
      const s = this.byRef.get(r);
      s?.delete(key);
      if (s?.size === 0) this.byRef.delete(r);
    }
    this.byKey.delete(key);
  }

  /** Keys that refer to ref. */
  lookup(ref: string): string[] {
    return [...(this.byRef.get(ref) ?? [])];
  }

  /** What key referred to at its last reconcile. */
  refsOf(key: string): string[] {
    return [...(this.byKey.get(key) ?? [])];
  }
}
