// Deciders across a leader change, on a private API server: two controller replicas (in this
// process, with leader election on a short lease), each with its own Autoscaler and its own real
// stats intake on 127.0.0.1, and one real gateway StatsReporter reporting a steady load. Between
// them a TCP relay hands each new connection to the replicas in turn, standing in for kube-proxy
// behind the `autoscaler` Service (no kube-proxy runs here). No kubelet: Deployments are marked
// available with as many ready pods as replicas (test/quickstart/available.ts).
//
// Asserted: only the leader takes reports (the other answers 503 and the reporter's retry reaches
// the leader); the leader scales the busy revision to the pods its load needs; when the leader steps
// down, right after a burst of a revision with sporadic traffic, the other replica takes over, gets
// the reports, and neither the busy revision nor the sporadic one drops while its fresh deciders
// fill their windows (the first seconds of the new leader see no traffic for the sporadic one);
// when the sporadic traffic stops, the new leader scales it to zero.
import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import type { Service } from '../../src/api/serving/types.ts';
import { Autoscaler } from '../../src/controller/autoscaling/autoscaler.ts';
import { createStatsServer, listenStats } from '../../src/controller/autoscaling/stats-server.ts';
import { startController } from '../../src/controller/main.ts';
import { silentLogger } from '../../src/controller/runtime/log.ts';
import type { Manager } from '../../src/controller/runtime/manager.ts';
import { StatsReporter } from '../../src/dataplane/gateway/stats.ts';
import type { SplitStats } from '../../src/dataplane/gateway/table.ts';
import { KubeClient } from '../../src/kube/client.ts';
import { waitFor } from '../../src/kube/wait.ts';
import { startCluster, type TestCluster } from '../harness/cluster.ts';
import { installServingCRDs } from '../harness/crds.ts';
import { makeDeploymentsAvailable, type AvailableLoop } from '../quickstart/available.ts';

const T = 90_000;
const ns = 'as-leader';
type Dep = KubeObject & { spec: { replicas: number } };

const ksvc = (name: string, annotations: Record<string, string> = {}): Service => ({
  apiVersion: 'serving.knative.dev/v1',
  kind: 'Service',
  metadata: { name, namespace: ns },
  spec: { template: { metadata: { annotations }, spec: { containers: [{ image: 'ghcr.io/knative/helloworld-go:latest' } as never] } } },
});

interface Replica {
  id: string;
  autoscaler: Autoscaler;
  intake: ReturnType<typeof createStatsServer>;
  port: number;
  mgr?: Manager;
}

