// A transcript of kn against a whole kn-ts control plane on this machine: the real kube-apiserver
// and kube-controller-manager, the kn-ts controller and gateway, and a stand-in kubelet
// (test/harness/kubelet.ts): the stand-in tier, no container runtime needed. (The README's usage
// section comes from a real kind cluster instead: test/e2e/readme.test.ts.) Run: scripts/demo/run.sh
import { isReady, type KubeObject } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import { startController } from '../../src/controller/main.ts';
import { startGateway } from '../../src/dataplane/gateway/main.ts';
import { KubeClient } from '../../src/kube/client.ts';
import { waitFor } from '../../src/kube/wait.ts';
import { freePort, startCluster } from '../../test/harness/cluster.ts';
import { installServingCRDs } from '../../test/harness/crds.ts';
import { runKn } from '../../test/harness/env.ts';
import { fakeKubelet } from '../../test/harness/kubelet.ts';

const cluster = await startCluster({ controllerManager: true });
const c = await KubeClient.connect({ kubeconfig: cluster.kubeconfig });
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
try {
  await installServingCRDs(c);
  await c.create(R.Namespace, { metadata: { name: 'kourier-system' } } as KubeObject);
  const stopKubelet = await fakeKubelet(c);
  const mgr = await startController({ namespace: 'knative-serving', metricsPort: 0, metricsHost: '127.0.0.1', identity: 'demo', leaseName: 'kn-ts-controller', workers: 4, leaderElect: false }, c, quiet);
  const admin = await freePort();
  const gw = await startGateway(['--kubeconfig', cluster.kubeconfig, '--bind', '127.0.0.1', '--port', '0', '--internal-port', '0', '--admin-port', String(admin), '--peers', `127.0.0.1:${admin}`]);
  // As `kn quickstart` sets it: a DomainMapping claims its domain itself.
  await c.patch(R.ConfigMap, 'config-network', 'knative-serving', { data: { 'autocreate-cluster-domain-claims': 'true' } }, 'merge');
  const steps = process.argv.slice(2).length
    ? [process.argv.slice(2)]
    : [
        ['service', 'create', 'hello', '--image', 'ghcr.io/knative/helloworld-go:latest', '--port', '8080', '--env', 'TARGET=World'],
        ['service', 'list'],
        ['service', 'update', 'hello', '--env', 'TARGET=Knative'],
        ['revisions', 'list'],
        ['service', 'update', 'hello', '--traffic', 'hello-00001=50', '--traffic', '@latest=50'],
        ['route', 'describe', 'hello'],
        ['service', 'describe', 'hello', '-o', 'url'],
        ['service', 'update', 'hello', '--env', 'TARGET=v3', '--revision-name', 'v3'],
        ['service', 'update', 'hello', '--env', 'TARGET=v4', '--revision-name', 'v4'],
        ['revisions', 'list'],
        ['domain', 'create', 'hello.example.org', '--ref', 'hello'],
        ['domain', 'list'],
        ['service', 'update', 'hello', '--scale-min', 'not-a-number'],
        ['service', 'delete', 'hello'],
      ];
  for (const args of steps) {
    // Asynchronously: the controller and the gateway run in this very process.
    const r = await runKn(args, { kubeconfig: cluster.kubeconfig });
    // `kn domain create` does not wait: let the mapping become Ready before it is listed.
    if (args[0] === 'domain' && args[1] === 'create') {
      await waitFor<KubeObject>(c, R.DomainMapping, args[2]!, 'default', (o) => (isReady(o) ? 'done' : 'wait'), 30_000).catch(() => undefined);
    }
    process.stdout.write(`$ kn ${args.join(' ')}\n${r.stdout}${r.stderr}\n`);
  }
  stopKubelet();
  await gw.stop();
  await mgr.stop();
} finally {
  c.close();
  await cluster.stop();
}
