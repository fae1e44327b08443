// Applying the install plan with our own client (server-side apply, field manager kn-quickstart)
// and the bounded, explicit readiness waits: each CRD until Established, each Deployment until
// Available, each with its own timeout. A Deployment that does not become Available is explained:
// its conditions, its pods' waiting reasons (image pulls, crashes, scheduling) and Warning events.
import type { Condition, KubeObject, ResourceType } from '../api/meta.ts';
import { R, resourceOf } from '../api/resources.ts';
import type { KubeClient } from '../kube/client.ts';
import { KubeError } from '../kube/errors.ts';
import { waitFor, WaitTimeoutError } from '../kube/wait.ts';
import { QuickstartError } from './errors.ts';
import { describeObject, type ManifestObject } from './manifests.ts';
import { FIELD_MANAGER } from './options.ts';

interface Discovery {
  resources?: { name: string; kind: string; namespaced: boolean }[];
}

/** Finds the resource of apiVersion/kind: our table first, then API discovery (cached per client). */
export class ResourceResolver {
  private readonly client: KubeClient;
  private readonly cache = new Map<string, Promise<Discovery | undefined>>();
  constructor(client: KubeClient) {
    this.client = client;
  }
  async resolve(apiVersion: string, kind: string): Promise<ResourceType> {
    const known = resourceOf(apiVersion, kind);
    if (known) return known;
    const [group, version] = apiVersion.includes('/') ? (apiVersion.split('/') as [string, string]) : ['', apiVersion];
    const path = group ? `/apis/${group}/${version}` : `/api/${version}`;
    let p = this.cache.get(path);
    if (!p) {
      p = this.client.raw<Discovery>('GET', path).catch((e: unknown) => {
        if (e instanceof KubeError && e.code === 404) return undefined;
        throw e;
      });
      this.cache.set(path, p);
    }
    const found = (await p)?.resources?.find((r) => r.kind === kind && !r.name.includes('/'));
    if (!found) throw new QuickstartError(`the cluster does not serve ${kind} (${apiVersion}): is its CRD missing from manifests/?`);
    return { group, version, kind, plural: found.name, namespaced: found.namespaced };
  }
}

