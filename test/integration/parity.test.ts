// kn output parity with upstream kn (issue 14 item 3): the commands of parity/cases.ts run with
// kn-ts's kn and, when it is there, upstream kn v0.42.0 (scripts/build-upstream-kn.sh; npm test
// builds it before the network goes away) against one private API server with kn-ts's CRDs,
// defaulting webhook, controller and stand-in kubelet. Each binary works in a namespace of its
// own, on the same objects created by the same commands.
//
// - kn-ts's stdout, stderr and exit code (normalised: parity/normalize.ts) must equal the golden
//   file test/integration/golden/parity/<case>.txt, so a change of one character shows in review.
// - upstream's must equal kn-ts's, except for the cases in parity/differences.ts (each with its
//   reason, also in docs/compatibility.md); for those, upstream's output is recorded in
//   golden/parity/upstream/<case>.txt and checked too, so both sides are visible in review.
//
// KN_TS_UPDATE_GOLDEN=1 rewrites the golden files from this run. The count of identical commands is
// printed: `parity: N of M commands identical to upstream kn`. KN_TS_PARITY_KN=<path of bin/run.js>
// runs another build of kn-ts instead (say, an older commit, to count before and after a change).
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
import { freePort, startCluster, type TestCluster } from '../harness/cluster.ts';
import { installServingCRDs } from '../harness/crds.ts';
import { REPO, runKn } from '../harness/env.ts';
import { fakeKubelet } from '../harness/kubelet.ts';
import { startTestWebhook } from '../harness/webhook.ts';
import { installEventing } from './broker-setup.ts';
import { CASES, IMAGE } from './parity/cases.ts';
import { KNOWN_DIFFERENCES } from './parity/differences.ts';
import { normalize, NORMAL, type Side, substitute } from './parity/normalize.ts';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const GOLDEN = join(REPO, 'test/integration/golden/parity');
const UPDATE = !!process.env.KN_TS_UPDATE_GOLDEN;
const UP: Side = { ns: 'parity-up', dom: 'd-up.example.com' };
const TS: Side = { ns: 'parity-ts', dom: 'd-ts.example.com' };

