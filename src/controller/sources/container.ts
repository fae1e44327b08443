// The ContainerSource reconciler (upstream's pkg/reconciler/containersource): runs the user's pod
// template as Deployment `<name>-deployment` and binds it to the sink through SinkBinding
// `<name>-sinkbinding` (subject: that Deployment), both owned by the source. The Deployment is
// written with the binding's variables already in its template (when the binding has resolved its
// sink), so this reconciler and the SinkBinding reconciler agree on the template and never undo each
// other's write. Status: SinkBindingReady from the binding, ReceiveAdapterReady from the Deployment.
import { childName } from '../../api/serving/naming.ts';
import { controllerRef, getCondition } from '../../api/meta.ts';
import { R } from '../../api/resources.ts';
import { bindPodSpec } from '../../api/sources/binding.ts';
import { CONTAINER_CONDITIONS, type ContainerSource, type PodSpecLike, type SinkBinding, type SourceStatus } from '../../api/sources/types.ts';
import { ConditionManager } from '../networking/conditions.ts';
import type { Reconciler } from '../runtime/types.ts';
import { type DeploymentLike, ensureChild, hashCurrent, propagateAvailability, sameJSON, withSpecHash } from './common.ts';

export const CONTAINER_SOURCE_LABEL = 'sources.knative.dev/containerSource';

export const deploymentNameOf = (src: ContainerSource): string => childName(src.metadata.name ?? '', '-deployment');
export const sinkBindingNameOf = (src: ContainerSource): string => childName(src.metadata.name ?? '', '-sinkbinding');

const labelsOf = (src: ContainerSource) => ({ [CONTAINER_SOURCE_LABEL]: src.metadata.name ?? '', 'sources.knative.dev/source': 'container-source-controller' });

/** The SinkBinding of a ContainerSource (resources/sinkbinding.go). */
export function makeSinkBinding(src: ContainerSource): SinkBinding {
  return {
    apiVersion: 'sources.knative.dev/v1',
    kind: 'SinkBinding',
    metadata: { name: sinkBindingNameOf(src), namespace: src.metadata.namespace ?? '', labels: labelsOf(src), ownerReferences: [controllerRef(src)] },
    spec: {
      ...(src.spec?.sink ? { sink: src.spec.sink } : {}),
      ...(src.spec?.ceOverrides ? { ceOverrides: src.spec.ceOverrides } : {}),
      subject: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: src.metadata.namespace ?? '', name: deploymentNameOf(src) },
    },
  };
}

/** The Deployment of a ContainerSource (resources/deployment.go), bound when the binding has a sink URI. */
export function makeDeployment(src: ContainerSource, binding: SinkBinding | undefined): DeploymentLike {
  const labels = labelsOf(src);
  const tpl = src.spec?.template ?? {};
  const uri = binding?.status?.sinkUri;
  const podSpec: PodSpecLike = tpl.spec ?? {};
  const spec = uri ? bindPodSpec(podSpec, { sinkUri: uri, ...(binding?.status?.sinkCACerts ? { caCerts: binding.status.sinkCACerts } : {}), ...(src.spec?.ceOverrides ? { ceOverrides: src.spec.ceOverrides } : {}) }) : podSpec;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: deploymentNameOf(src), namespace: src.metadata.namespace ?? '', labels, ownerReferences: [controllerRef(src)] },
    spec: {
      selector: { matchLabels: labels },
      template: { metadata: { ...(tpl.metadata?.annotations ? { annotations: tpl.metadata.annotations } : {}), labels: { ...(tpl.metadata?.labels ?? {}), ...labels } }, spec },
    },
  };
}

export function containerSourceStatus(src: ContainerSource, binding: SinkBinding | undefined, dep: DeploymentLike | undefined, now: () => Date): SourceStatus {
  const status: SourceStatus = structuredClone(src.status ?? {});
  const cm = new ConditionManager(status, CONTAINER_CONDITIONS, now);
  cm.initialize();
  const ready = getCondition(binding?.status, 'Ready');
  if (!binding || !ready) cm.markUnknown('SinkBindingReady', 'SinkBindingUnavailable', `The SinkBinding '${sinkBindingNameOf(src)}' is unavailable.`);
  else if (ready.status === 'True') cm.markTrue('SinkBindingReady');
  else if (ready.status === 'False') cm.markFalse('SinkBindingReady', ready.reason ?? '', ready.message ?? '');
  else cm.markUnknown('SinkBindingReady', ready.reason ?? '', ready.message ?? '');
  if (binding?.status?.sinkUri) status.sinkUri = binding.status.sinkUri;
  else delete status.sinkUri;
  propagateAvailability(cm, 'ReceiveAdapterReady', dep, deploymentNameOf(src));
  return status;
}

export function makeContainerSourceReconciler(): Reconciler<ContainerSource> {
  return {
    name: 'containersource',
    resource: R.ContainerSource,
    owns: [R.Deployment, R.SinkBinding],
    relevant: (r, a, b) => r === R.ContainerSource || JSON.stringify(a.status) !== JSON.stringify(b.status) || JSON.stringify(a.spec) !== JSON.stringify(b.spec),
    async reconcile(src, ctx) {
      const wantB = makeSinkBinding(src);
      const binding = await ensureChild<SinkBinding>(ctx, src, R.SinkBinding, wantB, (have) => sameJSON(have.spec, wantB.spec));
      const wantD = withSpecHash(makeDeployment(src, binding));
      const dep = await ensureChild<DeploymentLike>(ctx, src, R.Deployment, wantD, (have) => hashCurrent(have, wantD));
      src.status = containerSourceStatus(src, binding, dep, () => ctx.now());
    },
  };
}
