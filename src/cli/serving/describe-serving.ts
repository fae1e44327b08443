// The human `describe` layouts of Service, Revision, Route and DomainMapping, as kn prints them.
// Rendering is pure; gathering the revisions a Service describe shows goes through a small fetch
// interface so it can be unit-tested without a cluster.
import type { Condition } from '../../api/meta.ts';
import { A, L } from '../../api/serving/labels.ts';
import type { DomainMapping, Revision, Route, Service, TrafficTarget } from '../../api/serving/types.ts';
import { describeAge, PrefixWriter, writeConditions, writeMetadata, writeSliceDesc } from '../output/describe.ts';
import { trafficAndTags } from './list-serving.ts';

// ---- Revision pieces (shared by revision and service describe) ---------------------------------

function mainContainer(r: Revision) {
  const cs = r.spec?.containers ?? [];
  if (cs.length === 1) return cs[0];
  // Upstream picks "the container with ports" only to decide that one exists, then uses the first.
  if (cs.length > 1 && cs.some((c) => (c.ports ?? []).length)) return cs[0];
  return undefined;
}

function annotationInt(r: Revision, key: string): { value?: number; error?: string } {
  const v = r.metadata.annotations?.[key];
  if (v === undefined) return {};
  if (!/^[-+]?\d+$/.test(v)) return { error: `strconv.Atoi: parsing ${JSON.stringify(v)}: invalid syntax` };
  return { value: Number(v) };
}

export function writeImage(dw: PrefixWriter, r: Revision): void {
  const c = mainContainer(r);
  if (!c) {
    dw.writeAttribute('Image', 'Unknown');
    return;
  }
  let image = c.image ?? '';
  let pinned = 'at';
  const userImage = r.metadata.annotations?.[A.userImage] ?? '';
  const digest = r.status?.containerStatuses?.[0]?.imageDigest ?? '';
  if (userImage && digest) {
    const base = image.includes('@') ? image.split('@')[0]! : image.split(':')[0]!;
    if (userImage.startsWith(base)) {
      pinned = 'pinned to';
      image = userImage;
    }
  }
  if (digest) {
    const m = /sha256:([0-9a-f]{64})/i.exec(digest);
    image = `${image} (${pinned} ${m ? m[1]!.slice(0, 6) : digest})`;
  }
  dw.writeAttribute('Image', image);
}

export function writeReplicas(dw: PrefixWriter, r: Revision): void {
  const a = r.status?.actualReplicas;
  const d = r.status?.desiredReplicas;
  if (a !== undefined && d !== undefined) dw.writeAttribute('Replicas', `${a}/${d}`);
}

export function writePort(dw: PrefixWriter, r: Revision): void {
  const p = mainContainer(r)?.ports?.[0]?.containerPort;
  if (p !== undefined) dw.writeAttribute('Port', String(p));
}

export function writeEnv(dw: PrefixWriter, r: Revision, details: boolean): void {
  const c = mainContainer(r);
  if (!c) return;
  const env = (c.env ?? []).map((e) => `${e.name}=${e.valueFrom ? '[ref]' : (e.value ?? '')}`);
  writeSliceDesc(dw, env, 'Env', details);
}

export function writeEnvFrom(dw: PrefixWriter, r: Revision, details: boolean): void {
  const c = mainContainer(r);
  if (!c) return;
  const out: string[] = [];
  for (const e of c.envFrom ?? []) {
    if (e.configMapRef) out.push(`cm:${e.configMapRef.name}`);
    if (e.secretRef) out.push(`secret:${e.secretRef.name}`);
  }
  writeSliceDesc(dw, out, 'EnvFrom', details);
}

export function writeScale(dw: PrefixWriter, r: Revision): void {
  const min = annotationInt(r, A.minScale);
  const max = annotationInt(r, A.maxScale);
  const err = min.error ?? max.error;
  if (err) {
    dw.writeAttribute('Scale', `Misformatted: ${err}`);
    return;
  }
  if (min.value !== undefined || max.value !== undefined) dw.writeAttribute('Scale', `${min.value ?? 0} ... ${max.value ?? '∞'}`);
}

export function writeConcurrency(dw: PrefixWriter, r: Revision): void {
  const target = annotationInt(r, A.target).value;
  const limit = r.spec?.containerConcurrency;
  const window = r.metadata.annotations?.[A.window] ?? '';
  const util = annotationInt(r, A.targetUtilization).value;
  if (target === undefined && !limit && !window && util === undefined) return;
  const s = dw.writeAttribute('Concurrency', '');
  if (limit) s.writeAttribute('Limit', String(limit));
  if (target !== undefined) s.writeAttribute('Target', String(target));
  if (window) s.writeAttribute('Window', window);
  if (util !== undefined) s.writeAttribute('TargetUtilization', String(util));
}

