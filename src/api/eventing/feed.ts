// The data-plane feed (ADR 0031), pure: what the controller streams to the broker pods so that the
// broker holds no connection to the API server. A broker opens `GET /v1/feed` on the controller
// with a service account token of audience `kn-ts-controller`; the answer is newline-delimited JSON:
// a `put` for every Broker, Trigger and InMemoryChannel (only the fields the broker reads), the
// `features` it needs, `synced`, then every change as it happens, and a `ping` every few seconds.
// The broker reports the (type, source) pairs it accepts with `POST /v1/eventtypes`, and the
// controller creates the EventTypes when eventtype-auto-create is on.
import type { Addressable } from './eventtype-auto.ts';
import { BROKER_CLASS_ANNOTATION, type Broker, type Trigger } from './types.ts';
import type { InMemoryChannel } from '../messaging/types.ts';
import type { KubeObject, ObjectMeta } from '../meta.ts';

export const FEED_PATH = '/v1/feed';
export const EVENTTYPES_PATH = '/v1/eventtypes';
/** The audience of the broker's projected service account token (the controller reviews it). */
export const FEED_AUDIENCE = 'kn-ts-controller';
export const FEED_PORT = 9095;
/** The identity the controller serves the feed to (the broker Deployment's service account). */
export const BROKER_USER = 'system:serviceaccount:knative-eventing:broker';
/** Where the broker Deployment mounts its projected token (manifests/420-broker.yaml). */
export const FEED_TOKEN_FILE = '/var/run/secrets/kn-ts/feed/token';
export const FEED_URL = `http://controller.knative-serving.svc.cluster.local:${FEED_PORT}`;
/** The controller pings this often; a broker that hears nothing for three times as long reconnects. */
export const FEED_PING_MS = 10_000;

export type FeedKind = 'Broker' | 'Trigger' | 'InMemoryChannel';
export const FEED_KINDS: readonly FeedKind[] = ['Broker', 'Trigger', 'InMemoryChannel'];

export type FeedMessage =
  | { op: 'put'; kind: FeedKind; object: KubeObject }
  | { op: 'delete'; kind: FeedKind; key: string }
  | { op: 'features'; eventTypeAutoCreate: boolean }
  | { op: 'synced' }
  | { op: 'ping' };

export const feedKey = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

const meta = (m: ObjectMeta, annotation?: string): ObjectMeta => {
  const v = annotation ? m.annotations?.[annotation] : undefined;
  return {
    name: m.name ?? '',
    namespace: m.namespace ?? '',
    uid: m.uid ?? '',
    ...(v !== undefined && annotation ? { annotations: { [annotation]: v } } : {}),
    ...(m.deletionTimestamp ? { deletionTimestamp: m.deletionTimestamp } : {}),
  };
};

/**
 * What the broker reads of an object (table.ts, channel/table.ts, the EventType references): the
 * feed sends this, and nothing else, so status-only changes the broker does not read send nothing.
 */
export function project(kind: FeedKind, o: KubeObject): KubeObject {
  if (kind === 'Broker') {
    const b = o as Broker;
    const s = b.status;
    return {
      metadata: meta(b.metadata, BROKER_CLASS_ANNOTATION),
      ...(b.spec?.delivery ? { spec: { delivery: b.spec.delivery } } : {}),
      status: { ...(s?.address?.name ? { address: { name: s.address.name } } : {}), ...(s?.deadLetterSinkUri ? { deadLetterSinkUri: s.deadLetterSinkUri } : {}) },
    };
  }
  if (kind === 'Trigger') {
    const t = o as Trigger;
    const s = t.status;
    return {
      metadata: meta(t.metadata),
      ...(t.spec ? { spec: t.spec } : {}),
      status: { ...(s?.subscriberUri ? { subscriberUri: s.subscriberUri } : {}), ...(s?.deadLetterSinkUri ? { deadLetterSinkUri: s.deadLetterSinkUri } : {}) },
    };
  }
  const c = o as InMemoryChannel;
  return { metadata: meta(c.metadata), spec: { subscribers: c.spec?.subscribers ?? [] } };
}

