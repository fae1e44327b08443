// `kn quickstart kind|minikube` end to end, with recording fakes of kind, docker and minikube on
// PATH (test/quickstart/fake-bin: there is no Docker engine here). Each scenario's PATH is a folder
// holding only the fakes it means (fakes.ts), so a docker or kind installed on the machine is
// never found. The fake `kind create cluster`
// points the "cluster" at a REAL kube-apiserver, so every manifest really goes through
// server-side apply. The server is a private one (startCluster), not the shared one, so that the
// "a re-run changes nothing" check cannot be disturbed by another test file applying the same
// CRDs. There is no kubelet: Deployments are made Available by the test (available.ts, a loop
// that writes Deployment status).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import { KubeClient } from '../../src/kube/client.ts';
import { startCluster, type TestCluster } from '../harness/cluster.ts';
import { REPO, runKn, type KnResult } from '../harness/env.ts';
import { makeDeploymentsAvailable } from './available.ts';
import { installFakes } from './fakes.ts';

const VERSION = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
const IMAGE = `dev.local/kn-ts/control-plane:${VERSION}`;
const CP_NAMESPACES = ['knative-serving', 'kourier-system', 'knative-eventing'];

interface Call {
  tool: string;
  argv: string[];
  stdin?: string;
}

let cluster: TestCluster;
let client: KubeClient;
let work: string;
let n = 0;

/** A scenario: its own PATH (only the fakes asked for), state, log and KUBECONFIG. */
function scenario(tools: string[] = ['kind', 'docker'], env: Record<string, string> = {}) {
  const dir = join(work, `s${++n}`);
  const path = installFakes(join(dir, 'bin'), tools);
  const log = join(dir, 'calls.log');
  const state = join(dir, 'state');
  return {
    dir,
    state,
    env: {
      // Only the fakes asked for: no system folder, where a real docker or kind may be installed.
      PATH: path,
      FAKE_LOG: log,
      FAKE_STATE_DIR: state,
      FAKE_TARGET_KUBECONFIG: cluster.kubeconfig,
      KUBECONFIG: join(dir, 'kubeconfig'),
      CI: '1',
      ...env,
    },
    calls(): Call[] {
      if (!existsSync(log)) return [];
      return readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Call);
    },
  };
}
type Scenario = ReturnType<typeof scenario>;

const line = (c: Call) => [c.tool, ...c.argv].join(' ');
/** The one "Error: …" line; its message must appear nowhere else in the output (not printed twice). */
function errorLine(r: KnResult): string {
  const line = r.stderr.split('\n').find((l) => l.startsWith('Error: ')) ?? '';
  const msg = line.slice('Error: '.length);
  if (msg) assert.equal(`${r.stdout}\n${r.stderr}`.split(msg).length - 1, 1, `the error is printed once:\n${r.stdout}\n${r.stderr}`);
  return line;
}
/** Go template errors and crash dumps of a docker CLI never reach the user. */
function assertNoLeak(r: KnResult) {
  assert.doesNotMatch(`${r.stdout}\n${r.stderr}`, /template:|executing "|can't evaluate field|panic:|goroutine/, `${r.stdout}\n${r.stderr}`);
}

async function quickstart(s: Scenario, args: string[]): Promise<KnResult> {
  return runKn(['quickstart', ...args], { env: s.env, kubeconfig: s.env.KUBECONFIG });
}

/** Every object manifests/ + the quickstart put on the cluster, with its resourceVersion. */
async function snapshot(): Promise<Map<string, string>> {
  const m = new Map<string, string>();
  const add = (l: { items: KubeObject[] }, kind: string) => {
    for (const o of l.items) m.set(`${kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`, o.metadata.resourceVersion ?? '');
  };
  add(await client.list(R.CustomResourceDefinition), 'crd');
  add(await client.list(R.ClusterRole, { labelSelector: 'app.kubernetes.io/name' }), 'clusterrole');
  add(await client.list(R.ClusterRoleBinding, { labelSelector: 'app.kubernetes.io/name' }), 'clusterrolebinding');
  add(await client.list(R.Broker, { namespace: 'default' }), 'broker');
  for (const ns of CP_NAMESPACES) {
    add({ items: [await client.get(R.Namespace, ns)] }, 'namespace');
    for (const [k, r] of Object.entries({ d: R.Deployment, s: R.KService, cm: R.ConfigMap, sa: R.ServiceAccount, role: R.Role, rb: R.RoleBinding, pdb: R.PodDisruptionBudget })) {
      add(await client.list(r, { namespace: ns }), k);
    }
  }
  return m;
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'kn-ts-qs-'));
  cluster = await startCluster();
  client = await KubeClient.connect({ kubeconfig: cluster.kubeconfig });
});

