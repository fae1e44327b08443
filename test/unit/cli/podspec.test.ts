// Each configuration-edit flag → the object upstream kn builds (pkg/flags/podspec*.go,
// pkg/commands/service/configuration_edit_flags.go).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Revision, Service } from '../../../src/api/serving/types.ts';
import {
  applyConfigurationFlags,
  generateVolumeName,
  newServiceSkeleton,
  USER_IMAGE_ANNOTATION,
  UPDATE_TIMESTAMP_ANNOTATION,
  type ApplyContext,
} from '../../../src/cli/serving/podspec.ts';
import type { ConfigurationEditFlagValues } from '../../../src/cli/serving/podspec-flags.ts';
import { UserError } from '../../../src/cli/errors.ts';

const NOW = new Date('2024-05-06T07:08:09.123Z');
const ctx = (o: Partial<ApplyContext> = {}): ApplyContext => ({ isCreate: true, now: NOW, random: (n) => 'b'.repeat(n), ...o });
const create = (flags: ConfigurationEditFlagValues, o: Partial<ApplyContext> = {}) =>
  applyConfigurationFlags(newServiceSkeleton('hello', 'ns'), { image: 'ghcr.io/x/hello:v1', ...flags }, ctx(o));
const c0 = (s: Service) => s.spec.template.spec.containers[0]!;
const tann = (s: Service) => s.spec.template.metadata?.annotations ?? {};

function existing(): Service {
  const s = create({ env: ['A=1', 'B=2'], mount: ['/cfg=cm:cfg'], volume: ['data=secret:sec'] });
  s.metadata.generation = 3;
  return s;
}
const update = (flags: ConfigurationEditFlagValues, base = existing(), o: Partial<ApplyContext> = {}) =>
  applyConfigurationFlags(base, flags, ctx({ isCreate: false, ...o }));

test('create: image, user-image and updateTimestamp annotations, empty resources', () => {
  const s = create({});
  assert.equal(c0(s).image, 'ghcr.io/x/hello:v1');
  assert.deepEqual(tann(s), { [USER_IMAGE_ANNOTATION]: 'ghcr.io/x/hello:v1', [UPDATE_TIMESTAMP_ANNOTATION]: '2024-05-06T07:08:09Z' });
  assert.deepEqual(c0(s).resources, {});
  assert.equal(s.metadata.name, 'hello');
});

test('--no-lock-to-digest drops the user-image annotation; apply sets no timestamp', () => {
  assert.equal(USER_IMAGE_ANNOTATION in tann(create({ 'lock-to-digest': false })), false);
  assert.equal(UPDATE_TIMESTAMP_ANNOTATION in tann(create({}, { command: 'apply' })), false);
});

test('an image by digest keeps the stored user image', () => {
  const s = create({ image: 'x/y@sha256:abc' });
  assert.equal(tann(s)[USER_IMAGE_ANNOTATION], '');
});

test('--env in order, NAME- removes on update, existing entries updated in place', () => {
  const s = create({ env: ['B=2', 'A=1'] });
  assert.deepEqual(c0(s).env, [{ name: 'B', value: '2' }, { name: 'A', value: '1' }]);
  const u = update({ env: ['A=9', 'C=3', 'B-'] });
  assert.deepEqual(c0(u).env, [{ name: 'A', value: '9' }, { name: 'C', value: '3' }]);
});

