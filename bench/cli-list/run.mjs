// kn list latency beside kubectl on the same private API server: 500 ksvc + 500 revisions
// (COUNT), status written by this script (no controller runs), then the median of RUNS runs of
//   kn service list  |  kubectl get ksvc
//   kn revision list |  kubectl get revisions
// Run through bench/cli-list/run.sh (loopback-only network namespace). Goal: kn within 1.5× kubectl.
import { mkdtempSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { R } from '../../src/api/resources.ts';
import { KubeClient } from '../../src/kube/client.ts';
import { binDir, startCluster } from '../../test/harness/cluster.ts';
import { installServingCRDs } from '../../test/harness/crds.ts';
import { ms, table, timeCommand } from '../lib/timing.ts';

const COUNT = Number(process.env.COUNT ?? 500);
const RUNS = Number(process.env.RUNS ?? 15);
const NS = 'bench';

async function pool(n, limit, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < n) await fn(next++);
  }));
}

const cluster = await startCluster();
try {
  const c = await KubeClient.connect({ kubeconfig: cluster.kubeconfig });
  await installServingCRDs(c);
  await c.create(R.Namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  const t0 = performance.now();
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const cond = (types) => types.map((type) => ({ type, status: 'True', lastTransitionTime: now }));
  await pool(COUNT, 32, async (i) => {
    const name = `svc-${String(i).padStart(4, '0')}`;
    const svc = await c.create(R.Service, {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: { name, namespace: NS },
      spec: { template: { spec: { containers: [{ name: 'user-container', image: `docker.io/example/${name}:v1` }] } } },
    });
    await c.replaceStatus(R.Service, {
      ...svc,
      status: {
        observedGeneration: 1,
        url: `http://${name}.${NS}.example.com`,
        latestCreatedRevisionName: `${name}-00001`,
        latestReadyRevisionName: `${name}-00001`,
        traffic: [{ revisionName: `${name}-00001`, latestRevision: true, percent: 100 }],
        conditions: cond(['Ready', 'ConfigurationsReady', 'RoutesReady']),
      },
    });
    const rev = await c.create(R.Revision, {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Revision',
      metadata: {
        name: `${name}-00001`,
        namespace: NS,
        labels: { 'serving.knative.dev/service': name, 'serving.knative.dev/configurationGeneration': '1', 'serving.knative.dev/routingState': 'active' },
      },
      spec: { containers: [{ name: 'user-container', image: `docker.io/example/${name}:v1` }] },
    });
    await c.replaceStatus(R.Revision, { ...rev, status: { observedGeneration: 1, conditions: cond(['Ready', 'ContainerHealthy', 'ResourcesAvailable']) } });
  });
  c.close();
  console.log(`created ${COUNT} services and ${COUNT} revisions with status in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const kubectl = join(binDir(), 'kubectl');
  const env = { ...process.env, KUBECONFIG: cluster.kubeconfig, HOME: mkdtempSync(join(tmpdir(), 'kn-bench-home-')) };
  const kn = (args) => [process.execPath, ['bin/run.js', ...args]];
  const rows = [['command', 'median', 'p90', 'min', 'vs kubectl (median)']];
  for (const [knArgs, kcArgs] of [
    [['service', 'list', '-n', NS], ['get', 'ksvc', '-n', NS]],
    [['revision', 'list', '-n', NS], ['get', 'revisions', '-n', NS]],
  ]) {
    const k = timeCommand(`kubectl ${kcArgs.join(' ')}`, kubectl, ['--kubeconfig', cluster.kubeconfig, ...kcArgs], { runs: RUNS, env });
    const [cmd, args] = kn(knArgs);
    const t = timeCommand(`kn ${knArgs.join(' ')}`, cmd, args, { runs: RUNS, env });
    rows.push([t.name, ms(t.median), ms(t.p90), ms(t.min), `${(t.median / k.median).toFixed(2)}×`]);
    rows.push([k.name, ms(k.median), ms(k.p90), ms(k.min), '1.00×']);
  }
  console.log(`\n${COUNT} objects, ${RUNS} runs each (after 3 warm-up runs), node ${process.version}\n`);
  console.log(table(rows));
} finally {
  await cluster.stop();
}
