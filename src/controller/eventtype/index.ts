// The EventType reconciler (upstream's pkg/reconciler/eventtype): Ready is ReferenceExists, True
// when spec.reference names an object that exists (any kind: a Broker, a Channel, a Trigger, a
// source), True with reason ReferenceNotSet when there is no reference, False ResourceDoesNotExist
// when the object is not there — resolved again when it appears, through the addressable
// resolver's caches — and Unknown ReferenceGetFailed when its kind cannot be read.
// kn-ts serves the storage version, v1beta2 (its schema carries v1beta3's attributes too: there is
// no conversion webhook); spec.broker (deprecated) stands for a Broker reference, as upstream's
// conversion reads it.
import type { Lookup } from '../../api/eventing/destination.ts';
import { type EventType, EVENTTYPE_CONDITIONS, type KReference } from '../../api/eventing/types.ts';
import type { Status } from '../../api/meta.ts';
import { R } from '../../api/resources.ts';
import { AddressableResolver } from '../addressable/index.ts';
import { ConditionManager } from '../networking/conditions.ts';
import type { Reconciler } from '../runtime/types.ts';

export const REFERENCE_NOT_SET = { reason: 'ReferenceNotSet', message: 'spec.reference is not set' };
export const REFERENCE_MISSING = { reason: 'ResourceDoesNotExist', message: 'Resource in spec.reference does not exist' };
export const REFERENCE_GET_FAILED = 'ReferenceGetFailed';

const isEmpty = (r: KReference | undefined): boolean => !r || (!r.kind && !r.group && !r.name && !r.apiVersion && !r.namespace && !r.address);

/** The reference an EventType's Ready depends on: spec.reference, else the deprecated spec.broker. */
export function eventTypeReference(et: EventType): (KReference & { namespace: string }) | undefined {
  const ns = et.metadata.namespace ?? '';
  const ref = et.spec?.reference;
  if (!isEmpty(ref)) return { ...ref!, namespace: ref!.namespace || ns };
  if (et.spec?.broker) return { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name: et.spec.broker, namespace: ns };
  return undefined;
}

/** The status of an EventType (pure). */
export function eventTypeStatus(et: EventType, lookup: Lookup, now: () => Date): Status {
  const status: Status = structuredClone(et.status ?? {});
  const cm = new ConditionManager(status, EVENTTYPE_CONDITIONS, now);
  cm.initialize();
  const ref = eventTypeReference(et);
  if (!ref) {
    cm.markTrue('ReferenceExists', REFERENCE_NOT_SET.reason, REFERENCE_NOT_SET.message);
    return status;
  }
  const o = lookup(ref);
  if (o === 'unknown-kind') cm.markUnknown('ReferenceExists', REFERENCE_GET_FAILED, `Failed to get reference: failed to get lister for ${ref.apiVersion ?? ''}, Kind=${ref.kind}`);
  else if (!o) cm.markFalse('ReferenceExists', REFERENCE_MISSING.reason, REFERENCE_MISSING.message);
  else cm.markTrue('ReferenceExists');
  return status;
}

export function makeEventTypeReconciler(): Reconciler<EventType> {
  const addressables = new AddressableResolver();
  return {
    name: 'eventtype',
    resource: R.EventType,
    // Brokers are cached anyway (the Broker and Trigger reconcilers): their add/delete map here.
    watches: [{ resource: R.Broker, map: (o) => addressables.keysFor('Broker', 'eventing.knative.dev', o) }],
    relevant: (r) => r === R.EventType,
    async reconcile(et, ctx) {
      const ns = et.metadata.namespace ?? '';
      const ref = eventTypeReference(et);
      const readable = await addressables.track(ctx, `${ns}/${et.metadata.name}`, ns, [ref]);
      et.status = eventTypeStatus(et, addressables.lookup(), () => ctx.now());
      return readable ? undefined : { requeueAfterMs: 10_000 };
    },
  };
}