describe('autoscaler deciders across a controller leader change', () => {
  let cluster: TestCluster;
  let c: KubeClient;
  let avail: AvailableLoop;
  let relay: net.Server;
  let reporter: StatsReporter;
  const replicas: Replica[] = [];
  const stats = new Map<string, SplitStats>();
  const replicasSeen = new Map<string, number[]>();
  let watching: NodeJS.Timeout | undefined;
  let sporadic: NodeJS.Timeout | undefined;
  let burstEnded: (() => void) | undefined;

  before(async () => {
    cluster = await startCluster();
    c = await KubeClient.connect({ kubeconfig: cluster.kubeconfig });
    await installServingCRDs(c);
    await c.patch(R.ConfigMap, 'config-autoscaler', 'knative-serving', { data: { 'stable-window': '6s', 'scale-to-zero-grace-period': '1s' } }, 'merge');
    await c.create(R.Namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    avail = makeDeploymentsAvailable(c, [ns], { maxMs: 280_000 });
    for (const id of ['replica-a', 'replica-b']) {
      const autoscaler = new Autoscaler();
      autoscaler.leading = () => false; // until its manager runs
      const intake = createStatsServer(autoscaler);
      const port = await listenStats(intake, 0, '127.0.0.1');
      replicas.push({ id, autoscaler, intake, port });
    }
    // kube-proxy's stand-in: each new connection goes to the next replica, the first to replica-b
    // (which will not lead), so the first report meets a refusal.
    let next = 1;
    relay = net.createServer((down) => {
      const r = replicas[next++ % replicas.length]!;
      const up = net.connect(r.port, '127.0.0.1');
      down.pipe(up).pipe(down);
      const close = () => (down.destroy(), up.destroy());
      down.on('error', close).on('close', close);
      up.on('error', close).on('close', close);
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(relay.address() as AddressInfo).port}`;
    reporter = new StatsReporter({ url, gateway: 'gw-1', stats, intervalMs: 1000, sampleMs: 100 });
  });

  after(async () => {
    clearInterval(watching);
    clearInterval(sporadic);
    reporter?.stop();
    relay?.close();
    for (const r of replicas) {
      r.autoscaler.stop();
      await r.mgr?.stop();
      r.intake.closeAllConnections();
      r.intake.close();
    }
    await avail?.stop();
    c?.close();
    await cluster?.stop();
  });

  const start = async (r: Replica) => {
    r.mgr = await startController(
      { namespace: 'knative-serving', metricsPort: 0, metricsHost: '127.0.0.1', identity: r.id, leaseName: 'kn-ts-controller', workers: 4, leaderElect: true, leaseDurationSeconds: 3, renewDeadlineMs: 2_000, retryPeriodMs: 500, autoscaler: r.autoscaler },
      c,
      silentLogger(),
    );
  };

  it('only the leader takes the reports and scales the busy revision to what its load needs', async () => {
    const [a, b] = replicas as [Replica, Replica];
    await start(a);
    await waitFor(c, R.Lease, 'kn-ts-controller', 'knative-serving', (o) => ((o as { spec?: { holderIdentity?: string } } | undefined)?.spec?.holderIdentity === a.id ? 'done' : 'wait'), T);
    await start(b);
    await c.create(R.Service, ksvc('busy', { 'autoscaling.knative.dev/target': '1', 'autoscaling.knative.dev/target-utilization-percentage': '100' }));
    await c.create(R.Service, ksvc('sporadic'));
    await waitFor<Dep>(c, R.Deployment, 'sporadic-00001-deployment', ns, (o) => (o ? 'done' : 'wait'), T);
    // The gateway sees 3 requests in flight for busy all the time; one for sporadic during 1 s of every 5 s.
    stats.set(`${ns}/busy-00001`, { namespace: ns, revision: 'busy-00001', inFlight: 3, requests: 0 });
    const sp: SplitStats = { namespace: ns, revision: 'sporadic-00001', inFlight: 0, requests: 0 };
    stats.set(`${ns}/sporadic-00001`, sp);
    sporadic = setInterval(() => {
      sp.inFlight = 1;
      setTimeout(() => {
        sp.inFlight = 0;
        burstEnded?.();
      }, 1000);
    }, 5000);
    reporter.start();
    await waitFor<Dep>(c, R.Deployment, 'busy-00001-deployment', ns, (o) => (o?.spec.replicas === 3 ? 'done' : 'wait'), T);
    assert.ok(a.autoscaler.counts.reports > 0, 'the leader got reports');
    assert.equal(b.autoscaler.counts.reports, 0, 'the other replica took none');
    assert.ok(b.autoscaler.counts.refused > 0, 'the other replica refused the reports that reached it');
    assert.equal(reporter.counts.errors, 0, 'every refused report reached the leader on a retry');
    watching = setInterval(() => {
      for (const name of ['busy', 'sporadic'])
        void c.get<Dep>(R.Deployment, `${name}-00001-deployment`, ns).then(
          (d) => replicasSeen.set(name, [...(replicasSeen.get(name) ?? []), d.spec.replicas]),
          () => undefined,
        );
    }, 250);
  });

  it('the leader steps down: the other replica takes over with the reports, and nothing drops while its windows fill', async () => {
    const [a, b] = replicas as [Replica, Replica];
    assert.equal((await c.get<Dep>(R.Deployment, 'sporadic-00001-deployment', ns)).spec.replicas, 1, 'sporadic traffic keeps its pod under the first leader');
    // Step down right after a burst: the new leader's first 4 s have no traffic for sporadic.
    await new Promise<void>((r) => (burstEnded = r));
    burstEnded = undefined;
    const before = b.autoscaler.counts.reports;
    await a.mgr!.stop(); // releases the lease; its intake stays up, refusing
    await waitFor(c, R.Lease, 'kn-ts-controller', 'knative-serving', (o) => ((o as { spec?: { holderIdentity?: string } } | undefined)?.spec?.holderIdentity === b.id ? 'done' : 'wait'), T);
    // Two stable windows under the new leader.
    await new Promise((r) => setTimeout(r, 14_000));
    assert.ok(b.autoscaler.counts.reports > before + 5, `the new leader gets the reports (${b.autoscaler.counts.reports - before})`);
    assert.equal(b.autoscaler.decide(`${ns}/busy-00001`)?.desired, 3, 'the new leader decides from the reports');
    clearInterval(watching);
    const busy = replicasSeen.get('busy') ?? [];
    const spo = replicasSeen.get('sporadic') ?? [];
    assert.ok(busy.length > 20 && busy.every((n) => n === 3), `busy stayed at 3: ${busy.join(' ')}`);
    assert.ok(spo.length > 20 && spo.every((n) => n === 1), `sporadic kept its pod while the new deciders filled their windows: ${spo.join(' ')}`);
    // The traffic stops: the new leader scales sporadic to zero, busy stays.
    clearInterval(sporadic);
    await waitFor<Dep>(c, R.Deployment, 'sporadic-00001-deployment', ns, (o) => (o?.spec.replicas === 0 ? 'done' : 'wait'), T);
    assert.equal((await c.get<Dep>(R.Deployment, 'busy-00001-deployment', ns)).spec.replicas, 3);
  });
});
