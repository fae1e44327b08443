// KIngress helpers shared by the reconcilers that own a KIngress (Route, DomainMapping).
import type { Ingress } from '../../api/networking/types.ts';
import { R } from '../../api/resources.ts';
import type { ReconcileContext } from '../runtime/types.ts';
import { deepEqualJSON } from '../runtime/stable.ts';
import type { ConditionManager } from './conditions.ts';

/** IngressReady from the KIngress (upstream's PropagateIngressStatus / MarkIngressNotConfigured). */
export function propagateIngress(cm: ConditionManager, ing: Ingress): void {
  if (ing.metadata.generation === undefined || ing.metadata.generation !== ing.status?.observedGeneration) {
    cm.markUnknown('IngressReady', 'IngressNotConfigured', 'Ingress has not yet been reconciled.');
    return;
  }
  const c = ing.status?.conditions?.find((x) => x.type === 'Ready');
  if (!c) cm.markUnknown('IngressReady', 'IngressNotConfigured', 'Ingress has not yet been reconciled.');
  else if (c.status === 'True') cm.markTrue('IngressReady');
  else if (c.status === 'False') cm.markFalse('IngressReady', c.reason ?? '', c.message ?? '');
  else cm.markUnknown('IngressReady', c.reason ?? '', c.message ?? '');
}

/** Brings an owned KIngress to the desired spec, labels and annotations; returns what is stored. */
export async function updateIngress(ctx: ReconcileContext, ing: Ingress, desired: Ingress): Promise<Ingress> {
  if (
    deepEqualJSON(desired.spec, ing.spec) &&
    deepEqualJSON(desired.metadata.labels, ing.metadata.labels ?? {}) &&
    deepEqualJSON(desired.metadata.annotations, ing.metadata.annotations ?? {})
  ) {
    return ing;
  }
  return ctx.client.replace<Ingress>(R.Ingress, {
    ...ing,
    metadata: { ...ing.metadata, labels: desired.metadata.labels, annotations: desired.metadata.annotations },
    spec: desired.spec,
  });
}