export function writeResources(dw: PrefixWriter, r: Revision): void {
  const c = mainContainer(r);
  if (!c) return;
  const req = (c.resources?.requests ?? {}) as Record<string, string>;
  const lim = (c.resources?.limits ?? {}) as Record<string, string>;
  const zero = (q: string | undefined) => !q || /^0+(\.0*)?[a-zA-Z]*$/.test(q);
  for (const [label, key] of [
    ['Memory', 'memory'],
    ['CPU', 'cpu'],
  ] as const) {
    const rq = req[key];
    const lm = lim[key];
    const v = !zero(rq) && !zero(lm) ? `${rq} ... ${lm}` : !zero(rq) ? rq : !zero(lm) ? lm : '';
    if (v) dw.writeAttribute(label, v);
  }
}

// ---- kn revision describe ---------------------------------------------------------------------

export function describeRevision(r: Revision, service: Service | undefined, details: boolean, now = Date.now()): string {
  const dw = new PrefixWriter();
  writeMetadata(dw, r.metadata, details, now);
  writeImage(dw, r);
  writeReplicas(dw, r);
  writePort(dw, r);
  writeEnv(dw, r, details);
  writeEnvFrom(dw, r, details);
  writeScale(dw, r);
  writeConcurrency(dw, r);
  writeResources(dw, r);
  const svc = r.metadata.labels?.[L.service];
  if (svc !== undefined) {
    const s = dw.writeAttribute('Service', svc);
    if (details) {
      s.writeAttribute('Configuration Generation', r.metadata.labels?.[L.configurationGeneration] ?? '');
      s.writeAttribute('Latest Created', String(r.metadata.name === service?.status?.latestCreatedRevisionName));
      s.writeAttribute('Latest Ready', String(r.metadata.name === service?.status?.latestReadyRevisionName));
      const { percent, tags } = trafficAndTags(r.metadata.name ?? '', service);
      if (percent) s.writeAttribute('Traffic', `${percent}%`);
      if (tags.length) writeSliceDesc(s, tags, 'Tags', details);
    }
  }
  dw.writeLine();
  writeConditions(dw, r.status?.conditions, details, now);
  return dw.toString();
}

// ---- kn service describe ----------------------------------------------------------------------

export interface RevisionDesc {
  revision: Revision;
  percent: number;
  tag: string;
  latestTraffic: boolean | undefined;
  configurationGeneration: number;
  latestCreated: boolean;
  latestReady: boolean;
}

/** What the service describe needs from the cluster. */
export interface ServingReader {
  getRevision(name: string): Promise<Revision>;
  getConfigurationLatestCreated(name: string): Promise<string>;
  listServiceRevisions(service: string): Promise<Revision[]>;
}

function newDesc(revision: Revision, target: TrafficTarget | undefined, service: Service): RevisionDesc {
  const g = revision.metadata.labels?.[L.configurationGeneration] ?? '';
  if (!/^[-+]?\d+$/.test(g)) {
    throw new Error(`cannot extract configuration generation for revision ${revision.metadata.name}: strconv.ParseInt: parsing ${JSON.stringify(g)}: invalid syntax`);
  }
  return {
    revision,
    configurationGeneration: Number(g),
    latestCreated: revision.metadata.name === service.status?.latestCreatedRevisionName,
    latestReady: revision.metadata.name === service.status?.latestReadyRevisionName,
    percent: target?.percent ?? 0,
    latestTraffic: target?.latestRevision,
    tag: target?.tag ?? '',
  };
}

/** The revisions kn shows: traffic targets, then latest created/ready, with -v all of them. */
export async function revisionDescriptions(c: ServingReader, service: Service, details: boolean): Promise<RevisionDesc[]> {
  const seen = new Set<string>();
  const descs: RevisionDesc[] = [];
  for (const target of service.status?.traffic ?? []) {
    let name = target.revisionName;
    if (!name) {
      if (!target.configurationName) throw new Error(`cannot extract revision from service ${service.metadata.name}: neither RevisionName nor ConfigurationName set`);
      name = await c.getConfigurationLatestCreated(target.configurationName);
    }
    const rev = await c.getRevision(name);
    seen.add(rev.metadata.name ?? '');
    descs.push(newDesc(rev, target, service));
  }
  for (const name of [service.status?.latestCreatedRevisionName, service.status?.latestReadyRevisionName]) {
    if (!name || seen.has(name)) continue;
    seen.add(name);
    descs.push(newDesc(await c.getRevision(name), undefined, service));
  }
  if (details) {
    for (const rev of await c.listServiceRevisions(service.metadata.name ?? '')) {
      if (seen.has(rev.metadata.name ?? '')) continue;
      seen.add(rev.metadata.name ?? '');
      descs.push(newDesc(rev, undefined, service));
    }
  }
  // Stable sort by configuration generation, newest first.
  return descs.map((d, i) => ({ d, i })).sort((a, b) => b.d.configurationGeneration - a.d.configurationGeneration || a.i - b.i).map((x) => x.d);
}