function upstreamKn(): string | undefined {
  const dir = process.env.KN_TS_UPSTREAM_KN ?? (() => {
    try {
      return execFileSync('bash', [join(REPO, 'scripts/build-upstream-kn.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, GOFLAGS: '-mod=mod', GOPROXY: 'off' } }).trim();
    } catch {
      return undefined;
    }
  })();
  return dir && existsSync(join(dir, 'kn')) ? join(dir, 'kn') : undefined;
}

interface Out {
  code: number;
  stdout: string;
  stderr: string;
}

function runUpstream(kn: string, args: string[], env: NodeJS.ProcessEnv): Promise<Out> {
  return new Promise((res, rej) => {
    const child = spawn(kn, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', rej);
    child.on('close', (code) => res({ code: code ?? 1, stdout, stderr }));
  });
}

/** The golden-file text of one run. */
export function render(args: string[], o: Out, side: Side): string {
  const help = args.includes('--help');
  return `$ kn ${substitute(args, NORMAL, IMAGE).join(' ')}\nexit: ${o.code}\n--- stdout\n${normalize(o.stdout, side, help)}\n--- stderr\n${normalize(o.stderr, side, help)}\n`;
}

function checkGolden(file: string, text: string): void {
  if (UPDATE) {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, text);
    return;
  }
  assert.ok(existsSync(file), `no golden file ${file}: run with KN_TS_UPDATE_GOLDEN=1 and review it`);
  assert.equal(text, readFileSync(file, 'utf8'), `${file} differs (KN_TS_UPDATE_GOLDEN=1 rewrites it)`);
}

describe('kn output parity with upstream kn (golden files)', () => {
  let cluster: TestCluster;
  let c: KubeClient;
  let webhook: DefaultingWebhook;
  let mgr: Manager;
  let gw: RunningGateway;
  let stopKubelet: () => void;
  let home: string;
  const kn = upstreamKn();

  before(async () => {
    cluster = await startCluster({ controllerManager: true });
    c = await KubeClient.connect({ kubeconfig: cluster.kubeconfig });
    await installServingCRDs(c);
    await installEventing(c);
    for (const name of ['kourier-system', UP.ns, TS.ns]) await c.create(R.Namespace, { metadata: { name } } as KubeObject);
    // The broker ingress has a ready endpoint (a TEST-NET address nothing dials): Brokers become Ready.
    await c.apply(
      R.EndpointSlice,
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: 'broker-ingress-parity', namespace: 'knative-eventing', labels: { 'kubernetes.io/service-name': 'broker-ingress' } },
        addressType: 'IPv4',
        endpoints: [{ addresses: ['203.0.113.9'], conditions: { ready: true } }],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      } as KubeObject,
      { fieldManager: 'parity-test' },
    );
    webhook = await startTestWebhook(c);
    stopKubelet = await fakeKubelet(c);
    mgr = await startController({ namespace: 'knative-serving', metricsPort: 0, metricsHost: '127.0.0.1', identity: 'parity', leaseName: 'kn-ts-controller', workers: 4, leaderElect: false }, c, quiet);
    const admin = await freePort();
    gw = await startGateway(['--kubeconfig', cluster.kubeconfig, '--bind', '127.0.0.1', '--port', '0', '--internal-port', '0', '--admin-port', String(admin), '--peers', `127.0.0.1:${admin}`, '--identity', 'gw-parity']);
    home = mkdtempSync(join(tmpdir(), 'parity-home-'));
  });
  after(async () => {
    stopKubelet?.();
    await gw?.stop();
    await mgr?.stop();
    await webhook?.stop();
    c?.close();
    await cluster?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it(`${CASES.length} commands: kn-ts matches its golden files${kn ? ' and upstream kn' : ' (upstream kn not built: golden files only)'}`, { timeout: 15 * 60_000 }, async () => {
    const env = { KUBECONFIG: cluster.kubeconfig, HOME: home, PATH: '/usr/bin:/bin', XDG_CONFIG_HOME: join(home, '.config') };
    const identical: string[] = [];
    const differing: string[] = [];
    const problems: string[] = [];
    for (const k of CASES) {
      const args = substitute(k.args, TS, IMAGE);
      const ours = render(k.args, process.env.KN_TS_PARITY_KN ? await runUpstream(process.execPath, ['--', process.env.KN_TS_PARITY_KN, ...args], env) : await runKn(args, { env, kubeconfig: cluster.kubeconfig }), TS);
      try {
        checkGolden(join(GOLDEN, `${k.id}.txt`), ours);
      } catch (e) {
        problems.push((e as Error).message + `\n${ours}`);
      }
      if (!kn) continue;
      const theirs = render(k.args, await runUpstream(kn, substitute(k.args, UP, IMAGE), { ...env, HOME: home }), UP);
      const upstreamFile = join(GOLDEN, 'upstream', `${k.id}.txt`);
      if (theirs === ours) {
        identical.push(k.id);
        if (KNOWN_DIFFERENCES[k.id]) problems.push(`${k.id} is listed in parity/differences.ts but is identical to upstream now: remove it`);
        if (UPDATE) rmSync(upstreamFile, { force: true });
        continue;
      }
      differing.push(k.id);
      if (!KNOWN_DIFFERENCES[k.id]) {
        problems.push(`${k.id}: differs from upstream kn and is not listed in parity/differences.ts\n--- upstream\n${theirs}--- kn-ts\n${ours}`);
        if (UPDATE) writeFileSync(upstreamFile, theirs);
        continue;
      }
      try {
        checkGolden(upstreamFile, theirs);
      } catch (e) {
        problems.push((e as Error).message);
      }
    }
    if (kn) process.stderr.write(`parity: ${identical.length} of ${CASES.length} commands identical to upstream kn v0.42.0; different: ${differing.join(' ')}\n`);
    assert.deepEqual(problems, []);
  });
});
