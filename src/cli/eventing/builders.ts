// Pure flag → object builders of `kn broker` and `kn trigger`, their tables and describe layouts.
import { ATTR_NAME_MESSAGE } from '../../api/eventing/filters.ts';
import { type ParsedSink, parseSink, sinkDestination, sinkToString } from '../../api/eventing/sink.ts';
import { BROKER_CLASS_ANNOTATION, BROKER_LABEL, type Broker, type Destination, type SubscriptionsAPIFilter, type Trigger } from '../../api/eventing/types.ts';
import { PrefixWriter, writeConditions, writeMetadata } from '../output/describe.ts';
import { ageCell, type Column, conditionsCell, readyCell, reasonCell } from '../output/table.ts';
import { type DeliveryFlagValues, deliveryFromFlags } from './delivery-flags.ts';

export interface BrokerFlagValues extends DeliveryFlagValues {
  class?: string;
  'broker-config'?: string;
}

const CONFIG_KINDS: Record<string, { apiVersion: string; kind: string }> = {
  cm: { apiVersion: 'v1', kind: 'ConfigMap' },
  configmap: { apiVersion: 'v1', kind: 'ConfigMap' },
  sc: { apiVersion: 'v1', kind: 'Secret' },
  secret: { apiVersion: 'v1', kind: 'Secret' },
  rmq: { apiVersion: 'rabbitmq.com/v1beta1', kind: 'RabbitmqCluster' },
  rabbitmq: { apiVersion: 'rabbitmq.com/v1beta1', kind: 'RabbitmqCluster' },
  rabbitmqcluster: { apiVersion: 'rabbitmq.com/v1beta1', kind: 'RabbitmqCluster' },
};

/** --broker-config: name | kind:name | kind:name:ns | apiVersion:kind:name:ns. */
export function parseBrokerConfig(s: string, namespace: string): { apiVersion: string; kind: string; name: string; namespace: string } {
  const p = s.split(':');
  if (!s || p.some((x) => !x) || p.length > 4) throw new Error(`invalid value for --broker-config: ${JSON.stringify(s)}`);
  if (p.length === 1) return { apiVersion: 'v1', kind: 'ConfigMap', name: p[0]!, namespace };
  if (p.length === 4) return { apiVersion: p[0]!, kind: p[1]!, name: p[2]!, namespace: p[3]! };
  const k = CONFIG_KINDS[p[0]!.toLowerCase()];
  if (!k) throw new Error(`invalid value for --broker-config: unknown kind ${JSON.stringify(p[0])}`);
  return { ...k, name: p[1]!, namespace: p[2] ?? namespace };
}

export function buildBroker(name: string, namespace: string, f: BrokerFlagValues): { broker: Broker; dlSink?: ParsedSink } {
  if (f['broker-config'] !== undefined && !f.class) throw new Error('cannot set broker-config without setting class');
  const { delivery, dlSink } = deliveryFromFlags(f, namespace);
  const broker: Broker = {
    apiVersion: 'eventing.knative.dev/v1',
    kind: 'Broker',
    metadata: { name, namespace, ...(f.class ? { annotations: { [BROKER_CLASS_ANNOTATION]: f.class } } : {}) },
    spec: {
      ...(f['broker-config'] !== undefined ? { config: parseBrokerConfig(f['broker-config'], namespace) } : {}),
      ...(Object.keys(delivery).length ? { delivery } : {}),
    },
  };
  return { broker, ...(dlSink ? { dlSink } : {}) };
}

/** --filter k=v (repeatable); on update `k-` removes k. Throws "Invalid --filter: …". */
export function applyFilters(current: Record<string, string> | undefined, flags: string[], allowRemove: boolean): Record<string, string> {
  const out = { ...(current ?? {}) };
  for (const f of flags) {
    if (allowRemove && f.endsWith('-') && !f.includes('=')) {
      delete out[f.slice(0, -1)];
      continue;
    }
    const i = f.indexOf('=');
    if (i <= 0) throw new Error(`Invalid --filter: Argument requires a value that contains the "=" character; got ${JSON.stringify(f)}`);
    const k = f.slice(0, i);
    if (!/^[a-z][a-z0-9]*$/.test(k)) throw new Error(`Invalid --filter: ${ATTR_NAME_MESSAGE}: ${JSON.stringify(k)}`);
    out[k] = f.slice(i + 1);
  }
  return out;
}

export interface TriggerFlagValues {
  broker?: string;
  filter?: string[];
  sink?: string;
}

export function buildTrigger(name: string, namespace: string, f: TriggerFlagValues): { trigger: Trigger; sink: ParsedSink } {
  if (!f.sink) throw new Error('required flag(s) "sink" not set');
  const sink = parseSink(f.sink, namespace);
  const attributes = applyFilters(undefined, f.filter ?? [], false);
  const broker = f.broker ?? 'default';
  return {
    sink,
    trigger: {
      apiVersion: 'eventing.knative.dev/v1',
      kind: 'Trigger',
      metadata: { name, namespace, labels: { [BROKER_LABEL]: broker } },
      spec: { broker, filter: Object.keys(attributes).length ? { attributes } : {}, subscriber: sinkDestination(sink, namespace) },
    },
  };
}

