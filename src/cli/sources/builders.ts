// Pure builders of `kn source …` (upstream's pkg/commands/source/{ping,apiserver,binding,container}):
// flags → PingSource/ApiServerSource/SinkBinding fields, the --ce-override, --resource and --subject
// grammars, the list columns and the describe layouts. No I/O.
import { parseSink, sinkDestination, sinkToString } from '../../api/eventing/sink.ts';
import type { Destination } from '../../api/eventing/types.ts';
import type { KubeObject } from '../../api/meta.ts';
import type { ApiServerSource, APIVersionKindSelector, CloudEventOverrides, ContainerSource, PingSource, SinkBinding, SourceStatus, SubjectReference } from '../../api/sources/types.ts';
import { PrefixWriter, writeConditions, writeMetadata } from '../output/describe.ts';
import { ageCell, type Column, conditionsCell, readyCell, reasonCell } from '../output/table.ts';

/** --ce-override k=v (set) and k- (unset) applied onto existing overrides; undefined when none remain. */
export function applyCeOverrides(base: CloudEventOverrides | undefined, flags: string[] | undefined): CloudEventOverrides | undefined {
  if (!flags?.length) return base;
  const ext: Record<string, string> = { ...(base?.extensions ?? {}) };
  for (const f of flags) {
    const eq = f.indexOf('=');
    if (eq > 0) ext[f.slice(0, eq)] = f.slice(eq + 1);
    else if (f.endsWith('-') && f.length > 1) delete ext[f.slice(0, -1)];
    else throw new Error(`Invalid --ce-override: expected key=value or key-, got '${f}'`);
  }
  for (const k of Object.keys(ext)) if (!/^[a-zA-Z0-9]+$/.test(k)) throw new Error(`Invalid --ce-override: extension name '${k}' must be alphanumeric`);
  return Object.keys(ext).length ? { extensions: ext } : undefined;
}

export const sinkFromFlag = (s: string, ns: string): Destination => sinkDestination(parseSink(s, ns), ns);

// ---- ping ----

export interface PingFlagValues {
  schedule?: string;
  data?: string;
  encoding?: string;
  sink?: string;
  'ce-override'?: string[];
}

const isBase64 = (s: string): boolean => s.length > 0 && s.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s);

/** Applies ping flags onto a PingSource (create or update). Throws Error with kn's messages. */
export function applyPingFlags(p: PingSource, f: PingFlagValues, ns: string): PingSource {
  const spec = (p.spec ??= {});
  if (f.schedule !== undefined) spec.schedule = f.schedule;
  if (f.encoding !== undefined && f.encoding !== 'text' && f.encoding !== 'base64') throw new Error(`invalid value: ${f.encoding}. Accepted values are: text|base64`);
  if (f.data !== undefined) {
    const b64 = f.encoding ? f.encoding === 'base64' : isBase64(f.data);
    delete spec.data;
    delete spec.dataBase64;
    if (b64) spec.dataBase64 = f.data;
    else spec.data = f.data;
  }
  if (f.sink) spec.sink = sinkFromFlag(f.sink, ns);
  const ce = applyCeOverrides(spec.ceOverrides, f['ce-override']);
  if (ce) spec.ceOverrides = ce;
  else delete spec.ceOverrides;
  return p;
}

// ---- apiserver ----

export const RESOURCE_FORMAT = '<kind:apiVersion[:label1=val1,label2=val2,..]>';

/** --resource Kind:APIVersion[:k=v,k2=v2] */
export function parseResource(s: string): APIVersionKindSelector {
  const parts = s.split(':');
  if (parts.length < 2 || parts.length > 3 || !parts[0] || !parts[1]) throw new Error(`invalid resource: ${s} (expected: ${RESOURCE_FORMAT})`);
  const r: APIVersionKindSelector = { kind: parts[0], apiVersion: parts[1] };
  if (parts[2]) {
    const matchLabels: Record<string, string> = {};
    for (const kv of parts[2].split(',')) {
      const [k, v, extra] = kv.split('=');
      if (!k || v === undefined || extra !== undefined) throw new Error(`invalid label selector in resource specification ${s} (expected: ${RESOURCE_FORMAT})`);
      matchLabels[k] = v;
    }
    r.selector = { matchLabels };
  }
  return r;
}

export interface ApiServerFlagValues {
  resource?: string[];
  mode?: string;
  'service-account'?: string;
  sink?: string;
  'ce-override'?: string[];
}

