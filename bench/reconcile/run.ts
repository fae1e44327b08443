// Reconcile benchmark: time from `create Service` to Ready, for 1 Service and for N (default 500),
// p50/p99, and the controller process's RSS with N Services. Prints figures; asserts nothing.
//
//   npm run build   # the controller runs from dist/, as in the image
//   KN_TS_TEST_BINS="$(scripts/build-test-bins.sh)" unshare -rn bash -c \
//     'ip link set lo up; node bench/reconcile/run.ts [N] [--rate R | --steady]'
//
// Two ways to create the N Services:
// - burst (the default): all at once, 32 creates in flight. Bound by the API server's throughput:
//   reports p50/p99, the total time, Services/s and API requests per Service.
// - steady (`--rate R`, or `--steady` for the default rate): one create every 1/R s, so the cluster
//   grows to N Services at R a second; reports p50/p99 create→Ready over all N at that scale.
//
// The controller runs with the NODE_OPTIONS of manifests/400-controller.yaml, as deployed;
// BENCH_NODE_FLAGS replaces them (BENCH_NODE_FLAGS= for none).
//
// --gateway (issue #9): also run one real gateway (`bin/control-plane.js gateway`, with the node
// flags of manifests/410-gateway.yaml and AUTOSCALER_URL at the controller's intake, as deployed;
// --no-status, since the stand-in below writes KIngress status) against the same API server, and
// print its VmRSS and anonymous RSS idle and with the N Services beside the controller's. This
// harness has no kube-controller-manager, so nothing makes EndpointSlices: the stand-in creates,
// for every Kubernetes Service with a selector, the placeholder EndpointSlice KCM's
// endpointslice controller writes for a Service without pods (the Services stay at zero pods
// here, as in bench/activation/kind-500.ts): the Service's labels plus kubernetes.io/service-name
// and endpointslice.kubernetes.io/managed-by, an owner reference, no endpoints, no ports. So the
// gateway's caches hold one KIngress and one EndpointSlice per Service, as on kind.
// BENCH_GATEWAY_FLAGS replaces the gateway's node flags; BENCH_GATEWAY_SETTLE_S (default 10) is how
// long it settles before the second reading.
//
// BENCH_AUTOSCALER_FEED_S=S (issue #9): after the N Services are Ready, a stand-in gateway POSTs a
// report naming every revision (1 request in flight each) to the controller's autoscaler intake
// once a second for S seconds (60: a whole stable window, every decider's buckets full), and the
// RSS is read again with every decider fed.
//
// A private kube-apiserver + etcd on 127.0.0.1, WITHOUT kube-controller-manager, so nothing
// overwrites the statuses this harness writes. There is no kubelet and no gateway, so a helper
// loop plays them: each new Deployment is marked available (replicas ready) and each new KIngress
// is marked Ready with Kourier's load-balancer addresses, as soon as they appear. "Ready" below is
// the Service's Ready=True (Route included); "configured" is ConfigurationsReady=True
// (Configuration → Revision → Deployment only).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import type { Service } from '../../src/api/serving/types.ts';
import { KubeClient } from '../../src/kube/client.ts';
import { waitFor } from '../../src/kube/wait.ts';
import { freePort, startCluster } from '../../test/harness/cluster.ts';
import { REPO } from '../../test/harness/env.ts';

/**
 * The default steady rate, Services created per second. The burst shows what this shared 2-CPU
 * machine does at saturation: 11–15 Services/s (the API server's CPU). 10/s was sustained on a
 * quiet machine (p50 186 ms, p99 505 ms) but leaves no headroom for a busy neighbour; 5/s is about
 * half the saturated rate, so create→Ready measures a Service's own latency at 500-Service scale
 * rather than a queue (docs/adr/0009-controller-performance.md).
 */
const DEFAULT_RATE = 5;
const args = parseArgs({ args: process.argv.slice(2), allowPositionals: true, options: { rate: { type: 'string' }, steady: { type: 'boolean' }, gateway: { type: 'boolean' } } });
const N = Number(args.positionals[0] ?? 500);
const RATE = args.values.rate !== undefined ? Number(args.values.rate) : args.values.steady ? DEFAULT_RATE : undefined;
if (!Number.isInteger(N) || N < 1 || (RATE !== undefined && !(RATE > 0))) {
  console.error('usage: node bench/reconcile/run.ts [N] [--rate R | --steady] [--gateway]');
  process.exit(2);
}
const NS = 'bench';
const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

