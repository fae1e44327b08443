// Chaos: two controller replicas as real processes (`bin/control-plane.js controller`, the image's
// entry point, with the project's default lease timing: 15 s / 10 s / 2 s) against a private
// kube-apiserver + etcd + kube-controller-manager, the gateway (in this process; it writes
// KIngress status) and the stand-in kubelet of test/harness (pods are marked Ready, never run).
//
// A burst of Services is created; halfway through, the leading replica is killed with SIGKILL (it
// cannot release the lease); the rest of the burst follows; once the other replica has taken over,
// kube-apiserver is restarted on the same etcd while that replica is still working through the
// burst. Every Service must reach Ready with its status complete, each with exactly one Revision
// (`<name>-00001`; a `-00002` would mean a replica acted on a stale view), and the takeover time
// (SIGKILL → the survivor's "became leader" log line) is printed.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../src/api/meta.ts';
import { isReady } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import type { Configuration, Revision, Route, Service } from '../../src/api/serving/types.ts';
import type { RunningGateway } from '../../src/dataplane/gateway/main.ts';
import { startGateway } from '../../src/dataplane/gateway/main.ts';
import { KubeClient } from '../../src/kube/client.ts';
import type { Lease } from '../../src/kube/lease.ts';
import { freePort, startCluster, type TestCluster } from '../harness/cluster.ts';
import { installServingCRDs } from '../harness/crds.ts';
import { REPO } from '../harness/env.ts';
import { fakeKubelet } from '../harness/kubelet.ts';

const NS = 'chaos';
const SERVICES = 40;
const CONVERGE_MS = 180_000;

interface Replica {
  id: string;
  child: ChildProcess;
  lines: { time?: number; msg?: string; level?: number; err?: unknown }[];
}