after(async () => {
  const t0 = Date.now();
  client?.close();
  await cluster?.stop();
  rmSync(work, { recursive: true, force: true });
  process.stderr.write(`quickstart test: teardown ${Date.now() - t0} ms\n`);
});

describe('kn quickstart kind: failures are one clear line, exit non-zero, and create nothing', () => {
  it('kind missing', async () => {
    const s = scenario(['docker']);
    const r = await quickstart(s, ['kind']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(errorLine(r), /^Error: kind is not installed: install kind v0\.30 or newer .*then run 'kn quickstart kind' again$/);
    // Only the read-only engine probe, so that one message can name every problem.
    assert.deepEqual(s.calls().map(line), ['docker version --format {{json .}}'], 'nothing but the probe runs before the dependency check passes');
  });

  it('docker missing (even where the machine has a docker: PATH holds only the fakes)', async () => {
    const s = scenario(['kind']);
    assert.deepEqual(readdirSync(s.env.PATH), ['kind'], 'the PATH is the fakes folder alone');
    const r = await quickstart(s, ['kind']);
    assert.equal(r.code, 1);
    assert.match(errorLine(r), /^Error: docker is not installed: install Docker .*sudo apt-get install docker\.io.*; then run 'kn quickstart kind' again$/);
    assert.deepEqual(s.calls().map(line), []);
  });

  it('docker and kind missing: both are named, each with how to install it, in one line printed once', async () => {
    const s = scenario([]);
    const r = await quickstart(s, ['kind']);
    assert.equal(r.code, 1);
    assert.match(
      errorLine(r),
      /^Error: docker and kind are not installed: install Docker \(https:\/\/docs\.docker\.com\/get-docker\/.*\), or Podman with KIND_EXPERIMENTAL_PROVIDER=podman; install kind v0\.30 or newer \(.*go install sigs\.k8s\.io\/kind@v0\.30\.0'\); then run 'kn quickstart kind' again$/,
    );
    assert.match(r.stderr, /✖ Checking dependencies\n/, 'the failed step is shown by its title only');
  });

  it('kind missing and the Docker engine stopped: both problems and both fixes in one line', async () => {
    const s = scenario(['docker'], { FAKE_DOCKER_DOWN: '1' });
    const r = await quickstart(s, ['kind']);
    assert.equal(r.code, 1);
    assert.match(
      errorLine(r),
      /^Error: kind is not installed, and the Docker engine is not running \(docker: Cannot connect to the Docker daemon .*\): install kind v0\.30 .*; start Docker Desktop or 'sudo systemctl start docker'; then run 'kn quickstart kind' again$/,
    );
  });

  it('docker engine not running', async () => {
    const s = scenario(['kind', 'docker'], { FAKE_DOCKER_DOWN: '1' });
    const r = await quickstart(s, ['kind']);
    assert.equal(r.code, 1);
    assert.equal(
      errorLine(r),
      "Error: the Docker engine is not running (docker: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?): start Docker Desktop or 'sudo systemctl start docker'; then run 'kn quickstart kind' again",
    );
    assert.deepEqual(s.calls().map(line), ['docker version --format {{json .}}']);
  });

  it('docker socket not permitted to this user', async () => {
    const s = scenario(['kind', 'docker'], { FAKE_DOCKER_DENIED: '1' });
    const r = await quickstart(s, ['kind']);
    assert.equal(r.code, 1);
    assert.match(errorLine(r), /^Error: your user may not use the Docker engine \(permission denied on its socket\): add yourself to the docker group \('sudo usermod -aG docker \$USER', then log in again\)/);
  });

  it("Debian's docker.io client, engine stopped: a clean message, no Go template error", async () => {
    const s = scenario(['kind', 'docker'], { FAKE_DOCKER_CLIENT: 'debian-20.10', FAKE_DOCKER_DOWN: '1' });
    const r = await quickstart(s, ['kind']);
    assert.equal(r.code, 1);
    assertNoLeak(r);
    assert.match(errorLine(r), /^Error: the Docker engine is not running \(docker: Cannot connect to the Docker daemon/);
  });

  it("Debian's docker.io client, engine running: the check passes and reports its version", async () => {
    // The cluster creation fails on purpose: this scenario is about the step before it.
    const s = scenario(['kind', 'docker'], { FAKE_DOCKER_CLIENT: 'debian-20.10', FAKE_KIND_CREATE_FAIL: 'stop here' });
    const r = await quickstart(s, ['kind']);
    assertNoLeak(r);
    assert.match(r.stdout + r.stderr, /Docker 20\.10\.24\+dfsg1, kind 0\.30\.0/);
    assert.match(errorLine(r), /^Error: creating the kind cluster 'knative' failed \(kind exited with 1\): stop here;/);
  });

  it('minikube missing', async () => {
    const s = scenario(['kind', 'docker']);
    const r = await quickstart(s, ['minikube']);
    assert.equal(r.code, 1);
    assert.equal(errorLine(r), "Error: minikube is not installed: install minikube v1.37 or newer (https://minikube.sigs.k8s.io/docs/start/); then run 'kn quickstart minikube' again");
  });

  it('host port busy', async () => {
    const s = scenario();
    const srv: Server = createServer();
    await new Promise<void>((res) => srv.listen(0, '127.0.0.1', res));
    const port = (srv.address() as { port: number }).port;
    try {
      const r = await quickstart(s, ['kind', '--port', String(port)]);
      assert.equal(r.code, 1);
      assert.equal(errorLine(r), `Error: host port ${port} on 127.0.0.1 is already in use: stop what listens there (another web server or kind cluster) or pass --port ${port + 1}`);
      assert.ok(!s.calls().some((c) => c.argv[0] === 'create'), 'no cluster is created');
    } finally {
      srv.close();
    }
  });

  it('cluster creation fails', async () => {
    const s = scenario(['kind', 'docker'], { FAKE_KIND_CREATE_FAIL: 'failed to create cluster: failed to init node with kubeadm: exit status 137' });
    const r = await quickstart(s, ['kind']);
    assert.equal(r.code, 1);
    assert.match(
      errorLine(r),
      /^Error: creating the kind cluster 'knative' failed \(kind exited with 1\): failed to create cluster: failed to init node with kubeadm: exit status 137; kind removes a cluster/,
    );
    const calls = s.calls().map(line);
    assert.ok(calls.includes('kind create cluster --name knative --image kindest/node:v1.34.0 --config -'), calls.join('\n'));
    // The image build may have started beside the create (and a load been tried); nothing is applied.
    assert.ok(!calls.some((c) => c.startsWith('kind get kubeconfig')), calls.join('\n'));
    assert.equal(await client.find(R.Namespace, 'knative-serving'), undefined, 'nothing was applied');
  });

  it('image build fails: nothing is applied', async () => {
    const s = scenario(['kind', 'docker'], { FAKE_DOCKER_BUILD_FAIL: '1' });
    const r = await quickstart(s, ['kind']);
    assert.equal(r.code, 1);
    assert.equal(
      errorLine(r),
      `Error: building the control-plane image ${IMAGE} failed (docker exited with 1): failed to solve: process "/bin/sh -c npm run build" did not complete successfully: exit code: 2; fix the build (see docker's output above), or pass --image <published image>`,
    );
    assert.ok(!s.calls().some((c) => c.argv[0] === 'load'));
    assert.equal(await client.find(R.Namespace, 'knative-serving'), undefined, 'nothing was applied');
  });

  it('--dry-run needs neither docker nor kind, runs nothing and prints every command and object', async () => {
    const s = scenario([]);
    const r = await quickstart(s, ['kind', '--dry-run', '--port', '8080']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(s.calls(), []);
    for (const want of [
      "$ docker version --format '{{json .}}'",
      '$ kind get clusters',
      '$ kind create cluster --name knative --image kindest/node:v1.34.0 --config - <<EOF',
      'hostPort: 8080',
      'listenAddress: "127.0.0.1"',
      `$ docker build --network=none --label dev.kn-ts.context=<fingerprint> -t ${IMAGE} <staged folder>`,
      `$ kind load docker-image ${IMAGE} --name knative`,
      'config-network gets autocreate-cluster-domain-claims: "true"',
      'Deployment knative-serving/controller',
      'Deployment kourier-system/3scale-kourier-gateway',
      'Service kourier-system/kourier-ingress',
      'CustomResourceDefinition services.serving.knative.dev',
      'Installing the example broker',
      'Broker default/example-broker',
      'curl http://hello.default.127.0.0.1.sslip.io:8080',
      'kind delete cluster --name knative',
    ]) {
      assert.ok(r.stdout.includes(want), `dry-run output lacks ${JSON.stringify(want)}:\n${r.stdout}`);
    }
    assert.equal(await client.find(R.Namespace, 'knative-serving'), undefined);
  });
});

describe('kn quickstart kind on a fresh machine, then again', () => {
  let first: Scenario;

  it('creates the cluster, builds and loads the image, applies manifests/ and waits until Available', async () => {
    first = scenario();
    const avail = makeDeploymentsAvailable(client, CP_NAMESPACES);
    let r: KnResult;
    try {
      r = await quickstart(first, ['kind']);
    } finally {
      await avail.stop();
    }
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const calls = first.calls();
    // The build context is staged in a fresh temporary folder (src/quickstart/image.ts); the image is
    // built while kind creates the cluster, and loaded once it is built and the node is there (tried
    // while the create runs; this fake kind creates at once).
    const seen = calls.map(line).map((l) => l.replace(/kn-ts-image-\w+$/, 'kn-ts-image-X').replace(/context=[0-9a-f]{32}/, 'context=F'));
    assert.deepEqual(seen.slice(0, 3), ['docker version --format {{json .}}', 'kind version -q', 'kind get clusters']);
    const build = `docker build --network=none --label dev.kn-ts.context=F -t ${IMAGE} ${join(tmpdir(), 'kn-ts-image-X')}`;
    const load = `kind load docker-image ${IMAGE} --name knative`;
    assert.ok(seen.lastIndexOf(load) > seen.indexOf(build) && seen.indexOf(load) > seen.indexOf(build), `loaded after the build:\n${seen.join('\n')}`);
    assert.deepEqual(new Set(seen.slice(3).filter((l) => l !== load)), new Set([
      `docker image inspect --format {{json .Config.Labels}} ${IMAGE}`,
      build,
      'kind create cluster --name knative --image kindest/node:v1.34.0 --config -',
      'kind get kubeconfig --name knative',
    ]));
    assert.ok(seen.indexOf(`docker image inspect --format {{json .Config.Labels}} ${IMAGE}`) < seen.indexOf(build), seen.join('\n'));
    const create = calls.find((c) => line(c).startsWith('kind create'))!;
    // The kind config: host 127.0.0.1:80 → node port 31080.
    const cfg = parseAllDocuments(create.stdin ?? '')[0]!.toJS() as { nodes: { extraPortMappings: unknown[] }[] };
    assert.deepEqual(cfg.nodes[0]!.extraPortMappings, [{ containerPort: 31080, hostPort: 80, listenAddress: '127.0.0.1', protocol: 'TCP' }]);

    // What is on the cluster now, applied by server-side apply with our field manager.
    const crd = await client.get(R.CustomResourceDefinition, 'services.serving.knative.dev');
    assert.ok((crd.metadata.managedFields as { manager: string; operation: string }[]).some((f) => f.manager === 'kn-quickstart' && f.operation === 'Apply'));
    const ctrl = await client.get(R.Deployment, 'controller', 'knative-serving');
    const c0 = (ctrl.spec as { template: { spec: { containers: { image: string; args: string[] }[] } } }).template.spec.containers[0]!;
    assert.equal(c0.image, IMAGE);
    assert.deepEqual(c0.args, ['controller']);
    const domain = await client.get(R.ConfigMap, 'config-domain', 'knative-serving');
    assert.equal((domain.data as Record<string, string>)['127.0.0.1.sslip.io'], '');
    // A local single-user cluster: `kn domain create` claims its domain itself.
    const network = await client.get(R.ConfigMap, 'config-network', 'knative-serving');
    assert.equal((network.data as Record<string, string>)['autocreate-cluster-domain-claims'], 'true');
    assert.equal((network.data as Record<string, string>)['ingress-class'], 'kourier.ingress.networking.knative.dev');
    const ingress = await client.get(R.KService, 'kourier-ingress', 'kourier-system');
    assert.deepEqual((ingress.spec as { type: string; ports: { nodePort: number }[] }).type, 'NodePort');
    assert.equal((ingress.spec as { ports: { nodePort: number }[] }).ports[0]!.nodePort, 31080);
    // As upstream's quickstart: Eventing ends with the Broker default/example-broker.
    const broker = await client.get(R.Broker, 'example-broker', 'default');
    assert.equal(broker.metadata.namespace, 'default');
    assert.match(r.stdout, /Installing the example broker/);
    assert.match(r.stdout, /kn service create hello --image ghcr\.io\/knative\/helloworld-go:latest --port 8080 --env TARGET=World/);
    assert.match(r.stdout, /curl http:\/\/hello\.default\.127\.0\.0\.1\.sslip\.io\n/);
    assert.match(r.stdout, /kind delete cluster --name knative/);
    // The fake wrote the kind context where kind would.
    assert.match(readFileSync(first.env.KUBECONFIG, 'utf8'), /current-context: kind-knative/);
  });

  it('a re-run reuses the cluster and changes nothing', async () => {
    const s = scenario();
    // Same fake state as the first run: the cluster "exists".
    s.env.FAKE_STATE_DIR = first.state;
    const before = await snapshot();
    const r = await quickstart(s, ['kind']);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const calls = s.calls().map(line);
    assert.ok(!calls.some((c) => c.startsWith('kind create')), `no second create:\n${calls.join('\n')}`);
    assert.ok(calls.includes('kind get kubeconfig --name knative'));
    assert.match(r.stdout, /Reusing kind cluster 'knative'/);
    assert.match(r.stdout, / \(0 objects changed, \d+ unchanged\)/);
    assert.deepEqual(await snapshot(), before, 'no object was written');
  });

  it('--image uses a published image: no build, no load, and a Deployment that does not come up is explained', async () => {
    const s = scenario();
    s.env.FAKE_STATE_DIR = first.state;
    const published = 'registry.example/kn-ts/control-plane:9.9.9';
    // The gateway is made Available; the controller's new pod cannot pull its image (written
    // here as the kubelet would report it).
    const pod = await client.create<KubeObject>(R.Pod, {
      metadata: { name: 'controller-7d9f-abcde', namespace: 'knative-serving', labels: { app: 'controller' } },
      spec: { serviceAccountName: 'controller', automountServiceAccountToken: false, containers: [{ name: 'controller', image: published }] },
    });
    await client.patch(
      R.Pod,
      pod.metadata.name!,
      'knative-serving',
      {
        status: {
          phase: 'Pending',
          containerStatuses: [
            { name: 'controller', image: published, imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${published}"` } } },
          ],
        },
      },
      'merge',
      { subresource: 'status' },
    );
    const avail = makeDeploymentsAvailable(client, ['kourier-system', 'knative-eventing']);
    let r: KnResult;
    try {
      r = await quickstart(s, ['kind', '--image', published, '--timeout', '2']);
    } finally {
      await avail.stop();
    }
    assert.equal(r.code, 1, r.stdout);
    assert.equal(
      errorLine(r),
      `Error: Deployment knative-serving/controller is not Available after 2s: pod controller-7d9f-abcde: container controller is ImagePullBackOff (Back-off pulling image "${published}")`,
    );
    const calls = s.calls().map(line);
    assert.ok(!calls.some((c) => c.startsWith('docker build') || c.startsWith('kind load')), calls.join('\n'));
    const ctrl = await client.get(R.Deployment, 'controller', 'knative-serving');
    assert.equal((ctrl.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]!.image, published);
  });
});

describe('kn quickstart minikube', () => {
  it('starts the profile, builds the image inside minikube, applies and waits', async () => {
    const s = scenario(['minikube']);
    const avail = makeDeploymentsAvailable(client, CP_NAMESPACES);
    let r: KnResult;
    try {
      r = await quickstart(s, ['minikube', '--install-serving']);
    } finally {
      await avail.stop();
    }
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.deepEqual(s.calls().map(line), [
      'minikube version --short',
      'minikube profile list --output json',
      'minikube start --profile knative --kubernetes-version v1.34.0 --cpus 2 --memory 2048',
      `minikube image build --profile knative -t ${IMAGE} -f Dockerfile ${REPO}`,
    ]);
    const ingress = await client.get(R.KService, 'kourier-ingress', 'kourier-system');
    assert.equal((ingress.spec as { type: string }).type, 'LoadBalancer');
    assert.match(r.stdout, /minikube tunnel --profile knative/);
    // Back to the image the manifests name.
    const ctrl = await client.get(R.Deployment, 'controller', 'knative-serving');
    assert.equal((ctrl.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]!.image, IMAGE);
  });
});

describe('kubectl apply -f manifests/', () => {
  it('installs the same files on an empty cluster in one go (file-name order)', async (t) => {
    const { spawnSync } = await import('node:child_process');
    const probe = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
    if (probe.status !== 0) {
      t.skip('kubectl is not installed');
      return;
    }
    const fresh = await startCluster();
    try {
      const r = spawnSync('kubectl', ['--kubeconfig', fresh.kubeconfig, 'apply', '-f', join(REPO, 'manifests')], { encoding: 'utf8', timeout: 120_000 });
      assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
      assert.match(r.stdout, /deployment\.apps\/controller created/);
      assert.match(r.stdout, /deployment\.apps\/3scale-kourier-gateway created/);
      assert.match(r.stdout, /clusterrole\.rbac\.authorization\.k8s\.io\/knative-serving-controller created/);
    } finally {
      await fresh.stop();
    }
  });
});
