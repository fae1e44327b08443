// The contract between the controller runtime and the reconcilers (knative.dev/pkg's generated
// reconciler, in TypeScript). A reconciler only compares desired with actual and mutates
// `obj.status`; the runtime does the rest: read from the informer cache, deep copy, call
// reconcile, set status.observedGeneration, write status only when it changed (with conflict
// retry), emit events, requeue with rate-limited backoff on error.
import type { KubeObject, ResourceType } from '../../api/meta.ts';
import type { KubeClient } from '../../kube/client.ts';
import type { Informer } from '../../kube/informer.ts';

export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

export interface EventRecorder {
  /** A Kubernetes Event on obj (type Normal or Warning), like record.EventRecorder. */
  event(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export interface ReconcileContext {
  /**
   * Aborted when this replica's leadership term ends (the Manager sets it): from then on every
   * write through `client` is refused, so a long reconcile may also check it between steps.
   */
  readonly signal?: AbortSignal;
  /** Writes go through the client; reads should come from the listers. */
  client: KubeClient;
  /** The informer (cache) of any resource the reconciler declared in `resource`, `owns` or `watches`. */
  lister<T extends KubeObject>(r: ResourceType): Informer<T>;
  /**
   * The cache of a kind no reconciler declared up front (the addressables a reference may name: any
   * CRD with status.address). Created and started on first use, stopped with the Manager; resolves
   * once the first list is in, or undefined if that takes longer than waitMs (no such resource, no
   * RBAC): the informer keeps trying, and its add events tell the caller when it is there.
   */
  informerFor?<T extends KubeObject>(r: ResourceType, waitMs?: number): Promise<Informer<T> | undefined>;
  /** The ConfigMaps of knative-serving (config-domain, config-network, …) as name → data. */
  configMaps(): Record<string, Record<string, string> | undefined>;
  recorder: EventRecorder;
  /** Reconcile `namespace/name` of this reconciler's kind again after ms. */
  enqueueAfter(key: string, ms: number): void;
  log: Logger;
  now(): Date;
}

export interface Watch {
  resource: ResourceType;
  /** Keys (`namespace/name`) of the primary kind to reconcile when obj changes. */
  map(obj: KubeObject): string[];
}

export interface Reconciler<T extends KubeObject = KubeObject> {
  /** For logs, metrics and the work queue's name, e.g. "service". */
  name: string;
  resource: ResourceType;
  /** Kinds this reconciler creates; a change to one enqueues its controller ownerReference of `resource`'s kind. */
  owns?: ResourceType[];
  /** Other kinds it reads, with the keys they map to. */
  watches?: Watch[];
  /** Extra kinds to cache (read through ctx.lister) without enqueueing anything. */
  reads?: ResourceType[];
  /**
   * The reconciler does not own `resource`'s status (the labeler and GC are keyed by Configuration):
   * the runtime neither sets status.observedGeneration nor writes status for it.
   */
  statusless?: boolean;
  /**
   * A finalizer this reconciler keeps on every object it reconciles (added before reconcile runs).
   * Once the object is being deleted, the runtime calls finalize and then removes the finalizer.
   */
  finalizer?: string;
  /**
   * Whether an update of an object of kind r (the primary kind, an owned kind or a watched kind)
   * concerns this reconciler; false enqueues nothing. Adds and deletes always count. Leave it out
   * to react to every update. Called with the cached objects: do not mutate them.
   */
  relevant?(r: ResourceType, oldObj: KubeObject, newObj: KubeObject): boolean;
  /** Clean-up before deletion (for `finalizer`). Throw to retry with backoff; the finalizer stays. */
  finalize?(obj: T, ctx: ReconcileContext): Promise<void>;
  /** Reconcile one object: a deep copy from the cache. Throw to retry with backoff. */
  reconcile(obj: T, ctx: ReconcileContext): Promise<void | { requeueAfterMs?: number }>;
}