test('--env-value-from config-map and secret keys; env, env-value-from, env-file follow the command line', () => {
  const raw = [
    { type: 'flag', flag: 'env-value-from', input: 'S=sc:sec:key' },
    { type: 'flag', flag: 'env-file', input: 'f.env' },
    { type: 'flag', flag: 'env', input: 'E=1' },
    { type: 'flag', flag: 'env-value-from', input: 'C=config-map:cm:k' },
  ];
  const s = create(
    { env: ['E=1'], 'env-value-from': ['S=sc:sec:key', 'C=config-map:cm:k'], 'env-file': 'f.env' },
    { raw, envFileContents: 'F1=a\n\nF2=b=c\n' },
  );
  assert.deepEqual(c0(s).env, [
    { name: 'S', valueFrom: { secretKeyRef: { name: 'sec', key: 'key' } } },
    { name: 'F1', value: 'a' },
    { name: 'F2', value: 'b=c' },
    { name: 'E', value: '1' },
    { name: 'C', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k' } } },
  ]);
});

test('--env-from adds config maps and secrets once, NAME- removes', () => {
  const s = create({ 'env-from': ['cm:a', 'secret:b'] });
  assert.deepEqual(c0(s).envFrom, [{ configMapRef: { name: 'a' } }, { secretRef: { name: 'b' } }]);
  // already present: not added again
  const again = applyConfigurationFlags(s, { 'env-from': ['config-map:a'] }, ctx({ isCreate: false }));
  assert.deepEqual(c0(again).envFrom, c0(s).envFrom);
  const u = applyConfigurationFlags(s, { 'env-from': ['cm:a-'] }, ctx({ isCreate: false }));
  assert.deepEqual(c0(u).envFrom, [{ secretRef: { name: 'b' } }]);
});

test('--mount generates volumes named after the path; read-only defaults; subpath; unmount removes the generated volume', () => {
  const s = create({
    mount: ['/cfg=cm:cfg/sub/key', '/sec=sc:s', '/tmp=ed:scratch', '/claim=pvc:c1', '/ro=ed:x:readOnly=true', '/own=myvol'],
    volume: ['myvol=cm:mine'],
  });
  const n = generateVolumeName;
  assert.deepEqual(c0(s).volumeMounts, [
    { name: n('/cfg'), mountPath: '/cfg', readOnly: true, subPath: 'sub/key' },
    { name: n('/sec'), mountPath: '/sec', readOnly: true },
    { name: n('/tmp'), mountPath: '/tmp' },
    { name: n('/claim'), mountPath: '/claim' },
    { name: n('/ro'), mountPath: '/ro', readOnly: true },
    { name: 'myvol', mountPath: '/own', readOnly: true },
  ]);
  assert.deepEqual(s.spec.template.spec.volumes, [
    { name: n('/cfg'), configMap: { name: 'cfg' } },
    { name: n('/sec'), secret: { secretName: 's' } },
    { name: n('/tmp'), emptyDir: {} },
    { name: n('/claim'), persistentVolumeClaim: { claimName: 'c1' } },
    { name: n('/ro'), emptyDir: {} },
    { name: 'myvol', configMap: { name: 'mine' } },
  ]);
  const u = update({ mount: ['/cfg-'] });
  assert.equal(c0(u).volumeMounts, undefined);
  assert.deepEqual(u.spec.template.spec.volumes, [{ name: 'data', secret: { secretName: 'sec' } }]);
});

test('volume names as upstream (sanitised path + 4 bytes of SHA-1)', () => {
  const sum = (p: string) => createHash('sha1').update(p).digest('hex').slice(0, 8);
  assert.equal(generateVolumeName('/mydir'), `mydir-${sum('/mydir')}`);
  assert.equal(generateVolumeName('/path.mypath/'), `path-mypath--${sum('/path.mypath/')}`);
  assert.equal(generateVolumeName('/.path.mypath'), `k--path-mypath-${sum('/.path.mypath')}`);
  assert.equal(generateVolumeName(''), `k--${sum('')}`);
  const long = '/./Ab12~`!@#$%^&*()-=_+[]{}|/\\<>,./?:;"\'xZ/Ab12~`!@#$%^&*()-=_+[]{}|/\\<>,./?:;"\'xZ/';
  assert.equal(generateVolumeName(long), 'k---ab12---------------------------------xz-ab12--------------n');
});

test('--volume emptyDir type and size, removal', () => {
  const s = create({ volume: ['v=ed:v:type=Memory,size=1.5Gi'] });
  assert.deepEqual(s.spec.template.spec.volumes, [{ name: 'v', emptyDir: { medium: 'Memory', sizeLimit: '1536Mi' } }]);
  const u = update({ volume: ['data-'] });
  assert.equal(u.spec.template.spec.volumes?.some((v) => v.name === 'data'), false);
});

test('--request / --limit quantities (canonical), comma lists, NAME- removes', () => {
  const s = create({ request: ['cpu=0.5,memory=256Mi'], limit: ['cpu=1000m', 'nvidia.com/gpu=1'] });
  assert.deepEqual(c0(s).resources, { requests: { cpu: '500m', memory: '256Mi' }, limits: { cpu: '1', 'nvidia.com/gpu': '1' } });
  const u = applyConfigurationFlags(s, { request: ['memory-'], limit: ['cpu-'] }, ctx({ isCreate: false }));
  assert.deepEqual(c0(u).resources, { requests: { cpu: '500m' }, limits: { 'nvidia.com/gpu': '1' } });
});

test('--port NAME:PORT and PORT', () => {
  assert.deepEqual(c0(create({ port: 'h2c:8080' })).ports, [{ name: 'h2c', containerPort: 8080 }]);
  assert.deepEqual(c0(create({ port: '9000' })).ports, [{ containerPort: 9000 }]);
});

test('--cmd, --arg, --pull-policy, --service-account, --pull-secret, --user', () => {
  const s = create({ cmd: ['sh', '-c'], arg: ['echo hi'], 'pull-policy': 'ifnotpresent', 'service-account': 'sa', 'pull-secret': 'reg', user: 1001 });
  assert.deepEqual(c0(s).command, ['sh', '-c']);
  assert.deepEqual(c0(s).args, ['echo hi']);
  assert.equal(c0(s).imagePullPolicy, 'IfNotPresent');
  assert.equal(s.spec.template.spec.serviceAccountName, 'sa');
  assert.deepEqual(s.spec.template.spec.imagePullSecrets, [{ name: 'reg' }]);
  assert.deepEqual(c0(s).securityContext, { runAsUser: 1001 });
  const u = applyConfigurationFlags(s, { 'service-account': '', 'pull-secret': ' ' }, ctx({ isCreate: false }));
  assert.equal(u.spec.template.spec.serviceAccountName, undefined);
  assert.equal(u.spec.template.spec.imagePullSecrets, undefined);
});

test('--security-context strict and none', () => {
  assert.deepEqual(c0(create({ 'security-context': 'strict' })).securityContext, {
    allowPrivilegeEscalation: false,
    runAsNonRoot: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  });
  assert.equal(c0(create({ 'security-context': 'none' })).securityContext, undefined);
});

test('probes: http, https, tcp, exec, and options', () => {
  const s = create({
    'probe-liveness': 'https:example.com:8443:/live',
    'probe-liveness-opts': 'InitialDelaySeconds=10,periodseconds=5',
    'probe-readiness': 'tcp::8080',
  });
  assert.deepEqual(c0(s).livenessProbe, {
    httpGet: { host: 'example.com', port: 8443, path: '/live', scheme: 'HTTPS' },
    initialDelaySeconds: 10,
    periodSeconds: 5,
  });
  assert.deepEqual(c0(s).readinessProbe, { tcpSocket: { port: 8080 } });
  assert.deepEqual(c0(create({ 'probe-readiness': 'exec:cat,/tmp/ok' })).readinessProbe, { exec: { command: ['cat', '/tmp/ok'] } });
  assert.deepEqual(c0(create({ 'probe-readiness': 'http::http:' })).readinessProbe, { httpGet: { port: 'http' } });
});

test('scale family → template annotations', () => {
  assert.deepEqual(
    { ...tann(create({ scale: '5' })) },
    {
      [USER_IMAGE_ANNOTATION]: 'ghcr.io/x/hello:v1',
      [UPDATE_TIMESTAMP_ANNOTATION]: '2024-05-06T07:08:09Z',
      'autoscaling.knative.dev/max-scale': '5',
      'autoscaling.knative.dev/min-scale': '5',
    },
  );
  const r = tann(create({ scale: '1..' }));
  assert.equal(r['autoscaling.knative.dev/min-scale'], '1');
  assert.equal('autoscaling.knative.dev/max-scale' in r, false);
  const a = tann(
    create({
      'scale-min': 1,
      'scale-max': 10,
      'scale-init': 2,
      'scale-target': 50,
      'scale-metric': 'rps',
      'scale-utilization': 80,
      'scale-window': '10s',
      'scale-activation': 3,
    }),
  );
  assert.equal(a['autoscaling.knative.dev/min-scale'], '1');
  assert.equal(a['autoscaling.knative.dev/max-scale'], '10');
  assert.equal(a['autoscaling.knative.dev/initial-scale'], '2');
  assert.equal(a['autoscaling.knative.dev/target'], '50');
  assert.equal(a['autoscaling.knative.dev/metric'], 'rps');
  assert.equal(a['autoscaling.knative.dev/target-utilization-percentage'], '80');
  assert.equal(a['autoscaling.knative.dev/window'], '10s');
  assert.equal(a['autoscaling.knative.dev/activation-scale'], '3');
  // deprecated spellings
  const d = tann(create({ 'concurrency-target': 7, 'autoscale-window': '1m', 'concurrency-utilization': 60 }));
  assert.equal(d['autoscaling.knative.dev/target'], '7');
  assert.equal(d['autoscaling.knative.dev/window'], '1m');
  assert.equal(d['autoscaling.knative.dev/target-utilization-percentage'], '60');
  // upstream drops an invalid --scale-activation silently; kn-ts refuses it (docs/compatibility.md)
  assert.throws(() => create({ 'scale-activation': 1 }), { message: 'activation-scale=1 must be greater than 1: autoscaling.knative.dev/activation-scale' });
  assert.throws(() => create({ 'scale-activation': -1 }), /^UserError: invalid --scale-activation -1: must be 0 or greater/);
});

test('--concurrency-limit and --timeout', () => {
  const s = create({ 'concurrency-limit': 10, timeout: 120 });
  assert.equal(s.spec.template.spec.containerConcurrency, 10);
  assert.equal(s.spec.template.spec.timeoutSeconds, 120);
});

test('labels: --label on both, --label-service / --label-revision only one, precedence and removal', () => {
  const s = create({ label: ['a=1', 'b=2'], 'label-service': ['a=svc'], 'label-revision': ['r=1'] });
  assert.deepEqual(s.metadata.labels, { a: 'svc', b: '2' });
  assert.deepEqual(s.spec.template.metadata?.labels, { a: '1', b: '2', r: '1' });
  const u = applyConfigurationFlags(s, { label: ['b-'], 'label-revision': ['r-'] }, ctx({ isCreate: false }));
  assert.deepEqual(u.metadata.labels, { a: 'svc' });
  assert.deepEqual(u.spec.template.metadata?.labels, { a: '1' });
});

test('annotations: autoscaling ones only on the template; service/revision variants', () => {
  const s = create({
    annotation: ['team=x', 'autoscaling.knative.dev/min-scale=1'],
    'annotation-service': ['svc=only'],
    'annotation-revision': ['rev=only'],
  });
  assert.deepEqual(s.metadata.annotations, { team: 'x', svc: 'only' });
  assert.equal(tann(s).team, 'x');
  assert.equal(tann(s).rev, 'only');
  assert.equal(tann(s)['autoscaling.knative.dev/min-scale'], '1');
  assert.equal(tann(s).svc, undefined);
  const u = applyConfigurationFlags(s, { annotation: ['team-'] }, ctx({ isCreate: false }));
  assert.equal(u.metadata.annotations?.team, undefined);
  assert.equal(tann(u).team, undefined);
});

test('--cluster-local sets and --no-cluster-local removes the visibility label', () => {
  const s = create({ 'cluster-local': true });
  assert.deepEqual(s.metadata.labels, { 'networking.knative.dev/visibility': 'cluster-local' });
  const u = applyConfigurationFlags(s, { 'cluster-local': false }, ctx({ isCreate: false }));
  assert.deepEqual(u.metadata.labels, {});
});

test('--revision-name: template, prefixing with <service>-, generation + 1', () => {
  assert.equal(create({ 'revision-name': '{{.Service}}-{{.Random 5}}-{{.Generation}}' }).spec.template.metadata?.name, 'hello-bbbbb-1');
  assert.equal(create({ 'revision-name': 'v1' }).spec.template.metadata?.name, 'hello-v1');
  assert.equal(update({ 'revision-name': '{{.Generation}}' }).spec.template.metadata?.name, 'hello-4');
});

test('--profile istio adds and name- removes its annotations (template) and labels (service)', () => {
  const s = create({ profile: 'istio' });
  assert.equal(tann(s)['sidecar.istio.io/rewriteAppHTTPProbers'], 'true');
  assert.equal(tann(s)['serving.knative.openshift.io/enablePassthrough'], 'true');
  assert.deepEqual(s.metadata.labels, { 'sidecar.istio.io/inject': 'true' });
  const u = applyConfigurationFlags(s, { profile: 'istio-' }, ctx({ isCreate: false }));
  assert.equal(tann(u)['sidecar.istio.io/rewriteAppHTTPProbers'], undefined);
  assert.deepEqual(u.metadata.labels, {});
});

test('node selector, tolerations (all values make one toleration), node affinity', () => {
  const s = create({
    'node-selector': ['disktype=ssd', 'zone=a'],
    toleration: ['Key=k1,Operator=Equal,Value=v1,Effect=NoSchedule'],
    'node-affinity': ['Type=Required,Key=topology.kubernetes.io/zone,Operator=In,Values=a b'],
  });
  assert.deepEqual(s.spec.template.spec.nodeSelector, { disktype: 'ssd', zone: 'a' });
  assert.deepEqual(s.spec.template.spec.tolerations, [{ key: 'k1', operator: 'Equal', value: 'v1', effect: 'NoSchedule' }]);
  assert.deepEqual(s.spec.template.spec.affinity, {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['a', 'b'] }] }],
      },
    },
  });
  const p = create({ 'node-affinity': ['Type=Preferred,Key=k,Operator=Exists,Weight=3'] });
  assert.deepEqual(p.spec.template.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution, [
    { weight: 3, preference: { matchExpressions: [{ key: 'k', operator: 'Exists' }] } },
  ]);
  const u = applyConfigurationFlags(s, { 'node-selector': ['zone-'] }, ctx({ isCreate: false }));
  assert.deepEqual(u.spec.template.spec.nodeSelector, { disktype: 'ssd' });
});

