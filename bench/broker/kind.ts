// bench/broker on the e2e tier's kind cluster (issue #10): the broker pod as deployed (the
// Deployment of manifests/420-broker.yaml, reading the controller's data-plane feed), its memory
// idle and while bench/broker's producer sends it --rate events/s (10,000: the goal's rate) through
// one Broker and one Trigger to a subscriber pod (a Kubernetes Service; the control-plane image
// running a 202-answering node:http server: no other image is needed). Prints the broker process's
// VmRSS with its anonymous and file-backed parts (read from /proc on this machine: a container's
// process is a process of this kernel; sampled every 200 ms), the container's working set (kubelet
// stats/summary, what `kubectl top` shows), its CPU per event, and what it accepted and delivered
// (the broker's own counters).
//
// The producer runs here, inside the tier's network namespace, and sends to the broker pod's IP: a
// route to the node's pod CIDR via the node is added to this namespace for the run and removed after.
// Bounded: --seconds of load; everything it creates is deleted at the end.
//
// After `kn quickstart kind` (e.g. `bash scripts/e2e.sh up` and test/e2e/kind.test.ts):
//   flock /work/bench.lock nsenter --net=/run/netns/$KN_E2E_NETNS env PATH=$KN_E2E_PATH:$PATH \
//     KUBECONFIG=… node bench/broker/kind.ts [--rate 10000] [--seconds 10]
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { KubeObject } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import { KubeClient } from '../../src/kube/client.ts';
import { waitFor } from '../../src/kube/wait.ts';
import { REPO } from '../../test/harness/env.ts';
import { loadAverage, procCpuSeconds, procMemory } from '../lib/proc.ts';

const { values: v } = parseArgs({ options: { rate: { type: 'string', default: '10000' }, seconds: { type: 'string', default: '10' } } });
const RATE = Math.max(1, Math.min(50_000, Number(v.rate)));
const SECONDS = Math.max(1, Math.min(60, Number(v.seconds)));
const NS = 'bench-broker';
const IMAGE = 'dev.local/kn-ts/control-plane:0.1.0';

const sh = (cmd: string, args: string[]) =>
  new Promise<string>((resolve, reject) => execFile(cmd, args, { maxBuffer: 16 << 20, timeout: 60_000 }, (e, out, err) => (e ? reject(new Error(`${cmd} ${args.join(' ')}: ${err || e.message}`)) : resolve(out))));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const f1 = (n: number) => n.toFixed(1);

