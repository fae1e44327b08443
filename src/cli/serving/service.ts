// The Service side of `kn service create|update|apply|delete|import`: one store interface over a
// cluster or an offline --target, update with conflict retry, kn's client-side apply (a 3-way JSON
// merge with kubectl.kubernetes.io/last-applied-configuration), the base revision for
// --lock-to-digest, and the flag sets these commands share.
import { Flags } from '@oclif/core';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { type KubeObject, LAST_APPLIED_ANNOTATION } from '../../api/meta.ts';
import { R } from '../../api/resources.ts';
import type { Revision, Service } from '../../api/serving/types.ts';
import type { KubeClient } from '../../kube/client.ts';
import { KubeError } from '../../kube/errors.ts';
import { bool, intDefault, str } from '../flags.ts';
import { APPLY_IMAGE_REQUIRED, doing, done, markedForDeletion, nameMismatch, NO_NAME, showUrl, urlFetchFailed } from './messages.ts';
import { parseServiceDocument, TargetNotFound, type TargetStore } from './target.ts';

export const CREATOR = 'serving.knative.dev/creator';
export const LAST_MODIFIER = 'serving.knative.dev/lastModifier';
export const SERVICE_LABEL = 'serving.knative.dev/service';

// ---------------------------------------------------------------------------------------------
// Flags

/** --wait/--no-wait, --wait-timeout, --wait-window (upstream AddConditionWaitFlags). */
export function waitFlags(action: string, until = 'ready', noun = 'service') {
  return {
    wait: bool(`Wait for '${noun} ${action}' operation to be completed.`, { allowNo: true, default: action !== 'delete' }),
    'wait-timeout': intDefault(`Seconds to wait before giving up on waiting for ${noun} to be ${until}.`, 600),
    'wait-window': intDefault(`Seconds to wait for ${noun} to be ${until} after a false ready condition is returned`, 2),
  };
}

/** `kn service wait` has the timeout and window but no --wait. */
export const waitOnlyFlags = {
  'wait-timeout': intDefault('Seconds to wait before giving up on waiting for service to be ready.', 600),
  'wait-window': intDefault('Seconds to wait for service to be ready after a false ready condition is returned', 2),
};

const slice = (summary: string) => Flags.string({ summary, multiple: true, multipleNonGreedy: true, helpValue: 'strings' });

export const tagFlag = {
  tag: slice(
    "Set tag (format: --tag revisionRef=tagName) where revisionRef can be a revision or '@latest' string representing latest ready revision. This flag can be specified multiple times.",
  ),
};

export const trafficFlags = {
  traffic: slice(
    "Set traffic distribution (format: --traffic revisionRef=percent) where revisionRef can be a revision or a tag or '@latest' string representing latest ready revision. This flag can be given multiple times with percent summing up to 100%.",
  ),
  ...tagFlag,
  untag: slice('Untag revision (format: --untag tagName). This flag can be specified multiple times.'),
};

export const targetFlag = {
  target: str('Work on local directory instead of a remote cluster (experimental)'),
};

// ---------------------------------------------------------------------------------------------
// Where Services live: the cluster or files

export interface ServiceStore {
  readonly namespace: string;
  readonly offline: boolean;
  find(name: string): Promise<Service | undefined>;
  get(name: string): Promise<Service>;
  create(svc: Service): Promise<Service>;
  /** Replaces the object; returns what was stored. */
  replace(svc: Service): Promise<Service>;
  listRevisions(service: string): Promise<Revision[]>;
  findRevision(name: string): Promise<Revision | undefined>;
}

export function clusterStore(client: KubeClient, namespace: string): ServiceStore {
  return {
    namespace,
    offline: false,
    find: (name) => client.find<Service>(R.Service, name, namespace),
    get: (name) => client.get<Service>(R.Service, name, namespace),
    create: (svc) => client.create<Service>(R.Service, { ...svc, metadata: { ...svc.metadata, namespace } }),
    replace: (svc) => client.replace<Service>(R.Service, { ...svc, metadata: { ...svc.metadata, namespace } }),
    listRevisions: async (service) => (await client.listAll<Revision>(R.Revision, { namespace, labelSelector: `${SERVICE_LABEL}=${service}` })).items,
    findRevision: (name) => client.find<Revision>(R.Revision, name, namespace),
  };
}

export function targetStore(store: TargetStore): ServiceStore {
  const withNs = (svc: Service): Service => ({ ...svc, metadata: { ...svc.metadata, namespace: store.namespace } });
  return {
    namespace: store.namespace,
    offline: true,
    find: async (name) => store.find(name),
    get: async (name) => store.get(name),
    create: async (svc) => {
      store.write(withNs(svc));
      return withNs(svc);
    },
    replace: async (svc) => {
      store.update(withNs(svc));
      return withNs(svc);
    },
    listRevisions: async () => [],
    findRevision: async () => undefined,
  };
}