async function installCRDs(c: KubeClient): Promise<void> {
  const names: string[] = [];
  for (const f of ['000-namespaces.yaml', '100-crd-serving.yaml', '101-crd-domainmapping.yaml', '102-crd-networking.yaml', '103-crd-autoscaling.yaml']) {
    for (const doc of parseAllDocuments(readFileSync(join(REPO, 'manifests', f), 'utf8'))) {
      const o = doc.toJS() as KubeObject | null;
      if (!o?.kind) continue;
      await c.apply(o.kind === 'Namespace' ? R.Namespace : R.CustomResourceDefinition, o, { fieldManager: 'bench' });
      if (o.kind === 'CustomResourceDefinition') names.push(o.metadata.name ?? '');
    }
  }
  for (const n of names) {
    await waitFor<KubeObject & { status?: { conditions?: { type: string; status: string }[] } }>(c, R.CustomResourceDefinition, n, undefined, (o) => (o?.status?.conditions?.some((x) => x.type === 'Established' && x.status === 'True') ? 'done' : 'wait'), 30_000);
  }
}

/**
 * A fresh kube-apiserver answers its first writes of a new CRD's kind slowly (a one-off stall of up
 * to ≈2 s, seen on the first Route create whether or not a controller runs). That is the API
 * server starting, not the controller reconciling: write and delete one object of each kind the
 * first round creates, before the controller starts. Nothing reconciles them.
 */
async function warmUp(c: KubeClient): Promise<void> {
  const ns = 'bench-warmup';
  await c.create(R.Namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const template = { spec: { containers: [{ image: 'ghcr.io/knative/helloworld-go:latest' }] } };
  const objs: [typeof R.Service, KubeObject][] = [
    [R.Service, { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'w', namespace: ns }, spec: { template } } as KubeObject],
    [R.Configuration, { apiVersion: 'serving.knative.dev/v1', kind: 'Configuration', metadata: { name: 'w', namespace: ns }, spec: { template } } as KubeObject],
    [R.Route, { apiVersion: 'serving.knative.dev/v1', kind: 'Route', metadata: { name: 'w', namespace: ns }, spec: { traffic: [{ configurationName: 'w', percent: 100 }] } } as KubeObject],
    [R.Revision, { apiVersion: 'serving.knative.dev/v1', kind: 'Revision', metadata: { name: 'w', namespace: ns }, spec: template.spec } as KubeObject],
  ];
  for (const [r, o] of objs) {
    await c.create(r, o);
    await c.delete(r, o.metadata.name ?? '', ns);
  }
}

/** A watch that reopens when it ends (a new CRD's watch can fail just after it is Established). */
function keepWatching<T extends KubeObject>(c: KubeClient, r: typeof R.Ingress | typeof R.Deployment | typeof R.KService, h: (e: { type: string; object: T }) => void): { stop(): void } {
  let stopped = false;
  let cur: { stop(): void } | undefined;
  const open = () => {
    if (stopped) return;
    const w = c.watch<T>(r, { namespace: NS }, h);
    cur = w;
    void w.done.then(() => setTimeout(open, 300));
  };
  open();
  return {
    stop: () => {
      stopped = true;
      cur?.stop();
    },
  };
}

