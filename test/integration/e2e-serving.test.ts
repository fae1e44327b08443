// Serving end to end on one machine: the real API server and kube-controller-manager, the kn-ts
// controller (every Serving reconciler) and the gateway (which writes KIngress status), and the
// built `kn` as a user types it. There is no kubelet: a small loop in this test plays it, marking
// each Pod the ReplicaSet controller creates Running and Ready with a TEST-NET address
// (203.0.113.0/24) that nothing ever dials — the test sends no data-plane traffic; the gateway's
// routing is covered by test/dataplane/gateway.test.ts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../src/api/meta.ts';
import { isReady } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import type { Route, Service } from '../../src/api/serving/types.ts';
import type { Ingress } from '../../src/api/networking/types.ts';
import { startController } from '../../src/controller/main.ts';
import type { Manager } from '../../src/controller/runtime/manager.ts';
import type { RunningGateway } from '../../src/dataplane/gateway/main.ts';
import { startGateway } from '../../src/dataplane/gateway/main.ts';
import { KubeClient } from '../../src/kube/client.ts';
import { waitFor } from '../../src/kube/wait.ts';
import { freePort, startCluster, type TestCluster } from '../harness/cluster.ts';
import { installServingCRDs } from '../harness/crds.ts';
import { runKn } from '../harness/env.ts';
import { fakeKubelet } from '../harness/kubelet.ts';