export function isNotFound(e: unknown): boolean {
  return (e instanceof KubeError && e.code === 404) || e instanceof TargetNotFound;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Fetches the Service, lets fn change it and writes it back; on a 409 Conflict fetches and
 * applies fn again (as upstream UpdateServiceWithRetry, 5 attempts). Returns whether the stored
 * generation changed (offline: always true).
 */
export async function updateServiceWithRetry(
  store: ServiceStore,
  name: string,
  fn: (svc: Service) => Promise<Service> | Service,
  attempts = 5,
): Promise<{ changed: boolean; service: Service }> {
  for (let i = 1; ; i++) {
    const current = await store.get(name);
    if (current.metadata.deletionTimestamp) throw new Error(markedForDeletion(name));
    const generation = current.metadata.generation;
    const updated = await fn(structuredClone(current));
    try {
      const stored = await store.replace(updated);
      return { changed: store.offline || stored.metadata.generation !== generation, service: stored };
    } catch (e) {
      if (e instanceof KubeError && e.code === 409 && e.reason === 'Conflict' && i < attempts) {
        await sleep(10);
        continue;
      }
      throw e;
    }
  }
}

/** `--force` on create: the new Service replaces the old, keeping creator and lastModifier. */
export function prepareReplace(next: Service, current: Service): Service {
  const out = structuredClone(next);
  out.metadata.annotations ??= {};
  for (const k of [CREATOR, LAST_MODIFIER]) {
    const v = current.metadata.annotations?.[k];
    if (v !== undefined) out.metadata.annotations[k] = v;
  }
  out.metadata.resourceVersion = current.metadata.resourceVersion;
  return out;
}

// ---------------------------------------------------------------------------------------------
// The base revision (for --lock-to-digest)

export type BaseRevision = { revision: Revision } | { none: true } | { error: Error };

/** Upstream getBaseRevision: the template's named revision, else the latest created one if its image matches. */
export async function baseRevision(store: ServiceStore, svc: Service): Promise<BaseRevision> {
  const name = svc.spec.template.metadata?.name;
  try {
    if (name) {
      const r = await store.findRevision(name);
      return r ? { revision: r } : { error: new Error(`revisions.serving.knative.dev "${name}" not found`) };
    }
    const latest = svc.status?.latestCreatedRevisionName;
    if (latest) {
      const r = await store.findRevision(latest);
      if (!r) return { error: new Error(`revisions.serving.knative.dev "${latest}" not found`) };
      const cur = svc.spec.template.spec.containers?.[0]?.image;
      const base = r.spec.containers?.[0]?.image;
      if (cur !== base) return { error: new Error('image mismatch') };
      return { revision: r };
    }
  } catch (e) {
    return { error: e as Error };
  }
  return { none: true };
}

// ---------------------------------------------------------------------------------------------
// Files

/** Reads a file as Go's os.Open would fail on it. */
export function readFileGo(path: string): string {
  if (path === '-') return readFileSync(0, 'utf8');
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
    throw new Error(`open ${path}: ${why}`, { cause: e });
  }
}

/** `-f FILE`: the Service from the file, named by the argument or by the file (upstream constructServiceFromFile). */
export function serviceFromFile(path: string, name: string, namespace: string): Service {
  if (existsSync(path) && statSync(path).isFile() && statSync(path).size === 0) throw new Error(`cannot parse ${path}: empty file`);
  const svc = parseServiceDocument(readFileGo(path), path);
  const kind = (svc as { kind?: unknown }).kind;
  const apiVersion = (svc as { apiVersion?: unknown }).apiVersion;
  if ((kind !== undefined && kind !== 'Service') || (apiVersion !== undefined && apiVersion !== 'serving.knative.dev/v1')) {
    throw new Error(
      `${path} holds a ${String(kind ?? 'object')} (${String(apiVersion ?? 'no apiVersion')}), not a Knative Service; give a file with apiVersion: serving.knative.dev/v1 and kind: Service`,
    );
  }
  const fileName = svc.metadata.name ?? '';
  if (name === '' && fileName !== '') {
    // keep the file's name
  } else if (name !== '' && fileName === '') svc.metadata.name = name;
  else if (name !== '' && fileName !== '') {
    if (name !== fileName) throw new Error(nameMismatch(name, fileName));
  } else throw new Error(NO_NAME);
  svc.metadata.namespace = namespace;
  svc.spec ??= { template: { spec: { containers: [] } } };
  svc.spec.template ??= { spec: { containers: [] } };
  svc.spec.template.spec ??= { containers: [] };
  svc.spec.template.spec.containers ??= [];
  return svc;
}

