// Validation at admission (ADR 0024): a private kube-apiserver with kn-ts's CRDs and both webhook
// configurations of manifests/420-webhook.yaml (pointed at 127.0.0.1 by URL), the controller's
// webhook in this process, and the controller itself (its own writes pass through the webhook).
// Invalid objects sent with the real kubectl are refused with upstream's exact text:
//   admission webhook "validation.webhook.serving.knative.dev" denied the request: validation failed: <apis.FieldError>
// (serving:pkg/apis/serving/v1/*_validation.go, k8s_validation.go; pkg:webhook MakeErrorStatus);
// upstream kn's `service create --env =novalue` fails at once with the same text.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import type { Configuration } from '../../src/api/serving/types.ts';
import { startController } from '../../src/controller/main.ts';
import type { Manager } from '../../src/controller/runtime/manager.ts';
import type { DefaultingWebhook } from '../../src/controller/webhook/server.ts';
import { KubeClient } from '../../src/kube/client.ts';
import { waitFor } from '../../src/kube/wait.ts';
import { binDir, startCluster, type TestCluster } from '../harness/cluster.ts';
import { installServingCRDs } from '../harness/crds.ts';
import { REPO } from '../harness/env.ts';
import { startTestWebhook } from '../harness/webhook.ts';

const NS = 'validation';
const IMG = 'ghcr.io/knative/helloworld-go:latest';
const DENIED = 'admission webhook "validation.webhook.serving.knative.dev" denied the request: validation failed: ';
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

const obj = (kind: string, name: string, spec: object, apiVersion = 'serving.knative.dev/v1', metadata: object = {}): KubeObject =>
  ({ apiVersion, kind, metadata: { name, namespace: NS, ...metadata }, spec }) as KubeObject;
const tmpl = (spec: object, metadata?: object) => ({ template: { ...(metadata ? { metadata } : {}), spec } });
const c1 = (extra: object = {}) => ({ image: IMG, ...extra });

interface Case {
  name: string;
  obj: KubeObject;
  /** upstream's apis.FieldError text, after "validation failed: " */
  want: string;
}

/**
 * Rules the CRDs' CEL rules say (ADR 0024): the API server refuses them before any webhook runs,
 * in its own frame (`The Service "x" is invalid: <path>: Invalid value: <upstream's words>`).
 */
interface CelCase {
  name: string;
  obj: KubeObject;
  path: string;
  words: string;
}

const celCases: CelCase[] = [
  { name: 'reserved port', obj: obj('Service', 'rport', tmpl({ containers: [c1({ ports: [{ containerPort: 8012 }] })] })), path: 'spec.template.spec.containers[0].ports[0].containerPort', words: '8012 is a reserved port' },
  { name: 'traffic that does not sum to 100', obj: obj('Service', 'sum', { ...tmpl({ containers: [c1()] }), traffic: [{ latestRevision: true, percent: 40 }] }), path: 'spec.traffic', words: 'Traffic targets sum to 40, want 100' },
  { name: 'revision template name without the parent prefix', obj: obj('Service', 'byo', tmpl({ containers: [c1()] }, { name: 'other-v1' })), path: 'spec.template.metadata.name', words: '"other-v1" must have prefix "byo-"' },
  { name: 'route target with both names', obj: obj('Route', 'both', { traffic: [{ revisionName: 'r', configurationName: 'c', percent: 100 }] }), path: 'spec.traffic[0]', words: 'expected exactly one, got both' },
];

const cases: Case[] = [
  { name: 'env var without a name (kn --env =novalue)', obj: obj('Service', 'noname', tmpl({ containers: [c1({ env: [{ name: '', value: 'novalue' }] })] })), want: 'missing field(s): spec.template.spec.containers[0].env[0].name' },
  { name: 'reserved env var', obj: obj('Service', 'port', tmpl({ containers: [c1({ env: [{ name: 'K_SERVICE', value: 'x' }] })] })), want: '"K_SERVICE" is a reserved environment variable: spec.template.spec.containers[0].env[0].name' },
  { name: 'timeout above max-revision-timeout-seconds', obj: obj('Configuration', 'slow', tmpl({ containers: [c1()], timeoutSeconds: 900 })), want: 'expected 0 <= 900 <= 600: spec.template.spec.timeoutSeconds' },
  {
    // Serving's conformance test TestServiceAccountValidation checks this text.
    name: 'a service account name that is no DNS-1123 subdomain',
    obj: obj('Service', 'sa', tmpl({ containers: [c1()], serviceAccountName: 'foo@bar.baz' })),
    want:
      "invalid value: foo@bar.baz: spec.template.spec.serviceAccountName\na lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  },
  { name: 'a disallowed pod field', obj: obj('Configuration', 'nodesel', tmpl({ containers: [c1()], nodeSelector: { disk: 'ssd' } })), want: 'must not set the field(s): spec.template.spec.nodeSelector' },
  { name: 'revision with an unnamed env var', obj: obj('Revision', 'rev', { containers: [c1({ env: [{ name: '', value: 'x' }] })] }), want: 'missing field(s): spec.containers[0].env[0].name' },
  { name: 'envFrom with neither source', obj: obj('Configuration', 'envfrom', tmpl({ containers: [c1({ envFrom: [{ prefix: 'A_' }] })] })), want: 'expected exactly one, got neither: spec.template.spec.containers[0].envFrom[0].configMapRef, spec.template.spec.containers[0].envFrom[0].secretRef' },
  {
    name: 'revision whose configuration label names no owner',
    obj: obj('Revision', 'orphan', { containers: [c1()] }, undefined, { labels: { 'serving.knative.dev/configuration': 'nope' } }),
    want: 'missing field(s): metadata.labels.serving.knative.dev/configuration',
  },
  {
    name: 'domain mapping to another namespace',
    obj: obj('DomainMapping', 'a.example.com', { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'x', namespace: 'other' } }, 'serving.knative.dev/v1beta1'),
    want: 'mismatched namespaces: spec.ref.namespace\nparent namespace: "validation" does not match ref: "other"',
  },
];

