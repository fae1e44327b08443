// The sink syntax of kn (pkg/flags/sink): `ksvc:NAME[:NS]`, `broker:NAME`, `channel:NAME`,
// `svc:NAME`, a bare NAME (a Knative Service), `GROUP/VERSION/RESOURCE:NAME`, or an http(s) URL.
// One parser for every command that takes a sink (trigger, the sources to come, broker --dl-sink,
// kn event send). Pure: checking that the referenced object exists is the caller's.
import type { Destination, KReference } from './types.ts';

export interface SinkResource {
  group: string;
  version: string;
  resource: string;
  kind: string;
}

export const SINK_PREFIXES: Record<string, SinkResource> = {
  ksvc: { group: 'serving.knative.dev', version: 'v1', resource: 'services', kind: 'Service' },
  broker: { group: 'eventing.knative.dev', version: 'v1', resource: 'brokers', kind: 'Broker' },
  channel: { group: 'messaging.knative.dev', version: 'v1', resource: 'channels', kind: 'Channel' },
  svc: { group: '', version: 'v1', resource: 'services', kind: 'Service' },
};

export const SINK_USAGE =
  "Addressable sink for events. You can specify a broker, channel, Knative service, Kubernetes service or URI. Examples: '--sink broker:nest' for a broker 'nest', '--sink channel:pipe' for a channel 'pipe', '--sink ksvc:mysvc:mynamespace' for a Knative service 'mysvc' in another namespace 'mynamespace', '--sink https://event.receiver.uri' for an HTTP URI, '--sink ksvc:receiver' or simply '--sink receiver' for a Knative service 'receiver' in the current namespace, '--sink svc:receiver:mynamespace' for a Kubernetes service 'receiver' in the 'mynamespace' namespace, '--sink special.eventing.dev/v1alpha1/channels:pipe' for GroupVersionResource of v1alpha1 'pipe'. If a prefix is not provided, it is considered as a Knative service in the current namespace.";

export type ParsedSink = { uri: string } | { ref: KReference & { namespace: string }; resource: SinkResource };

const kindOf = (resource: string): string => {
  const singular = resource.endsWith('ies') ? `${resource.slice(0, -3)}y` : resource.endsWith('s') ? resource.slice(0, -1) : resource;
  return singular.charAt(0).toUpperCase() + singular.slice(1);
};

/** Parses a sink; throws Error with upstream's message for bad input. */
export function parseSink(s: string, namespace: string): ParsedSink {
  if (!s) throw new Error('sink is required');
  const parts = s.split(':');
  if ((parts[0] === 'http' || parts[0] === 'https') && parts.length > 1) {
    let u: URL;
    try {
      u = new URL(s);
    } catch {
      throw new Error(`sink has invalid format: ${s}`);
    }
    if (!u.host) throw new Error(`sink has invalid format: ${s}`);
    return { uri: s };
  }
  if (parts.length > 3 || parts.some((p) => p === '')) throw new Error(`sink has invalid format: ${s}`);
  let prefix = 'ksvc';
  let name: string;
  let ns = namespace;
  if (parts.length === 1) name = parts[0]!;
  else {
    prefix = parts[0]!;
    name = parts[1]!;
    if (parts.length === 3) ns = parts[2]!;
  }
  let res = SINK_PREFIXES[prefix];
  if (!res) {
    const slash = prefix.lastIndexOf('/');
    if (slash < 0) throw new Error(`unsupported sink prefix: '${prefix}'`);
    const gv = prefix.slice(0, slash);
    let resource = prefix.slice(slash + 1).toLowerCase();
    if (!resource.endsWith('s')) resource += 's';
    const [group, version] = gv.includes('/') ? (gv.split('/') as [string, string]) : ['', gv];
    if (!version) throw new Error(`sink has invalid format: ${s}`);
    res = { group, version, resource, kind: kindOf(resource) };
  }
  return {
    ref: { kind: res.kind, name, namespace: ns, apiVersion: res.group ? `${res.group}/${res.version}` : res.version },
    resource: res,
  };
}

/** The Destination a parsed sink stands for (ref namespace kept only when it differs from the object's). */
export function sinkDestination(p: ParsedSink, objectNamespace: string): Destination {
  if ('uri' in p) return { uri: p.uri };
  const { namespace, ...ref } = p.ref;
  return { ref: namespace && namespace !== objectNamespace ? { ...ref, namespace } : { ...ref, namespace } };
}

/** A Destination as kn prints it in tables: ksvc:NAME, broker:NAME, svc:NAME, channel:NAME, or the URI. */
export function sinkToString(d: Destination | undefined): string {
  if (!d) return '';
  if (d.ref) {
    const av = d.ref.apiVersion ?? '';
    const group = av.includes('/') ? av.split('/')[0] : '';
    let text: string;
    if (d.ref.kind === 'Service' && group === 'serving.knative.dev') text = `ksvc:${d.ref.name}`;
    else if (d.ref.kind === 'Service' && !group) text = `svc:${d.ref.name}`;
    else if (d.ref.kind === 'Broker') text = `broker:${d.ref.name}`;
    else if (d.ref.kind === 'Channel' || d.ref.kind === 'InMemoryChannel') text = `channel:${d.ref.name}`;
    else text = `${d.ref.kind.toLowerCase()}s.${av}:${d.ref.name}`;
    return d.uri ? `${text}${d.uri.startsWith('/') ? '' : '/'}${d.uri}` : text;
  }
  return d.uri ?? '';
}
