// The Route side of the control plane, for src/controller/main.ts: the Route reconciler, the
// DomainMapping reconciler, the routing-state labeler and revision GC.
import { makeDomainMappingReconciler } from '../domainmapping/reconciler.ts';
import { makeGCReconciler } from '../gc/gc.ts';
import type { Reconciler } from '../runtime/types.ts';
import { makeLabelerReconciler } from './labeler.ts';
import { makeRouteReconciler } from './reconciler.ts';

export { makeDomainMappingReconciler, makeGCReconciler, makeLabelerReconciler, makeRouteReconciler };

/** Fresh instances (each has its own reference tracker). */
export function makeReconcilers(): Reconciler[] {
  return [makeRouteReconciler(), makeDomainMappingReconciler(), makeLabelerReconciler(), makeGCReconciler()] as unknown as Reconciler[];
}

export const reconcilers: Reconciler[] = makeReconcilers();