export function applyApiServerFlags(a: ApiServerSource, f: ApiServerFlagValues, ns: string, create: boolean): ApiServerSource {
  const spec = (a.spec ??= {});
  if (f.mode !== undefined || create) {
    const mode = f.mode ?? 'Reference';
    if (mode !== 'Reference' && mode !== 'Resource') throw new Error(`mode ${mode} not supported. Only Reference or Resource are supported`);
    spec.mode = mode;
  }
  if (f.resource?.length) spec.resources = f.resource.map(parseResource);
  if (f['service-account'] !== undefined) spec.serviceAccountName = f['service-account'];
  if (f.sink) spec.sink = sinkFromFlag(f.sink, ns);
  const ce = applyCeOverrides(spec.ceOverrides, f['ce-override']);
  if (ce) spec.ceOverrides = ce;
  else delete spec.ceOverrides;
  return a;
}

// ---- binding ----

/** --subject Kind:apiVersion:name or Kind:apiVersion:k1=v1,k2=v2 */
export function parseSubject(s: string, ns: string): SubjectReference {
  const parts = s.split(':');
  if (parts.length !== 3 || parts.some((p) => !p)) throw new Error(`invalid subject argument '${s}': not in format kind:api/version:nameOrSelector`);
  const [kind, apiVersion, target] = parts as [string, string, string];
  if (!target.includes('=')) return { kind, apiVersion, name: target, namespace: ns };
  const matchLabels: Record<string, string> = {};
  for (const kv of target.split(',')) {
    const [k, v, extra] = kv.split('=');
    if (!k || v === undefined || extra !== undefined) throw new Error(`invalid subject argument '${s}': not in format kind:api/version:nameOrSelector`);
    matchLabels[k] = v;
  }
  return { kind, apiVersion, namespace: ns, selector: { matchLabels } };
}

export interface BindingFlagValues {
  subject?: string;
  sink?: string;
  'ce-override'?: string[];
}

export function applyBindingFlags(b: SinkBinding, f: BindingFlagValues, ns: string): SinkBinding {
  const spec = (b.spec ??= {});
  if (f.subject) spec.subject = parseSubject(f.subject, ns);
  if (f.sink) spec.sink = sinkFromFlag(f.sink, ns);
  const ce = applyCeOverrides(spec.ceOverrides, f['ce-override']);
  if (ce) spec.ceOverrides = ce;
  else delete spec.ceOverrides;
  return b;
}

export function subjectToString(s: SubjectReference | undefined): string {
  if (!s) return '';
  const head = `${s.kind}:${s.apiVersion}`;
  if (s.name) return `${head}:${s.name}`;
  return `${head}:${Object.entries(s.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',')}`;
}

// ---- columns ----

const sinkCell = (d: Destination | undefined, ns: string | undefined) => {
  const s = sinkToString(d);
  const rns = d?.ref?.namespace;
  return d?.ref && rns && rns !== ns ? `${s}:${rns}` : s;
};

type Src = KubeObject & { spec?: { sink?: Destination }; status?: SourceStatus };
const tail = <T extends Src>(now: number): Column<T>[] => [
  { name: 'Sink', cell: (o) => sinkCell(o.spec?.sink, o.metadata.namespace) },
  { name: 'Age', cell: (o) => ageCell(o.metadata.creationTimestamp, now) },
  { name: 'Conditions', cell: (o) => conditionsCell(o.status?.conditions) },
  { name: 'Ready', cell: (o) => readyCell(o.status?.conditions) },
  { name: 'Reason', cell: (o) => reasonCell(o.status?.conditions) },
];

export const pingColumns = (now = Date.now()): Column<PingSource>[] => [{ name: 'Name', cell: (o) => o.metadata.name ?? '' }, { name: 'Schedule', cell: (o) => o.spec?.schedule ?? '' }, ...tail<PingSource>(now)];
export const apiServerColumns = (now = Date.now()): Column<ApiServerSource>[] => [
  { name: 'Name', cell: (o) => o.metadata.name ?? '' },
  { name: 'Resources', cell: (o) => (o.spec?.resources ?? []).map((r) => `${r.kind}:${r.apiVersion}`).join(',') },
  ...tail<ApiServerSource>(now),
];
export const bindingColumns = (now = Date.now()): Column<SinkBinding>[] => [{ name: 'Name', cell: (o) => o.metadata.name ?? '' }, { name: 'Subject', cell: (o) => subjectToString(o.spec?.subject) }, ...tail<SinkBinding>(now)];
export const containerColumns = (now = Date.now()): Column<ContainerSource>[] => [
  { name: 'Name', cell: (o) => o.metadata.name ?? '' },
  { name: 'Image', cell: (o) => o.spec?.template?.spec?.containers?.[0]?.image ?? '' },
  ...tail<ContainerSource>(now),
];
/** `kn source list`: NAME TYPE RESOURCE SINK READY. */
export const sourceListColumns = (): Column<Src>[] => [
  { name: 'Name', cell: (o) => o.metadata.name ?? '' },
  { name: 'Type', cell: (o) => o.kind ?? '' },
  { name: 'Resource', cell: (o) => `${(o.kind ?? '').toLowerCase()}s.${(o.apiVersion ?? '').split('/')[0]}` },
  { name: 'Sink', cell: (o) => sinkCell(o.spec?.sink, o.metadata.namespace) },
  { name: 'Ready', cell: (o) => readyCell(o.status?.conditions) },
];

