// Invalid `kn service create|update` invocations through the built CLI: each must fail with one
// `Error: …` line (upstream's text) plus the usage hint, no stack trace, and leave the namespace
// exactly as it was (nothing created, nothing modified).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import { installServingCRDs } from '../harness/crds.ts';
import { freshNamespace, KnPool, kube } from '../harness/env.ts';

const dir = mkdtempSync(join(tmpdir(), 'kn-bad-podspec-'));
const badEnvFile = join(dir, 'bad.env');
writeFileSync(badEnvFile, 'GOOD=1\nBROKEN\n');

const IMG = ['--image', 'ghcr.io/knative/helloworld-go:latest'];
const QRE = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/** [flags after `NAME --image IMG`, the message after `Error: `] */
const CREATE: [string[], string][] = [
  [['--env', 'FOO'], 'Invalid --env: argument requires a value that contains the "=" character; got "FOO"'],
  [['--env-value-from', 'X=cm:name'], 'argument requires a value in form "resourceType:name:key" where "resourceType" can be one of "config-map" ("cm") or "secret" ("sc"); got "cm:name"'],
  [['--env-value-from', 'X=foo:n:k'], 'unsupported env source type ""foo""; supported source types are "config-map" ("cm") and "secret" ("sc")'],
  [['--env-file', join(dir, 'missing.env')], `Invalid --env-file: open ${join(dir, 'missing.env')}: no such file or directory`],
  [['--env-file', badEnvFile], 'Invalid --env: argument requires a value that contains the "=" character; got "BROKEN"'],
  [['--env-from', '-'], '"-" is not a valid value for "--env-from"'],
  [['--env-from', 'xx:foo'], 'unsupported volume source type ""xx""; supported volume source types are "config-map" and "secret"'],
  [['--mount', '/a'], 'Invalid --mount: argument requires a value that contains the "=" character; got "/a"'],
  [['--mount', '/a=foo:bar'], 'unsupported volume type ""foo""; supported volume types are "config-map or cm", "secret or sc", "volume or vo", and "emptyDir or ed"'],
  [['--mount', '/a=cm:x:ro=true'], 'unknown mount option "ro"'],
  [['--volume', 'v=cm:a:b'], 'incorrect mount details for type "cm"'],
  [['--volume', 'v=ed:a:Memory'], 'incorrect format to specify emptyDir type'],
  [['--pull-policy', 'Sometimes'], 'invalid --pull-policy Sometimes. Valid arguments (case insensitive): Always | Never | IfNotPresent'],
  [['--request', 'cpu=lots'], QRE],
  [['--limit', 'cpu=1,cpu=2'], 'The key "cpu" has been duplicate in [cpu=1 cpu=2]'],
  [['--port', 'http:abc'], "the port specification 'http:abc' is not valid. Please provide in the format 'NAME:PORT', where 'NAME' is optional. Examples: '--port h2c:8080' , '--port 8080'."],
  [['--port', '70000'], 'expected 0 <= 70000 <= 65535: spec.template.spec.containers[0].ports.containerPort'],
  [['--probe-liveness', 'grpc:8080'], "unsupported probe type 'grpc'; supported types: http, https, exec, tcp"],
  [['--probe-readiness', 'http:host:8080'], "unexpected probe format, please use 'http:host:port:path'"],
  [['--probe-readiness-opts', 'PeriodSeconds=ten'], "not a nummeric value for parameter 'PeriodSeconds'"],
  [['--probe-liveness-opts', 'Delay=1'], "not a valid probe parameter name 'Delay'"],
  [['--security-context', 'loose'], 'invalid --security-context loose. Valid arguments: strict | none'],
  [['--node-selector', '=ssd'], 'Invalid --node-selector: The key is empty'],
  [['--toleration', 'NoEquals'], 'Invalid --toleration: Argument requires a value that contains the "=" character as delimiter; got "NoEquals"'],
  [['--node-affinity', 'Type=Sometimes'], 'Invalid --node-affinity: Invalid type defined for node affinity, Valid arguments: Required | Preferred'],
  [['--scale', '5', '--scale-max', '3'], 'only --scale or --scale-max can be specified'],
  [['--scale', 'five'], 'Scale must be of the format x..y or x'],
  [['--scale-min', '-1'], 'expected 0 <= -1 <= 2147483647: autoscaling.knative.dev/min-scale'],
  [['--scale-window', '5s'], 'expected 6s <= 5s <= 1h0m0s: autoscaling.knative.dev/window'],
  [['--scale-window', 'abc'], 'invalid duration for \'scale-window\': time: invalid duration "abc"'],
  [['--scale-target', '0'], 'target 0 should be at least 0.01: autoscaling.knative.dev/target'],
  [['--scale-utilization', '101'], 'expected 1 <= 101 <= 100: autoscaling.knative.dev/target-utilization-percentage'],
  [['--concurrency-limit', '-1'], 'invalid concurrency-limit -1 (must not be less than 0)'],
  [['--scale-init', '-1'], 'invalid value: -1: autoscaling.knative.dev/initial-scale must be greater than 0'],
  [['--scale-init', '2', '-a', 'autoscaling.knative.dev/initial-scale=3'], 'only one of the --scale-init or --annotation autoscaling.knative.dev/initial-scale can be specified'],
  [['--label', '=v'], 'Invalid --label: The key is empty'],
  [['-l', 'a=1', '-l', 'a=2'], 'Invalid --label: The key "a" has been duplicate in [a=1 a=2]'],
  [['--annotation-service', 'autoscaling.knative.dev/min-scale=1'], "service can not have auto-scaling related annotation: autoscaling.knative.dev/min-scale , please update using '--annotation-revision'"],
  [['-a', 'autoscaling.knative.dev/min-scale=5', '-a', 'autoscaling.knative.dev/max-scale=2'], 'max-scale=2 is less than min-scale=5: autoscaling.knative.dev/max-scale, autoscaling.knative.dev/min-scale'],
  [['--timeout', '601'], 'expected 0 <= 601 <= 600: spec.template.spec.timeoutSeconds'],
  [['--profile', 'nope'], "profile nope doesn't exist"],
  [['--env', 'PORT=1'], '"PORT" is a reserved environment variable: spec.template.spec.containers[0].env[0].name'],
  [['--mount', '/data=novolume'], 'volumeMount has no matching volume: spec.template.spec.containers[0].volumeMounts[0].name'],
];

