// Pure flag → object builders of `kn channel` and `kn subscription` (upstream kn's
// pkg/flags/channel_types.go, pkg/commands/channel, pkg/commands/subscription), their tables and
// describe layouts.
import { type ParsedSink, parseSink, sinkDestination } from '../../api/eventing/sink.ts';
import type { KReference } from '../../api/eventing/types.ts';
import { type Channel, MESSAGING_V1, type Subscription } from '../../api/messaging/types.ts';
import type { KubeObject } from '../../api/meta.ts';
import { sinkCell, writeSink } from '../eventing/builders.ts';
import { PrefixWriter, writeConditions, writeMetadata } from '../output/describe.ts';
import { ageCell, type Column, readyCell, reasonCell } from '../output/table.ts';

export interface Gvk {
  group: string;
  version: string;
  kind: string;
}

/** Built-in channel type aliases (kn config's channel-type-mappings add to these upstream). */
export const CHANNEL_TYPE_ALIASES: Record<string, Gvk> = { imc: { group: 'messaging.knative.dev', version: 'v1', kind: 'InMemoryChannel' } };

/** The descriptions `kn channel list-types` prints. */
export const CHANNEL_TYPE_DESCRIPTIONS: Record<string, string> = {
  InMemoryChannel: 'The events are stored in memory',
  KafkaChannel: 'The events are stored in a Kafka cluster (must be installed separately)',
};

const TYPE_FORMAT = "must be in the format 'Group:Version:Kind' or configure an alias in kn config";
const CHANNEL_FORMAT = "must be in the format 'Group:Version:Kind:Name' or configure an alias in kn config and refer as: '--channel ALIAS:NAME'";

/** --type: an alias (imc) or Group:Version:Kind. */
export function parseChannelType(s: string): Gvk {
  const p = s.split(':');
  if (p.length === 1) {
    const t = CHANNEL_TYPE_ALIASES[s];
    if (t) return t;
    throw new Error(`unknown channel type alias: '${s}'`);
  }
  if (p.length === 3 && p.every((x) => x)) return { group: p[0]!, version: p[1]!, kind: p[2]! };
  throw new Error(`incorrect value '${s}' for '--type', ${TYPE_FORMAT}`);
}

/** --channel: NAME (a Channel), ALIAS:NAME, or Group:Version:Kind:Name. */
export function parseChannelRef(s: string): KReference {
  const p = s.split(':');
  if (p.length === 1) return { kind: 'Channel', apiVersion: MESSAGING_V1, name: p[0]! };
  if (p.length === 2) {
    const t = CHANNEL_TYPE_ALIASES[p[0]!];
    if (!t) throw new Error(`unknown alias '${p[0]}' for '--channel', please configure the alias in kn config or specify in the format '--channel Group:Version:Kind:Name'`);
    return { kind: t.kind, apiVersion: `${t.group}/${t.version}`, name: p[1]! };
  }
  if (p.length === 4 && p.every((x) => x)) return { kind: p[2]!, apiVersion: `${p[0]}/${p[1]}`, name: p[3]! };
  throw new Error(`incorrect value '${s}' for '--channel', ${CHANNEL_FORMAT}`);
}

export function buildChannel(name: string, namespace: string, type: string | undefined): Channel {
  const t = type !== undefined ? parseChannelType(type) : undefined;
  return {
    apiVersion: MESSAGING_V1,
    kind: 'Channel',
    metadata: { name, namespace },
    spec: t ? { channelTemplate: { apiVersion: `${t.group}/${t.version}`, kind: t.kind } } : {},
  };
}

export interface SubscriptionFlagValues {
  channel?: string;
  sink?: string;
  'sink-reply'?: string;
  'sink-dead-letter'?: string;
}

/** The sinks the flags name (for kn's existence check), parsed. */
export interface ParsedSinks {
  sink?: ParsedSink;
  reply?: ParsedSink;
  dls?: ParsedSink;
}

export function parseSinks(f: SubscriptionFlagValues, namespace: string): ParsedSinks {
  const p = (v: string | undefined) => (v === undefined ? undefined : parseSink(v, namespace));
  const out: ParsedSinks = {};
  const sink = p(f.sink);
  const reply = p(f['sink-reply']);
  const dls = p(f['sink-dead-letter']);
  if (sink) out.sink = sink;
  if (reply) out.reply = reply;
  if (dls) out.dls = dls;
  return out;
}

