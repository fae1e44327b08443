// The controller's memory, idle and with N Services (issue #9, docs/adr/0029-controller-memory.md):
// the controller from dist/ (`bin/control-plane.js controller`, with the node flags of
// manifests/400-controller.yaml: its command's and NODE_OPTIONS') against a private kube-apiserver,
// N Services created 16 at a time with the data plane played as bench/reconcile does it (each
// Deployment marked available, each KIngress Ready). Prints, idle and SETTLE s after every Service is
// Ready: VmRSS and its anonymous and file-backed parts (/proc/<pid>/status), the anonymous memory by
// kind of mapping (/proc/<pid>/smaps: V8's heap pages are the 256 KiB–1 MiB ones, malloc's main heap
// is [heap]), and V8's heap used/total (the controller's /metrics); and the CPU time the controller
// spent until every Service was Ready (user + system: less dependent on the machine's load than
// latency). Asserts nothing.
//
//   npm run build
//   KN_TS_TEST_BINS="$(scripts/build-test-bins.sh)" flock /work/bench.lock unshare -rn bash -c \
//     'ip link set lo up; node bench/controller-memory/run.ts [N] [--settle S] [--flags="…"] [--zero]'
//
// --flags replaces the node flags (e.g. to compare without --optimize-for-size); --zero creates the
// Services with `autoscaling.knative.dev/initial-scale: "0"` as bench/activation/kind-500.ts does.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

const { values: v, positionals } = parseArgs({ allowPositionals: true, options: { settle: { type: 'string', default: '30' }, flags: { type: 'string' }, zero: { type: 'boolean' } } });
const N = Math.max(0, Math.min(2000, Number(positionals[0] ?? 500)));
const SETTLE_S = Math.max(0, Math.min(600, Number(v.settle)));
const NS = 'bench';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The node flags of the controller's Deployment: those in its command before the script, then NODE_OPTIONS. */
function deployedFlags(): string[] {
  for (const d of parseAllDocuments(readFileSync(join(REPO, 'manifests/400-controller.yaml'), 'utf8'))) {
    const o = d.toJS() as { kind?: string; spec?: { template?: { spec?: { containers?: { command?: string[]; env?: { name: string; value?: string }[] }[] } } } } | null;
    if (o?.kind !== 'Deployment') continue;
    const c = o.spec?.template?.spec?.containers?.[0];
    const cmd = c?.command ?? [];
    const script = cmd.findIndex((a) => a.endsWith('control-plane.js'));
    const env = (c?.env?.find((e) => e.name === 'NODE_OPTIONS')?.value ?? '').split(/\s+/).filter(Boolean);
    return [...(script > 0 ? cmd.slice(1, script) : []), ...env];
  }
  return [];
}

function memory(pid: number): string {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => (Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1]) / 1024).toFixed(1);
  const groups = new Map<string, number>();
  let cur = '';
  for (const l of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const h = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \d+\s*(.*)$/.exec(l);
    if (h) {
      const kib = (parseInt(h[2] ?? '0', 16) - parseInt(h[1] ?? '0', 16)) / 1024;
      const name = h[3] ?? '';
      cur = name ? (name.includes('/') ? 'files' : name) : kib >= 65532 ? 'malloc arenas' : kib >= 1024 ? '≥ 1 MiB' : kib >= 256 ? '256 KiB–1 MiB' : '< 256 KiB';
      continue;
    }
    const a = /^Anonymous:\s+(\d+)/.exec(l);
    if (a) groups.set(cur, (groups.get(cur) ?? 0) + Number(a[1]));
  }
  const by = [...groups].filter(([, x]) => x > 0).map(([k, x]) => `${k} ${(x / 1024).toFixed(1)}`).join(', ');
  return `VmRSS ${kb('VmRSS')} MiB (anonymous ${kb('RssAnon')}, file ${kb('RssFile')}); anonymous by mapping: ${by}`;
}