// ---- tables ----

export const brokerColumns = (now = Date.now()): Column<Broker>[] => [
  { name: 'Name', cell: (b) => b.metadata.name ?? '' },
  { name: 'Url', cell: (b) => b.status?.address?.url ?? '' },
  { name: 'Age', cell: (b) => ageCell(b.metadata.creationTimestamp, now) },
  { name: 'Conditions', cell: (b) => conditionsCell(b.status?.conditions) },
  { name: 'Ready', cell: (b) => readyCell(b.status?.conditions) },
  { name: 'Reason', cell: (b) => reasonCell(b.status?.conditions) },
];

export const sinkCell = (d: Destination | undefined, ns: string | undefined) => {
  const s = sinkToString(d);
  const rns = d?.ref?.namespace;
  return d?.ref && rns && rns !== ns ? `${s}:${rns}` : s;
};

export const triggerColumns = (now = Date.now()): Column<Trigger>[] => [
  { name: 'Name', cell: (t) => t.metadata.name ?? '' },
  { name: 'Broker', cell: (t) => t.spec?.broker ?? t.spec?.brokerRef?.name ?? '' },
  { name: 'Sink', cell: (t) => sinkCell(t.spec?.subscriber, t.metadata.namespace) },
  { name: 'Age', cell: (t) => ageCell(t.metadata.creationTimestamp, now) },
  { name: 'Conditions', cell: (t) => conditionsCell(t.status?.conditions) },
  { name: 'Ready', cell: (t) => readyCell(t.status?.conditions) },
  { name: 'Reason', cell: (t) => reasonCell(t.status?.conditions) },
];

// ---- describe ----

export function describeBroker(b: Broker, details: boolean, now = Date.now()): string {
  const dw = new PrefixWriter();
  writeMetadata(dw, b.metadata, details, now);
  dw.writeLine();
  const a = dw.writeAttribute('Address', '');
  a.writeAttribute('URL', b.status?.address?.url ?? '');
  // Upstream prints no delivery; kn-ts shows it with -v (docs/compatibility.md).
  const d = details ? b.spec?.delivery : undefined;
  if (d) {
    dw.writeLine();
    const w = dw.writeAttribute('Delivery', '');
    if (d.deadLetterSink) writeSink(w.writeAttribute('Dead Letter Sink', ''), d.deadLetterSink, b.metadata.namespace);
    if (d.retry !== undefined) w.writeAttribute('Retry', String(d.retry));
    if (d.backoffPolicy) w.writeAttribute('Backoff Policy', d.backoffPolicy);
    if (d.backoffDelay) w.writeAttribute('Backoff Delay', d.backoffDelay);
    if (d.timeout) w.writeAttribute('Timeout', d.timeout);
    if (d.retryAfterMax) w.writeAttribute('Retry After Max', d.retryAfterMax);
  }
  dw.writeLine();
  writeConditions(dw, b.status?.conditions, details, now);
  return dw.toString();
}

export function writeSink(w: PrefixWriter, d: Destination, ns: string | undefined): void {
  if (d.ref) {
    w.writeAttribute('Name', d.ref.name);
    if (d.ref.namespace && d.ref.namespace !== ns) w.writeAttribute('Namespace', d.ref.namespace);
    w.writeAttribute('Resource', `${d.ref.kind} (${d.ref.apiVersion ?? ''})`);
  }
  if (d.uri) w.writeAttribute('URI', d.uri);
}

function writeFilter(w: PrefixWriter, f: SubscriptionsAPIFilter): void {
  for (const k of ['exact', 'prefix', 'suffix'] as const) {
    const m = f[k];
    if (!m) continue;
    const x = w.writeAttribute(k, '');
    for (const [a, v] of Object.entries(m).sort()) x.writeAttribute(a, v);
  }
  if (f.cesql !== undefined) w.writeAttribute('cesql', f.cesql);
  for (const k of ['all', 'any'] as const) {
    if (!f[k]) continue;
    const x = w.writeAttribute(k, '');
    for (const c of f[k]!) writeFilter(x, c);
  }
  if (f.not) writeFilter(w.writeAttribute('not', ''), f.not);
}

export function describeTrigger(t: Trigger, details: boolean, now = Date.now()): string {
  const dw = new PrefixWriter();
  writeMetadata(dw, t.metadata, details, now);
  dw.writeAttribute('Broker', t.spec?.broker ?? t.spec?.brokerRef?.name ?? '');
  const attrs = t.spec?.filter?.attributes ?? {};
  if (t.spec?.filters?.length) {
    const w = dw.writeAttribute('Filters (experimental)', '');
    for (const f of t.spec.filters) writeFilter(w, f);
  } else if (Object.keys(attrs).length) {
    const w = dw.writeAttribute('Filter', '');
    for (const [k, v] of Object.entries(attrs).sort()) w.writeAttribute(k, v);
  }
  dw.writeLine();
  if (t.spec?.subscriber) writeSink(dw.writeAttribute('Sink', ''), t.spec.subscriber, t.metadata.namespace);
  dw.writeLine();
  writeConditions(dw, t.status?.conditions, details, now);
  return dw.toString();
}

