// KIngress status: "a KIngress is Ready once every gateway replica serves its generation".
// One leader-elected replica asks every replica's admin port which KIngress generations its
// routing table holds (GET /__kn_ts/served) and writes observedGeneration, the conditions
// NetworkConfigured, LoadBalancerReady and Ready, and Kourier's load balancer addresses.
// This replaces Kourier's HTTP probing of each host through each gateway pod: the replicas say
// what they serve instead of being probed, which is cheaper and just as exact.
import type { Condition, KubeObject } from '../../api/meta.ts';
import type { Ingress, IngressStatus } from '../../api/networking/types.ts';
import { R } from '../../api/resources.ts';
import type { KubeClient } from '../../kube/client.ts';
import { KubeError } from '../../kube/errors.ts';
import type { ServedDocument } from './admin.ts';
import { SERVED_PATH } from './admin.ts';
import { http } from './node-http.ts';
import type { EndpointSlice } from './table.ts';
import { SERVICE_NAME_LABEL, isOurIngress } from './table.ts';

export const PUBLIC_LB = { ingress: [{ domainInternal: 'kourier.kourier-system.svc.cluster.local' }] };
export const PRIVATE_LB = { ingress: [{ domainInternal: 'kourier-internal.kourier-system.svc.cluster.local' }] };

export type Verdict = { kind: 'ready' } | { kind: 'waiting' } | { kind: 'conflict'; message: string };

function setCondition(conds: Condition[], c: Condition, now: string): void {
  const i = conds.findIndex((x) => x.type === c.type);
  const prev = i >= 0 ? conds[i] : undefined;
  const same = prev && prev.status === c.status && (prev.reason ?? '') === (c.reason ?? '') && (prev.message ?? '') === (c.message ?? '');
  const next: Condition = { ...c, lastTransitionTime: same && prev?.lastTransitionTime ? prev.lastTransitionTime : now };
  if (!next.reason) delete next.reason;
  if (!next.message) delete next.message;
  if (i >= 0) conds[i] = next;
  else conds.push(next);
}

/** The status the gateway wants on a KIngress, given what the replicas serve. Pure. */
export function desiredIngressStatus(ing: Ingress, verdict: Verdict, now: string): IngressStatus {
  const prev = ing.status ?? {};
  const conds: Condition[] = (prev.conditions ?? []).map((c) => ({ ...c }));
  setCondition(conds, { type: 'NetworkConfigured', status: 'True' }, now);
  const status: IngressStatus = { ...prev, observedGeneration: ing.metadata.generation };
  if (verdict.kind === 'ready') {
    setCondition(conds, { type: 'LoadBalancerReady', status: 'True' }, now);
    setCondition(conds, { type: 'Ready', status: 'True' }, now);
    status.publicLoadBalancer = PUBLIC_LB;
    status.privateLoadBalancer = PRIVATE_LB;
  } else if (verdict.kind === 'conflict') {
    setCondition(conds, { type: 'LoadBalancerReady', status: 'False', reason: 'DomainConflict', message: verdict.message }, now);
    setCondition(conds, { type: 'Ready', status: 'False', reason: 'DomainConflict', message: verdict.message }, now);
  } else {
    const message = 'Waiting for load balancer to be ready';
    setCondition(conds, { type: 'LoadBalancerReady', status: 'Unknown', reason: 'Uninitialized', message }, now);
    setCondition(conds, { type: 'Ready', status: 'Unknown', reason: 'Uninitialized', message }, now);
  }
  conds.sort((a, b) => a.type.localeCompare(b.type));
  status.conditions = conds;
  return status;
}

function sameStatus(a: IngressStatus | undefined, b: IngressStatus): boolean {
  const strip = (s: IngressStatus | undefined) =>
    JSON.stringify({ ...s, conditions: (s?.conditions ?? []).map((c) => ({ ...c, lastTransitionTime: undefined })) });
  return strip(a) === strip(b);
}

/** Admin base URLs (http://ip:port) of every gateway replica. */
export type PeerSource = () => string[];

/** A fixed list, for tests and single-replica setups: `--peers 127.0.0.1:9000,127.0.0.2:9000`. */
export function staticPeers(list: string[]): PeerSource {
  const urls = list.map((p) => (p.startsWith('http://') ? p : `http://${p}`).replace(/\/$/, ''));
  return () => urls;
}

/** The ready addresses of the gateway's own Service (kourier-system/kourier-internal) at `port`, as "ip:port", sorted. */
export function replicaAddresses(slices: readonly EndpointSlice[], namespace: string, service: string, port: number): string[] {
  const out = new Set<string>();
  for (const s of slices) {
    if (s.metadata.namespace !== namespace || s.metadata.labels?.[SERVICE_NAME_LABEL] !== service) continue;
    for (const ep of s.endpoints ?? []) {
      if (ep.conditions?.ready === false) continue;
      const a = ep.addresses[0];
      if (a) out.add(a.includes(':') ? `[${a}]:${port}` : `${a}:${port}`);
    }
  }
  return [...out].sort();
}