/** Plays kubelet + KCM (Deployments available) and the gateway (KIngress Ready). */
function fakeDataPlane(c: KubeClient): { stop(): void } {
  const seenDep = new Set<string>();
  const seenIng = new Set<string>();
  const depW = keepWatching<KubeObject & { metadata: { generation?: number }; spec: { replicas?: number } }>(c, R.Deployment, (e) => {
    if (e.type !== 'ADDED' && e.type !== 'MODIFIED') return;
    const d = e.object;
    const k = `${d.metadata.name}/${d.metadata.generation}`;
    if (seenDep.has(k)) return;
    seenDep.add(k);
    const n = d.spec.replicas ?? 1;
    const t = now();
    void c
      .patch(R.Deployment, d.metadata.name ?? '', NS, {
        status: {
          observedGeneration: d.metadata.generation,
          replicas: n,
          updatedReplicas: n,
          readyReplicas: n,
          availableReplicas: n,
          conditions: [
            { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.', lastUpdateTime: t, lastTransitionTime: t },
            { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: 'ReplicaSet has successfully progressed.', lastUpdateTime: t, lastTransitionTime: t },
          ],
        },
      }, 'merge', { subresource: 'status' })
      .catch(() => seenDep.delete(k));
  });
  const ingW = keepWatching<KubeObject & { metadata: { generation?: number } }>(c, R.Ingress, (e) => {
    if (e.type !== 'ADDED' && e.type !== 'MODIFIED') return;
    const o = e.object;
    const k = `${o.metadata.name}/${o.metadata.generation}`;
    if (seenIng.has(k)) return;
    seenIng.add(k);
    const t = now();
    void c
      .patch(R.Ingress, o.metadata.name ?? '', NS, {
        status: {
          observedGeneration: o.metadata.generation,
          conditions: ['LoadBalancerReady', 'NetworkConfigured', 'Ready'].map((type) => ({ type, status: 'True', lastTransitionTime: t })),
          publicLoadBalancer: { ingress: [{ domainInternal: 'kourier.kourier-system.svc.cluster.local' }] },
          privateLoadBalancer: { ingress: [{ domainInternal: 'kourier-internal.kourier-system.svc.cluster.local' }] },
        },
      }, 'merge', { subresource: 'status' })
      .catch((err: unknown) => {
        console.error('ingress status:', (err as Error).message);
        seenIng.delete(k);
      });
  });
  return {
    stop: () => {
      depW.stop();
      ingW.stop();
    },
  };
}

function traceAll(c: KubeClient): { stop(): void } {
  const t0 = performance.now();
  const kinds = [R.Service, R.Configuration, R.Revision, R.Route, R.Deployment, R.KService, R.PodAutoscaler, R.Ingress, R.Event];
  const ws = kinds.map((r) =>
    c.watch<KubeObject & { status?: { conditions?: { type: string; status: string }[]; observedGeneration?: number } }>(r, { namespace: NS }, (e) => {
      const o = e.object;
      const conds = (o.status?.conditions ?? []).map((x) => `${x.type}=${x.status[0]}`).join(',');
      const extra = r === R.Event ? ` ${(o as unknown as { reason?: string; involvedObject?: { kind?: string } }).involvedObject?.kind} ${(o as unknown as { reason?: string }).reason}` : '';
      const mf = process.env.BENCH_TRACE === 'mf' ? ` ${JSON.stringify((o.metadata.managedFields as { manager?: string; operation?: string; subresource?: string; fieldsV1?: unknown }[] | undefined)?.map((x) => [x.manager, x.operation, x.subresource, x.fieldsV1]))}` : '';
      console.error(`${(performance.now() - t0).toFixed(0).padStart(6)} ms ${e.type.padEnd(8)} ${r.kind}/${o.metadata.name} rv=${o.metadata.resourceVersion} gen=${o.metadata.generation ?? ''} og=${o.status?.observedGeneration ?? ''} ${conds}${extra}${mf}`);
    }),
  );
  return { stop: () => ws.forEach((w) => w.stop()) };
}

/**
 * How the controller process is started. Default: as the image starts it, `bin/control-plane.js
 * controller` on the built JavaScript in dist/ (run `npm run build` first). BENCH_CONTROLLER=src runs
 * the TypeScript sources through Node's type stripping instead (handy while editing; its RSS is
 * ≈40 MiB higher for the stripper alone, so it is not the figure to compare with the goal).
 */
function controllerEntry(): string[] {
  if (process.env.BENCH_CONTROLLER === 'src') return [join(REPO, 'bench/reconcile/controller-proc.ts')];
  const built = join(REPO, 'dist/controller/main.js');
  if (!existsSync(built)) throw new Error(`${built} is missing: run \`npm run build\` first (or BENCH_CONTROLLER=src)`);
  const newest = Math.max(...['src/controller', 'src/kube', 'src/api'].map((d) => newestMtime(join(REPO, d))));
  if (newest > statSync(built).mtimeMs) console.error('warning: dist/ is older than the controller sources: run `npm run build` to measure what you edited');
  return [join(REPO, 'bin/control-plane.js'), 'controller'];
}

function newestMtime(dir: string): number {
  let max = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) max = Math.max(max, newestMtime(p));
    else if (e.name.endsWith('.ts')) max = Math.max(max, statSync(p).mtimeMs);
  }
  return max;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
};

async function rssMiB(pid: number): Promise<number> {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) / 1024;
}

