// The InMemoryChannel reconciler (upstream's pkg/reconciler/inmemorychannel/controller): a Service
// <name>-kn-channel of type ExternalName pointing at the imc-dispatcher Service (served by the broker
// process, ADR 0022), status.address http://<name>-kn-channel.<ns>.svc.cluster.local, the dead-letter
// sink, and the subscriber statuses. The dispatcher reads spec.subscribers itself.
import { type Lookup } from '../../api/eventing/destination.ts';
import {
  CHANNEL_SERVICE_LABELS,
  channelAddress,
  channelServiceName,
  dispatcherHost,
  IMC_CONDITIONS,
  type ChannelableStatus,
  type InMemoryChannel,
} from '../../api/messaging/types.ts';
import { controllerRef, type KubeObject } from '../../api/meta.ts';
import { R } from '../../api/resources.ts';
import { EP_DISABLED, markDeadLetterSink } from '../broker/index.ts';
import { AddressableResolver } from '../addressable/index.ts';
import { ConditionManager } from '../networking/conditions.ts';
import type { Reconciler } from '../runtime/types.ts';
import { dispatcherReady, ensureChild } from './common.ts';

/** The Service of an InMemoryChannel (upstream's resources.NewK8sService with ExternalService). */
export function channelService(imc: InMemoryChannel): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: channelServiceName(imc.metadata.name ?? ''),
      namespace: imc.metadata.namespace,
      labels: { ...CHANNEL_SERVICE_LABELS },
      ownerReferences: [controllerRef(imc)],
    },
    spec: { type: 'ExternalName', externalName: dispatcherHost(), ports: [{ name: 'http', protocol: 'TCP', port: 80 }] },
  };
}

export interface ImcInputs {
  /** Whether the dispatcher has a ready endpoint; a string is the error reading them. */
  dispatcher: boolean | string;
  /** The channel's Service, or why it could not be made. */
  service: KubeObject | string;
  lookup: Lookup;
  now: () => Date;
}

/** The status of an InMemoryChannel (pure). */
export function imcStatus(imc: InMemoryChannel, inp: ImcInputs): ChannelableStatus {
  const status: ChannelableStatus = structuredClone(imc.status ?? {});
  const cm = new ConditionManager(status, IMC_CONDITIONS, inp.now);
  cm.initialize();
  const ns = imc.metadata.namespace ?? '';
  cm.markTrue('EventPoliciesReady', EP_DISABLED.reason, EP_DISABLED.message);
  markDeadLetterSink(status, cm, imc.spec?.delivery, ns, inp.lookup);
  // The dispatcher Service is part of the installation (manifests/420-broker.yaml).
  cm.markTrue('ServiceReady');
  if (inp.dispatcher === true) cm.markTrue('EndpointsReady');
  else if (typeof inp.dispatcher === 'string') cm.markFalse('EndpointsReady', 'DispatcherEndpointsGetFailed', `Failed to get dispatcher endpoints: ${inp.dispatcher}`);
  else cm.markFalse('EndpointsReady', 'DispatcherEndpointsNotReady', 'There are no endpoints ready for Dispatcher service');
  if (typeof inp.service === 'string') {
    cm.markFalse('ChannelServiceReady', 'ChannelServiceFailed', `Channel Service failed: ${inp.service}`);
    cm.markUnknown('Addressable', 'NoAddress', 'the channel Service does not exist');
    delete status.address;
  } else {
    cm.markTrue('ChannelServiceReady');
    status.address = { name: 'http', url: channelAddress(ns, imc.metadata.name ?? '') };
    cm.markTrue('Addressable');
  }
  // The dispatcher serves spec.subscribers as soon as its informer sees them.
  const ready = inp.dispatcher === true;
  const subs = (imc.spec?.subscribers ?? []).map((s) => ({
    uid: s.uid,
    observedGeneration: s.generation,
    ready: (ready ? 'True' : 'Unknown') as 'True' | 'Unknown',
    ...(ready ? {} : { message: 'the dispatcher has no ready endpoint' }),
  }));
  if (subs.length) status.subscribers = subs;
  else delete status.subscribers;
  delete status.addresses;
  return status;
}

export function makeImcReconciler(): Reconciler<InMemoryChannel> {
  // The dead-letter sink may be any addressable; a change to it re-runs the channel.
  const addressables = new AddressableResolver();
  return {
    name: 'inmemorychannel',
    resource: R.InMemoryChannel,
    owns: [R.KService],
    relevant: (r, a, b) => r === R.InMemoryChannel || JSON.stringify(a) !== JSON.stringify(b),
    async reconcile(imc, ctx) {
      const readable = await addressables.track(ctx, `${imc.metadata.namespace}/${imc.metadata.name}`, imc.metadata.namespace ?? '', [imc.spec?.delivery?.deadLetterSink?.ref]);
      let service: KubeObject | string;
      try {
        service = await ensureChild(ctx, R.KService, channelService(imc), imc, []);
        const spec = (service as { spec?: { type?: string; externalName?: string } }).spec;
        if (spec?.type !== 'ExternalName' || spec.externalName !== dispatcherHost()) {
          const want = channelService(imc);
          service = await ctx.client.replace(R.KService, { ...service, metadata: { ...service.metadata, labels: want.metadata.labels }, spec: want.spec });
        }
      } catch (e) {
        service = (e as Error).message;
      }
      const dispatcher = await dispatcherReady(ctx);
      imc.status = imcStatus(imc, { dispatcher, service, lookup: addressables.lookup(), now: () => ctx.now() });
      return dispatcher === true && readable ? undefined : { requeueAfterMs: 5000 };
    },
  };
}
