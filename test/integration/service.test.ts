// kn service create|update|apply|delete|export|import|wait, run as a user types them (the built kn
// as a subprocess) against the real API server with the Serving CRDs. No controller runs in this
// tier: wherever the Knative controllers would write status (Ready conditions, URL, latest
// revisions, route traffic) or create children (the Configuration, Revisions), the test writes them
// itself and says so. stdout, stderr, exit codes and the stored objects are all asserted.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { KubeObject } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import type { Revision, Service } from '../../src/api/serving/types.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import { KubeError } from '../../src/kube/errors.ts';
import { installServingCRDs } from '../harness/crds.ts';
import { freshNamespace, KN, kube, REPO, runKn, type KnResult } from '../harness/env.ts';

const IMG = 'ghcr.io/knative/helloworld-go:latest';
const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Status as the Service controller would write it (no controller runs in this tier). */
function readyStatus(svc: Service, rev: string, url: string, extra: Partial<NonNullable<Service['status']>> = {}): NonNullable<Service['status']> {
  return {
    observedGeneration: svc.metadata.generation,
    url,
    latestCreatedRevisionName: rev,
    latestReadyRevisionName: rev,
    traffic: [{ revisionName: rev, latestRevision: true, percent: 100 }],
    conditions: ['Ready', 'ConfigurationsReady', 'RoutesReady'].map((type) => ({ type, status: 'True' as const, lastTransitionTime: now() })),
    ...extra,
  };
}

async function writeStatus(c: KubeClient, ns: string, name: string, status: (svc: Service) => Service['status']): Promise<Service> {
  for (let i = 0; ; i++) {
    const svc = await c.get<Service>(R.Service, name, ns);
    try {
      return await c.replaceStatus<Service>(R.Service, { ...svc, status: status(svc) });
    } catch (e) {
      if (!(e instanceof KubeError && e.code === 409) || i > 5) throw e;
    }
  }
}

