// Invocations that used to succeed although they are wrong (issue 13): invalid autoscaling values,
// a bogus visibility label, an image that is no reference, a Deployment given to `service apply
// -f`, a garbage --config, `--target ''` falling back to the live cluster, invalid names and
// min > max written to a --target folder, empty --untag/--tag/--traffic. Each must fail and leave
// the cluster and the --target folder byte for byte as they were.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import { badInputSuite, type BadCase } from '../harness/bad-input.ts';

const IMG = 'ghcr.io/knative/helloworld-go:latest';
const dir = mkdtempSync(join(tmpdir(), 'kn-bad-wrong-'));
const target = join(dir, 'gitops');
mkdirSync(join(target, 'offline', 'ksvc'), { recursive: true });
writeFileSync(
  join(target, 'offline', 'ksvc', 'kept.yaml'),
  `apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: kept\n  namespace: offline\nspec:\n  template:\n    spec:\n      containers:\n      - image: ${IMG}\n`,
);
const file = (name: string, text: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const deployment = file('deployment.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - image: nginx\n');
const otherKind = file('route.yaml', 'apiVersion: serving.knative.dev/v1\nkind: Route\nmetadata:\n  name: web\nspec: {}\n');
const v1alpha = file('alpha.yaml', `apiVersion: serving.knative.dev/v1alpha1\nkind: Service\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - image: ${IMG}\n`);
const garbageConfig = file('garbage-config.yaml', 'just some words\n');
const listConfig = file('list-config.yaml', '- a\n- b\n');
const brokenConfig = file('broken-config.yaml', 'plugins: [unclosed\n');
const binaryConfig = file('binary-config', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3, 0xff, 0xfe, 0, 0]));

const cases: BadCase[] = [];
let n = 0;
const w = (args: string[], want: string | RegExp) => cases.push({ class: 'wrongly-succeeds', args, want, timeoutMs: 20_000 });
const create = (flags: string[], want: string | RegExp) => w(['service', 'create', `wrong-${n++}`, '--image', IMG, ...flags, '-n', 'NS', '--no-wait'], want);
const offline = (flags: string[], want: string | RegExp) => w(['service', 'create', `off-${n++}`, '--image', IMG, ...flags, '--target', target, '-n', 'offline'], want);

