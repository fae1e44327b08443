// `kn event send` and `kn broker tail`: a CloudEvent built from flags, and where it goes. A Broker,
// a Knative Service or a Kubernetes Service is reached through the API server's service proxy (no
// port-forward): POST /api/v1/namespaces/<ns>/services/<svc>[:port]/proxy/<path>. A URL is posted to
// directly. Pure, except send/tail which take the client.
import { randomUUID } from 'node:crypto';
import type { ParsedSink } from '../../api/eventing/sink.ts';
import { EVENTING_NAMESPACE } from '../../api/eventing/types.ts';

export interface EventFlagValues {
  type?: string;
  source?: string;
  id?: string;
  subject?: string;
  data?: string;
  'data-file'?: string;
  'content-type'?: string;
  extension?: string[];
}

export const DEFAULT_EVENT_TYPE = 'dev.knative.cli.plugin.event.generic';
export const DEFAULT_EVENT_SOURCE = 'kn-event';

/** The binary-mode headers and body of the event the flags describe; throws Error with a one-line message. */
export function buildEvent(f: EventFlagValues, fileData?: Buffer): { headers: Record<string, string>; body: Buffer } {
  if (f.data !== undefined && f['data-file'] !== undefined) throw new Error('use only one of --data and --data-file');
  const headers: Record<string, string> = {
    'ce-specversion': '1.0',
    'ce-id': f.id || randomUUID(),
    'ce-type': f.type || DEFAULT_EVENT_TYPE,
    'ce-source': f.source || DEFAULT_EVENT_SOURCE,
    'ce-time': new Date().toISOString(),
  };
  if (f.subject) headers['ce-subject'] = f.subject;
  for (const e of f.extension ?? []) {
    const i = e.indexOf('=');
    if (i <= 0) throw new Error(`invalid --extension ${JSON.stringify(e)}: expected NAME=VALUE`);
    const name = e.slice(0, i);
    if (!/^[a-z0-9]+$/.test(name)) throw new Error(`invalid --extension ${JSON.stringify(e)}: a CloudEvents attribute name is lower-case letters and digits`);
    if (['specversion', 'id', 'type', 'source', 'datacontenttype'].includes(name)) throw new Error(`invalid --extension ${JSON.stringify(e)}: use --${name === 'datacontenttype' ? 'content-type' : name}`);
    headers[`ce-${name}`] = encodeURIComponent(e.slice(i + 1)).replace(/%(2[13-46-9A-F]|3[A-F]|40|5[B-F]|60|7[B-E])/g, (m) => decodeURIComponent(m));
  }
  const body = fileData ?? Buffer.from(f.data ?? '');
  if (body.length) {
    let ct = f['content-type'];
    if (!ct) {
      try {
        JSON.parse(body.toString('utf8'));
        ct = 'application/json';
      } catch {
        ct = 'text/plain';
      }
    }
    headers['content-type'] = ct;
  } else if (f['content-type']) headers['content-type'] = f['content-type'];
  return { headers, body };
}

/** Where an event for a sink goes: an API-server proxy path, or a URL to post to directly. */
export function proxyTarget(sink: ParsedSink, latestRevision?: string): { proxyPath: string } | { url: string } {
  if ('uri' in sink) return { url: sink.uri };
  const { name, namespace } = sink.ref;
  const ns = encodeURIComponent(namespace);
  switch (`${sink.resource.group}/${sink.resource.resource}`) {
    case 'eventing.knative.dev/brokers':
      return { proxyPath: `/api/v1/namespaces/${EVENTING_NAMESPACE}/services/broker-ingress:http/proxy/${ns}/${encodeURIComponent(name)}` };
    case '/services':
      return { proxyPath: `/api/v1/namespaces/${ns}/services/${encodeURIComponent(name)}/proxy/` };
    case 'serving.knative.dev/services':
      if (!latestRevision) throw new Error(`Knative Service '${name}' has no ready revision to send to`);
      return { proxyPath: `/api/v1/namespaces/${ns}/services/${encodeURIComponent(latestRevision)}/proxy/` };
    default:
      throw new Error(`kn event send cannot send to ${sink.resource.resource}.${sink.resource.group}: use a broker, a Knative Service, a Kubernetes Service or a URL`);
  }
}

/** The proxy path of a Broker's live event stream. */
export const tailPath = (namespace: string, name: string): string =>
  `/api/v1/namespaces/${EVENTING_NAMESPACE}/services/broker-ingress:admin/proxy/tail/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;

/** One event of the tail, pretty-printed as kn prints a CloudEvent: attributes, extensions, then data. */
export function prettyEvent(ev: Record<string, unknown>): string {
  const core = ['specversion', 'type', 'source', 'id', 'time', 'subject', 'datacontenttype', 'dataschema'];
  const lines = ['☁️  cloudevents.Event', 'Context Attributes,'];
  for (const k of core) if (ev[k] !== undefined) lines.push(`  ${k}: ${String(ev[k])}`);
  const ext = Object.keys(ev)
    .filter((k) => !core.includes(k) && k !== 'data' && k !== 'data_base64')
    .sort();
  if (ext.length) {
    lines.push('Extensions,');
    for (const k of ext) lines.push(`  ${k}: ${String(ev[k])}`);
  }
  if (ev.data !== undefined || ev.data_base64 !== undefined) {
    lines.push('Data,');
    const d = ev.data !== undefined ? (typeof ev.data === 'string' ? ev.data : JSON.stringify(ev.data, null, 2)) : Buffer.from(String(ev.data_base64), 'base64').toString('utf8');
    lines.push(...d.split('\n').map((l) => `  ${l}`));
  }
  return `${lines.join('\n')}\n`;
}