// ---- describe ----

function writeSink(dw: PrefixWriter, d: Destination | undefined, ns: string | undefined): void {
  if (!d) return;
  const w = dw.writeAttribute('Sink', '');
  if (d.ref) {
    w.writeAttribute('Name', d.ref.name);
    if (d.ref.namespace && d.ref.namespace !== ns) w.writeAttribute('Namespace', d.ref.namespace);
    w.writeAttribute('Resource', `${d.ref.kind} (${d.ref.apiVersion ?? ''})`);
  }
  if (d.uri) w.writeAttribute('URI', d.uri);
}

function writeOverrides(dw: PrefixWriter, ce: CloudEventOverrides | undefined): void {
  const ext = ce?.extensions ?? {};
  if (!Object.keys(ext).length) return;
  dw.writeLine();
  const w = dw.writeAttribute('CloudEvent Overrides', '');
  for (const [k, v] of Object.entries(ext).sort()) w.writeAttribute(k, v);
}

function finish(dw: PrefixWriter, o: Src & { spec?: { ceOverrides?: CloudEventOverrides } }, details: boolean, now: number): string {
  dw.writeLine();
  writeSink(dw, o.spec?.sink, o.metadata.namespace);
  writeOverrides(dw, o.spec?.ceOverrides);
  dw.writeLine();
  writeConditions(dw, o.status?.conditions, details, now);
  return dw.toString();
}

export function describePing(p: PingSource, details: boolean, now = Date.now()): string {
  const dw = new PrefixWriter();
  writeMetadata(dw, p.metadata, details, now);
  dw.writeAttribute('Schedule', p.spec?.schedule ?? '');
  if (p.spec?.timezone) dw.writeAttribute('Timezone', p.spec.timezone);
  if (p.spec?.dataBase64) dw.writeAttribute('DataBase64', p.spec.dataBase64);
  else dw.writeAttribute('Data', p.spec?.data ?? '');
  return finish(dw, p, details, now);
}

export function describeApiServer(a: ApiServerSource, details: boolean, now = Date.now()): string {
  const dw = new PrefixWriter();
  writeMetadata(dw, a.metadata, details, now);
  dw.writeAttribute('ServiceAccountName', a.spec?.serviceAccountName ?? '');
  dw.writeAttribute('EventMode', a.spec?.mode ?? '');
  dw.writeLine();
  const w = dw.writeAttribute('Resources', '');
  for (const r of a.spec?.resources ?? []) {
    w.writeAttribute('Kind', `${r.kind} (${r.apiVersion})`);
    const sel = Object.entries(r.selector?.matchLabels ?? {});
    if (sel.length) w.writeAttribute('Selector', sel.map(([k, v]) => `${k}=${v}`).join(', '));
  }
  return finish(dw, a, details, now);
}

export function describeBinding(b: SinkBinding, details: boolean, now = Date.now()): string {
  const dw = new PrefixWriter();
  writeMetadata(dw, b.metadata, details, now);
  const s = b.spec?.subject;
  const w = dw.writeAttribute('Subject', '');
  if (s) {
    w.writeAttribute('Resource', `${s.kind} (${s.apiVersion})`);
    if (s.name) w.writeAttribute('Name', s.name);
    else {
      const sw = w.writeAttribute('Selector', '');
      for (const [k, v] of Object.entries(s.selector?.matchLabels ?? {}).sort()) sw.writeAttribute(k, v);
    }
  }
  return finish(dw, b, details, now);
}

export function describeContainer(c: ContainerSource, details: boolean, now = Date.now()): string {
  const dw = new PrefixWriter();
  writeMetadata(dw, c.metadata, details, now);
  for (const k of c.spec?.template?.spec?.containers ?? []) {
    dw.writeAttribute('Image', k.image ?? '');
    const env = (k.env ?? []).map((e) => `${e.name}=${e.value ?? ''}`).join(', ');
    if (env) dw.writeAttribute('Env', env);
  }
  return finish(dw, c, details, now);
}