async function until<T>(fn: () => Promise<T | undefined>, what: string, tries = 300): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await fn();
    if (v !== undefined) return v;
    await sleep(50);
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** kn in the background, with its stdout readable while it runs. */
function startKn(args: string[]): { out: () => string; done: Promise<KnResult> } {
  let stdout = '';
  let stderr = '';
  const child = spawn(process.execPath, [KN, ...args], {
    cwd: REPO,
    env: { ...process.env, KUBECONFIG: process.env.KN_TS_TEST_KUBECONFIG ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<KnResult>((res) => child.on('close', (code) => res({ stdout, stderr, code: code ?? 1 })));
  return { out: () => stdout, done };
}

/** Progress lines (`%7.3fs …`) are checked for shape, then replaced by `<t> …`. */
function progress(stdout: string): string {
  return stdout.replace(/^ *\d+\.\d{3}s /gm, (m) => {
    assert.match(m, /^[ \d]{2}\d\.\d{3}s $/, 'progress lines are %7.3fs');
    return '<t> ';
  });
}

describe('kn service on the API server', () => {
  let c: KubeClient;
  let ns: string;

  before(async () => {
    c = await kube();
    await installServingCRDs(c);
    ns = await freshNamespace('svc');
  });

  it('create (seed): --port and --revision-name, --no-wait', async () => {
    const r = await runKn(['service', 'create', 'hello', '--image', IMG, '--port', '8080', '--revision-name=my-service-v1', '-n', ns, '--no-wait']);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    assert.equal(r.stdout, `Service 'hello' created in namespace '${ns}'.\n`);
    const s = await c.get<Service>(R.Service, 'hello', ns);
    assert.equal(s.spec.template.metadata?.name, 'hello-my-service-v1');
    assert.equal(s.spec.template.spec.containers[0]?.image, IMG);
    assert.deepEqual(s.spec.template.spec.containers[0]?.ports, [{ containerPort: 8080 }]);
    assert.equal(s.spec.template.metadata?.annotations?.['client.knative.dev/user-image'], IMG);
  });

  it('create of an existing service without --force fails, nothing changes', async () => {
    const before = await c.get<Service>(R.Service, 'hello', ns);
    const r = await runKn(['service', 'create', 'hello', '--image', 'other', '-n', ns, '--no-wait']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(
      r.stderr,
      `Error: cannot create service 'hello' in namespace '${ns}' because the service already exists and no --force option was given\nRun 'kn --help' for usage\n`,
    );
    assert.equal((await c.get<Service>(R.Service, 'hello', ns)).metadata.resourceVersion, before.metadata.resourceVersion);
  });

  it('update (seed): --traffic rev=50 --traffic @latest=50 splits the traffic', async () => {
    // What the controllers would report once hello-my-service-v1 is ready.
    await writeStatus(c, ns, 'hello', (s) => readyStatus(s, 'hello-my-service-v1', `http://hello.${ns}.example.com`));
    const r = await runKn(['service', 'update', 'hello', '--traffic', 'hello-my-service-v1=50', '--traffic', '@latest=50', '-n', ns, '--no-wait']);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    assert.equal(r.stdout, `Service 'hello' updated in namespace '${ns}'.\n`);
    const s = await c.get<Service>(R.Service, 'hello', ns);
    assert.deepEqual(s.spec.traffic, [
      { latestRevision: true, percent: 50 },
      { revisionName: 'hello-my-service-v1', latestRevision: false, percent: 50 },
    ]);
  });

  it('update: a traffic error is upstream\'s text and changes nothing', async () => {
    const before = await c.get<Service>(R.Service, 'hello', ns);
    const r = await runKn(['service', 'update', 'hello', '--traffic', 'hello-my-service-v1=60', '--traffic', '@latest=50', '-n', ns]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "Error: given traffic percents sum to 110, want <=100\nRun 'kn --help' for usage\n");
    assert.equal((await c.get<Service>(R.Service, 'hello', ns)).metadata.resourceVersion, before.metadata.resourceVersion);
  });

  it('update: --tag and --untag', async () => {
    let r = await runKn(['service', 'update', 'hello', '--tag', 'hello-my-service-v1=old,@latest=current', '-n', ns, '--no-wait']);
    assert.equal(r.code, 0, r.stderr);
    let s = await c.get<Service>(R.Service, 'hello', ns);
    assert.deepEqual(s.spec.traffic, [
      { latestRevision: true, percent: 50, tag: 'current' },
      { revisionName: 'hello-my-service-v1', latestRevision: false, percent: 50, tag: 'old' },
    ]);
    r = await runKn(['service', 'update', 'hello', '--untag', 'old', '-n', ns, '--no-wait']);
    assert.equal(r.code, 0, r.stderr);
    s = await c.get<Service>(R.Service, 'hello', ns);
    assert.deepEqual(s.spec.traffic?.map((t) => t.tag ?? ''), ['current', '']);
    r = await runKn(['service', 'update', 'hello', '--untag', 'nope', '-n', ns]);
    assert.equal(r.stderr, "Error: tag(s) nope not present for any revisions of service hello\nRun 'kn --help' for usage\n");
  });

  it('update with no effective change: "No new revision has been created."', async () => {
    const r = await runKn(['service', 'update', 'hello', '-n', ns]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `Service 'hello' updated in namespace '${ns}'.\nNo new revision has been created.\n`);
  });

  it('update with no flags at all: the two-line upstream error', async () => {
    const r = await runKn(['service', 'update', 'hello']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "Error: flag(s) not set\nUsage: update NAME\nRun 'kn --help' for usage\n");
  });

  it('create waits: progress lines from the server message, Ready to serve, the URL', async () => {
    const run = startKn(['service', 'create', 'w1', '--image', IMG, '-n', ns]);
    const created = await until(() => c.find<Service>(R.Service, 'w1', ns), 'service w1');
    await until(async () => (run.out().includes('Creating service') ? true : undefined), 'the header');
    // The controller's progress: Ready=Unknown twice (the second surely after kn's watch began), then True.
    const unknown = (msg: string) => (s: Service) => ({
      observedGeneration: s.metadata.generation,
      conditions: [{ type: 'Ready', status: 'Unknown' as const, reason: 'OutOfDate', message: msg }],
    });
    await writeStatus(c, ns, 'w1', unknown('Configuration "w1" is waiting for a Revision to become ready.'));
    await sleep(1500);
    await writeStatus(c, ns, 'w1', unknown('Ingress has not yet been reconciled.'));
    await writeStatus(c, ns, 'w1', (s) => readyStatus(s, 'w1-00001', `http://w1.${ns}.example.com`));
    const r = await run.done;
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    assert.equal(created.metadata.name, 'w1');
    const out = progress(r.stdout);
    const [head, body, tail] = out.split('\n\n');
    assert.equal(head, `Creating service 'w1' in namespace '${ns}':`);
    const lines = body!.split('\n');
    assert.equal(lines.at(-1), '<t> Ready to serve.');
    assert.ok(lines.includes('<t> Ingress has not yet been reconciled.'), out);
    for (const l of lines) assert.match(l, /^<t> (Configuration "w1" is waiting for a Revision to become ready\.|Ingress has not yet been reconciled\.|Ready to serve\.)$/);
    assert.equal(tail, `Service 'w1' created to latest revision 'w1-00001' is available at URL:\nhttp://w1.${ns}.example.com\n`);
  });

  it('update waits and names the new latest revision', async () => {
    const run = startKn(['service', 'update', 'w1', '--env', 'A=1', '-n', ns]);
    await until(async () => ((await c.get<Service>(R.Service, 'w1', ns)).metadata.generation === 2 ? true : undefined), 'generation 2');
    await until(async () => (run.out().includes('Updating Service') ? true : undefined), 'the header');
    // The controllers finish the new revision.
    await writeStatus(c, ns, 'w1', (s) => readyStatus(s, 'w1-00002', `http://w1.${ns}.example.com`));
    const r = await run.done;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      progress(r.stdout),
      `Updating Service 'w1' in namespace '${ns}':\n\n<t> Ready to serve.\n\nService 'w1' updated to latest revision 'w1-00002' is available at URL:\nhttp://w1.${ns}.example.com\n`,
    );
    const s = await c.get<Service>(R.Service, 'w1', ns);
    assert.deepEqual(s.spec.template.spec.containers[0]?.env, [{ name: 'A', value: '1' }]);
  });

  it('a failed revision fails the wait with the Ready reason and message', async () => {
    const run = startKn(['service', 'create', 'bad', '--image', IMG, '-n', ns, '--wait-window', '0']);
    await until(() => c.find<Service>(R.Service, 'bad', ns), 'service bad');
    await until(async () => (run.out().includes('Creating service') ? true : undefined), 'the header');
    await sleep(500);
    // What Serving reports when the revision cannot start.
    await writeStatus(c, ns, 'bad', (s) => ({
      observedGeneration: s.metadata.generation,
      conditions: [{ type: 'Ready', status: 'False' as const, reason: 'RevisionFailed', message: 'Revision "bad-00001" failed with message: Container failed with: boom.' }],
    }));
    const r = await run.done;
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      'Error: RevisionFailed: Revision "bad-00001" failed with message: Container failed with: boom.\nRun \'kn --help\' for usage\n',
    );
    assert.match(progress(r.stdout), /^Creating service 'bad' in namespace '.*':\n\n(<t> Revision "bad-00001" failed with message: Container failed with: boom\.\n)?$/);
  });

  it('wait: timeout message', async () => {
    const r = await runKn(['service', 'wait', 'bad', '-n', ns, '--wait-timeout', '1']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "Error: timeout: service 'bad' not ready after 1 seconds\nRun 'kn --help' for usage\n");
  });

  it('wait on a ready service returns at once', async () => {
    const r = await runKn(['service', 'wait', 'w1', '-n', ns]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `Waiting for Service 'w1' in namespace '${ns}':\n\n  0.000s Ready to serve.\n\nService 'w1' in namespace '${ns}' is ready.\n`);
  });

  it('create --force replaces the service', async () => {
    const r = await runKn(['service', 'create', 'hello', '--image', 'docker.io/example/other:v2', '--force', '-n', ns, '--no-wait']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `Service 'hello' replaced in namespace '${ns}'.\n`);
    const s = await c.get<Service>(R.Service, 'hello', ns);
    assert.equal(s.spec.template.spec.containers[0]?.image, 'docker.io/example/other:v2');
    assert.equal(s.spec.template.metadata?.name, undefined);
  });

  it('create -f FILE with flags on top', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kn-svc-'));
    const f = join(dir, 'svc.yaml');
    writeFileSync(f, `apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: fromfile\nspec:\n  template:\n    spec:\n      containers:\n      - image: ${IMG}\n`);
    const r = await runKn(['service', 'create', '-f', f, '--env', 'X=1', '-n', ns, '--no-wait']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `Service 'fromfile' created in namespace '${ns}'.\n`);
    const s = await c.get<Service>(R.Service, 'fromfile', ns);
    assert.deepEqual(s.spec.template.spec.containers[0]?.env, [{ name: 'X', value: '1' }]);
  });

  it('apply: create, unchanged, applied; the last-applied annotation', async () => {
    let r = await runKn(['service', 'apply', 'ap', '--image', IMG, '-n', ns, '--no-wait']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `Service 'ap' created in namespace '${ns}'.\n`);
    let s = await c.get<Service>(R.Service, 'ap', ns);
    const last = JSON.parse(s.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'] ?? '{}');
    assert.deepEqual(last, {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: { name: 'ap', namespace: ns },
      spec: { template: { metadata: { annotations: { 'client.knative.dev/user-image': IMG } }, spec: { containers: [{ image: IMG, name: '' }] } } },
    });
    await writeStatus(c, ns, 'ap', (x) => readyStatus(x, 'ap-00001', `http://ap.${ns}.example.com`));
    r = await runKn(['service', 'apply', 'ap', '--image', IMG, '-n', ns]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `No changes to apply to service 'ap'.\nService 'ap' with latest revision 'ap-00001' (unchanged) is available at URL:\nhttp://ap.${ns}.example.com\n`);
    r = await runKn(['service', 'apply', 'ap', '--image', IMG, '--env', 'B=2', '-n', ns, '--no-wait']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `Service 'ap' applied in namespace '${ns}'.\n`);
    s = await c.get<Service>(R.Service, 'ap', ns);
    assert.deepEqual(s.spec.template.spec.containers[0]?.env, [{ name: 'B', value: '2' }]);
    // Applying to a service that kn apply did not make warns (Serving's webhook would have added
    // the creator annotation; the test adds it, as there is no webhook here).
    await c.patch(R.Service, 'fromfile', ns, { metadata: { annotations: { 'serving.knative.dev/creator': 'admin' } } });
    r = await runKn(['service', 'apply', 'fromfile', '--image', IMG, '-n', ns, '--no-wait']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `Warning: 'kn service apply' should be used only for services created by 'kn service apply'\nService 'fromfile' applied in namespace '${ns}'.\n`);
  });

  it('export -o yaml strips server fields; --with-revisions exports the routed revisions', async () => {
    const e = await freshNamespace('svcexp');
    await runKn(['service', 'create', 'foo', '--image', IMG, '--revision-name', 'rev-3', '-n', e, '--no-wait']);
    // Revisions and status as the controllers would have made them.
    for (const n of [1, 2, 3]) {
      await c.create<Revision>(R.Revision, {
        apiVersion: 'serving.knative.dev/v1',
        kind: 'Revision',
        metadata: { name: `foo-rev-${n}`, namespace: e, labels: { 'serving.knative.dev/service': 'foo', 'serving.knative.dev/configurationGeneration': String(n) } },
        spec: { containers: [{ name: 'user-container', image: `${IMG}` }] },
      });
    }
    await c.patch(R.Service, 'foo', e, { spec: { traffic: [{ revisionName: 'foo-rev-1', percent: 50 }, { latestRevision: true, percent: 50 }] } });
    await writeStatus(c, e, 'foo', (s) => readyStatus(s, 'foo-rev-3', `http://foo.${e}.example.com`));
    let r = await runKn(['service', 'export', 'foo', '-n', e, '-o', 'yaml']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^apiVersion: client\.knative\.dev\/v1alpha1\nkind: Export\nmetadata:\n  creationTimestamp: null\nspec:\n  revisions: null\n  service:\n/);
    assert.doesNotMatch(r.stdout, /uid:|resourceVersion:|generation:|updateTimestamp|latestReadyRevisionName/);
    r = await runKn(['service', 'export', 'foo', '-n', e, '-o', 'json', '--with-revisions']);
    assert.equal(r.code, 0, r.stderr);
    const exp = JSON.parse(r.stdout) as { spec: { revisions: Revision[]; service: Service } };
    assert.deepEqual(exp.spec.revisions.map((x) => x.metadata.name), ['foo-rev-1']);
    assert.deepEqual(exp.spec.service.spec.traffic, [
      { revisionName: 'foo-rev-1', percent: 50 },
      { latestRevision: true, percent: 50 },
    ]);
    // As upstream, the traffic block is exported as stored, so the export imports unchanged.
    const file = join(mkdtempSync(join(tmpdir(), 'kn-exp-')), 'foo.json');
    writeFileSync(file, JSON.stringify(exp));

    // import into another namespace; the Configuration is the controller's child: the test makes it.
    const i = await freshNamespace('svcimp');
    await c.create<KubeObject>(R.Configuration, {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Configuration',
      metadata: { name: 'foo', namespace: i },
      spec: { template: { spec: { containers: [{ image: IMG }] } } },
    });
    r = await runKn(['service', 'import', file, '-n', i, '--no-wait']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `Service 'foo' imported in namespace '${i}'.\n`);
    const rev = await c.get<Revision>(R.Revision, 'foo-rev-1', i);
    assert.equal(rev.metadata.ownerReferences?.[0]?.kind, 'Configuration');
    assert.equal((await c.get<Service>(R.Service, 'foo', i)).spec.template.metadata?.name, 'foo-rev-3');
    r = await runKn(['service', 'import', file, '-n', i]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `Error: cannot import service 'foo' in namespace '${i}' because the service already exists\nRun 'kn --help' for usage\n`);
  });

  it('delete: one, several with an error, --all', async () => {
    const d = await freshNamespace('svcdel');
    for (const n of ['a', 'b']) assert.equal((await runKn(['service', 'create', n, '--image', IMG, '-n', d, '--no-wait'])).code, 0);
    let r = await runKn(['service', 'delete', 'a', 'nope', '-n', d]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, `Service 'a' successfully deleted in namespace '${d}'.\n`);
    assert.equal(r.stderr, `Error: services.serving.knative.dev "nope" not found\nRun 'kn --help' for usage\n`);
    r = await runKn(['service', 'delete', '--all', '-n', d]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `Service 'b' successfully deleted in namespace '${d}'.\n`);
    assert.equal((await c.list(R.Service, { namespace: d })).items.length, 0);
    r = await runKn(['service', 'delete', '--all', '-n', d]);
    assert.equal(r.stdout, 'No services found.\n');
  });
});

describe('kn service --target (offline, no cluster)', () => {
  const noCluster = { kubeconfig: '/nonexistent/kubeconfig' };

  it('create writes the file upstream kn writes; update and delete edit it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kn-gitops-'));
    let r = await runKn(
      ['service', 'create', 'gitopstest', '-n', 'test-ns', '--image', 'knativesamples/helloworld', '--env', 'TARGET=v1', '--port', '8080', '-l', 'team=a', '--target', dir],
      noCluster,
    );
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    assert.equal(r.stdout, "Service 'gitopstest' created in namespace 'test-ns'.\n");
    const p = join(dir, 'test-ns', 'ksvc', 'gitopstest.yaml');
    const text = readFileSync(p, 'utf8').replace(/updateTimestamp: "[^"]+"/, 'updateTimestamp: "<time>"');
    // The file upstream kn writes for these flags (kubectl's YAML printer over the Go struct).
    assert.equal(
      text,
      `apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    team: a
  name: gitopstest
  namespace: test-ns
spec:
  template:
    metadata:
      annotations:
        client.knative.dev/updateTimestamp: "<time>"
        client.knative.dev/user-image: knativesamples/helloworld
      creationTimestamp: null
      labels:
        team: a
    spec:
      containers:
      - env:
        - name: TARGET
          value: v1
        image: knativesamples/helloworld
        name: ""
        ports:
        - containerPort: 8080
        resources: {}
status: {}
`,
    );
    r = await runKn(['service', 'update', 'gitopstest', '-n', 'test-ns', '--env', 'TARGET=v2', '--target', dir], noCluster);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "Service 'gitopstest' updated in namespace 'test-ns'.\n");
    assert.match(readFileSync(p, 'utf8'), /value: v2/);
    r = await runKn(['service', 'update', 'missing', '-n', 'test-ns', '--env', 'A=1', '--target', dir], noCluster);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Error: services.serving.knative.dev "missing" not found\nRun \'kn --help\' for usage\n');
    r = await runKn(['service', 'delete', 'gitopstest', '-n', 'test-ns', '--target', dir], noCluster);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "Service 'gitopstest' successfully deleted in namespace 'test-ns'.\n");
    assert.equal(existsSync(p), false);
  });

  it('file mode: JSON, namespace "default" without a kubeconfig', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kn-gitops-'));
    mkdirSync(join(dir, 'sub'));
    const f = join(dir, 'sub', 'svc.json');
    const r = await runKn(['service', 'create', 'j', '--image', 'knativesamples/helloworld', '--target', f], noCluster);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "Service 'j' created in namespace 'default'.\n");
    const obj = JSON.parse(readFileSync(f, 'utf8'));
    assert.deepEqual(Object.keys(obj), ['kind', 'apiVersion', 'metadata', 'spec', 'status']);
    assert.equal(obj.metadata.namespace, 'default');
  });
});
