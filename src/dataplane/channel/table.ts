// What the InMemoryChannel dispatcher serves, built from InMemoryChannels (pure apart from the
// reply hook it is handed): each channel becomes an entry of the broker's engine (ADR 0018) with
// one route per spec.subscribers entry, matching every event (a channel has no filter). A
// subscriber's reply is queued on an entry of its own that delivers it to the replyUri with the
// subscriber's retries and dead-letter sink; a subscriber without a replyUri drops replies (as
// upstream). An entry with a replyUri and no subscriberUri forwards events to the reply.
import { retryConfig } from '../../api/eventing/delivery.ts';
import { channelAddress, type InMemoryChannel, type SubscriberSpec } from '../../api/messaging/types.ts';
import type { Route, Table } from '../broker/table.ts';
import type { BrokerEvent } from '../broker/event.ts';

const ALL = () => true;
const DROP = () => 202;

/** The engine key of the queue that delivers the replies of subscriber uid. */
export const replyKey = (uid: string): string => `!reply/${uid}`;

function route(uid: string, namespace: string, name: string, target: string, s: SubscriberSpec, reply: Route['reply'], replyDest?: string): Route {
  const d = s.delivery;
  return {
    uid,
    namespace,
    name,
    match: ALL,
    subscriberUri: target,
    dlsUri: d?.deadLetterSink?.uri,
    retry: retryConfig(d),
    format: d?.format === 'json' ? 'json' : 'binary',
    specKey: '',
    ...(reply ? { reply } : {}),
    ...(replyDest ? { replyDest } : {}),
  };
}

/**
 * The table of every InMemoryChannel: `<ns>/<name>` → its subscribers, and `!reply/<uid>` (no namespace starts with !) → the
 * delivery of that subscriber's replies. `ingest` is the engine's (the reply hook queues there).
 */
export function buildChannelTable(channels: InMemoryChannel[], ingest: (key: string, ev: BrokerEvent) => number): Table {
  const table: Table = new Map();
  for (const c of channels) {
    if (c.metadata.deletionTimestamp) continue;
    const ns = c.metadata.namespace ?? '';
    const name = c.metadata.name ?? '';
    const entry = { namespace: ns, name, address: channelAddress(ns, name), routes: [] as Route[], channel: true };
    table.set(`${ns}/${name}`, entry);
    (c.spec?.subscribers ?? []).forEach((s, i) => {
      const uid = s.uid || `${ns}/${name}/${i}`;
      const label = s.name ?? uid;
      if (s.subscriberUri) {
        if (s.replyUri) {
          const key = replyKey(uid);
          table.set(key, { namespace: ns, name: label, address: s.replyUri, channel: true, routes: [route(key, ns, label, s.replyUri, s, DROP)] });
          entry.routes.push(route(uid, ns, label, s.subscriberUri, s, (ev) => ingest(key, ev), s.replyUri));
        } else entry.routes.push(route(uid, ns, label, s.subscriberUri, s, DROP));
      } else if (s.replyUri) entry.routes.push(route(uid, ns, label, s.replyUri, s, DROP));
    });
  }
  return table;
}
