// The e2e tier: `kn quickstart kind` on a real kind cluster, and real pods answering real requests
// through 127.0.0.1 → kind's port mapping → the gateway → the pod. Everything runs as a user runs
// it: the real kn (bin/run.js), kubectl, kind, docker and curl. scripts/test.sh runs this file
// inside the network namespace scripts/e2e.sh created (dockerd, the node and every pod live there;
// nothing is pulled). The steps depend on each other and run in order: the failures first (on a
// machine with no cluster), then the quickstart, then the Services.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO } from '../harness/env.ts';
import { burst, CLUSTER, curl, docker, DOMAIN, get, kind, kn, kubectl, NODE_IMAGE, ok, shares, steadyLoad, until } from './env.ts';

const HELLO = 'dev.local/hello:e2e';
const FIXTURES = join(REPO, 'test/e2e/fixtures');
const host = (svc: string, ns = 'default') => `${svc}.${ns}.${DOMAIN}`;
const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('Error: '));

before(() => {
  assert.ok(NODE_IMAGE, 'KN_E2E_NODE_IMAGE is not set: run this tier with `npm test -- e2e` (scripts/e2e.sh builds the node image)');
});

/** Nothing of a cluster is left: no kind cluster, no container. */
async function assertNothingCreated() {
  assert.equal(ok(await kind(['get', 'clusters']), 'kind get clusters').stdout.trim(), '', 'no kind cluster is left behind');
  assert.equal(ok(await docker(['ps', '-a', '--format', '{{.Names}}']), 'docker ps').stdout.trim(), '', 'no container is left behind');
}