/** One line of the feed. */
export const encodeFeed = (m: FeedMessage): string => `${JSON.stringify(m)}\n`;

/** A line of the feed, checked; undefined when it is not one (the broker drops the connection). */
export function decodeFeed(line: string): FeedMessage | undefined {
  let m: FeedMessage;
  try {
    m = JSON.parse(line) as FeedMessage;
  } catch {
    return undefined;
  }
  if (!m || typeof m !== 'object') return undefined;
  switch (m.op) {
    case 'put':
      return FEED_KINDS.includes(m.kind) && typeof m.object?.metadata?.name === 'string' ? m : undefined;
    case 'delete':
      return FEED_KINDS.includes(m.kind) && typeof m.key === 'string' ? m : undefined;
    case 'features':
      return typeof m.eventTypeAutoCreate === 'boolean' ? m : undefined;
    case 'synced':
    case 'ping':
      return m;
    default:
      return undefined;
  }
}

/**
 * The broker's copy of what the feed sent. A connection's first snapshot fills a fresh copy that
 * replaces the old one at `synced` (what a reconnect no longer lists is gone); until then the old
 * copy keeps serving.
 */
export class FeedMirror {
  private live = new Map<FeedKind, Map<string, KubeObject>>(FEED_KINDS.map((k) => [k, new Map()]));
  private next: Map<FeedKind, Map<string, KubeObject>> | undefined;
  eventTypeAutoCreate = false;

  /** A new connection: its snapshot builds the next copy. */
  reset(): void {
    this.next = new Map(FEED_KINDS.map((k) => [k, new Map()]));
  }

  /** Applies a message; true when what the broker serves changed. */
  apply(m: FeedMessage): boolean {
    const target = this.next ?? this.live;
    switch (m.op) {
      case 'put':
        target.get(m.kind)!.set(feedKey(m.object), m.object);
        return !this.next;
      case 'delete':
        return target.get(m.kind)!.delete(m.key) && !this.next;
      case 'features':
        this.eventTypeAutoCreate = m.eventTypeAutoCreate;
        return false;
      case 'synced':
        if (this.next) this.live = this.next;
        this.next = undefined;
        return true;
      default:
        return false;
    }
  }

  list<T extends KubeObject>(kind: FeedKind): T[] {
    return [...this.live.get(kind)!.values()] as T[];
  }

  get<T extends KubeObject>(kind: FeedKind, key: string): T | undefined {
    return this.live.get(kind)!.get(key) as T | undefined;
  }
}

/** What the broker reports: an event an addressable accepted (or a Trigger's subscriber replied with). */
export interface ObservedEventType {
  ref: Addressable;
  type: string;
  source: string;
  dataschema?: string;
  specversion?: string;
}

/** The key of a report: the controller creates one EventType per key, the broker reports each once. */
export const observedKey = (o: ObservedEventType): string => `${o.ref.kind}/${o.ref.namespace}/${o.ref.name}/${o.ref.uid}/${o.type}/${o.source}`;

const str = (v: unknown): v is string => typeof v === 'string';

/** The body of `POST /v1/eventtypes` (a JSON array), checked; a string says what is wrong. */
export function parseObserved(body: string): ObservedEventType[] | string {
  let a: unknown;
  try {
    a = JSON.parse(body);
  } catch {
    return 'the body is not JSON';
  }
  if (!Array.isArray(a)) return 'the body must be a JSON array';
  for (const o of a as ObservedEventType[]) {
    const r = o?.ref;
    if (!r || !FEED_KINDS.includes(r.kind) || !str(r.name) || !str(r.namespace) || !str(r.uid) || !r.name || !r.namespace) return 'each item needs ref.kind (Broker, Trigger or InMemoryChannel), ref.name, ref.namespace and ref.uid';
    if (!str(o.type) || !o.type || !str(o.source)) return 'each item needs a type and a source';
    if ((o.dataschema !== undefined && !str(o.dataschema)) || (o.specversion !== undefined && !str(o.specversion))) return 'dataschema and specversion must be strings';
  }
  return a as ObservedEventType[];
}