describe('validation at admission: upstream\'s webhook messages', () => {
  let cluster: TestCluster;
  let c: KubeClient;
  let webhook: DefaultingWebhook;
  let mgr: Manager;
  let tmp: string;

  before(async () => {
    cluster = await startCluster();
    c = await KubeClient.connect({ kubeconfig: cluster.kubeconfig });
    await installServingCRDs(c);
    await c.create(R.Namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    webhook = await startTestWebhook(c, undefined, { validation: true });
    mgr = await startController({ namespace: 'knative-serving', metricsPort: 0, metricsHost: '127.0.0.1', leaseName: 'kn-ts-controller', workers: 2, leaderElect: false }, c, quiet);
    tmp = mkdtempSync(join(tmpdir(), 'validation-'));
  });
  after(async () => {
    await mgr?.stop();
    await webhook?.stop();
    c?.close();
    await cluster?.stop();
  });

  const kubectl = (args: string[], input: object): Promise<{ code: number; stderr: string }> => {
    const file = join(tmp, `${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(input));
    return new Promise((res) => {
      execFile(join(binDir(), 'kubectl'), [...args, '-f', file, '--kubeconfig', cluster.kubeconfig], { encoding: 'utf8' }, (err, _out, stderr) => {
        res({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stderr: stderr.replaceAll(file, 'FILE') });
      });
    });
  };

  for (const k of cases) {
    it(`kubectl create: ${k.name}`, async () => {
      const r = await kubectl(['create'], k.obj);
      assert.equal(r.code, 1, `${k.name} was stored`);
      assert.equal(r.stderr.trimEnd(), `Error from server (BadRequest): error when creating "FILE": ${DENIED}${k.want}`);
    });
  }

  for (const k of celCases) {
    it(`kubectl create (CEL): ${k.name}`, async () => {
      const r = await kubectl(['create'], k.obj);
      assert.equal(r.code, 1, `${k.name} was stored`);
      assert.match(r.stderr, new RegExp(`^The ${k.obj.kind} "${k.obj.metadata.name}" is invalid: `));
      assert.ok(r.stderr.includes(`${k.path}: Invalid value: `) && r.stderr.includes(k.words), r.stderr);
    });
  }

  it('a valid Service passes, and so do the Configuration, Route and Revision the controller writes for it', async () => {
    const r = await kubectl(['create'], obj('Service', 'good', tmpl({ containers: [c1({ env: [{ name: 'A', value: '1' }] })] })));
    assert.equal(r.code, 0, r.stderr);
    const cfg = await waitFor<Configuration>(c, R.Configuration, 'good', NS, (x) => (x?.status?.latestCreatedRevisionName ? 'done' : 'wait'), 20_000);
    assert.equal(cfg?.status?.latestCreatedRevisionName, 'good-00001');
    assert.ok(await c.find(R.Route, 'good', NS));
    assert.ok(await c.find(R.Revision, 'good-00001', NS));
  });

  it('an update is validated too, and the creator annotation is immutable', async () => {
    type Svc = KubeObject & { spec: { template: { spec: { containers: { env?: object[] }[] } } } };
    // The controller writes the Service's status meanwhile: replace the newest version (a Conflict is retried).
    const replace = async (edit: (s: Svc) => Svc) => {
      for (let i = 0; ; i++) {
        const r = await kubectl(['replace'], edit(await c.get<Svc>(R.Service, 'good', NS)));
        if (!r.stderr.includes('(Conflict)') || i === 5) return r;
      }
    };
    const r1 = await replace((s) => {
      s.spec.template.spec.containers[0]!.env = [{ name: 'K_REVISION', value: 'x' }];
      return s;
    });
    assert.equal(r1.stderr.trimEnd(), `Error from server (BadRequest): error when replacing "FILE": ${DENIED}"K_REVISION" is a reserved environment variable: spec.template.spec.containers[0].env[0].name`);
    const r2 = await replace((s) => ({ ...s, metadata: { ...s.metadata, annotations: { ...s.metadata.annotations, 'serving.knative.dev/creator': 'mallory' } } }));
    assert.equal(r2.stderr.trimEnd(), `Error from server (BadRequest): error when replacing "FILE": ${DENIED}annotation value is immutable: metadata.annotations.serving.knative.dev/creator`);
  });

  it('upstream kn: service create --env =novalue fails at once with upstream\'s message', { timeout: 60_000 }, async (t) => {
    let dir = process.env.KN_TS_UPSTREAM_KN;
    if (!dir) {
      try {
        dir = execFileSync('bash', [join(REPO, 'scripts/build-upstream-kn.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
      } catch {
        t.skip('upstream kn is not built (scripts/build-upstream-kn.sh needs Go and the Go module proxy)');
        return;
      }
    }
    const t0 = Date.now();
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((res) => {
      execFile(join(dir, 'kn'), ['service', 'create', 'bad', '--image', 'x', '--env', '=novalue', '-n', NS, '--kubeconfig', cluster.kubeconfig], { encoding: 'utf8', env: { ...process.env, HOME: tmp }, timeout: 50_000 }, (err, stdout, stderr) =>
        res({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
    const took = Date.now() - t0;
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.equal(r.stderr.split('\n')[0], `Error: ${DENIED}missing field(s): spec.template.spec.containers[0].env[0].name`);
    assert.ok(took < 15_000, `upstream kn took ${took} ms`);
    assert.equal(await c.find(R.Service, 'bad', NS), undefined);
  });
});
