// Admission benchmark for ADR 0016 (defaulting): what the defaulting webhook costs and what happens
// when it is down. Prints figures; asserts nothing.
//
//   KN_TS_TEST_BINS="$(scripts/build-test-bins.sh)" unshare -rn bash -c \
//     'ip link set lo up; node bench/admission/run.ts [N]'
//
// A private kube-apiserver + etcd on 127.0.0.1 with kn-ts's CRDs; the webhook runs in this process
// (as in the controller) behind manifests/420-webhook.yaml pointed at 127.0.0.1 by URL. Reported:
// - webhook start: first start (generates the CA and certificate, writes the Secret, patches the
//   caBundle) and a restart (reads the Secret), the part of a control-plane cold start it adds;
// - create latency of a Knative Service, N sequential creates, p50/p95, in four set-ups: no webhook
//   configured, webhook up, webhook down with failurePolicy Ignore, webhook down with Fail
//   (where every create fails: the error is printed).
import type { KubeObject } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import { startWebhook } from '../../src/controller/main.ts';
import { KubeClient } from '../../src/kube/client.ts';
import { freePort, startCluster } from '../../test/harness/cluster.ts';
import { installServingCRDs } from '../../test/harness/crds.ts';
import { webhookConfigAt } from '../../test/harness/webhook.ts';
import { table } from '../lib/timing.ts';

const N = Number(process.argv[2] ?? 60);
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const cluster = await startCluster();
const c = await KubeClient.connect({ kubeconfig: cluster.kubeconfig });
try {
  await installServingCRDs(c);
  const port = await freePort();
  const mwc = (policy: 'Ignore' | 'Fail') => webhookConfigAt(`https://127.0.0.1:${port}/defaulting`, policy);
  let ns = 0;
  const creates = async (label: string): Promise<string[]> => {
    const name = `bench-${ns++}`;
    await c.create(R.Namespace, { metadata: { name } } as KubeObject);
    const t: number[] = [];
    let failed = 0;
    let error = '';
    for (let i = 0; i < N; i++) {
      const t0 = performance.now();
      try {
        await c.create(R.Service, { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: `s${i}`, namespace: name }, spec: { template: { spec: { containers: [{ image: 'ghcr.io/knative/helloworld-go:latest' }] } } } } as KubeObject);
      } catch (e) {
        failed++;
        error = (e as Error).message;
      }
      t.push(performance.now() - t0);
    }
    t.sort((a, b) => a - b);
    const q = (p: number) => `${t[Math.min(t.length - 1, Math.floor(p * t.length))]!.toFixed(1)} ms`;
    if (error) process.stdout.write(`${label}: ${failed}/${N} creates failed: ${error}\n`);
    return [label, q(0.5), q(0.95), `${N - failed}/${N}`];
  };

  const rows = [['set-up', 'create p50', 'create p95', 'stored']];
  await creates('warm-up (not reported)'); // the API server's first creates of a kind are slower
  rows.push(await creates('no webhook configured'));

  await c.create(R.MutatingWebhookConfiguration, mwc('Ignore'));
  let t0 = performance.now();
  let wh = await startWebhook({ namespace: 'knative-serving', webhookPort: port, webhookHost: '127.0.0.1', webhookIPs: ['127.0.0.1'] }, c, quiet);
  const firstStart = performance.now() - t0;
  await wh.stop();
  t0 = performance.now();
  wh = await startWebhook({ namespace: 'knative-serving', webhookPort: port, webhookHost: '127.0.0.1', webhookIPs: ['127.0.0.1'] }, c, quiet);
  const restart = performance.now() - t0;
  rows.push(await creates('webhook up'));
  await wh.stop();
  rows.push(await creates('webhook down, Ignore'));
  await c.delete(R.MutatingWebhookConfiguration, 'webhook.serving.knative.dev');
  await c.create(R.MutatingWebhookConfiguration, mwc('Fail'));
  await new Promise((r) => setTimeout(r, 1500)); // the API server picks up the configuration change
  rows.push(await creates('webhook down, Fail'));

  process.stdout.write(`\nwebhook start: first ${firstStart.toFixed(0)} ms (CA + certificate + Secret + caBundle), restart ${restart.toFixed(0)} ms (Secret read)\n`);
  process.stdout.write(`${N} sequential Service creates each:\n${table(rows)}\n`);
} finally {
  c.close();
  await cluster.stop();
}