const c = await KubeClient.connect({});
const kids: ChildProcess[] = [];
let route: string | undefined;
try {
  const node = (await c.list(R.Node)).items[0]!;
  const nodeIP = (node.status as { addresses?: { type: string; address: string }[] }).addresses?.find((a) => a.type === 'InternalIP')?.address;
  const podCIDR = (node.spec as { podCIDR?: string }).podCIDR;
  if (!nodeIP || !podCIDR) throw new Error('the node has no InternalIP or podCIDR');
  const brokerPod = (await c.list(R.Pod, { namespace: 'knative-eventing', labelSelector: 'eventing.knative.dev/brokerRole=ingress' })).items.find((p) => (p.status as { phase?: string }).phase === 'Running');
  const podIP = (brokerPod?.status as { podIP?: string } | undefined)?.podIP;
  if (!brokerPod || !podIP) throw new Error('no running broker pod in knative-eventing: run `kn quickstart kind` first');
  const pids = (await sh('pgrep', ['-f', 'bin/control-plane.js broker']).catch(() => '')).trim().split('\n').filter(Boolean).map(Number);
  if (pids.length !== 1) throw new Error(`want exactly one broker process on this machine (the pod's), found ${pids.length}: stop the others`);
  const pid = pids[0]!;

  await waitFor(c, R.Namespace, NS, undefined, (o) => (o ? 'wait' : 'done'), 120_000); // a previous run's, being deleted
  await c.create(R.Namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  const labels = { app: 'sink' };
  const server = "require('http').createServer((q,s)=>{q.resume();q.on('end',()=>s.writeHead(202,{'content-length':'0'}).end())}).listen(8080)";
  await c.create(R.Deployment, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'sink', namespace: NS },
    spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'sink', image: IMAGE, imagePullPolicy: 'Never', command: ['node', '-e', server], ports: [{ containerPort: 8080 }] }] } } },
  } as KubeObject);
  await c.create(R.KService, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'sink', namespace: NS }, spec: { selector: labels, ports: [{ port: 80, targetPort: 8080 }] } } as KubeObject);
  await c.create(R.Broker, { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', metadata: { name: 'default', namespace: NS } } as KubeObject);
  await c.create(R.Trigger, {
    apiVersion: 'eventing.knative.dev/v1',
    kind: 'Trigger',
    metadata: { name: 't0', namespace: NS },
    spec: { broker: 'default', filter: { attributes: { type: 'dev.bench.match' } }, subscriber: { ref: { apiVersion: 'v1', kind: 'Service', name: 'sink' } } },
  } as KubeObject);
  const ready = (o: KubeObject | undefined) => ((o?.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True') ? 'done' : 'wait');
  await waitFor(c, R.Trigger, 't0', NS, ready, 120_000);
  await waitFor(c, R.Deployment, 'sink', NS, (o) => ((o?.status as { availableReplicas?: number } | undefined)?.availableReplicas ? 'done' : 'wait'), 120_000);

  // The pod network, from this namespace, through the node.
  if (!(await sh('ip', ['route', 'get', podIP]).catch(() => '')).includes(`via ${nodeIP}`)) {
    await sh('ip', ['route', 'add', podCIDR, 'via', nodeIP]);
    route = podCIDR;
  }
  const counters = async () => {
    const text = await (await fetch(`http://${podIP}:9092/metrics`)).text();
    const n = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
    return { accepted: n('kn_ts_broker_events_accepted_total'), delivered: n('kn_ts_broker_events_delivered_total'), pending: n('kn_ts_broker_pending_deliveries'), held: n('kn_ts_broker_held_bytes') };
  };
  const workingSet = async () => {
    const s = JSON.parse(await sh('kubectl', ['get', '--raw', `/api/v1/nodes/${node.metadata.name}/proxy/stats/summary`])) as { pods: { podRef: { name: string }; containers: { name: string; memory?: { workingSetBytes?: number } }[] }[] };
    return (s.pods.find((p) => p.podRef.name === brokerPod.metadata.name)?.containers.find((k) => k.name === 'broker')?.memory?.workingSetBytes ?? NaN) / 2 ** 20;
  };
  // A first event through the whole path (the Trigger's subscriber is the sink Service).
  const warm = await fetch(`http://${podIP}:8080/${NS}/default`, { method: 'POST', headers: { 'ce-specversion': '1.0', 'ce-id': 'warm', 'ce-source': '/bench', 'ce-type': 'dev.bench.match' } });
  if (warm.status !== 202) throw new Error(`the broker answered ${warm.status} to the first event`);
  await sleep(10_000);
  const idle = procMemory(pid);
  const idleWs = await workingSet();
  console.log(`load average ${loadAverage()}; broker pod ${brokerPod.metadata.name} (${podIP}), process ${pid}`);
  console.log(`broker pod, idle: RSS ${f1(idle.rss)} MiB (anon ${f1(idle.anon)}, file ${f1(idle.file)}), working set ${f1(idleWs)} MiB`);

  const producer = spawn(process.execPath, [join(REPO, 'bench/broker/producer.mjs')], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  kids.push(producer);
  await new Promise((r) => producer.once('message', r));
  let max = { ...idle };
  let maxWs = idleWs;
  const tick = setInterval(() => {
    const m = procMemory(pid);
    max = { rss: Math.max(max.rss, m.rss), anon: Math.max(max.anon, m.anon), file: Math.max(max.file, m.file) };
  }, 200);
  const wsTick = setInterval(() => void workingSet().then((w) => (maxWs = Math.max(maxWs, w)), () => undefined), 2000);
  // What the broker holds: deliveries pending and their bytes (its own gauges), every 500 ms.
  let maxPending = 0;
  let maxHeld = 0;
  const qTick = setInterval(() => void counters().then((q) => ((maxPending = Math.max(maxPending, q.pending)), (maxHeld = Math.max(maxHeld, q.held))), () => undefined), 500);
  const before = await counters();
  const c0 = procCpuSeconds(pid);
  const r = await new Promise<{ status: Record<string, number>; seconds: number; errors: number }>((res) => {
    producer.once('message', (m) => res(m as { status: Record<string, number>; seconds: number; errors: number }));
    producer.send({ cmd: 'run', url: `http://${podIP}:8080/${NS}/default`, connections: 32, duration: SECONDS, rate: RATE, prefix: 'k' });
  });
  const c1 = procCpuSeconds(pid);
  await sleep(3000); // deliveries in flight finish
  clearInterval(tick);
  clearInterval(wsTick);
  clearInterval(qTick);
  const after = await counters();
  const ok = r.status['202'] ?? 0;
  console.log(
    `broker pod, producer paced at ${RATE}/s: ${Math.round(ok / r.seconds)} events/s accepted, other answers ${JSON.stringify({ ...r.status, 202: undefined })}, errors ${r.errors}; ` +
      `accepted ${after.accepted - before.accepted}, delivered ${after.delivered - before.delivered} (broker counters), at most ${maxPending} deliveries pending (${f1(maxHeld / 2 ** 20)} MiB held); CPU ${(((c1 - c0) * 1e6) / ok).toFixed(0)} µs/event; ` +
      `max RSS ${f1(max.rss)} MiB (anon ${f1(max.anon)}, file ${f1(max.file)}), max working set ${f1(maxWs)} MiB  load ${loadAverage()}`,
  );
} finally {
  for (const k of kids) k.kill('SIGKILL');
  if (route) await sh('ip', ['route', 'del', route]).catch(() => undefined);
  await c.delete(R.Namespace, NS).catch(() => undefined);
  c.close();
}
