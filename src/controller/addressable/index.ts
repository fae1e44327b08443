// Addressable resolution for the reconcilers that hold references (upstream's addressable resolver
// with its tracker): a reference may name any kind that is duck-Addressable (status.address or
// status.addresses) — a Knative Service, a Broker, a Channel or InMemoryChannel, a Sequence, any
// CRD a user installs — so nothing here lists kinds. The first reference to a kind finds its
// plural through discovery and starts a cache of it (ReconcileContext.informerFor); every change to
// a referenced object enqueues the keys that refer to it, so a missing subscriber or sink resolves
// when it appears, without a restart. A Kubernetes Service (v1) needs no read (its address is its
// cluster host name), as upstream's resolver.
//
// RBAC: the controller reads such kinds through the aggregated ClusterRole addressable-resolver:
// a CRD's ClusterRole labelled duck.knative.dev/addressable: "true" grants it (manifests/200-rbac.yaml).
import type { Lookup } from '../../api/eventing/destination.ts';
import type { KReference } from '../../api/eventing/types.ts';
import type { KubeObject, ResourceType } from '../../api/meta.ts';
import { R } from '../../api/resources.ts';
import { Tracker } from '../runtime/tracker.ts';
import type { ReconcileContext } from '../runtime/types.ts';

/** How long a reconcile waits for a new kind's first list before it reports the reference unresolved. */
const FIRST_LIST_WAIT_MS = 3000;
/** How long "this apiVersion has no such kind" is believed (a CRD may be installed later). */
const MISSING_KIND_TTL_MS = 10_000;

// Always served where Eventing runs; every other kind is found through discovery.
const KNOWN: ResourceType[] = [R.Service, R.Broker];

const splitApiVersion = (apiVersion: string | undefined): [string, string] => {
  const av = apiVersion ?? 'v1';
  const i = av.indexOf('/');
  return i < 0 ? ['', av] : [av.slice(0, i), av.slice(i + 1)];
};

/** The tracker key of a reference: kind.group/namespace/name. */
export const refKey = (ref: KReference, namespace: string): string => {
  const [group] = ref.apiVersion ? splitApiVersion(ref.apiVersion) : [ref.group ?? ''];
  return Tracker.ref(`${ref.kind}.${group}`, ref.namespace || namespace, ref.name);
};

const isK8sService = (ref: KReference) => ref.kind === 'Service' && (ref.apiVersion ?? 'v1') === 'v1';

/**
 * One per reconciler: what each of its keys refers to, the caches of the kinds referred to, and the
 * lookup its pure status functions resolve through.
 */
export class AddressableResolver {
  private readonly tracker = new Tracker();
  /** apiVersion/kind → the resource, or the time discovery found no such kind. */
  private readonly kinds = new Map<string, ResourceType | number>();
  private readonly caches = new Map<string, { list: (name: string, ns: string) => KubeObject | undefined }>();

  /**
   * Records that `key` refers to `refs` (in `namespace` unless they name one) and makes sure every
   * kind among them is cached. Call before the pure status function, then pass `lookup`. False when
   * a kind could not be read yet (not served, or its first list is slow): reconcile again later.
   */
  async track(ctx: ReconcileContext, key: string, namespace: string, refs: (KReference | undefined)[]): Promise<boolean> {
    const live = refs.filter((r): r is KReference => !!r?.kind && !!r.name);
    this.tracker.track(
      key,
      live.map((r) => refKey(r, namespace)),
    );
    const ok = await Promise.all(live.filter((r) => !isK8sService(r)).map((r) => this.cache(ctx, r)));
    return ok.every(Boolean);
  }

  untrack(key: string): void {
    this.tracker.untrack(key);
  }

  /** The keys that refer to obj (for a reconciler's `watches` of a kind it also declares). */
  keysFor(kind: string, group: string, obj: KubeObject): string[] {
    return this.tracker.lookup(Tracker.ref(`${kind}.${group}`, obj.metadata.namespace, obj.metadata.name ?? ''));
  }

  /** The lookup for resolveDestination: the object from its cache, or 'unknown-kind' when it cannot be read. */
  lookup(): Lookup {
    return (ref) => {
      const k = this.kindKey(ref);
      const c = this.caches.get(k);
      if (!c) return 'unknown-kind';
      return c.list(ref.name, ref.namespace);
    };
  }

  private kindKey(ref: KReference): string {
    const [group, version] = ref.apiVersion ? splitApiVersion(ref.apiVersion) : [ref.group ?? '', ''];
    return `${group}/${version}/${ref.kind}`;
  }

  private async resource(ctx: ReconcileContext, ref: KReference): Promise<ResourceType | undefined> {
    const [group, version] = ref.apiVersion ? splitApiVersion(ref.apiVersion) : [ref.group ?? '', ''];
    const k = `${group}/${version}/${ref.kind}`;
    const known = this.kinds.get(k);
    if (typeof known === 'object') return known;
    if (typeof known === 'number' && Date.now() - known < MISSING_KIND_TTL_MS) return undefined;
    const builtin = KNOWN.find((r) => r.group === group && r.version === version && r.kind === ref.kind);
    if (builtin) {
      this.kinds.set(k, builtin);
      return builtin;
    }
    if (!version) return undefined;
    try {
      const path = group ? `/apis/${group}/${version}` : `/api/${version}`;
      const list = await ctx.client.raw<{ resources?: { name: string; kind: string; namespaced: boolean }[] }>('GET', path);
      const hit = (list.resources ?? []).find((x) => x.kind === ref.kind && !x.name.includes('/'));
      if (hit) {
        const r: ResourceType = { group, version, kind: ref.kind, plural: hit.name, namespaced: hit.namespaced };
        this.kinds.set(k, r);
        return r;
      }
    } catch {
      // No such group/version (yet): as a kind that is not there.
    }
    this.kinds.set(k, Date.now());
    return undefined;
  }

  private async cache(ctx: ReconcileContext, ref: KReference): Promise<boolean> {
    const k = this.kindKey(ref);
    if (this.caches.has(k)) return true;
    if (!ctx.informerFor) return false;
    const r = await this.resource(ctx, ref);
    if (!r) return false;
    const inf = await ctx.informerFor(r, FIRST_LIST_WAIT_MS);
    if (!inf || this.caches.has(k)) return !!inf;
    // Every change to a referenced object: the keys that refer to it are reconciled again.
    const poke = (o: KubeObject) => {
      for (const key of this.keysFor(r.kind, r.group, o)) ctx.enqueueAfter(key, 0);
    };
    inf.on({ add: poke, update: (a, b) => (JSON.stringify(a.status) !== JSON.stringify(b.status) ? poke(b) : undefined), delete: poke });
    this.caches.set(k, { list: (name, ns) => inf.get(name, ns) });
    return true;
  }
}