/**
 * The node flags of a Deployment's container, as its pod starts node: the flags of a `command:
 * [node, …flags, …/control-plane.js]` and the NODE_OPTIONS value (manifests/400-controller.yaml,
 * manifests/410-gateway.yaml).
 */
function manifestNodeOptions(file = 'manifests/400-controller.yaml'): string {
  const flags: string[] = [];
  for (const doc of parseAllDocuments(readFileSync(join(REPO, file), 'utf8'))) {
    const d = doc.toJS() as { kind?: string; spec?: { template?: { spec?: { containers?: { command?: string[]; env?: { name: string; value?: string }[] }[] } } } } | null;
    if (d?.kind !== 'Deployment') continue;
    for (const c of d.spec?.template?.spec?.containers ?? []) {
      const cmd = c.command ?? [];
      if (cmd[0] === 'node') flags.push(...cmd.slice(1).filter((a) => a.startsWith('--')));
      for (const e of c.env ?? []) if (e.name === 'NODE_OPTIONS' && e.value) flags.push(e.value);
    }
  }
  return flags.join(' ');
}

/** VmRSS and its anonymous part (RssAnon) of a process, MiB. */
function memMiB(pid: number): { rss: number; anon: number } {
  const st = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(st)?.[1] ?? 0) / 1024;
  return { rss: kb('VmRSS'), anon: kb('RssAnon') };
}

/**
 * Plays kube-controller-manager's endpointslice controller for the benchmark's namespace: for each
 * Kubernetes Service with a selector, the placeholder EndpointSlice it writes while no pod matches.
 */
function fakeEndpointSlices(c: KubeClient): { stop(): void } {
  const seen = new Set<string>();
  return keepWatching<KubeObject & { spec?: { selector?: Record<string, string> } }>(c, R.KService, (e) => {
    const svc = e.object;
    const name = svc.metadata.name ?? '';
    if (e.type !== 'ADDED' || !svc.spec?.selector || seen.has(name)) return;
    seen.add(name);
    void c
      .create(R.EndpointSlice, {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          generateName: `${name}-`,
          namespace: NS,
          labels: { ...svc.metadata.labels, 'kubernetes.io/service-name': name, 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' },
          ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name, uid: svc.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
        },
        addressType: 'IPv4',
        endpoints: [],
        ports: null,
      } as KubeObject)
      .catch((err: unknown) => {
        console.error('endpointslice:', (err as Error).message);
        seen.delete(name);
      });
  });
}

/** Starts `bin/control-plane.js gateway` against the cluster; resolves once its admin port is ready. */
async function startGatewayProc(kubeconfig: string, autoscalerPort: number): Promise<{ proc: ChildProcess; admin: number; flags: string[] }> {
  const [ext, int, admin] = [await freePort(), await freePort(), await freePort()];
  const flags = (process.env.BENCH_GATEWAY_FLAGS ?? manifestNodeOptions('manifests/410-gateway.yaml')).split(' ').filter(Boolean);
  const proc = spawn(process.execPath, [...flags, join(REPO, 'bin/control-plane.js'), 'gateway', '--kubeconfig', kubeconfig, '--bind', '127.0.0.1', '--port', String(ext), '--internal-port', String(int), '--admin-port', String(admin), '--no-status'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, LOG_LEVEL: 'warn', AUTOSCALER_URL: `http://127.0.0.1:${autoscalerPort}`, POD_NAME: 'bench-gateway' },
  });
  for (let i = 0; ; i++) {
    if (await fetch(`http://127.0.0.1:${admin}/readyz`).then((r) => r.ok, () => false)) break;
    if (i > 300) throw new Error('gateway did not become ready');
    await new Promise((r) => setTimeout(r, 100));
  }
  return { proc, admin, flags };
}

/** How many KIngresses the gateway's routing table serves (its /__kn_ts/served). */
async function gatewayServes(admin: number): Promise<number> {
  const doc = await fetch(`http://127.0.0.1:${admin}/__kn_ts/served`).then((r) => r.json() as Promise<{ generations: Record<string, number> }>, () => ({ generations: {} }));
  return Object.keys(doc.generations).length;
}

/** The label values of one Prometheus sample line's `{a="x",b="y"}`. */
const labelsOf = (s: string): Record<string, string> => Object.fromEntries([...s.matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));