/** Against an existing service: [flags after NAME, message]. */
const UPDATE: [string[], string][] = [
  [['--env', 'FOO'], 'Invalid --env: argument requires a value that contains the "=" character; got "FOO"'],
  [['--scale', '1..x'], 'invalid --scale 1..x: "x" is not a whole number'],
  [['--scale', '2', '--scale-min', '1'], 'only --scale or --scale-min can be specified'],
  [['--pull-policy', 'never-ever'], 'invalid --pull-policy never-ever. Valid arguments (case insensitive): Always | Never | IfNotPresent'],
  [['--request', 'memory=1Qi'], QRE],
  [['--annotation-revision', '=x'], 'Invalid --annotation-revision: The key is empty'],
  [['--profile', 'missing-'], "profile missing doesn't exist"],
  [['--volume', 'data-', '--mount', '/d=data'], 'The volume "data" cannot be removed because it is mounted'],
];

async function servicesIn(c: KubeClient, ns: string): Promise<string[]> {
  const list = await c.list<KubeObject>(R.Service, { namespace: ns });
  return list.items.map((s) => `${s.metadata.name}@${s.metadata.resourceVersion}`);
}

function assertOneLineError(r: { code: number; stderr: string; stdout: string }, msg: string, _cmd: string): void {
  assert.notEqual(r.code, 0, `exit code for ${msg}`);
  // As upstream, the hint names a command only when the message quotes one.
  assert.equal(r.stderr, `Error: ${msg}\nRun '${/'(kn\s.+?)'/.exec(msg)?.[1] ?? 'kn'} --help' for usage\n`);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}

describe('kn service create|update: bad pod spec flags', () => {
  let c: KubeClient;
  let ns: string;
  let before0: string[];
  let pool: KnPool;
  after(() => pool?.close());

  before(async () => {
    c = await kube();
    await installServingCRDs(c);
    ns = await freshNamespace('bad-podspec', c);
    // The service the update cases edit; written directly, so only the CLI under test can change it.
    await c.create(R.Service, {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: { name: 'existing', namespace: ns },
      spec: {
        template: {
          spec: {
            containers: [{ image: 'ghcr.io/knative/helloworld-go:latest', volumeMounts: [{ name: 'data', mountPath: '/d', readOnly: true }] }],
            volumes: [{ name: 'data', secret: { secretName: 'sec' } }],
          },
        },
      },
    } as KubeObject);
    before0 = await servicesIn(c, ns);
    pool = await KnPool.start(1);
  });

  it(`has at least 35 cases (${CREATE.length + UPDATE.length})`, () => {
    assert.ok(CREATE.length + UPDATE.length >= 35);
  });

  for (const [i, [flags, msg]] of CREATE.entries()) {
    it(`create ${flags.join(' ')}`, async () => {
      const args = ['service', 'create', `bad-${i}`, ...IMG, ...flags, '-n', ns, '--no-wait'];
      const r = await pool.run(args);
      assertOneLineError(r, msg, 'kn service create');
      assert.deepEqual(await servicesIn(c, ns), before0, 'nothing created');
    });
  }

  for (const [flags, msg] of UPDATE) {
    it(`update ${flags.join(' ')}`, async () => {
      const r = await pool.run(['service', 'update', 'existing', ...flags, '-n', ns, '--no-wait']);
      assertOneLineError(r, msg, 'kn service update');
      assert.deepEqual(await servicesIn(c, ns), before0, 'nothing created or changed');
    });
  }
});