/** Runs fn over items with at most n at once. */
export async function eachLimit<T>(items: T[], n: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

export interface ApplyResult {
  /** Objects whose resourceVersion changed (or that were created). */
  changed: string[];
  unchanged: string[];
}

/** Server-side applies each object (concurrently, bounded); reports which ones changed. */
export async function applyAll(client: KubeClient, objs: ManifestObject[], resolver = new ResourceResolver(client)): Promise<ApplyResult> {
  const res: ApplyResult = { changed: [], unchanged: [] };
  await eachLimit(objs, 16, async (m) => {
    const o = m.object;
    const r = await resolver.resolve(o.apiVersion!, o.kind!);
    const before = await client.find(r, o.metadata.name!, r.namespaced ? o.metadata.namespace : undefined);
    let after: KubeObject;
    try {
      after = await client.apply(r, o, { fieldManager: FIELD_MANAGER, force: true });
    } catch (e) {
      const msg = (e as Error).message.split('\n')[0];
      throw new QuickstartError(`applying ${describeObject(o)} from ${m.source} failed: ${msg}`);
    }
    (before?.metadata.resourceVersion === after.metadata.resourceVersion ? res.unchanged : res.changed).push(describeObject(o));
  });
  return res;
}

const conditionOf = (o: KubeObject | undefined, type: string): Condition | undefined =>
  ((o?.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).find((c) => c.type === type);

/** Waits until the CRD is Established (and fails at once if its names are NotAccepted). */
export async function waitEstablished(client: KubeClient, name: string, timeoutMs: number): Promise<void> {
  try {
    await waitFor(
      client,
      R.CustomResourceDefinition,
      name,
      undefined,
      (o) => {
        if (conditionOf(o, 'Established')?.status === 'True') return 'done';
        const na = conditionOf(o, 'NamesAccepted');
        if (na?.status === 'False') return new QuickstartError(`CustomResourceDefinition ${name} was not accepted: ${na.message ?? na.reason}`);
        return 'wait';
      },
      timeoutMs,
    );
  } catch (e) {
    if (e instanceof WaitTimeoutError) throw new QuickstartError(`CustomResourceDefinition ${name} is not Established after ${Math.round(timeoutMs / 1000)}s; check the API server's log`);
    throw e;
  }
}

interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  availableReplicas?: number;
  conditions?: Condition[];
}

/** Available=True for the current generation. */
export function deploymentAvailable(d: KubeObject | undefined): boolean {
  if (!d) return false;
  const s = (d.status ?? {}) as DeploymentStatus;
  if ((s.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) return false;
  return (s.conditions ?? []).some((c) => c.type === 'Available' && c.status === 'True');
}

interface PodLike extends KubeObject {
  status?: {
    phase?: string;
    conditions?: Condition[];
    containerStatuses?: {
      name: string;
      ready?: boolean;
      restartCount?: number;
      state?: { waiting?: { reason?: string; message?: string }; terminated?: { reason?: string; exitCode?: number; message?: string } };
      lastState?: { terminated?: { reason?: string; exitCode?: number } };
    }[];
  };
}

interface EventLike extends KubeObject {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  involvedObject?: { kind?: string; name?: string };
  lastTimestamp?: string;
  eventTime?: string;
}

/**
 * Why a Deployment is not Available, in one line, from what the cluster shows: pod container
 * states first (they name the real cause: ImagePullBackOff, CrashLoopBackOff…), then scheduling,
 * then the Deployment's own failing conditions, then the newest Warning event.
 */
export function explainNotAvailable(d: KubeObject | undefined, pods: PodLike[], events: EventLike[], image?: string): string {
  if (!d) return 'it does not exist';
  const hints: string[] = [];
  for (const p of pods) {
    for (const cs of p.status?.containerStatuses ?? []) {
      const w = cs.state?.waiting;
      if (w?.reason && w.reason !== 'ContainerCreating' && w.reason !== 'PodInitializing') {
        let h = `pod ${p.metadata.name}: container ${cs.name} is ${w.reason}${w.message ? ` (${oneLine(w.message)})` : ''}`;
        if (/ImagePull|ErrImage/.test(w.reason) && image?.startsWith('dev.local/')) h += `; the image ${image} is not on the node: load it with 'kind load docker-image ${image} --name <cluster>' or pass --image`;
        if (w.reason === 'CrashLoopBackOff') {
          const t = cs.lastState?.terminated;
          h += `${t ? `, last exit code ${t.exitCode}` : ''}; see 'kubectl logs -n ${p.metadata.namespace} ${p.metadata.name} -c ${cs.name} --previous'`;
        }
        hints.push(h);
      }
    }
    const sched = (p.status?.conditions ?? []).find((c) => c.type === 'PodScheduled' && c.status === 'False');
    if (sched) hints.push(`pod ${p.metadata.name} is not scheduled: ${oneLine(sched.message ?? sched.reason ?? 'Unschedulable')}`);
  }
  if (hints.length) return hints[0]!;
  const s = (d.status ?? {}) as DeploymentStatus;
  for (const c of s.conditions ?? []) {
    if ((c.type === 'ReplicaFailure' && c.status === 'True') || (c.type === 'Progressing' && c.status === 'False')) {
      return `${c.type} ${c.reason ?? ''}: ${oneLine(c.message ?? '')}`.trim();
    }
  }
  const warn = events
    .filter((e) => e.type === 'Warning')
    .sort((a, b) => String(b.lastTimestamp ?? b.eventTime ?? '').localeCompare(String(a.lastTimestamp ?? a.eventTime ?? '')))[0];
  if (warn) return `${warn.involvedObject?.kind ?? 'event'} ${warn.involvedObject?.name ?? ''}: ${warn.reason}: ${oneLine(warn.message ?? '')}`;
  const want = (d.spec as { replicas?: number } | undefined)?.replicas ?? 1;
  if (!pods.length) return `no pods were created yet (0 of ${want} available); check 'kubectl get events -n ${d.metadata.namespace}'`;
  const pending = pods.filter((p) => p.status?.phase !== 'Running').length;
  return `${s.availableReplicas ?? 0} of ${want} replicas available${pending ? `, ${pending} pod(s) not running yet` : ''}`;
}

function oneLine(s: string): string {
  const l = s.replace(/\s+/g, ' ').trim();
  return l.length > 240 ? `${l.slice(0, 237)}...` : l;
}

/** Reads pods and events of a Deployment and explains why it is not Available. */
export async function diagnoseDeployment(client: KubeClient, namespace: string, name: string, image?: string): Promise<string> {
  const d = await client.find(R.Deployment, name, namespace);
  if (!d) return explainNotAvailable(undefined, [], []);
  const match = (d.spec as { selector?: { matchLabels?: Record<string, string> } } | undefined)?.selector?.matchLabels ?? {};
  const labelSelector = Object.entries(match)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const [pods, events] = await Promise.all([
    labelSelector ? client.list<PodLike>(R.Pod, { namespace, labelSelector }).then((l) => l.items) : Promise.resolve([]),
    client.list<EventLike>(R.Event, { namespace }).then((l) => l.items),
  ]);
  const podNames = new Set(pods.map((p) => p.metadata.name));
  const mine = events.filter((e) => {
    const n = e.involvedObject?.name ?? '';
    return n === name || podNames.has(n) || (e.involvedObject?.kind === 'ReplicaSet' && n.startsWith(`${name}-`));
  });
  return explainNotAvailable(d, pods, mine, image);
}

/** Waits until the Deployment is Available; on timeout, a QuickstartError that says why not. */
export async function waitDeploymentAvailable(client: KubeClient, namespace: string, name: string, timeoutMs: number, image?: string): Promise<void> {
  try {
    await waitFor(client, R.Deployment, name, namespace, (o) => (deploymentAvailable(o) ? 'done' : 'wait'), timeoutMs);
  } catch (e) {
    if (!(e instanceof WaitTimeoutError)) throw e;
    const why = await diagnoseDeployment(client, namespace, name, image).catch((err: Error) => `could not read its pods: ${err.message}`);
    throw new QuickstartError(`Deployment ${namespace}/${name} is not Available after ${Math.round(timeoutMs / 1000)}s: ${why}`);
  }
}