/** The controller's API requests so far, by `method resource code`, from its kn_ts_rest_client_requests_by_resource_total. */
async function requestCounts(port: number): Promise<Map<string, number>> {
  const m = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text(), () => '');
  const out = new Map<string, number>();
  for (const x of m.matchAll(/^kn_ts_rest_client_requests_by_resource_total\{([^}]*)\} (\S+)/gm)) {
    const l = labelsOf(x[1] ?? '');
    out.set(`${l.method} ${l.resource} ${l.code}`, Number(x[2]));
  }
  return out;
}

function requestDelta(before: Map<string, number>, after: Map<string, number>): [string, number][] {
  const rows = [...after].map(([k, v]) => [k, v - (before.get(k) ?? 0)] as [string, number]).filter(([, v]) => v > 0);
  return rows.sort((a, b) => b[1] - a[1]);
}

/**
 * Creates `names` and resolves with create→Ready and create→configured times. Without a rate, at
 * most 32 creates are in flight (a burst); with one, a create starts every 1/rate s (at most 64 in
 * flight, so a stalled API server is not flooded), and each Service's clock starts at its create.
 */
async function round(c: KubeClient, names: string[], timeoutMs: number, progress?: (p: string) => Promise<void>, rate?: number): Promise<{ ready: number[]; configured: number[]; notReady: number; seconds: number }> {
  const t0 = new Map<string, number>();
  const ready = new Map<string, number>();
  const configured = new Map<string, number>();
  const want = new Set(names);
  let resolveAll!: () => void;
  const all = new Promise<void>((r) => (resolveAll = r));
  const w = c.watch<Service>(R.Service, { namespace: NS }, (e) => {
    const s = e.object;
    const n = s.metadata.name ?? '';
    if (!want.has(n) || !t0.has(n)) return;
    const conds = s.status?.conditions ?? [];
    const at = performance.now();
    if (!configured.has(n) && conds.some((x) => x.type === 'ConfigurationsReady' && x.status === 'True')) configured.set(n, at - (t0.get(n) ?? at));
    if (!ready.has(n) && s.status?.observedGeneration === s.metadata.generation && conds.some((x) => x.type === 'Ready' && x.status === 'True')) ready.set(n, at - (t0.get(n) ?? at));
    if (ready.size === want.size) resolveAll();
  });
  await new Promise((r) => setTimeout(r, 200)); // the watch is open
  const queue = [...names];
  const worker = async () => {
    for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
      t0.set(n, performance.now());
      await c.create<Service>(R.Service, {
        apiVersion: 'serving.knative.dev/v1',
        kind: 'Service',
        metadata: { name: n, namespace: NS },
        spec: { template: { spec: { containers: [{ image: 'ghcr.io/knative/helloworld-go:latest' } as never] } } },
      });
    }
  };
  const t00 = performance.now();
  const tick = progress
    ? setInterval(() => void progress(`t=${((performance.now() - t00) / 1000).toFixed(1)}s created=${t0.size} configured=${configured.size} ready=${ready.size}`), 2000)
    : undefined;
  if (rate === undefined) {
    await Promise.all(Array.from({ length: 32 }, worker));
  } else {
    const creates: Promise<unknown>[] = [];
    let inFlight = 0;
    for (let i = 0; i < names.length; i++) {
      const due = t00 + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      while (inFlight >= 64) await new Promise((r) => setTimeout(r, 5));
      const n = names[i] as string;
      inFlight++;
      t0.set(n, performance.now());
      creates.push(
        c
          .create<Service>(R.Service, {
            apiVersion: 'serving.knative.dev/v1',
            kind: 'Service',
            metadata: { name: n, namespace: NS },
            spec: { template: { spec: { containers: [{ image: 'ghcr.io/knative/helloworld-go:latest' } as never] } } },
          })
          .finally(() => inFlight--),
      );
    }
    await Promise.all(creates);
  }
  await Promise.race([all, new Promise((r) => setTimeout(r, timeoutMs))]);
  const seconds = (performance.now() - t00) / 1000;
  clearInterval(tick);
  w.stop();
  return { ready: [...ready.values()], configured: [...configured.values()], notReady: want.size - ready.size, seconds };
}