/** The ready addresses of the gateway's own Service (kourier-system/kourier-internal) at the admin port. */
export function endpointSlicePeers(slices: () => EndpointSlice[], namespace: string, service: string, adminPort: number): PeerSource {
  return () => replicaAddresses(slices(), namespace, service, adminPort).map((a) => `http://${a}`);
}

export interface StatusWriterOptions {
  client: KubeClient;
  ingresses: () => Ingress[];
  peers: PeerSource;
  /** KIngress `ns/name` → message, for KIngresses this gateway rejects (host conflicts). */
  conflicts: () => Map<string, string>;
  /** While some KIngress is not Ready, check again this often. */
  retryMs?: number;
  onError?(e: unknown): void;
  now?: () => Date;
}

export class StatusWriter {
  private readonly o: StatusWriterOptions;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private again = false;
  private stopped = true;
  /** Writes done, for tests. */
  writes = 0;
  /** Keep-alive connections to the replicas' admin ports (node:http, not fetch: fetch loads node's undici, ADR 0030). */
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

  constructor(o: StatusWriterOptions) {
    this.o = o;
  }

  start(): void {
    this.stopped = false;
    this.kick();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.agent.destroy();
  }

  /** Runs a pass soon (coalesced). */
  kick(delayMs = 0): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.pass(), delayMs);
    this.timer.unref?.();
  }

  private async served(): Promise<Map<string, number>[]> {
    const peers = this.o.peers();
    return Promise.all(
      peers.map(async (base) => {
        try {
          const doc = (await getJson(`${base}${SERVED_PATH}`, this.agent, 1000)) as ServedDocument | undefined;
          return new Map(Object.entries(doc?.generations ?? {}));
        } catch {
          return new Map<string, number>();
        }
      }),
    );
  }

  private async pass(): Promise<void> {
    this.running = true;
    let pending = false;
    try {
      const ings = this.o.ingresses().filter((i) => isOurIngress(i) && !i.metadata.deletionTimestamp);
      const todo = ings.filter((i) => !isDone(i));
      if (todo.length > 0) {
        const served = await this.served();
        const conflicts = this.o.conflicts();
        const now = (this.o.now?.() ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
        for (const ing of todo) {
          const id = `${ing.metadata.namespace}/${ing.metadata.name}`;
          const gen = ing.metadata.generation ?? 0;
          const conflict = conflicts.get(id);
          const verdict: Verdict = conflict
            ? { kind: 'conflict', message: conflict }
            : served.length > 0 && served.every((m) => (m.get(id) ?? -1) >= gen)
              ? { kind: 'ready' }
              : { kind: 'waiting' };
          if (verdict.kind === 'waiting') pending = true;
          const status = desiredIngressStatus(ing, verdict, now);
          if (sameStatus(ing.status, status)) continue;
          try {
            await this.o.client.replaceStatus<KubeObject>(R.Ingress, { ...ing, status } as KubeObject);
            this.writes++;
          } catch (e) {
            pending = true;
            if (!(e instanceof KubeError && (e.conflict || e.code === 404))) this.o.onError?.(e);
          }
        }
      }
    } catch (e) {
      pending = true;
      this.o.onError?.(e);
    } finally {
      this.running = false;
    }
    if (this.stopped) return;
    if (this.again) {
      this.again = false;
      this.kick();
    } else if (pending) this.kick(this.o.retryMs ?? 500);
  }
}

/** GET url and parse its JSON body: undefined unless 200; rejects on an error or after timeoutMs in all. */
function getJson(url: string, agent: InstanceType<typeof http.Agent>, timeoutMs: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        resolve(undefined);
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch (e) {
          reject(e as Error);
        }
      });
    });
    const timer = setTimeout(() => req.destroy(new Error(`no answer from ${url} in ${timeoutMs} ms`)), timeoutMs);
    req.on('error', reject);
    req.on('close', () => clearTimeout(timer));
  });
}

/** Ready (or rejected) at its current generation with Kourier's load balancer status. */
function isDone(ing: Ingress): boolean {
  const s = ing.status;
  if (!s || s.observedGeneration !== ing.metadata.generation) return false;
  const ready = s.conditions?.find((c) => c.type === 'Ready');
  if (ready?.status === 'False' && ready.reason === 'DomainConflict') return false; // re-check: the other may be gone
  return (
    ready?.status === 'True' &&
    JSON.stringify(s.publicLoadBalancer) === JSON.stringify(PUBLIC_LB) &&
    JSON.stringify(s.privateLoadBalancer) === JSON.stringify(PRIVATE_LB)
  );
}