test('--containers appends the file containers to a single-container spec', () => {
  const s = create({ containers: 'c.yaml' }, { containersSpec: { containers: [{ name: 'side', image: 'busybox' }] } });
  assert.deepEqual(s.spec.template.spec.containers.map((c) => c.image), ['ghcr.io/x/hello:v1', 'busybox']);
  const u = applyConfigurationFlags(s, { containers: 'c.yaml' }, ctx({ isCreate: false, containersSpec: { containers: [{ name: 'side', image: 'alpine' }] } }));
  assert.deepEqual(u.spec.template.spec.containers.map((c) => c.image), ['ghcr.io/x/hello:v1', 'alpine']);
});

test('update: --lock-to-digest pins the unchanged image to the base revision digest', () => {
  const base = existing();
  const rev = {
    metadata: { name: 'hello-00001' },
    spec: { containers: [{ image: 'ghcr.io/x/hello:v1' }] },
    status: { containerStatuses: [{ imageDigest: 'ghcr.io/x/hello@sha256:1234' }] },
  } as Revision;
  const u = update({ env: ['X=1'] }, base, { baseRevision: rev });
  assert.equal(c0(u).image, 'ghcr.io/x/hello@sha256:1234');
  assert.equal(tann(u)[USER_IMAGE_ANNOTATION], 'ghcr.io/x/hello:v1');
  // no digest known (kn-ts resolves none): the image stays as the user gave it
  assert.equal(c0(update({ env: ['X=1'] })).image, 'ghcr.io/x/hello:v1');
});

test('the input object is not modified', () => {
  const base = existing();
  const before = JSON.stringify(base);
  update({ env: ['Z=1'], label: ['x=y'], 'cluster-local': true });
  applyConfigurationFlags(base, { env: ['Z=1'] }, ctx({ isCreate: false }));
  assert.equal(JSON.stringify(base), before);
});

test('state-dependent errors: removing a mounted volume', () => {
  assert.throws(() => update({ volume: ['data-'], mount: ['/d=data'] }), new UserError('The volume "data" cannot be removed because it is mounted'));
});

test('webhook-equivalent checks on the result: reserved env names, mounts without a volume', () => {
  assert.throws(() => create({ env: ['PORT=1'] }), { message: '"PORT" is a reserved environment variable: spec.template.spec.containers[0].env[0].name' });
  assert.throws(() => create({ mount: ['/data=novolume'] }), {
    message: 'volumeMount has no matching volume: spec.template.spec.containers[0].volumeMounts[0].name',
  });
});