// ---------------------------------------------------------------------------------------------
// kn service apply: client-side apply with the last-applied annotation

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JObj = { [k: string]: Json };
const isJObj = (v: unknown): v is JObj => typeof v === 'object' && v !== null && !Array.isArray(v);

function sortKeys(v: unknown): Json {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (isJObj(v)) {
    const out: JObj = {};
    for (const k of Object.keys(v).sort()) if (v[k] !== undefined) out[k] = sortKeys(v[k]);
    return out;
  }
  return v as Json;
}

/**
 * The Service as kn records it in the last-applied annotation (upstream encodeService): typed
 * fields only, no status, no creationTimestamps, the first container's empty resources and a
 * non-empty name dropped; keys sorted.
 */
export function encodeForApply(svc: Service): JObj {
  // Go's omitempty: empty label and annotation maps are not written.
  const dropEmpty = (m: Record<string, unknown>) => {
    for (const k of ['labels', 'annotations']) if (m[k] && !Object.keys(m[k] as object).length) delete m[k];
    return m;
  };
  const meta = dropEmpty({ ...svc.metadata } as Record<string, unknown>);
  delete meta.creationTimestamp;
  const template = structuredClone(svc.spec.template ?? { spec: { containers: [] } });
  if (template.metadata) {
    delete (template.metadata as Record<string, unknown>).creationTimestamp;
    dropEmpty(template.metadata as Record<string, unknown>);
  }
  const tmeta = template.metadata ?? {};
  const spec = template.spec ?? { containers: [] };
  spec.containers = (spec.containers ?? []).map((c, i) => {
    const out = { ...c } as Record<string, unknown>;
    out.name ??= '';
    if (i === 0) {
      if (out.name !== '') delete out.name;
      if (!out.resources || Object.keys(out.resources as object).length === 0) delete out.resources;
    } else out.resources ??= {};
    return out as never;
  });
  const outSpec: Record<string, unknown> = { template: { metadata: tmeta, spec } };
  if (svc.spec.traffic) outSpec.traffic = svc.spec.traffic;
  return sortKeys({ apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: meta, spec: outSpec }) as JObj;
}

/** RFC 7386 diff: the merge patch that turns a into b. */
function mergeDiff(a: JObj, b: JObj): JObj {
  const out: JObj = {};
  for (const [k, bv] of Object.entries(b)) {
    const av = a[k];
    if (!(k in a)) out[k] = bv;
    else if (isJObj(av) && isJObj(bv)) {
      const d = mergeDiff(av, bv);
      if (Object.keys(d).length) out[k] = d;
    } else if (JSON.stringify(av) !== JSON.stringify(bv)) out[k] = bv;
  }
  for (const k of Object.keys(a)) if (!(k in b)) out[k] = null;
  return out;
}

/** Keeps only deletions (keep=true) or only non-deletions (keep=false), as apimachinery's mergepatch. */
function filterNulls(m: JObj, keep: boolean): JObj {
  const out: JObj = {};
  for (const [k, v] of Object.entries(m)) {
    if (v === null) {
      if (keep) out[k] = null;
    } else if (isJObj(v)) {
      if (!Object.keys(v).length) {
        if (!keep) out[k] = v;
        continue;
      }
      const sub = filterNulls(v, keep);
      if (Object.keys(sub).length) out[k] = sub;
    } else if (!keep) out[k] = v;
  }
  return out;
}

function mergeInto(a: JObj, b: JObj): JObj {
  const out: JObj = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = isJObj(out[k]) && isJObj(v) ? mergeInto(out[k] as JObj, v) : v;
  return out;
}

/** jsonmergepatch.CreateThreeWayJSONMergePatch(original, modified, current). */
export function threeWayMergePatch(original: JObj | undefined, modified: JObj, current: JObj): JObj {
  const deletions = filterNulls(mergeDiff(original ?? {}, modified), true);
  const delta = filterNulls(mergeDiff(current, modified), false);
  return mergeInto(deletions, delta);
}

/** The modified object with its own encoding as the last-applied annotation (upstream getModifiedConfiguration). */
export function withLastApplied(svc: Service): JObj {
  const s = structuredClone(svc);
  const annotations = { ...(s.metadata.annotations ?? {}) };
  delete annotations[LAST_APPLIED_ANNOTATION];
  s.metadata.annotations = annotations;
  const plain = JSON.stringify(encodeForApply(s));
  s.metadata.annotations = { ...annotations, [LAST_APPLIED_ANNOTATION]: plain };
  return encodeForApply(s);
}