// Autoscaling
create(['--scale-activation', '-1'], 'invalid --scale-activation -1: must be 0 or greater');
create(['--scale-activation', '1'], 'activation-scale=1 must be greater than 1');
create(['--scale-activation', '0'], 'activation-scale=0 must be greater than 1');
create(['--scale-metric', 'bogus'], 'invalid --scale-metric "bogus": use concurrency or rps');
create(['--scale-metric', 'Concurrency'], 'invalid --scale-metric "Concurrency"');
create(['--scale-metric', 'cpu'], 'invalid value: cpu: autoscaling.knative.dev/metric');
create(['--scale-activation', '10', '--scale-max', '3'], 'max-scale=3 is less than activation-scale=10');
create(['-a', 'autoscaling.knative.dev/activation-scale=10', '--scale-max', '3'], 'max-scale=3 is less than activation-scale=10');
create(['-a', 'autoscaling.knative.dev/metric=bogus'], 'invalid value: bogus: autoscaling.knative.dev/metric');
create(['-a', 'autoscaling.knative.dev/class=nope.knative.dev'], 'invalid value: nope.knative.dev: autoscaling.knative.dev/class');
// Visibility label, images
create(['--label-service', 'networking.knative.dev/visibility=bogus'], 'invalid --label-service: the label networking.knative.dev/visibility="bogus" is not valid');
create(['--label', 'networking.knative.dev/visibility=public'], 'the label networking.knative.dev/visibility="public" is not valid');
w(['service', 'create', 'img-1', '--image', 'bad image!!', '-n', 'NS', '--no-wait'], 'invalid --image: the image "bad image!!" is not a valid image reference');
w(['service', 'create', 'img-2', '--image', 'UPPER/Case', '-n', 'NS', '--no-wait'], 'invalid --image: the image "UPPER/Case"');
w(['service', 'create', 'img-3', '--image', 'x:', '-n', 'NS', '--no-wait'], 'invalid --image: the image "x:"');
w(['service', 'create', 'img-4', '--image', ' ghcr.io/x/y', '-n', 'NS', '--no-wait'], 'must not start or end with whitespace');
w(['service', 'create', 'img-5', '--image', 'ghcr.io/x/y@sha256:xyz', '-n', 'NS', '--no-wait'], 'invalid --image');
w(['service', 'update', 'existing', '--image', 'a b', '-n', 'NS', '--no-wait'], 'invalid --image: the image "a b"');
// -f of something that is not a Knative Service
w(['service', 'apply', '-f', deployment, '-n', 'NS', '--no-wait'], `${deployment} holds a Deployment (apps/v1), not a Knative Service`);
w(['service', 'apply', 'web', '-f', deployment, '-n', 'NS', '--no-wait'], 'holds a Deployment (apps/v1), not a Knative Service');
w(['service', 'create', '-f', deployment, '-n', 'NS', '--no-wait'], 'holds a Deployment (apps/v1), not a Knative Service');
w(['service', 'create', 'web', '-f', otherKind, '-n', 'NS', '--no-wait'], 'holds a Route (serving.knative.dev/v1), not a Knative Service');
w(['service', 'apply', '-f', v1alpha, '-n', 'NS', '--no-wait'], 'holds a Service (serving.knative.dev/v1alpha1), not a Knative Service');
// --config files that are not kn config files
for (const [cfg, want] of [
  [garbageConfig, 'is not a YAML mapping'],
  [listConfig, 'is not a YAML mapping'],
  [brokenConfig, 'is not valid YAML'],
  [binaryConfig, 'is not a text file'],
  [dir, 'is a directory, not a file'],
  [join(dir, 'missing.yaml'), 'does not exist'],
] as const) {
  w(['service', 'create', `cfg-${n++}`, '--image', IMG, '--config', cfg, '-n', 'NS', '--no-wait'], want);
  w(['service', 'list', '--config', cfg, '-n', 'NS'], want);
}
w(['service', 'delete', 'existing', '--config', garbageConfig, '-n', 'NS'], 'is not a YAML mapping');
// --target '' never means "the cluster"
const EMPTY_TARGET = '--target needs a directory or a .yaml/.json file, got an empty string';
w(['service', 'create', 'tgt', '--image', IMG, '--target', '', '-n', 'NS'], EMPTY_TARGET);
w(['service', 'update', 'existing', '--env', 'A=1', '--target', '', '-n', 'NS'], EMPTY_TARGET);
w(['service', 'delete', 'existing', '--target', '', '-n', 'NS'], EMPTY_TARGET);
w(['service', 'describe', 'existing', '--target', '', '-n', 'NS'], EMPTY_TARGET);
w(['service', 'list', '--target', '', '-n', 'NS'], EMPTY_TARGET);
w(['service', 'create', 'tgt', '--image', IMG, '--target=', '-n', 'NS'], EMPTY_TARGET);
// Invalid names and values written to a --target folder
for (const bad of ['Bad', '../escape', 'a/b', '..', 'x'.repeat(64)]) {
  w(['service', 'create', bad, '--image', IMG, '--target', target, '-n', 'offline'], `invalid service name ${JSON.stringify(bad)}`);
}
w(['service', 'update', '../kept', '--env', 'A=1', '--target', target, '-n', 'offline'], 'invalid service name "../kept"');
w(['service', 'delete', '../offline/ksvc/kept', '--target', target, '-n', 'offline'], 'invalid service name');
offline(['--scale', '5..1'], 'invalid --scale 5..1');
offline(['--scale-min', '5', '--scale-max', '1'], '--scale-min 5 is greater than --scale-max 1');
offline(['--request', 'cpu=-1'], 'invalid --request');
offline(['--scale-activation', '-1'], 'invalid --scale-activation -1');
offline(['--scale-metric', 'bogus'], 'invalid --scale-metric');
offline(['--tag', 'nosuchrev=t'], "the revision or tag 'nosuchrev' given in --tag does not exist");
offline(['--env', 'ÄRGER=1'], 'invalid --env');
w(['service', 'update', 'kept', '--scale', '9..3', '--target', target, '-n', 'offline'], 'invalid --scale 9..3');
w(['service', 'update', 'kept', '--untag', '', '--target', target, '-n', 'offline'], '--untag needs a value, got an empty string');
// Empty traffic values (an unset shell variable) are errors, not no-ops that bump the generation
w(['service', 'update', 'existing', '--untag', '', '-n', 'NS', '--no-wait'], '--untag needs a value, got an empty string');
w(['service', 'update', 'existing', '--tag', '', '-n', 'NS', '--no-wait'], '--tag needs a value, got an empty string');
w(['service', 'update', 'existing', '--traffic', '', '-n', 'NS', '--no-wait'], '--traffic needs a value, got an empty string');
w(['service', 'update', 'existing', '--untag', 'a,,b', '-n', 'NS', '--no-wait'], '--untag needs a value, got an empty string');
w(['service', 'update', 'existing', '--traffic', '@latest=100,', '-n', 'NS', '--no-wait'], '--traffic needs a value, got an empty string');
w(['service', 'create', 'tag-empty', '--image', IMG, '--tag', '', '-n', 'NS', '--no-wait'], '--tag needs a value, got an empty string');

badInputSuite('bad input: nothing wrongly succeeds', cases, {
  target,
  setup: async (c: KubeClient, ns: string) => {
    await c.create(R.Service, {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: { name: 'existing', namespace: ns },
      spec: { template: { spec: { containers: [{ image: IMG }] } }, traffic: [{ latestRevision: true, percent: 100, tag: 'current' }] },
    } as KubeObject);
  },
});
