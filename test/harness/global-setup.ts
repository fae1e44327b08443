// node --test global setup: one real etcd + kube-apiserver for the whole run, shared by every test
// file (each works in namespaces of its own). Its kubeconfig reaches the test files through
// KN_TS_TEST_KUBECONFIG. Suites that need kube-controller-manager or a server they may restart
// start a cluster of their own with startCluster().
import { startCluster, type TestCluster } from './cluster.ts';

let cluster: TestCluster | undefined;

export async function globalSetup(): Promise<void> {
  const t0 = Date.now();
  cluster = await startCluster();
  process.env.KN_TS_TEST_KUBECONFIG = cluster.kubeconfig;
  process.env.KN_TS_TEST_SERVER = cluster.server;
  process.env.KN_TS_TEST_TOKEN = cluster.token;
  process.stderr.write(`test API server: kube-apiserver + etcd on ${cluster.server}, ready in ${Date.now() - t0} ms\n`);
}

export async function globalTeardown(): Promise<void> {
  await cluster?.stop();
}
