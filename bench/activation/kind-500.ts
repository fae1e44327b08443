// bench/activation on the e2e tier's kind cluster (issue #9): the whole control plane's memory with
// the autoscaler at 500 Services. Creates N Knative Services in a namespace of their own, each at
// zero (`autoscaling.knative.dev/initial-scale: "0"`, with config-autoscaler's
// allow-zero-initial-scale for the run), so the cluster holds N of every object of the graph
// (Configuration, Revision, Route, Deployment, PodAutoscaler, Kubernetes Services, Ingress) and the
// autoscaler a decider per revision, without N pods a 2-CPU machine could not run. Waits for every
// Service to be Ready, lets the control plane settle for one stable window (60 s), then prints:
//   - each control-plane container's working set (the node's cgroups, kubelet stats/summary: what
//     `kubectl top` shows), and their total (the goal: ≤ 150 MiB);
//   - each process's VmRSS and its anonymous part (/proc/1/status in the container). VmRSS counts
//     the node binary's file pages in every process, so the VmRSS sum counts them once per pod; the
//     working sets charge a shared page to one cgroup only.
// Deletes the namespace and restores the ConfigMap at the end.
//
// Run inside the tier's network namespace with its kubeconfig, after `kn quickstart kind`:
//   flock /work/bench.lock nsenter --net=/run/netns/$KN_E2E_NETNS env PATH=$KN_E2E_PATH:$PATH \
//     KUBECONFIG=… node bench/activation/kind-500.ts [--services 500] [--settle 60]
import { execFile } from 'node:child_process';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { KubeObject } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import type { Service } from '../../src/api/serving/types.ts';
import { KubeClient } from '../../src/kube/client.ts';
import { table } from '../lib/timing.ts';

const { values: v } = parseArgs({ options: { services: { type: 'string', default: '500' }, settle: { type: 'string', default: '60' } } });
const N = Math.max(1, Math.min(1000, Number(v.services)));
const SETTLE_S = Math.max(0, Math.min(600, Number(v.settle)));
const NS = 'bench-500';
const PLANE = ['knative-serving', 'kourier-system'];

const sh = (cmd: string, args: string[]) =>
  new Promise<string>((resolve, reject) => execFile(cmd, args, { maxBuffer: 64 << 20, timeout: 60_000 }, (e, out, err) => (e ? reject(new Error(`${cmd} ${args.join(' ')}: ${err || e.message}`)) : resolve(out))));
const mib = (b: number) => (b / 2 ** 20).toFixed(1);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

interface Summary {
  pods: { podRef: { name: string; namespace: string }; containers: { name: string; memory?: { workingSetBytes?: number } }[] }[];
}

async function memory(c: KubeClient): Promise<{ rows: string[][]; total: number }> {
  const node = (await c.list(R.Node)).items[0]!.metadata.name;
  const s = JSON.parse(await sh('kubectl', ['get', '--raw', `/api/v1/nodes/${node}/proxy/stats/summary`])) as Summary;
  const rows: string[][] = [['container', 'working set MiB', 'VmRSS MiB', 'anon MiB']];
  let total = 0;
  for (const p of s.pods.filter((x) => PLANE.includes(x.podRef.namespace))) {
    for (const k of p.containers) {
      const ws = k.memory?.workingSetBytes ?? 0;
      total += ws;
      const status = await sh('kubectl', ['exec', '-n', p.podRef.namespace, p.podRef.name, '-c', k.name, '--', 'cat', '/proc/1/status']).catch(() => '');
      const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN) * 1024;
      rows.push([`${p.podRef.namespace}/${p.podRef.name} ${k.name}`, mib(ws), mib(kb('VmRSS')), mib(kb('RssAnon'))]);
    }
  }
  rows.push(['total (working sets)', mib(total), '', '']);
  return { rows, total };
}

async function main(): Promise<void> {
  const c = await KubeClient.connect({});
  process.stdout.write(`machine load average ${load()} at the start\n`);
  const idle = await memory(c);
  process.stdout.write(`\ncontrol plane before (no Service of the bench)\n${table(idle.rows)}\n`);
  const cm = await c.get<KubeObject & { data?: Record<string, string> }>(R.ConfigMap, 'config-autoscaler', 'knative-serving');
  const saved = cm.data ?? {};
  await c.patch(R.ConfigMap, 'config-autoscaler', 'knative-serving', { data: { 'allow-zero-initial-scale': 'true' } }, 'merge');
  const t0 = performance.now();
  try {
    await c.create(R.Namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    let next = 0;
    const worker = async () => {
      while (next < N) {
        const i = next++;
        await c.create<Service>(R.Service, {
          apiVersion: 'serving.knative.dev/v1',
          kind: 'Service',
          metadata: { name: `s${i}`, namespace: NS },
          spec: { template: { metadata: { annotations: { 'autoscaling.knative.dev/initial-scale': '0' } }, spec: { containers: [{ image: 'dev.local/hello:e2e' } as never] } } },
        } as Service);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    const created = performance.now();
    let ready = 0;
    for (let n = 0; ; n++) {
      const list = await c.list<Service>(R.Service, { namespace: NS });
      ready = list.items.filter((s) => s.status?.conditions?.find((x) => x.type === 'Ready')?.status === 'True').length;
      if (ready === N) break;
      if (n > 600) throw new Error(`${ready} of ${N} Services Ready after 10 minutes`);
      await sleep(1000);
    }
    const allReady = performance.now();
    process.stdout.write(`\n${N} Services created in ${((created - t0) / 1000).toFixed(1)} s, all Ready ${((allReady - t0) / 1000).toFixed(1)} s after the first create; settling ${SETTLE_S} s (load ${load()})\n`);
    await sleep(SETTLE_S * 1000);
    const pas = (await c.list(R.PodAutoscaler, { namespace: NS })).items.length;
    const m = await memory(c);
    process.stdout.write(`\ncontrol plane with ${N} Services at zero (${pas} PodAutoscalers), ${SETTLE_S} s after all Ready   [goal: the control plane ≤ 150 MiB]\n${table(m.rows)}\n`);
    process.stdout.write(`load average ${load()} at the end\n`);
  } finally {
    await c.delete(R.Namespace, NS).catch(() => undefined);
    const restore: Record<string, string | null> = { 'allow-zero-initial-scale': null, ...saved };
    await c.patch(R.ConfigMap, 'config-autoscaler', 'knative-serving', { data: restore }, 'merge');
    for (let n = 0; n < 300; n++) {
      if (!(await c.get(R.Namespace, NS).then(() => true, () => false))) break;
      await sleep(1000);
    }
    c.close();
  }
}

main().catch((e) => {
  process.stderr.write(`bench/activation/kind-500: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