/** Applies the sink flags to a Subscription's spec (create and update alike); flags not given leave the spec as it is. */
export function applySinks(sub: Subscription, s: ParsedSinks, namespace: string): void {
  const spec = (sub.spec ??= {});
  if (s.sink) spec.subscriber = sinkDestination(s.sink, namespace);
  if (s.reply) spec.reply = sinkDestination(s.reply, namespace);
  if (s.dls) spec.delivery = { ...(spec.delivery ?? {}), deadLetterSink: sinkDestination(s.dls, namespace) };
}

export function buildSubscription(name: string, namespace: string, f: SubscriptionFlagValues): { subscription: Subscription; sinks: ParsedSinks } {
  const channel = parseChannelRef(f.channel ?? '');
  const sinks = parseSinks(f, namespace);
  const subscription: Subscription = { apiVersion: MESSAGING_V1, kind: 'Subscription', metadata: { name, namespace }, spec: { channel } };
  applySinks(subscription, sinks, namespace);
  return { subscription, sinks };
}

// ---- tables ----

export const channelColumns = (now = Date.now()): Column<Channel>[] => [
  { name: 'Name', cell: (c) => c.metadata.name ?? '' },
  { name: 'Type', cell: (c) => c.spec?.channelTemplate?.kind ?? '' },
  { name: 'Url', cell: (c) => c.status?.address?.url ?? '' },
  { name: 'Age', cell: (c) => ageCell(c.metadata.creationTimestamp, now) },
  { name: 'Ready', cell: (c) => readyCell(c.status?.conditions) },
  { name: 'Reason', cell: (c) => reasonCell(c.status?.conditions) },
];

export const subscriptionColumns = (): Column<Subscription>[] => [
  { name: 'Name', cell: (s) => s.metadata.name ?? '' },
  { name: 'Channel', cell: (s) => `${s.spec?.channel?.kind ?? ''}:${s.spec?.channel?.name ?? ''}` },
  { name: 'Subscriber', cell: (s) => sinkCell(s.spec?.subscriber, s.metadata.namespace) },
  { name: 'Reply', cell: (s) => sinkCell(s.spec?.reply, s.metadata.namespace) },
  { name: 'Dead Letter Sink', cell: (s) => sinkCell(s.spec?.delivery?.deadLetterSink, s.metadata.namespace) },
  { name: 'Ready', cell: (s) => readyCell(s.status?.conditions) },
  { name: 'Reason', cell: (s) => reasonCell(s.status?.conditions) },
];

export type ChannelTypeCrd = KubeObject & { spec?: { names?: { kind?: string } } };

export const channelTypeColumns = (): Column<ChannelTypeCrd>[] => [
  { name: 'Type', cell: (c) => c.spec?.names?.kind ?? '' },
  { name: 'Name', cell: (c) => c.metadata.name ?? '' },
  { name: 'Description', cell: (c) => CHANNEL_TYPE_DESCRIPTIONS[c.spec?.names?.kind ?? ''] ?? '' },
];

/** kn's order with -A: the default namespace first, then the others by namespace. */
export function listOrder<T extends KubeObject>(items: T[], allNamespaces: boolean): T[] {
  const key = (o: T) => (allNamespaces ? `${o.metadata.namespace === 'default' ? '0' : '1'}${o.metadata.namespace}/` : '') + (o.metadata.name ?? '');
  return [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

// ---- describe ----

export function describeChannel(c: Channel, details: boolean, now = Date.now()): string {
  const dw = new PrefixWriter();
  writeMetadata(dw, c.metadata, details, now);
  dw.writeAttribute('Type', `${c.spec?.channelTemplate?.kind ?? ''} (${c.spec?.channelTemplate?.apiVersion ?? ''})`);
  if (c.status?.address) dw.writeAttribute('URL', c.status.address.url ?? '');
  dw.writeLine();
  writeConditions(dw, c.status?.conditions, details, now);
  return dw.toString();
}

export function describeSubscription(s: Subscription, details: boolean, now = Date.now()): string {
  const dw = new PrefixWriter();
  const ns = s.metadata.namespace;
  writeMetadata(dw, s.metadata, details, now);
  dw.writeAttribute('Channel', `${s.spec?.channel?.kind ?? ''}:${s.spec?.channel?.name ?? ''} (${s.spec?.channel?.apiVersion ?? ''})`);
  if (s.spec?.subscriber) writeSink(dw.writeAttribute('Subscriber', ''), s.spec.subscriber, ns);
  if (s.spec?.reply) writeSink(dw.writeAttribute('Reply', ''), s.spec.reply, ns);
  if (s.spec?.delivery?.deadLetterSink) writeSink(dw.writeAttribute('DeadLetterSink', ''), s.spec.delivery.deadLetterSink, ns);
  dw.writeLine();
  writeConditions(dw, s.status?.conditions, details, now);
  return dw.toString();
}
