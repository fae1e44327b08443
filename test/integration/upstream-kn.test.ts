// Upstream kn's own e2e tests against kn-ts: the test binary of knative.dev/client test/e2e and the
// upstream `kn` it drives, both built from the Go module proxy by scripts/build-upstream-kn.sh
// (cached, never committed; scripts/test.sh builds them before the network goes away), run
// unchanged against a private kube-apiserver + kube-controller-manager with kn-ts's CRDs, its
// defaulting webhook (by URL on 127.0.0.1), the kn-ts controller, the gateway (KIngress status) and
// the stand-in kubelet of test/harness, so Revisions become Ready without real pods. Upstream's
// tests call `kn` and `kubectl` from PATH: upstream kn and the kubectl of the test binaries.
//
// KN_TS_UPSTREAM_KN points at the folder with `kn` and `e2e.test`; without it the build script is
// asked for the cached folder (it only prints it when the binaries are there).
// KN_TS_UPSTREAM_KN_TESTS=TestService,TestRevision,… runs other tests of the package as well (their
// pass counts are in docs/compatibility.md); npm test runs TestTrafficSplit.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import { startController } from '../../src/controller/main.ts';
import type { Manager } from '../../src/controller/runtime/manager.ts';
import type { DefaultingWebhook } from '../../src/controller/webhook/server.ts';
import { type RunningGateway, startGateway } from '../../src/dataplane/gateway/main.ts';
import { KubeClient } from '../../src/kube/client.ts';
import { binDir, freePort, startCluster, type TestCluster } from '../harness/cluster.ts';
import { installServingCRDs } from '../harness/crds.ts';
import { REPO } from '../harness/env.ts';
import { fakeKubelet } from '../harness/kubelet.ts';
import { startTestWebhook } from '../harness/webhook.ts';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function upstreamDir(): string {
  if (process.env.KN_TS_UPSTREAM_KN) return process.env.KN_TS_UPSTREAM_KN;
  try {
    return execFileSync('bash', [join(REPO, 'scripts/build-upstream-kn.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  } catch {
    throw new Error('upstream kn and its e2e tests are missing and could not be built: run scripts/build-upstream-kn.sh (needs Go and the Go module proxy)');
  }
}

export interface GoTestResult {
  passed: string[];
  failed: string[];
  output: string;
  code: number;
}

/** Runs the upstream e2e test binary for one top-level test and collects its subtests' verdicts. */
function runUpstream(dir: string, test: string, env: NodeJS.ProcessEnv): Promise<GoTestResult> {
  return new Promise((res, rej) => {
    const child = spawn(join(dir, 'e2e.test'), [`-test.run=^${test}$`, '-test.v', '-test.timeout=25m'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.on('error', rej);
    child.on('close', (code) => {
      const verdicts = (word: string) => [...output.matchAll(new RegExp(`^\\s*--- ${word}: (${test}/\\S+)`, 'gm'))].map((m) => m[1] ?? '');
      res({ passed: verdicts('PASS'), failed: verdicts('FAIL'), output, code: code ?? 1 });
    });
  });
}

describe('upstream kn e2e (knative.dev/client test/e2e) against kn-ts', () => {
  let cluster: TestCluster;
  let c: KubeClient;
  let webhook: DefaultingWebhook;
  let mgr: Manager;
  let gw: RunningGateway;
  let stopKubelet: () => void;
  let dir: string;

  before(async () => {
    dir = upstreamDir();
    cluster = await startCluster({ controllerManager: true });
    c = await KubeClient.connect({ kubeconfig: cluster.kubeconfig });
    await installServingCRDs(c);
    await c.create(R.Namespace, { metadata: { name: 'kourier-system' } } as KubeObject);
    webhook = await startTestWebhook(c);
    stopKubelet = await fakeKubelet(c);
    mgr = await startController({ namespace: 'knative-serving', metricsPort: 0, metricsHost: '127.0.0.1', identity: 'upstream-kn', leaseName: 'kn-ts-controller', workers: 4, leaderElect: false }, c, quiet);
    const admin = await freePort();
    gw = await startGateway(['--kubeconfig', cluster.kubeconfig, '--bind', '127.0.0.1', '--port', '0', '--internal-port', '0', '--admin-port', String(admin), '--peers', `127.0.0.1:${admin}`, '--identity', 'gw-upstream-kn']);
  });
  after(async () => {
    stopKubelet?.();
    await gw?.stop();
    await mgr?.stop();
    await webhook?.stop();
    c?.close();
    await cluster?.stop();
  });

  const env = (home: string): NodeJS.ProcessEnv => ({
    PATH: `${dir}:${binDir()}:${process.env.PATH ?? ''}`,
    HOME: home,
    KUBECONFIG: cluster.kubeconfig,
    // The image name only: the stand-in kubelet runs no image.
    KO_DOCKER_REPO: 'ghcr.io/knative',
    KN_E2E_NAMESPACE: 'kne2e',
  });

  it('TestTrafficSplit: every --tag, --untag and --traffic case passes', { timeout: 25 * 60_000 }, async () => {
    const r = await runUpstream(dir, 'TestTrafficSplit', env(mkdtempSync(join(tmpdir(), 'upstream-kn-home-'))));
    process.stderr.write(`upstream kn TestTrafficSplit: ${r.passed.length} passed, ${r.failed.length} failed\n`);
    const fails = r.output.split('\n').filter((l) => /--- FAIL|Error|error:|expected|actual/i.test(l)).slice(0, 80).join('\n');
    assert.deepEqual(r.failed, [], `upstream kn e2e cases failed:\n${fails}`);
    assert.equal(r.code, 0, r.output.slice(-4000));
    assert.ok(r.passed.length >= 20, `expected upstream's 20+ traffic-split cases, saw ${r.passed.length}:\n${r.output.slice(-2000)}`);
  });

  for (const test of (process.env.KN_TS_UPSTREAM_KN_TESTS ?? '').split(',').filter(Boolean)) {
    it(`${test} (KN_TS_UPSTREAM_KN_TESTS)`, { timeout: 25 * 60_000 }, async () => {
      const r = await runUpstream(dir, test, env(mkdtempSync(join(tmpdir(), 'upstream-kn-home-'))));
      const top = new RegExp(`^--- (PASS|FAIL): ${test} `, 'm').exec(r.output)?.[1] ?? 'no verdict';
      process.stderr.write(`upstream kn ${test}: ${top}; subtests ${r.passed.length} passed, ${r.failed.length} failed${r.failed.length ? `: ${r.failed.join(' ')}` : ''}\n`);
      if (r.code !== 0) process.stderr.write(r.output.split('\n').filter((l) => /--- FAIL|Error|error:|expected|actual|assert/i.test(l)).slice(0, 60).join('\n') + '\n');
      assert.equal(r.code, 0, `${test} failed`);
    });
  }
});