function bullet(percent: number, status: Condition['status']): string {
  const sym = status === 'True' ? (percent > 0 ? '%' : '+') : status === 'False' ? '!' : '?';
  return percent === 0 ? `   ${sym}` : `${String(percent).padStart(3)}${sym}`;
}

function revisionHeader(d: RevisionDesc, now: number): string {
  const name = d.revision.metadata.name ?? '';
  let h = name;
  if (d.latestTraffic) h = `@latest (${name})`;
  else if (d.latestReady) h = `${name} (current @latest)`;
  else if (d.latestCreated) h = `${name} (latest created)`;
  if (d.tag) h = `${h} #${d.tag}`;
  return `${h} [${d.configurationGeneration}] (${describeAge(d.revision.metadata.creationTimestamp, now)})`;
}

export function describeService(s: Service, revisions: RevisionDesc[], details: boolean, now = Date.now()): string {
  const dw = new PrefixWriter();
  writeMetadata(dw, s.metadata, details, now);
  dw.writeAttribute('URL', s.status?.url ?? '');
  if (details && s.status?.address) dw.writeAttribute('Cluster', s.status.address.url ?? '');
  const spec = s.spec?.template?.spec;
  if (spec?.serviceAccountName) dw.writeAttribute('Service Account', spec.serviceAccountName);
  if (spec?.imagePullSecrets) dw.writeAttribute('Image Pull Secret', spec.imagePullSecrets[0]?.name ?? '');
  dw.writeLine();
  dw.flush();

  const revSection = dw.writeAttribute('Revisions', '');
  dw.flush();
  for (const d of revisions) {
    const ready = d.revision.status?.conditions?.find((c) => c.type === 'Ready') ?? { type: 'Ready', status: 'Unknown' as const };
    const section = revSection.writeColsLn(bullet(d.percent, ready.status), revisionHeader(d, now));
    if (ready.status === 'False') section.writeAttribute('Error', ready.reason ?? '');
    writeImage(section, d.revision);
    writeReplicas(section, d.revision);
    if (details) {
      writePort(section, d.revision);
      writeEnv(section, d.revision, details);
      writeEnvFrom(section, d.revision, details);
      writeScale(section, d.revision);
      writeConcurrency(section, d.revision);
      writeResources(section, d.revision);
    }
  }
  dw.writeLine();
  dw.flush();
  writeConditions(dw, s.status?.conditions, details, now);
  return dw.toString();
}

// ---- kn route describe ------------------------------------------------------------------------

export function describeRoute(r: Route, details: boolean, now = Date.now()): string {
  const dw = new PrefixWriter();
  writeMetadata(dw, r.metadata, details, now);
  dw.writeAttribute('URL', r.status?.url ?? '');
  // As upstream: one Service line per ownerReference (the name of the last Service owner seen).
  let svc = '';
  for (const o of r.metadata.ownerReferences ?? []) {
    if (o.kind === 'Service') svc = details ? `${o.name} (${o.apiVersion})` : o.name;
    dw.writeAttribute('Service', svc);
  }
  dw.writeLine();
  const traffic = dw.writeAttribute('Traffic Targets', '');
  dw.flush();
  for (const t of r.status?.traffic ?? []) {
    let h = t.revisionName ?? '';
    if (t.latestRevision) h = `@latest (${t.revisionName ?? ''})`;
    if (t.tag) h = `${h} #${t.tag}`;
    const s = traffic.writeColsLn(`${String(t.percent ?? 0).padStart(3)}%`, h);
    if (t.tag) s.writeAttribute('URL', t.url ?? '');
  }
  dw.writeLine();
  writeConditions(dw, r.status?.conditions, details, now);
  return dw.toString();
}

// ---- kn domain describe -----------------------------------------------------------------------

export function describeDomainMapping(d: DomainMapping, details: boolean, now = Date.now()): string {
  const dw = new PrefixWriter();
  writeMetadata(dw, d.metadata, details, now);
  dw.writeLine();
  dw.writeAttribute('URL', d.status?.url ?? '');
  dw.writeLine();
  const ref = dw.writeAttribute('Reference', '');
  ref.writeAttribute('APIVersion', d.spec?.ref?.apiVersion ?? '');
  ref.writeAttribute('Kind', d.spec?.ref?.kind ?? '');
  ref.writeAttribute('Name', d.spec?.ref?.name ?? '');
  if (d.metadata.namespace !== d.spec?.ref?.namespace) ref.writeAttribute('Namespace', d.spec?.ref?.namespace ?? '');
  dw.writeLine();
  writeConditions(dw, d.status?.conditions, details, now);
  return dw.toString();
}