describe('kn quickstart kind fails cleanly with the real docker', () => {
  it('a node image that is not there: one line naming the fix, non-zero exit, nothing created', async () => {
    const r = await kn(['quickstart', 'kind', '--node-image', 'kn-ts.local/no-such-node:v0']);
    assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
    const errs = errorLines(r.stderr);
    assert.equal(errs.length, 1, r.stderr);
    assert.match(errs[0]!, /^Error: creating the kind cluster 'knative' failed \(kind exited with 1\): .*; the node image kn-ts.local\/no-such-node:v0 is neither in the local Docker nor pullable: pull or 'docker load' it, or pass --node-image with one that is; then run 'kn quickstart kind' again$/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    await assertNothingCreated();
  });

  it('host port 80 already taken: one line naming the fix, non-zero exit, nothing created', async () => {
    const squatter = createServer();
    await new Promise<void>((res) => squatter.listen({ port: 80, host: '127.0.0.1' }, res));
    try {
      const r = await kn(['quickstart', 'kind', '--node-image', NODE_IMAGE]);
      assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
      assert.deepEqual(errorLines(r.stderr), [
        'Error: host port 80 on 127.0.0.1 is already in use: stop what listens there (another web server or kind cluster) or pass --port 8080',
      ]);
    } finally {
      await new Promise((res) => squatter.close(res));
    }
    await assertNothingCreated();
  });
});

describe('kn quickstart kind from nothing, then again', () => {
  it(`creates cluster '${CLUSTER}', builds and loads the control plane, which becomes Available`, async () => {
    const r = ok(await kn(['quickstart', 'kind', '--node-image', NODE_IMAGE], 420_000), 'kn quickstart kind');
    console.log(`# kn quickstart kind from nothing: ${(r.ms / 1000).toFixed(1)}s`);
    assert.match(r.stdout, /Knative \(kn-ts [\w.-]+\) is ready on kind cluster 'knative' in \d+s/);
    assert.deepEqual(ok(await kind(['get', 'clusters']), 'kind').stdout.trim().split('\n'), [CLUSTER]);
    for (const [ns, name] of [
      ['knative-serving', 'controller'],
      ['kourier-system', '3scale-kourier-gateway'],
    ] as const) {
      const d = JSON.parse(ok(await kubectl(['get', 'deployment', '-n', ns, name, '-o', 'json']), 'kubectl get deployment').stdout) as {
        status: { conditions?: { type: string; status: string }[] };
      };
      assert.ok(d.status.conditions?.some((c) => c.type === 'Available' && c.status === 'True'), `${ns}/${name} is Available`);
    }
    const domain = ok(await kubectl(['get', 'configmap', '-n', 'knative-serving', 'config-domain', '-o', 'jsonpath={.data}']), 'kubectl').stdout;
    assert.equal((JSON.parse(domain) as Record<string, string>)[DOMAIN], '', `config-domain: ${domain}`);
  });

  it('a re-run changes nothing and finishes in seconds', async () => {
    // What the quickstart installs (kube-system's own Deployments, e.g. CoreDNS still rolling out, are the cluster's).
    const snapshot = async () =>
      ok(await kubectl(['get', 'deployments,services,configmaps', '-A', '-o', 'jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name}={.metadata.resourceVersion}{"\\n"}{end}']), 'kubectl')
        .stdout.split('\n')
        .filter((l) => /^(knative-serving|knative-eventing|kourier-system)\//.test(l))
        .join('\n');
    const before = await snapshot();
    const r = ok(await kn(['quickstart', 'kind', '--node-image', NODE_IMAGE]), 'kn quickstart kind (again)');
    console.log(`# kn quickstart kind re-run: ${(r.ms / 1000).toFixed(1)}s`);
    assert.match(r.stdout, /Reusing kind cluster 'knative'/);
    assert.match(r.stdout, /\(0 objects changed, \d+ unchanged\)/);
    // "In seconds": bounded loosely here (the machine is shared); bench/quickstart/kind.ts measures it.
    assert.ok(r.ms < 120_000, `the re-run took ${r.ms} ms`);
    const after = await snapshot();
    assert.equal(after, before, 'no Deployment, Service or ConfigMap was written');
  });
});

describe('Knative Services on the real cluster', () => {
  const work = mkdtempSync(join(tmpdir(), 'kn-e2e-'));
  after(() => rmSync(work, { recursive: true, force: true }));

  it('a hello image built locally (no network in the build) and loaded into the node', async () => {
    copyFileSync(join(FIXTURES, 'hello-server.mjs'), join(work, 'server.mjs'));
    writeFileSync(join(work, 'Dockerfile'), 'FROM node:24-slim\nCOPY server.mjs /server.mjs\nUSER 65532:65532\nENTRYPOINT ["node", "/server.mjs"]\n');
    ok(await docker(['build', '--network=none', '-t', HELLO, work]), 'docker build');
    ok(await kind(['load', 'docker-image', HELLO, '--name', CLUSTER]), 'kind load');
  });

  it('kn service create, then curl of its URL returns the pod\'s answer', async () => {
    const r = ok(await kn(['service', 'create', 'hello', '--image', HELLO, '--env', 'TARGET=one']), 'kn service create');
    assert.match(r.stdout, new RegExp(`http://${host('hello').replace(/\./g, '\\.')}`));
    const c = await curl(host('hello'));
    assert.equal(c.code, 0, c.stderr);
    assert.equal(c.stdout, 'Hello one! (hello-00001)\n');
  });

  it('kn service update makes a second revision that takes the traffic', async () => {
    ok(await kn(['service', 'update', 'hello', '--env', 'TARGET=two']), 'kn service update');
    const revs = ok(await kubectl(['get', 'revisions', '-l', 'serving.knative.dev/service=hello', '-o', 'jsonpath={.items[*].metadata.name}']), 'kubectl').stdout;
    assert.deepEqual(revs.split(' ').sort(), ['hello-00001', 'hello-00002']);
    assert.equal((await curl(host('hello'))).stdout, 'Hello two! (hello-00002)\n');
  });

  it('--traffic 50/50: over 400 requests each revision answers 40–60 %', async () => {
    ok(await kn(['service', 'update', 'hello', '--traffic', 'hello-00001=50', '--traffic', 'hello-00002=50']), 'kn service update --traffic');
    const replies = await burst(host('hello'), 400);
    const failed = replies.filter((r) => r.status !== 200);
    assert.equal(failed.length, 0, `failed: ${JSON.stringify(failed.slice(0, 3))}`);
    const s = shares(replies, ['(hello-00001)', '(hello-00002)']);
    console.log(`# 50/50 split over 400 requests: ${JSON.stringify(s)}`);
    for (const [rev, share] of Object.entries(s)) assert.ok(share >= 0.4 && share <= 0.6, `${rev} got ${share}`);
  });

  it('a --tag URL reaches only its revision', async () => {
    ok(await kn(['service', 'update', 'hello', '--tag', 'hello-00001=old']), 'kn service update --tag');
    const replies = await burst(host('old-hello'), 40);
    assert.deepEqual(new Set(replies.map((r) => `${r.status} ${r.body}`)), new Set(['200 Hello one! (hello-00001)\n']));
  });

  it('a rollout to a new revision under 20 requests/s for 20 s: zero failed requests', async () => {
    ok(await kn(['service', 'update', 'hello', '--untag', 'old', '--traffic', '@latest=100']), 'kn service update --traffic @latest=100');
    await until('all traffic on hello-00002', async () => ((await get(host('hello'))).body.includes('(hello-00002)') ? true : undefined), 30_000, 500);
    const load = steadyLoad(host('hello'), 20, 20);
    await new Promise((r) => setTimeout(r, 2000));
    const t0 = Date.now();
    const upd = ok(await kn(['service', 'update', 'hello', '--env', 'TARGET=three']), 'kn service update (rollout)');
    const rolledIn = Date.now() - t0;
    const replies = await load;
    const failed = replies.filter((r) => r.status !== 200 || !r.body.startsWith('Hello '));
    console.log(`# rollout under load: ${replies.length} requests, ${failed.length} failed, update Ready after ${(rolledIn / 1000).toFixed(1)}s`);
    assert.equal(failed.length, 0, `failed requests: ${JSON.stringify(failed.slice(0, 5))}\n${upd.stdout}`);
    assert.equal(replies.length, 400);
    assert.ok(replies.some((r) => r.body.includes('(hello-00002)')), 'the old revision answered before the rollout');
    if (rolledIn < 16_000) assert.ok(replies.some((r) => r.body.includes('(hello-00003)')), 'the new revision answered after it');
    assert.equal((await curl(host('hello'))).stdout, 'Hello three! (hello-00003)\n');
  });

  it("the seed's YAML (a 50/50 split after my-service-v1) applied with kubectl becomes Ready and serves both", async () => {
    ok(await kubectl(['apply', '-f', join(FIXTURES, 'my-service-v1.yaml')]), 'kubectl apply v1');
    ok(await kubectl(['wait', '--for=condition=Ready', 'ksvc/my-service', '--timeout=180s'], { timeoutMs: 190_000 }), 'kubectl wait v1');
    ok(await kubectl(['apply', '-f', join(FIXTURES, 'my-service-split.yaml')]), 'kubectl apply split');
    await until(
      'my-service Ready with my-service-v2',
      async () => {
        const s = JSON.parse(ok(await kubectl(['get', 'ksvc', 'my-service', '-o', 'json']), 'kubectl').stdout) as {
          metadata: { generation: number };
          status: { observedGeneration?: number; latestReadyRevisionName?: string; conditions?: { type: string; status: string }[] };
        };
        const ready = s.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
        return ready && s.status.observedGeneration === s.metadata.generation && s.status.latestReadyRevisionName === 'my-service-v2' ? true : undefined;
      },
      180_000,
    );
    const replies = await burst(host('my-service'), 200);
    assert.equal(replies.filter((r) => r.status !== 200).length, 0);
    const s = shares(replies, ['Hello v1! (my-service-v1)', 'Hello v2! (my-service-v2)']);
    console.log(`# seed 50/50 over 200 requests: ${JSON.stringify(s)}`);
    for (const [rev, share] of Object.entries(s)) assert.ok(share >= 0.35 && share <= 0.65, `${rev} got ${share}`);
  });

  it('a --cluster-local service: 404 from outside through the gateway, answered from a pod inside', async () => {
    ok(await kn(['service', 'create', 'hello-local', '--image', HELLO, '--env', 'TARGET=inside', '--cluster-local']), 'kn service create --cluster-local');
    const url = ok(await kn(['service', 'describe', 'hello-local', '-o', 'url']), 'kn service describe').stdout.trim();
    assert.equal(url, 'http://hello-local.default.svc.cluster.local');
    for (const h of [host('hello-local'), 'hello-local.default.svc.cluster.local']) {
      const r = await get(h);
      assert.equal(r.status, 404, `${h} from outside: ${r.status} ${r.body}`);
    }
    // From a pod of the cluster: the hello pod, through the internal gateway Service's ClusterIP
    // with the URL's Host (busybox wget in the image; what the cluster-local URL resolves to).
    const ip = ok(await kubectl(['get', 'service', '-n', 'kourier-system', 'kourier-internal', '-o', 'jsonpath={.spec.clusterIP}']), 'kubectl').stdout;
    const pod = ok(await kubectl(['get', 'pods', '-l', 'serving.knative.dev/service=hello', '-o', 'jsonpath={.items[0].metadata.name}']), 'kubectl').stdout;
    const r = ok(
      await kubectl(['exec', pod, '-c', 'user-container', '--', 'busybox', 'wget', '-qO-', '--header', 'Host: hello-local.default.svc.cluster.local', `http://${ip}/`]),
      'wget from a pod',
    );
    assert.equal(r.stdout, 'Hello inside! (hello-local-00001)\n');
  });

  it('kn service delete removes the Services and their pods', async () => {
    for (const s of ['hello', 'hello-local', 'my-service']) ok(await kn(['service', 'delete', s]), `kn service delete ${s}`);
    await until(
      'no pods left in default',
      async () => (ok(await kubectl(['get', 'pods', '-o', 'name']), 'kubectl').stdout.trim() === '' ? true : undefined),
      120_000,
    );
    assert.equal(ok(await kubectl(['get', 'ksvc,revisions,deployments', '-o', 'name']), 'kubectl').stdout.trim(), '');
    assert.equal((await get(host('hello'))).status, 404);
  });
});
