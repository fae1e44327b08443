// EventType auto-creation (upstream's pkg/eventtype, feature `eventtype-auto-create` in
// config-features, disabled by default): the first time a Broker accepts an event of a (type,
// source), the broker creates an EventType for it, owned by the Broker, and ignores AlreadyExists.
// config-features is read every 30 s. Only in informer mode (the broker talks to a cluster).
import { createHash } from 'node:crypto';
import type { Broker } from '../../api/eventing/types.ts';
import { EVENTING_NAMESPACE } from '../../api/eventing/types.ts';
import { featureOn, parseFeatures } from '../../api/eventing/config.ts';
import type { KubeObject } from '../../api/meta.ts';
import { R } from '../../api/resources.ts';
import type { KubeClient } from '../../kube/client.ts';
import { KubeError } from '../../kube/errors.ts';

export const EVENTTYPE_DESCRIPTION = 'Event Type auto-created by controller';

/** The EventType upstream's auto-create writes for an event a Broker accepted (pure). */
export function autoEventType(b: Broker, attrs: Record<string, unknown>): KubeObject {
  const ns = b.metadata.namespace ?? '';
  const name = b.metadata.name ?? '';
  const type = String(attrs.type ?? '');
  const source = String(attrs.source ?? '');
  const hash = createHash('md5').update(`${type}${source}${ns}${name}`).digest('hex');
  let etName = `et-${name}-${hash}`.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  if (etName.length > 63) etName = `et-${hash}`;
  return {
    apiVersion: 'eventing.knative.dev/v1beta2',
    kind: 'EventType',
    metadata: { name: etName, namespace: ns, ownerReferences: [{ apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name, uid: b.metadata.uid ?? '' }] },
    spec: {
      type,
      source,
      reference: { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name, namespace: ns },
      description: EVENTTYPE_DESCRIPTION,
      attributes: [
        { name: 'type', required: true, value: type },
        { name: 'source', required: true, value: source },
        { name: 'schemadata', required: true, value: String(attrs.dataschema ?? '') },
        { name: 'specversion', required: true, value: String(attrs.specversion ?? '1.0') },
        { name: 'id', required: true },
      ],
    },
  };
}

export class EventTypeCreator {
  private enabled = false;
  private readonly seen = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly client: KubeClient;
  private readonly log: (o: object, msg: string) => void;
  constructor(client: KubeClient, log: (o: object, msg: string) => void) {
    this.client = client;
    this.log = log;
  }
  async start(refreshMs = 30_000): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), refreshMs);
    this.timer.unref();
  }
  stop(): void {
    clearInterval(this.timer);
  }
  private async refresh(): Promise<void> {
    try {
      const cm = await this.client.find<KubeObject & { data?: Record<string, string> }>(R.ConfigMap, 'config-features', EVENTING_NAMESPACE);
      this.enabled = featureOn(parseFeatures(cm?.data), 'eventtype-auto-create');
    } catch (e) {
      this.log({ err: (e as Error).message }, 'config-features not read; EventType auto-creation keeps its last setting');
    }
  }
  observe(b: Broker | undefined, attrs: Record<string, unknown>): void {
    if (!this.enabled || !b) return;
    const key = `${b.metadata.namespace}/${b.metadata.name}/${String(attrs.type)}/${String(attrs.source)}`;
    if (this.seen.has(key)) return;
    if (this.seen.size > 10_000) this.seen.clear();
    this.seen.add(key);
    this.client.create(R.EventType, autoEventType(b, attrs)).catch((e: unknown) => {
      if (e instanceof KubeError && e.alreadyExists) return;
      this.seen.delete(key);
      this.log({ err: (e as Error).message, broker: key }, 'EventType not created');
    });
  }
}