const NS = 'e2e';
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describe('Serving end to end: kn → controller → gateway', () => {
  let cluster: TestCluster;
  let c: KubeClient;
  let mgr: Manager;
  let gw: RunningGateway;
  let stopKubelet: () => void;
  const kn = (args: string[]) => runKn([...args, '-n', NS], { kubeconfig: cluster.kubeconfig });

  before(async () => {
    cluster = await startCluster({ controllerManager: true });
    c = await KubeClient.connect({ kubeconfig: cluster.kubeconfig });
    await installServingCRDs(c);
    await c.create(R.Namespace, { metadata: { name: NS } } as KubeObject);
    await c.create(R.Namespace, { metadata: { name: 'kourier-system' } } as KubeObject);
    stopKubelet = await fakeKubelet(c, NS);
    mgr = await startController({ namespace: 'knative-serving', metricsPort: 0, metricsHost: '127.0.0.1', identity: 'e2e', leaseName: 'kn-ts-controller', workers: 4, leaderElect: false }, c, quiet);
    const admin = await freePort();
    gw = await startGateway(['--kubeconfig', cluster.kubeconfig, '--bind', '127.0.0.1', '--port', '0', '--internal-port', '0', '--admin-port', String(admin), '--peers', `127.0.0.1:${admin}`, '--identity', 'gw-e2e']);
  });
  after(async () => {
    stopKubelet?.();
    await gw?.stop();
    await mgr?.stop();
    c?.close();
    await cluster?.stop();
  });

  it('kn service create waits until the Service is Ready and prints its URL', async () => {
    const r = await kn(['service', 'create', 'hello', '--image', 'ghcr.io/knative/helloworld-go:latest', '--port', '8080', '--revision-name=my-service-v1', '--wait-timeout', '60']);
    if (r.code !== 0) {
      const dump = async (t: typeof R.Route, n: string) => JSON.stringify((await c.find<KubeObject>(t, n, NS))?.status ?? null);
      assert.fail(`${r.stderr}\nservice: ${await dump(R.Service, 'hello')}\nroute: ${await dump(R.Route, 'hello')}\ningress: ${await dump(R.Ingress, 'hello')}\nrevision: ${await dump(R.Revision, 'hello-my-service-v1')}`);
    }
    assert.match(r.stdout, /Creating service 'hello' in namespace 'e2e':/);
    assert.match(r.stdout, /Service 'hello' created to latest revision 'hello-my-service-v1' is available at URL:\nhttp:\/\/hello\.e2e\.example\.com\n$/);
    const svc = await c.get<Service>(R.Service, 'hello', NS);
    assert.ok(isReady(svc), JSON.stringify(svc.status));
    assert.equal(svc.status?.latestReadyRevisionName, 'hello-my-service-v1');
  });

  it('kn revisions list shows the revision serving all traffic', async () => {
    const r = await kn(['revisions', 'list']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^NAME\s+SERVICE\s+TRAFFIC\s+TAGS\s+GENERATION\s+AGE\s+CONDITIONS\s+READY\s+REASON\n/);
    assert.match(r.stdout, /\nhello-my-service-v1\s+hello\s+100%\s+1\s+\S+\s+\d+ OK \/ \d+\s+True\s*\n$/);
  });

  it('kn service update --traffic splits 50/50 and the KIngress carries the split', async () => {
    const u = await kn(['service', 'update', 'hello', '--env', 'TARGET=v2', '--revision-name', 'v2']);
    assert.equal(u.code, 0, u.stderr);
    const r = await kn(['service', 'update', 'hello', '--traffic', 'hello-my-service-v1=50', '--traffic', '@latest=50']);
    assert.equal(r.code, 0, r.stderr);
    const route = await c.get<Route>(R.Route, 'hello', NS);
    assert.deepEqual(
      route.status?.traffic?.map((t) => [t.revisionName, t.percent, t.latestRevision]).sort(),
      [['hello-my-service-v1', 50, false], ['hello-v2', 50, true]],
    );
    const ing = await c.get<Ingress>(R.Ingress, 'hello', NS);
    const splits = ing.spec.rules?.find((x) => x.visibility === 'ExternalIP')?.http?.paths.at(-1)?.splits ?? [];
    assert.deepEqual(splits.map((s) => [s.serviceName, s.percent]).sort(), [['hello-my-service-v1', 50], ['hello-v2', 50]]);
    assert.equal(ing.status?.conditions?.find((x) => x.type === 'Ready')?.status, 'True', 'the gateway marked the KIngress Ready');
  });

  it('kn service describe -o url prints the URL', async () => {
    const r = await kn(['service', 'describe', 'hello', '-o', 'url']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'http://hello.e2e.example.com\n');
  });

  it('the issue #4 seed YAML, applied unchanged after a first version, becomes Ready with a 50/50 split', async () => {
    const first = await kn(['service', 'create', 'my-service', '--image', 'ghcr.io/knative/helloworld-go:latest', '--revision-name', 'my-service-v1']);
    assert.equal(first.code, 0, first.stderr);
    const seed = {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: { name: 'my-service', namespace: NS },
      spec: {
        template: {
          metadata: { name: 'my-service-v2' },
          spec: { containers: [{ image: 'ghcr.io/knative/helloworld-go:latest', ports: [{ containerPort: 8080 }] }] },
        },
        traffic: [
          { latestRevision: true, percent: 50 },
          { revisionName: 'my-service-v1', percent: 50 },
        ],
      },
    };
    await c.apply(R.Service, seed as unknown as KubeObject, { fieldManager: 'kubectl' });
    const svc = await waitFor<Service>(c, R.Service, 'my-service', NS, (o) => (o && isReady(o) && o.status?.latestReadyRevisionName === 'my-service-v2' ? 'done' : 'wait'), 60_000);
    assert.deepEqual(
      svc.status?.traffic?.map((t) => [t.revisionName, t.percent, t.latestRevision]).sort(),
      [['my-service-v1', 50, false], ['my-service-v2', 50, true]],
    );
    assert.equal(svc.status?.url, 'http://my-service.e2e.example.com');
  });

  it('deleting the Service removes everything below it', async () => {
    const r = await kn(['service', 'delete', 'hello']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "Service 'hello' successfully deleted in namespace 'e2e'.\n");
    const gone = async (t: typeof R.Route, name: string) =>
      waitFor(c, t, name, NS, (o) => (o === undefined ? 'done' : 'wait'), 30_000).then(() => true, () => false);
    assert.ok(await gone(R.Configuration, 'hello'), 'Configuration deleted');
    assert.ok(await gone(R.Route, 'hello'), 'Route deleted');
    assert.ok(await gone(R.Revision, 'hello-my-service-v1'), 'Revision deleted');
    assert.ok(await gone(R.Deployment, 'hello-my-service-v1-deployment'), 'Deployment deleted');
    assert.ok(await gone(R.Ingress, 'hello'), 'KIngress deleted');
  });
});
