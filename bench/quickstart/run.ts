// Quickstart benchmark: the apply-and-wait phase of `kn quickstart kind` against a real
// kube-apiserver + etcd on 127.0.0.1, and the whole `kn quickstart kind` command with the
// recording fakes of kind and docker (test/quickstart/fake-bin) — i.e. everything except what
// kind and docker themselves take. Prints figures; asserts nothing.
//
//   KN_TS_TEST_BINS="$(scripts/build-test-bins.sh)" unshare -rn bash -c \
//     'ip link set lo up; node bench/quickstart/run.ts [runs]'
//
// There is no kubelet: Deployments are made Available by a loop in this script (every 20 ms it
// writes an Available status on any control-plane Deployment that lacks one), so "ready" here is
// the API round trips plus that loop, not pods starting.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { R } from '../../src/api/resources.ts';
import { KubeClient } from '../../src/kube/client.ts';
import { applyAll, waitDeploymentAvailable, waitEstablished } from '../../src/quickstart/apply.ts';
import { installPlan, loadManifests } from '../../src/quickstart/manifests.ts';
import { ingressService } from '../../src/quickstart/options.ts';
import { startCluster } from '../../test/harness/cluster.ts';
import { REPO } from '../../test/harness/env.ts';
import { makeDeploymentsAvailable } from '../../test/quickstart/available.ts';
import { installFakes } from '../../test/quickstart/fakes.ts';

const RUNS = Math.max(1, Math.min(Number(process.argv[2] ?? 5), 20));
const NAMESPACES = ['knative-serving', 'kourier-system', 'knative-eventing'];
const ms = (t0: number) => Math.round(performance.now() - t0);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function applyAndWait(client: KubeClient): Promise<{ crds: number; rest: number; ready: number; total: number; changed: number }> {
  const plan = installPlan({
    objects: loadManifests(join(REPO, 'manifests')),
    image: 'dev.local/kn-ts/control-plane:bench',
    domain: '127.0.0.1.sslip.io',
    serving: true,
    eventing: true,
    extra: [ingressService('NodePort')],
  });
  const t0 = performance.now();
  const a = await applyAll(client, [...plan.namespaces, ...plan.crds]);
  await Promise.all(plan.crds.map((m) => waitEstablished(client, m.object.metadata.name!, 60_000)));
  const crds = ms(t0);
  const t1 = performance.now();
  const b = await applyAll(client, plan.rest);
  const rest = ms(t1);
  const t2 = performance.now();
  await Promise.all(plan.deployments.map((m) => waitDeploymentAvailable(client, m.object.metadata.namespace!, m.object.metadata.name!, 60_000)));
  return { crds, rest, ready: ms(t2), total: ms(t0), changed: a.changed.length + b.changed.length };
}

function runKn(args: string[], env: Record<string, string>): Promise<{ code: number; ms: number; out: string }> {
  const t0 = performance.now();
  return new Promise((res) => {
    const child = spawn(process.execPath, [join(REPO, 'bin/run.js'), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => res({ code: code ?? 1, ms: ms(t0), out }));
  });
}

const work = mkdtempSync(join(tmpdir(), 'kn-ts-bench-qs-'));
try {
  // (A) apply + wait, in process: a fresh cluster, then re-runs on the finished one.
  {
    const cluster = await startCluster();
    const client = await KubeClient.connect({ kubeconfig: cluster.kubeconfig });
    const loop = makeDeploymentsAvailable(client, NAMESPACES, { intervalMs: 20, maxMs: 300_000 });
    const fresh = await applyAndWait(client);
    const again = [];
    for (let i = 0; i < RUNS; i++) again.push(await applyAndWait(client));
    await loop.stop();
    const objects = (await client.list(R.CustomResourceDefinition)).items.length;
    console.log(`apply + wait (in process, ${objects} CRDs, the rest of manifests/):`);
    console.log(`  fresh cluster : total ${fresh.total} ms  (CRDs+namespaces applied and Established ${fresh.crds} ms, rest applied ${fresh.rest} ms, Deployments Available ${fresh.ready} ms; ${fresh.changed} objects written)`);
    console.log(`  re-run (x${RUNS}) : total median ${median(again.map((r) => r.total))} ms  (apply ${median(again.map((r) => r.crds + r.rest))} ms, ready ${median(again.map((r) => r.ready))} ms; objects written: ${again.map((r) => r.changed).join(',')})`);
    client.close();
    await cluster.stop();
  }
  // (B) the whole `kn quickstart kind` command with fake kind/docker: process start, checks, the
  // fakes' own start-up (each is a node process, ~50 ms), apply and wait.
  {
    const cluster = await startCluster();
    const client = await KubeClient.connect({ kubeconfig: cluster.kubeconfig });
    const env = {
      // Only the fakes: a docker or kind installed on the machine is never run.
      PATH: installFakes(join(work, 'bin'), ['kind', 'docker']),
      FAKE_STATE_DIR: join(work, 'state'),
      FAKE_TARGET_KUBECONFIG: cluster.kubeconfig,
      KUBECONFIG: join(work, 'kubeconfig'),
      CI: '1',
    };
    const loop = makeDeploymentsAvailable(client, NAMESPACES, { intervalMs: 20, maxMs: 300_000 });
    const fresh = await runKn(['quickstart', 'kind', '--port', '18080'], env);
    const again = [];
    for (let i = 0; i < RUNS; i++) again.push(await runKn(['quickstart', 'kind', '--port', '18080'], env));
    await loop.stop();
    if (fresh.code !== 0 || again.some((r) => r.code !== 0)) console.log(`kn quickstart failed:\n${[fresh, ...again].find((r) => r.code !== 0)!.out}`);
    console.log('kn quickstart kind (whole command, fake kind + docker taking ~0 s):');
    console.log(`  fresh  : ${fresh.ms} ms`);
    console.log(`  re-run : median ${median(again.map((r) => r.ms))} ms over ${RUNS}`);
    client.close();
    await cluster.stop();
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