function startReplica(id: string, kubeconfig: string): Replica {
  const child = spawn(process.execPath, ['--', 'bin/control-plane.js', 'controller', '--kubeconfig', kubeconfig, '--identity', id, '--metrics-port', '0', '--metrics-host', '127.0.0.1', '--autoscaler-port', '0', '--webhook-port', 'off', '--feed-port', '0'], {
    cwd: REPO,
    // AUTOSCALER_PORT=0: a component that opens a port of its own must not collide between the replicas.
    env: { ...process.env, LOG_LEVEL: 'info', AUTOSCALER_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const r: Replica = { id, child, lines: [] };
  let buf = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      try {
        r.lines.push(JSON.parse(line) as Replica['lines'][number]);
      } catch {
        r.lines.push({ msg: line });
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => r.lines.push({ msg: `stderr: ${d.trim()}` }));
  return r;
}

async function stopReplica(r: Replica | undefined): Promise<void> {
  if (!r || r.child.exitCode !== null || r.child.signalCode !== null) return;
  await new Promise<void>((res) => {
    const t = setTimeout(() => r.child.kill('SIGKILL'), 10_000);
    r.child.once('exit', () => {
      clearTimeout(t);
      res();
    });
    r.child.kill('SIGTERM');
  });
}

async function until<T>(f: () => Promise<T | undefined> | T | undefined, what: string, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await Promise.resolve(f()).catch(() => undefined);
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const ksvc = (name: string): Service => ({
  apiVersion: 'serving.knative.dev/v1',
  kind: 'Service',
  metadata: { name, namespace: NS },
  spec: { template: { spec: { containers: [{ image: 'ghcr.io/knative/helloworld-go:v1' } as never] } } },
});

/** Creates the named Services, a few at a time. */
async function createAll(c: KubeClient, names: string[]): Promise<void> {
  const queue = [...names];
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      for (let n = queue.shift(); n !== undefined; n = queue.shift()) await c.create(R.Service, ksvc(n));
    }),
  );
}

describe('chaos: the leading controller is killed mid-burst and the API server restarts', () => {
  let cluster: TestCluster;
  let c: KubeClient;
  let gw: RunningGateway | undefined;
  let stopKubelet: (() => void) | undefined;
  const replicas: Replica[] = [];

  before(async () => {
    cluster = await startCluster({ controllerManager: true });
    c = await KubeClient.connect({ kubeconfig: cluster.kubeconfig });
    await installServingCRDs(c);
    for (const name of [NS, 'kourier-system']) await c.create(R.Namespace, { metadata: { name } } as KubeObject);
    stopKubelet = await fakeKubelet(c, NS);
    const admin = await freePort();
    gw = await startGateway(['--kubeconfig', cluster.kubeconfig, '--bind', '127.0.0.1', '--port', '0', '--internal-port', '0', '--admin-port', String(admin), '--peers', `127.0.0.1:${admin}`, '--identity', 'gw-chaos']);
  });

  after(async () => {
    for (const r of replicas) await stopReplica(r);
    stopKubelet?.();
    await gw?.stop();
    c?.close();
    await cluster?.stop();
  });

  it('every Service converges to Ready with exactly one Revision and its full status', async () => {
    const holder = async () => (await c.find<Lease>(R.Lease, 'kn-ts-controller', 'knative-serving'))?.spec.holderIdentity || undefined;
    replicas.push(startReplica('replica-a', cluster.kubeconfig));
    await until(async () => (await holder()) === 'replica-a' || undefined, 'replica-a leads', 60_000);
    replicas.push(startReplica('replica-b', cluster.kubeconfig));
    await until(() => replicas[1]!.lines.find((l) => l.msg === 'controller started'), 'replica-b started', 60_000);
    const [leader, survivor] = replicas as [Replica, Replica];

    const names = Array.from({ length: SERVICES }, (_, i) => `svc-${String(i).padStart(2, '0')}`);
    await createAll(c, names.slice(0, SERVICES / 2));
    // Mid-burst: the leader is busy with the first half.
    const killedAt = Date.now();
    leader.child.kill('SIGKILL');
    await createAll(c, names.slice(SERVICES / 2));

    const took = await until(() => survivor.lines.find((l) => l.msg === 'became leader')?.time, `${survivor.id} becomes leader`, 60_000);
    const takeoverMs = took - killedAt;
    process.stderr.write(`chaos: takeover after SIGKILL of the leader: ${(takeoverMs / 1000).toFixed(1)} s (lease duration 15 s, retry period 2 s)\n`);

    // The API server goes away while the new leader works through the burst.
    await cluster.restartApiServer();

    const problems = async (): Promise<string[]> => {
      const out: string[] = [];
      const [svcs, revs] = await Promise.all([c.list<Service>(R.Service, { namespace: NS }), c.list<Revision>(R.Revision, { namespace: NS })]);
      for (const n of names) {
        const s = svcs.items.find((x) => x.metadata.name === n);
        if (!s || !isReady(s)) out.push(`${n} not Ready: ${JSON.stringify(s?.status?.conditions ?? null)}`);
      }
      const extra = revs.items.map((r) => r.metadata.name ?? '').filter((r) => !/-00001$/.test(r));
      if (extra.length) out.push(`revisions other than -00001: ${extra.join(', ')}`);
      return out;
    };
    try {
      await until(async () => ((await problems()).length === 0 ? true : undefined), 'every Service Ready', CONVERGE_MS);
    } catch (e) {
      const left = await problems().catch((x: unknown) => [String(x)]);
      const logs = survivor.lines.filter((l) => (l.level ?? 0) >= 40).slice(-20).map((l) => JSON.stringify(l));
      assert.fail(`${(e as Error).message}\n${left.slice(0, 10).join('\n')}\nsurvivor warnings:\n${logs.join('\n')}`);
    }

    // No duplicate Revision: exactly one per Service, the first.
    const revs = await c.list<Revision>(R.Revision, { namespace: NS });
    assert.deepEqual(revs.items.map((r) => r.metadata.name).sort(), names.map((n) => `${n}-00001`));
    // No lost status: every level reports the revision, its generation, its URL.
    const [svcs, cfgs, routes] = await Promise.all([
      c.list<Service>(R.Service, { namespace: NS }),
      c.list<Configuration>(R.Configuration, { namespace: NS }),
      c.list<Route>(R.Route, { namespace: NS }),
    ]);
    for (const n of names) {
      const s = svcs.items.find((x) => x.metadata.name === n)!;
      assert.equal(s.status?.observedGeneration, s.metadata.generation, `${n} observedGeneration`);
      assert.equal(s.status?.latestCreatedRevisionName, `${n}-00001`, `${n} latestCreatedRevisionName`);
      assert.equal(s.status?.latestReadyRevisionName, `${n}-00001`, `${n} latestReadyRevisionName`);
      assert.equal(s.status?.url, `http://${n}.${NS}.example.com`, `${n} url`);
      assert.deepEqual(s.status?.traffic, [{ revisionName: `${n}-00001`, latestRevision: true, percent: 100 }], `${n} traffic`);
      const cfg = cfgs.items.find((x) => x.metadata.name === n);
      assert.ok(cfg && isReady(cfg) && cfg.status?.latestReadyRevisionName === `${n}-00001`, `${n} Configuration`);
      const rt = routes.items.find((x) => x.metadata.name === n);
      assert.ok(rt && isReady(rt), `${n} Route`);
    }
    assert.equal(leader.child.signalCode, 'SIGKILL');
    assert.equal(survivor.child.exitCode, null, 'the survivor kept running through the API-server restart');
    assert.ok(takeoverMs < 40_000, `takeover within the lease duration plus retries (${takeoverMs} ms)`);
  });
});