export interface ApplyResult {
  changed: boolean;
  created: boolean;
}

/** kn service apply: create with the annotation, or patch by 3-way merge; "changed" as upstream decides it. */
export async function applyService(client: KubeClient, namespace: string, modified: Service, current: Service | undefined): Promise<ApplyResult> {
  const containers = modified.spec.template.spec.containers ?? [];
  if (containers.length === 0 || (!containers[0]!.image && current)) throw new Error(APPLY_IMAGE_REQUIRED);
  const desired = withLastApplied(modified);
  if (!current) {
    await client.create<KubeObject>(R.Service, { ...(desired as unknown as KubeObject), metadata: { ...(desired.metadata as object), namespace } });
    return { changed: true, created: true };
  }
  let cur: Service = current;
  for (let i = 0; ; i++) {
    const lastApplied = cur.metadata.annotations?.[LAST_APPLIED_ANNOTATION];
    let original: JObj | undefined;
    try {
      const parsed: unknown = lastApplied ? JSON.parse(lastApplied) : undefined;
      original = isJObj(parsed) ? parsed : undefined;
    } catch {
      original = undefined;
    }
    const curJson = sortKeys(JSON.parse(JSON.stringify(cur))) as JObj;
    delete curJson.status;
    const patch = threeWayMergePatch(original, desired, curJson);
    if (!Object.keys(patch).length) return { changed: false, created: false };
    try {
      const saved = await client.patch<Service>(R.Service, cur.metadata.name ?? '', namespace, patch, 'merge');
      return { changed: saved.metadata.generation !== saved.status?.observedGeneration, created: false };
    } catch (e) {
      if (!(e instanceof KubeError && e.code === 409) || i >= 5) throw e;
      if (i > 0) await sleep(1000);
      cur = await client.get<Service>(R.Service, cur.metadata.name ?? '', namespace);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Building the Service from the edit flags

/** The namespace for offline --target mode: -n, else the kubeconfig context's, else default. */
export async function offlineNamespace(flags: { namespace?: string; kubeconfig?: string; context?: string; cluster?: string }): Promise<string> {
  if (flags.namespace) return flags.namespace;
  try {
    const { loadKubeConfig, contextNamespace } = await import('../../kube/config.ts');
    return contextNamespace(await loadKubeConfig({ kubeconfig: flags.kubeconfig, context: flags.context, cluster: flags.cluster, inCluster: false }));
  } catch {
    return 'default';
  }
}

// ---------------------------------------------------------------------------------------------
// After the write: wait or not, then the closing message

export type Write = (line: string) => void;
export const stdoutWrite: Write = (line) => void process.stdout.write(`${line}\n`);

export interface WaitValues {
  wait?: boolean;
  'wait-timeout': number;
  'wait-window': number;
}

/** `Service 'x' <verb> to latest revision 'r' is available at URL:` with the URL (upstream showUrl). */
export async function reportUrl(client: KubeClient, name: string, namespace: string, verbDone: string, original: string, write: Write): Promise<void> {
  let svc: Service;
  try {
    svc = await client.get<Service>(R.Service, name, namespace);
  } catch (e) {
    throw new Error(urlFetchFailed(name, namespace, (e as Error).message), { cause: e });
  }
  write(showUrl(name, verbDone, svc.status?.latestReadyRevisionName ?? '', svc.status?.url ?? '', original));
}

/** Upstream waitIfRequested: the one-line message without waiting (or offline), else the wait and the URL. */
export async function waitIfRequested(
  client: KubeClient | undefined,
  store: ServiceStore,
  flags: WaitValues,
  name: string,
  verbDoing: string,
  verbDone: string,
  write: Write = stdoutWrite,
): Promise<void> {
  if (!flags.wait || store.offline || !client) {
    write(done(verbDone, name, store.namespace));
    return;
  }
  write(doing(verbDoing, name, store.namespace));
  write('');
  const { waitAndReport } = await import('./wait.ts');
  await waitAndReport(client, name, store.namespace, { timeoutSeconds: flags['wait-timeout'], windowSeconds: flags['wait-window'] }, write);
  write('');
  await reportUrl(client, name, store.namespace, verbDone, '', write);
}

/**
 * Prints a multi-line error exactly (`Error: <msg>` and the usage hint) and exits 1. For the few
 * upstream messages that span lines (`flag(s) not set\nUsage: …`, delete's joined errors).
 */
export async function failMultiline(cmd: { commandPath: string; exit(code?: number): never }, message: string): Promise<never> {
  const { formatError, UserError } = await import('../errors.ts');
  process.stderr.write(formatError(new UserError(message)));
  return cmd.exit(1);
}
