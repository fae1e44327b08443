// EventType auto-creation in the controller (ADR 0031): the broker reports the (type, source) pairs
// its Brokers, InMemoryChannels and Trigger replies carry (POST /v1/eventtypes on the feed), and the
// controller creates upstream's EventType for each new one while config-features enables
// eventtype-auto-create, ignoring AlreadyExists (another replica, or a report sent twice).
import { autoEventType } from '../../api/eventing/eventtype-auto.ts';
import { type ObservedEventType, observedKey } from '../../api/eventing/feed.ts';
import { R } from '../../api/resources.ts';
import type { KubeClient } from '../../kube/client.ts';
import { KubeError } from '../../kube/errors.ts';
import type { Logger } from '../runtime/types.ts';

export class EventTypeAutoCreator {
  private readonly seen = new Set<string>();
  private readonly client: KubeClient;
  private readonly log: Logger;
  constructor(client: KubeClient, log: Logger) {
    this.client = client;
    this.log = log;
  }

  /** Creates the EventTypes of what was observed that this replica has not created yet. */
  async create(observed: ObservedEventType[]): Promise<void> {
    await Promise.all(
      observed.map(async (o) => {
        const key = observedKey(o);
        if (this.seen.has(key)) return;
        if (this.seen.size > 10_000) this.seen.clear();
        this.seen.add(key);
        try {
          await this.client.create(R.EventType, autoEventType(o.ref, { type: o.type, source: o.source, dataschema: o.dataschema, specversion: o.specversion }));
        } catch (e) {
          if (e instanceof KubeError && e.alreadyExists) return;
          this.seen.delete(key);
          this.log.warn({ err: (e as Error).message, addressable: key }, 'EventType not created');
        }
      }),
    );
  }
}