async function main(): Promise<void> {
  const cluster = await startCluster({ controllerManager: false });
  let ctl: ChildProcess | undefined;
  let dp: { stop(): void } | undefined;
  let slicesDp: { stop(): void } | undefined;
  let gw: Awaited<ReturnType<typeof startGatewayProc>> | undefined;
  const c = await KubeClient.connect({ kubeconfig: cluster.kubeconfig });
  try {
    await installCRDs(c);
    await c.create(R.Namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    await warmUp(c);
    dp = fakeDataPlane(c);
    const port = await freePort();
    const asPort = await freePort();
    // BENCH_NODE_FLAGS: V8 flags for the controller process (e.g. --max-semi-space-size=8), to try what a NODE_OPTIONS in its Deployment would do.
    const nodeFlags = (process.env.BENCH_NODE_FLAGS ?? manifestNodeOptions()).split(' ').filter(Boolean);
    ctl = spawn(process.execPath, [...nodeFlags, ...controllerEntry(), '--kubeconfig', cluster.kubeconfig, '--metrics-port', String(port), '--metrics-host', '127.0.0.1', '--autoscaler-port', String(asPort), '--leader-elect=false', '--workers', process.env.WORKERS ?? '8'], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, LOG_LEVEL: 'warn' },
    });
    for (let i = 0; ; i++) {
      const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);
      if (ok) break;
      if (i > 300) throw new Error('controller did not become ready');
      await new Promise((r) => setTimeout(r, 100));
    }
    const rss0 = await rssMiB(ctl.pid ?? 0);
    let gwIdle: { rss: number; anon: number } | undefined;
    if (args.values.gateway) {
      slicesDp = fakeEndpointSlices(c);
      gw = await startGatewayProc(cluster.kubeconfig, asPort);
      await new Promise((r) => setTimeout(r, 2000));
      gwIdle = memMiB(gw.proc.pid ?? 0);
    }

    // BENCH_TRACE=1: a timeline of every object change during the single-Service round.
    const trace = process.env.BENCH_TRACE ? traceAll(c) : undefined;
    const one = await round(c, ['single'], 20_000);
    trace?.stop();
    if (one.notReady) {
      const s = await c.get<Service>(R.Service, 'single', NS);
      console.error('single not Ready:', JSON.stringify(s.status?.conditions));
      const rt = await c.get(R.Route, 'single', NS);
      const ing = await c.list(R.Ingress, { namespace: NS });
      console.error('route:', JSON.stringify(rt.status), 'ingresses:', JSON.stringify(ing.items.map((i) => [i.metadata.name, i.metadata.generation, i.status])));
    }
    const progress = process.env.BENCH_PROGRESS
      ? async (p: string) => {
          // Reconciles done and keys waiting, per reconciler, from the controller's /metrics.
          const m = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text(), () => '');
          const per = (metric: string, label: string, only: Record<string, string> = {}) =>
            [...m.matchAll(new RegExp(`^${metric}\\{([^}]*)\\} (\\S+)`, 'gm'))]
              .map((x) => ({ l: labelsOf(x[1] ?? ''), v: Number(x[2]) }))
              .filter(({ l }) => Object.entries(only).every(([k, v]) => l[k] === v))
              .map(({ l, v }) => `${l[label]}=${v}`)
              .join(' ');
          console.error(`${p} | reconciles ${per('controller_runtime_reconcile_total', 'controller', { result: 'success' })} | failed ${per('controller_runtime_reconcile_errors_total', 'controller')} | depth ${per('workqueue_depth', 'name')} | rss ${(await rssMiB(ctl?.pid ?? 0)).toFixed(0)} MiB`);
        }
      : undefined;
    const req0 = await requestCounts(port);
    const many = await round(c, Array.from({ length: N }, (_, i) => `svc-${i}`), Number(process.env.BENCH_TIMEOUT_MS ?? 300_000), progress, RATE);
    // Events are written off the critical path: give the last ones a moment before counting.
    await new Promise((r) => setTimeout(r, 2000));
    const rssN = await rssMiB(ctl.pid ?? 0);
    const reqs = requestDelta(req0, await requestCounts(port));
    const reqTotal = reqs.reduce((a, r) => a + r[1], 0);
    if (process.env.BENCH_PROGRESS) {
      const m = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text(), () => '');
      const mib = (re: RegExp) => (Number(re.exec(m)?.[1] ?? 0) / 2 ** 20).toFixed(0);
      console.error(
        `controller memory: heap used ${mib(/^nodejs_heap_size_used_bytes (\S+)/m)} MiB of ${mib(/^nodejs_heap_size_total_bytes (\S+)/m)} MiB (new space ${mib(/^nodejs_heap_space_size_total_bytes\{space="new"\} (\S+)/m)} MiB), external ${mib(/^nodejs_external_memory_bytes (\S+)/m)} MiB`,
      );
    }

    const f = (x: number) => `${x.toFixed(0)} ms`;
    const mode = RATE === undefined ? 'burst (all at once, 32 creates in flight)' : `steady, ${RATE} Services/s`;
    console.log(`reconcile benchmark (controller process, ${process.env.WORKERS ?? '8'} workers per reconciler, node flags "${nodeFlags.join(' ')}"; data plane faked as described in the header)`);
    console.log(`1 Service:   create→Ready ${f(one.ready[0] ?? NaN)}   create→ConfigurationsReady ${f(one.configured[0] ?? NaN)}`);
    console.log(`${N} Services, ${mode}:`);
    console.log(`  create→Ready p50 ${f(pct(many.ready, 50))} p99 ${f(pct(many.ready, 99))} max ${f(pct(many.ready, 100))}   (not Ready: ${many.notReady})`);
    console.log(`  create→ConfigurationsReady p50 ${f(pct(many.configured, 50))} p99 ${f(pct(many.configured, 99))}`);
    console.log(`  ${many.seconds.toFixed(1)} s from the first create to the last Ready: ${(many.ready.length / many.seconds).toFixed(1)} Services/s`);
    console.log(`  controller API requests: ${reqTotal} (${(reqTotal / N).toFixed(1)} per Service)`);
    for (const [k, v] of reqs) console.log(`    ${String(v).padStart(7)}  ${(v / N).toFixed(2).padStart(6)}/Service  ${k}`);
    console.log(`controller RSS: ${rss0.toFixed(0)} MiB idle, ${rssN.toFixed(0)} MiB with ${N + 1} Services`);
    if (gw && gwIdle) {
      const settle = Math.min(600, Number(process.env.BENCH_GATEWAY_SETTLE_S ?? 10));
      for (let i = 0; i < 600 && (await gatewayServes(gw.admin)) < N + 1; i++) await new Promise((r) => setTimeout(r, 500));
      const served = await gatewayServes(gw.admin);
      const slices = (await c.list(R.EndpointSlice, { namespace: NS })).items.length;
      const gwAt = memMiB(gw.proc.pid ?? 0);
      await new Promise((r) => setTimeout(r, settle * 1000));
      const gwN = memMiB(gw.proc.pid ?? 0);
      const f = (m: { rss: number; anon: number }) => `${m.rss.toFixed(1)} MiB (anon ${m.anon.toFixed(1)})`;
      console.log(`gateway (node flags "${gw.flags.join(' ')}") VmRSS: ${f(gwIdle)} idle; with ${N + 1} Services (${served} KIngresses served, ${slices} EndpointSlices): ${f(gwAt)} at once, ${f(gwN)} ${settle} s later`);
    }
    const feedS = Number(process.env.BENCH_AUTOSCALER_FEED_S ?? 0);
    if (feedS > 0) {
      const stats = Array.from({ length: N }, (_, i) => ({ namespace: NS, revision: `svc-${i}-00001`, concurrency: 1, rps: 1 }));
      stats.push({ namespace: NS, revision: 'single-00001', concurrency: 1, rps: 1 });
      const body = JSON.stringify({ gateway: 'bench-gateway', stats });
      let sent = 0;
      let maxRss = 0;
      for (let i = 0; i < Math.min(feedS, 600); i++) {
        const r = await fetch(`http://127.0.0.1:${asPort}/stats`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        if (r.status === 204) sent++;
        maxRss = Math.max(maxRss, await rssMiB(ctl.pid ?? 0));
        await new Promise((res) => setTimeout(res, 1000));
      }
      const deployments = (await c.list<KubeObject & { spec: { replicas?: number } }>(R.Deployment, { namespace: NS })).items;
      const atOne = deployments.filter((d) => d.spec.replicas === 1).length;
      console.log(`controller RSS with the autoscaler fed for ${feedS} s (${sent} reports naming all ${N + 1} revisions, 1 in flight each): ${(await rssMiB(ctl.pid ?? 0)).toFixed(0)} MiB at the end, ${maxRss.toFixed(0)} MiB max; Deployments at 1 replica: ${atOne}/${deployments.length}`);
    }
    console.log(`load average (1/5/15 min) at the end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  } finally {
    dp?.stop();
    slicesDp?.stop();
    gw?.proc.kill('SIGTERM');
    ctl?.kill('SIGTERM');
    c.close();
    await cluster.stop();
  }
}

await main();