/** CPU seconds (user + system) the process has used (/proc/<pid>/stat, in clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) / 100;
}

async function heap(port: number): Promise<string> {
  const m = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text(), () => '');
  const mib = (re: RegExp) => (Number(re.exec(m)?.[1] ?? 0) / 2 ** 20).toFixed(1);
  return `V8 heap used ${mib(/^nodejs_heap_size_used_bytes (\S+)/m)} of ${mib(/^nodejs_heap_size_total_bytes (\S+)/m)} MiB, external ${mib(/^nodejs_external_memory_bytes (\S+)/m)} MiB`;
}

/** Plays kubelet + KCM (Deployments available) and the gateway (KIngress Ready), as bench/reconcile. */
function fakeDataPlane(c: KubeClient): () => void {
  const seen = new Set<string>();
  const dw = c.watch<KubeObject & { spec: { replicas?: number } }>(R.Deployment, { namespace: NS }, (e) => {
    if (e.type !== 'ADDED' && e.type !== 'MODIFIED') return;
    const d = e.object;
    const k = `d/${d.metadata.name}/${d.metadata.generation}`;
    if (seen.has(k)) return;
    seen.add(k);
    const n = d.spec.replicas ?? 1;
    const t = now();
    const conditions = [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.', lastUpdateTime: t, lastTransitionTime: t }];
    void c.patch(R.Deployment, d.metadata.name ?? '', NS, { status: { observedGeneration: d.metadata.generation, replicas: n, updatedReplicas: n, readyReplicas: n, availableReplicas: n, conditions } }, 'merge', { subresource: 'status' }).catch(() => seen.delete(k));
  });
  const iw = c.watch(R.Ingress, { namespace: NS }, (e) => {
    if (e.type !== 'ADDED' && e.type !== 'MODIFIED') return;
    const o = e.object;
    const k = `i/${o.metadata.name}/${o.metadata.generation}`;
    if (seen.has(k)) return;
    seen.add(k);
    const t = now();
    const status = {
      observedGeneration: o.metadata.generation,
      conditions: ['LoadBalancerReady', 'NetworkConfigured', 'Ready'].map((type) => ({ type, status: 'True', lastTransitionTime: t })),
      publicLoadBalancer: { ingress: [{ domainInternal: 'kourier.kourier-system.svc.cluster.local' }] },
      privateLoadBalancer: { ingress: [{ domainInternal: 'kourier-internal.kourier-system.svc.cluster.local' }] },
    };
    void c.patch(R.Ingress, o.metadata.name ?? '', NS, { status }, 'merge', { subresource: 'status' }).catch(() => seen.delete(k));
  });
  return () => {
    dw.stop();
    iw.stop();
  };
}

async function main(): Promise<void> {
  const cluster = await startCluster({ controllerManager: false });
  const c = await KubeClient.connect({ kubeconfig: cluster.kubeconfig });
  let ctl: ReturnType<typeof spawn> | undefined;
  let stopDataPlane: (() => void) | undefined;
  try {
    const crds: string[] = [];
    for (const f of ['000-namespaces.yaml', '100-crd-serving.yaml', '101-crd-domainmapping.yaml', '102-crd-networking.yaml', '103-crd-autoscaling.yaml']) {
      for (const doc of parseAllDocuments(readFileSync(join(REPO, 'manifests', f), 'utf8'))) {
        const o = doc.toJS() as KubeObject | null;
        if (!o?.kind) continue;
        await c.apply(o.kind === 'Namespace' ? R.Namespace : R.CustomResourceDefinition, o, { fieldManager: 'bench' });
        if (o.kind === 'CustomResourceDefinition') crds.push(o.metadata.name ?? '');
      }
    }
    for (const n of crds) {
      await waitFor<KubeObject & { status?: { conditions?: { type: string; status: string }[] } }>(c, R.CustomResourceDefinition, n, undefined, (o) => (o?.status?.conditions?.some((x) => x.type === 'Established' && x.status === 'True') ? 'done' : 'wait'), 30_000);
    }
    await c.create(R.Namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    const port = await freePort();
    const flags = v.flags !== undefined ? v.flags.split(/\s+/).filter(Boolean) : deployedFlags();
    ctl = spawn(process.execPath, [...flags, join(REPO, 'bin/control-plane.js'), 'controller', '--kubeconfig', cluster.kubeconfig, '--metrics-port', String(port), '--metrics-host', '127.0.0.1', '--autoscaler-port', '0', '--webhook-port', '0', '--feed-port', '0', '--leader-elect=false', '--workers', '8'], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, LOG_LEVEL: 'warn' },
    });
    const pid = ctl.pid ?? 0;
    for (let i = 0; !(await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false)); i++) {
      if (i > 300) throw new Error('the controller did not become ready in 30 s');
      await sleep(100);
    }
    console.log(`controller memory benchmark: node flags "${flags.join(' ')}"; load average ${load()}`);
    await sleep(5000);
    console.log(`idle: ${memory(pid)}\n      ${await heap(port)}`);
    if (N === 0) return;
    stopDataPlane = fakeDataPlane(c);
    const cpu0 = cpuSeconds(pid);
    const t0 = performance.now();
    let next = 0;
    const annotations = v.zero ? { 'autoscaling.knative.dev/initial-scale': '0' } : undefined;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < N) {
          const i = next++;
          await c.create<Service>(R.Service, { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: `s${i}`, namespace: NS }, spec: { template: { ...(annotations ? { metadata: { annotations } } : {}), spec: { containers: [{ image: 'ghcr.io/knative/helloworld-go:latest' } as never] } } } } as Service);
        }
      }),
    );
    for (let n = 0; ; n++) {
      const l = await c.list<Service>(R.Service, { namespace: NS });
      const ready = l.items.filter((s) => s.status?.observedGeneration === s.metadata.generation && s.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True')).length;
      if (ready === N) break;
      if (n > 600) throw new Error(`${ready} of ${N} Services Ready after 10 minutes`);
      await sleep(1000);
    }
    console.log(`${N} Services Ready ${((performance.now() - t0) / 1000).toFixed(1)} s after the first create; the controller used ${(cpuSeconds(pid) - cpu0).toFixed(1)} s of CPU for them; settling ${SETTLE_S} s`);
    await sleep(SETTLE_S * 1000);
    console.log(`${N} Services: ${memory(pid)}\n      ${await heap(port)}`);
    console.log(`load average ${load()} at the end`);
  } finally {
    stopDataPlane?.();
    ctl?.kill('SIGTERM');
    c.close();
    await cluster.stop();
  }
}

await main();
