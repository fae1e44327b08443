// `kn domain create` and ClusterDomainClaims, against the real API server with the kn-ts controller
// and gateway: with config-network's autocreate-cluster-domain-claims on (what `kn quickstart`
// sets) the DomainMapping claims its domain and becomes Ready; off (upstream's default, kept in
// manifests/) it stays DomainAlreadyClaimed with upstream's message until a claim exists.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Condition, KubeObject } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import type { ClusterDomainClaim } from '../../src/api/networking/types.ts';
import type { DomainMapping } from '../../src/api/serving/types.ts';
import { startController } from '../../src/controller/main.ts';
import type { Manager } from '../../src/controller/runtime/manager.ts';
import { startGateway, type RunningGateway } from '../../src/dataplane/gateway/main.ts';
import { KubeClient } from '../../src/kube/client.ts';
import { waitFor } from '../../src/kube/wait.ts';
import { freePort, startCluster, type TestCluster } from '../harness/cluster.ts';
import { installServingCRDs } from '../harness/crds.ts';
import { runKn } from '../harness/env.ts';

const NS = 'claims';
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const cond = (dm: DomainMapping | undefined, type: string) => (dm?.status?.conditions as Condition[] | undefined)?.find((c) => c.type === type);

describe('kn domain create and ClusterDomainClaims', () => {
  let cluster: TestCluster;
  let c: KubeClient;
  let mgr: Manager;
  let gw: RunningGateway;
  const kn = (args: string[]) => runKn([...args, '-n', NS], { kubeconfig: cluster.kubeconfig });
  const autocreate = (on: boolean) =>
    c.patch(R.ConfigMap, 'config-network', 'knative-serving', { data: { 'autocreate-cluster-domain-claims': String(on) } }, 'merge');

  before(async () => {
    cluster = await startCluster();
    c = await KubeClient.connect({ kubeconfig: cluster.kubeconfig });
    await installServingCRDs(c);
    await c.create(R.Namespace, { metadata: { name: NS } } as KubeObject);
    await c.create(R.Namespace, { metadata: { name: 'kourier-system' } } as KubeObject);
    mgr = await startController({ namespace: 'knative-serving', metricsPort: 0, metricsHost: '127.0.0.1', identity: 'claims', leaseName: 'kn-ts-controller', workers: 2, leaderElect: false }, c, quiet);
    const admin = await freePort();
    gw = await startGateway(['--kubeconfig', cluster.kubeconfig, '--bind', '127.0.0.1', '--port', '0', '--internal-port', '0', '--admin-port', String(admin), '--peers', `127.0.0.1:${admin}`, '--identity', 'gw-claims']);
    const r = await kn(['service', 'create', 'hello', '--image', 'ghcr.io/knative/helloworld-go:latest', '--no-wait']);
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await gw?.stop();
    await mgr?.stop();
    c?.close();
    await cluster?.stop();
  });

  it('auto-create off (the default of manifests/): DomainAlreadyClaimed with upstream\'s message, and no claim is made', async () => {
    await autocreate(false);
    const r = await kn(['domain', 'create', 'off.example.com', '--ref', 'hello']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "Domain mapping 'off.example.com' created in namespace 'claims'.\n");
    const dm = await waitFor<DomainMapping>(c, R.DomainMapping, 'off.example.com', NS, (d) => (cond(d, 'DomainClaimed')?.status === 'False' ? 'done' : 'wait'), 30_000);
    const claimed = cond(dm, 'DomainClaimed')!;
    assert.equal(claimed.reason, 'DomainAlreadyClaimed');
    assert.equal(claimed.message, 'The domain name is already in use by another DomainMapping');
    assert.equal(cond(dm, 'Ready')?.status, 'False');
    assert.equal(await c.find(R.ClusterDomainClaim, 'off.example.com'), undefined);
    const d = await kn(['domain', 'describe', 'off.example.com']);
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout, /!! DomainClaimed\s+\d+s DomainAlreadyClaimed/);
  });

  it('auto-create on (what kn quickstart sets): the DomainMapping claims its domain and becomes Ready', async () => {
    await autocreate(true);
    const r = await kn(['domain', 'create', 'on.example.com', '--ref', 'hello']);
    assert.equal(r.code, 0, r.stderr);
    const dm = await waitFor<DomainMapping>(c, R.DomainMapping, 'on.example.com', NS, (d) => (cond(d, 'Ready')?.status === 'True' ? 'done' : 'wait'), 30_000);
    assert.equal(cond(dm, 'DomainClaimed')?.status, 'True');
    assert.equal(dm.status?.url, 'http://on.example.com');
    const claim = await c.get<ClusterDomainClaim>(R.ClusterDomainClaim, 'on.example.com');
    assert.equal(claim.spec?.namespace, NS);
    const d = await kn(['domain', 'describe', 'on.example.com']);
    assert.match(d.stdout, /\+\+ Ready/);
    // The mapping made while it was off claims its domain now too (a config change resyncs).
    await waitFor<DomainMapping>(c, R.DomainMapping, 'off.example.com', NS, (x) => (cond(x, 'Ready')?.status === 'True' ? 'done' : 'wait'), 30_000);
  });

  it('a claim for another namespace is not taken over, even with auto-create on', async () => {
    await c.create(R.ClusterDomainClaim, { metadata: { name: 'taken.example.com' }, spec: { namespace: 'someone-else' } } as KubeObject);
    const r = await kn(['domain', 'create', 'taken.example.com', '--ref', 'hello']);
    assert.equal(r.code, 0, r.stderr);
    const dm = await waitFor<DomainMapping>(c, R.DomainMapping, 'taken.example.com', NS, (d) => (cond(d, 'DomainClaimed')?.status === 'False' ? 'done' : 'wait'), 30_000);
    assert.equal(cond(dm, 'DomainClaimed')?.reason, 'DomainAlreadyClaimed');
    assert.equal((await c.get<ClusterDomainClaim>(R.ClusterDomainClaim, 'taken.example.com')).spec?.namespace, 'someone-else');
  });

  it('kn domain delete gives an auto-created claim back', async () => {
    const r = await kn(['domain', 'delete', 'on.example.com']);
    assert.equal(r.code, 0, r.stderr);
    await waitFor(c, R.ClusterDomainClaim, 'on.example.com', undefined, (o) => (o === undefined ? 'done' : 'wait'), 30_000);
  });
});
