// A transcript of kn against a whole kn-ts control plane on this machine: the real kube-apiserver
// and kube-controller-manager, the kn-ts controller and gateway, and a stand-in kubelet
// (test/harness/kubelet.ts). The README's usage section is its output. Run: scripts/demo/run.sh
import type { KubeObject } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import { startController } from '../../src/controller/main.ts';
import { startGateway } from '../../src/dataplane/gateway/main.ts';
import { KubeClient } from '../../src/kube/client.ts';
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
  const steps = process.argv.slice(2).length
    ? [process.argv.slice(2)]
    : [
        ['service', 'create', 'hello', '--image', 'ghcr.io/knative/helloworld-go:latest', '--port', '8080', '--env', 'TARGET=World', '--revision-name=my-service-v1'],
        ['service', 'list'],
        ['service', 'update', 'hello', '--env', 'TARGET=Knative', '--revision-name', 'v2'],
        ['revisions', 'list'],
        ['service', 'update', 'hello', '--traffic', 'hello-my-service-v1=50', '--traffic', '@latest=50'],
        ['route', 'describe', 'hello'],
        ['service', 'describe', 'hello', '-o', 'url'],
        ['service', 'update', 'hello', '--scale-min', 'not-a-number'],
        ['service', 'delete', 'hello'],
      ];
  for (const args of steps) {
    // Asynchronously: the controller and the gateway run in this very process.
    const r = await runKn(args, { kubeconfig: cluster.kubeconfig });
    process.stdout.write(`$ kn ${args.join(' ')}\n${r.stdout}${r.stderr}\n`);
  }
  stopKubelet();
  await gw.stop();
  await mgr.stop();
} finally {
  c.close();
  await cluster.stop();
}
