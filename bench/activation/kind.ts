// bench/activation on the e2e tier's kind cluster (issue #9): the cold start of a small Node image
// (test/e2e/fixtures/hello-server.mjs FROM node:24-slim, `dev.local/hello:e2e`) from zero, split as
// the issue asks:
//   (a) first request → the pod Ready as Kubernetes sees it (the watch event that brings the pod's
//       Ready condition True, seen by this process);
//   (b) pod answering → the response leaves the gateway: from the moment the pod's server began
//       listening (it says when, X-Listening-At, in ms since the epoch; the kind node shares this
//       machine's clock) to this process having the response (so (b) includes the hop back to it);
//   first request → pod listening: the scheduling, the container's start and node's own start;
//   whole cold start: first request → the response, through 127.0.0.1:80 → kind's port mapping →
//       the gateway (which holds the request, pokes the autoscaler and probes the pod) → the pod;
//   and their difference: how long before (negative) or after Kubernetes calls the pod Ready the
//       gateway already answered (it probes the pod itself instead of waiting for the EndpointSlice).
// Each round waits for the Service to be at zero (config-autoscaler's stable window 6 s and grace
// period 2 s for the run, restored after), then sends one request.
//
// Run inside the tier's network namespace with its kubeconfig, after `kn quickstart kind` and with
// the hello image loaded (the e2e tier's ensureHelloImage), under the bench lock:
//   flock /work/bench.lock nsenter --net=/run/netns/$KN_E2E_NETNS env KUBECONFIG=… \
//     node bench/activation/kind.ts [--rounds 10]
import { request } from 'node:http';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { KubeObject } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import type { Service } from '../../src/api/serving/types.ts';
import { KubeClient } from '../../src/kube/client.ts';
import { waitFor } from '../../src/kube/wait.ts';
import { table } from '../lib/timing.ts';

const { values: v } = parseArgs({ options: { rounds: { type: 'string', default: '10' } } });
const ROUNDS = Math.max(1, Math.min(50, Number(v.rounds)));
const NS = 'default';
const NAME = 'bench-cold';
const REV = `${NAME}-00001`;
const HOST = `${NAME}.${NS}.127.0.0.1.sslip.io`;
type Dep = KubeObject & { spec: { replicas?: number } };
type Pod = KubeObject & { status?: { conditions?: { type: string; status: string }[] } };

function get(): Promise<{ status: number; body: string; at: number; atEpoch: number; listeningAt: number }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: 80, path: '/', headers: { host: HOST }, agent: false, timeout: 60_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, at: performance.now(), atEpoch: Date.now(), listeningAt: Number(res.headers['x-listening-at'] ?? NaN) }));
    });
    req.on('timeout', () => req.destroy(new Error('no answer in 60 s')));
    req.on('error', reject);
    req.end();
  });
}

const pct = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const f = (n: number) => n.toFixed(0);

async function main(): Promise<void> {
  const c = await KubeClient.connect({});
  const cm = await c.get<KubeObject & { data?: Record<string, string> }>(R.ConfigMap, 'config-autoscaler', 'knative-serving');
  const saved = cm.data ?? {};
  await c.patch(R.ConfigMap, 'config-autoscaler', 'knative-serving', { data: { 'stable-window': '6s', 'scale-to-zero-grace-period': '2s' } }, 'merge');
  const ready: number[] = [];
  const whole: number[] = [];
  const diff: number[] = [];
  const listening: number[] = [];
  const answer: number[] = [];
  try {
    await c.create<Service>(R.Service, {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: { name: NAME, namespace: NS },
      spec: { template: { spec: { containers: [{ image: 'dev.local/hello:e2e' } as never] } } },
    });
    await waitFor<Service>(c, R.Service, NAME, NS, (s) => (s?.status?.conditions?.find((x) => x.type === 'Ready')?.status === 'True' ? 'done' : 'wait'), 180_000);
    for (let i = 0; i < ROUNDS; i++) {
      // At zero: no replica wanted and no pod left (a terminating pod could otherwise be seen Ready).
      for (let n = 0; ; n++) {
        const d = await c.get<Dep>(R.Deployment, `${REV}-deployment`, NS);
        const pods = await c.list<Pod>(R.Pod, { namespace: NS, labelSelector: `serving.knative.dev/revision=${REV}` });
        if (d.spec.replicas === 0 && pods.items.length === 0) break;
        if (n > 240) throw new Error('the Service did not scale to zero within 2 minutes');
        await new Promise((r) => setTimeout(r, 500));
      }
      let readyAt = 0;
      const w = c.watch<Pod>(R.Pod, { namespace: NS, labelSelector: `serving.knative.dev/revision=${REV}` }, (e) => {
        if (!readyAt && e.object.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True')) readyAt = performance.now();
      });
      await new Promise((r) => setTimeout(r, 300)); // the watch is established
      const t0 = performance.now();
      const t0Epoch = Date.now();
      const r = await get();
      if (r.status !== 200) throw new Error(`round ${i + 1}: ${r.status} ${r.body}`);
      for (let n = 0; !readyAt && n < 600; n++) await new Promise((res) => setTimeout(res, 50));
      w.stop();
      ready.push(readyAt - t0);
      whole.push(r.at - t0);
      diff.push(r.at - readyAt);
      if (!(r.listeningAt > 0)) throw new Error(`round ${i + 1}: the answer has no X-Listening-At (an old dev.local/hello:e2e image? ensureHelloImage rebuilds it)`);
      listening.push(r.listeningAt - t0Epoch);
      answer.push(r.atEpoch - r.listeningAt);
      process.stderr.write(`round ${i + 1}: listening ${f(r.listeningAt - t0Epoch)} ms, ready ${f(readyAt - t0)} ms, response ${f(r.at - t0)} ms\n`);
    }
  } finally {
    await c.delete(R.Service, NAME, NS).catch(() => undefined);
    const restore: Record<string, string | null> = { 'stable-window': null, 'scale-to-zero-grace-period': null, ...saved };
    await c.patch(R.ConfigMap, 'config-autoscaler', 'knative-serving', { data: restore }, 'merge');
    c.close();
  }
  process.stdout.write(`\ncold start from zero on kind, ${ROUNDS} rounds, dev.local/hello:e2e (node:24-slim + a 20-line server)\n`);
  process.stdout.write(
    table([
      ['', 'p50 ms', 'p90 ms', 'max ms'],
      ['(a) first request → pod Ready (Kubernetes watch)', f(pct(ready, 0.5)), f(pct(ready, 0.9)), f(pct(ready, 1))],
      ['first request → pod listening (schedule, container and node start)', f(pct(listening, 0.5)), f(pct(listening, 0.9)), f(pct(listening, 1))],
      ['(b) pod listening → response (gateway probe, release, proxy, hop back)', f(pct(answer, 0.5)), f(pct(answer, 0.9)), f(pct(answer, 1))],
      ['whole cold start: first request → response', f(pct(whole, 0.5)), f(pct(whole, 0.9)), f(pct(whole, 1))],
      ['response − pod Ready (negative: answered before Kubernetes saw Ready)', f(pct(diff, 0.5)), f(pct(diff, 0.9)), f(pct(diff, 1))],
    ]) + '\n',
  );
  process.stdout.write(`goal: whole cold start ≤ 1500 ms p50 (upstream Knative on kind, images present: 1–2 s); load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
}

main().catch((e) => {
  process.stderr.write(`bench/activation/kind: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
