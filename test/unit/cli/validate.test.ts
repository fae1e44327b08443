// Client-side validation of the configuration-edit flags: each error text as upstream kn prints it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatGoDuration } from '../../../src/api/duration.ts';
import { UserError } from '../../../src/cli/errors.ts';
import {
  autoscalingAnnotationsError,
  validateConfigurationFlags,
} from '../../../src/cli/serving/validate.ts';
import { canonicalQuantity, parseGoDuration } from '../../../src/cli/serving/flag-values.ts';
import type { ConfigurationEditFlagValues } from '../../../src/cli/serving/podspec-flags.ts';

const QRE = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

const cases: [string, ConfigurationEditFlagValues, string][] = [
  ['env without =', { env: ['FOO'] }, 'Invalid --env: argument requires a value that contains the "=" character; got "FOO"'],
  ['env-value-from without =', { 'env-value-from': ['X'] }, 'Invalid --env-value-from: argument requires a value that contains the "=" character; got "X"'],
  [
    'env-value-from short',
    { 'env-value-from': ['X=cm:name'] },
    'argument requires a value in form "resourceType:name:key" where "resourceType" can be one of "config-map" ("cm") or "secret" ("sc"); got "cm:name"',
  ],
  [
    'env-value-from bad type',
    { 'env-value-from': ['X=foo:n:k'] },
    'unsupported env source type ""foo""; supported source types are "config-map" ("cm") and "secret" ("sc")',
  ],
  ['env-value-from empty name', { 'env-value-from': ['X=cm::k'] }, 'the name of ConfigMap cannot be an empty string'],
  ['env-value-from empty key', { 'env-value-from': ['X=secret:s:'] }, 'the key referenced by resource Secret "s" cannot be an empty string'],
  ['env-from dash', { 'env-from': ['-'] }, '"-" is not a valid value for "--env-from"'],
  ['env-from no colon', { 'env-from': ['foo'] }, 'argument requires a value that contains the : character; got "foo", ["foo"]'],
  [
    'env-from bad type',
    { 'env-from': ['xx:foo'] },
    'unsupported volume source type ""xx""; supported volume source types are "config-map" and "secret"',
  ],
  ['env-from empty', { 'env-from': ['cm:'] }, 'the name of config-map cannot be an empty string'],
  ['mount without =', { mount: ['/a'] }, 'Invalid --mount: argument requires a value that contains the "=" character; got "/a"'],
  [
    'mount bad type',
    { mount: ['/a=foo:bar'] },
    'unsupported volume type ""foo""; supported volume types are "config-map or cm", "secret or sc", "volume or vo", and "emptyDir or ed"',
  ],
  ['mount bad option', { mount: ['/a=cm:x:ro=true'] }, 'unknown mount option "ro"'],
  ['mount bad readOnly', { mount: ['/a=cm:x:readOnly=yes'] }, 'strconv.ParseBool: parsing "yes": invalid syntax'],
  ['volume without =', { volume: ['v'] }, 'Invalid --volume: argument requires a value that contains the "=" character; got "v"'],
  ['volume cm with 3 parts', { volume: ['v=cm:a:b'] }, 'incorrect mount details for type "cm"'],
  ['volume emptyDir format', { volume: ['v=ed:a:Memory'] }, 'incorrect format to specify emptyDir type'],
  ['volume emptyDir repeat', { volume: ['v=ed:a:size=1Gi,size=2Gi'] }, 'cannot repeat the key "size"'],
  ['pull policy', { 'pull-policy': 'Sometimes' }, 'invalid --pull-policy Sometimes. Valid arguments (case insensitive): Always | Never | IfNotPresent'],
  ['request quantity', { request: ['cpu=lots'] }, QRE],
  ['request duplicate', { request: ['cpu=1,cpu=2'] }, 'The key "cpu" has been duplicate in [cpu=1 cpu=2]'],
  ['limit empty key', { limit: ['=1'] }, 'The key is empty'],
  ['limit suffix', { limit: ['memory=1Qi'] }, QRE],
  [
    'port format',
    { port: 'http:abc' },
    "the port specification 'http:abc' is not valid. Please provide in the format 'NAME:PORT', where 'NAME' is optional. Examples: '--port h2c:8080' , '--port 8080'.",
  ],
  ['port range', { port: '70000' }, 'expected 0 <= 70000 <= 65535: spec.template.spec.containers[0].ports.containerPort'],
  ['port name', { port: 'grpc:8080' }, "Port name grpc is not allowed: spec.template.spec.containers[0].ports (Name must be empty, or one of: 'h2c', 'http1')"],
  ['probe empty', { 'probe-liveness': '' }, 'no probe parameters detected'],
  ['probe type', { 'probe-liveness': 'grpc:8080' }, "unsupported probe type 'grpc'; supported types: http, https, exec, tcp"],
  ['probe http parts', { 'probe-readiness': 'http:host:8080' }, "unexpected probe format, please use 'http:host:port:path'"],
  ['probe too many', { 'probe-readiness': 'http:a:b:c:d' }, 'too many probe parameters provided, please check the format'],
  ['probe tcp', { 'probe-readiness': 'tcp:8080' }, "unexpected probe format, please use 'tcp:host:port"],
  ['probe exec empty', { 'probe-readiness': 'exec:' }, 'at least one command parameter is required for Exec probe'],
  ['probe opts value', { 'probe-readiness-opts': 'PeriodSeconds=ten' }, "not a nummeric value for parameter 'PeriodSeconds'"],
  ['probe opts name', { 'probe-liveness-opts': 'Delay=1' }, "not a valid probe parameter name 'Delay'"],
  ['probe opts no =', { 'probe-liveness-opts': 'Delay' }, 'Argument requires a value that contains the "=" character as delimiter; got "Delay"'],
  ['security context', { 'security-context': 'loose' }, 'invalid --security-context loose. Valid arguments: strict | none'],
  ['node selector', { 'node-selector': ['=ssd'] }, 'Invalid --node-selector: The key is empty'],
  ['toleration', { toleration: ['NoEquals'] }, 'Invalid --toleration: Argument requires a value that contains the "=" character as delimiter; got "NoEquals"'],
  ['node affinity type', { 'node-affinity': ['Type=Sometimes'] }, 'Invalid --node-affinity: Invalid type defined for node affinity, Valid arguments: Required | Preferred'],
  [
    'node affinity weight',
    { 'node-affinity': ['Type=Preferred,Weight=x'] },
    'Invalid --node-affinity: error in setting preference weight in node affinity: "x" is not a whole number',
  ],
  ['scale-min negative', { 'scale-min': -1 }, 'expected 0 <= -1 <= 2147483647: autoscaling.knative.dev/min-scale'],
  ['scale-max negative', { 'scale-max': -2 }, 'expected 0 <= -2 <= 2147483647: autoscaling.knative.dev/max-scale'],
  ['scale with scale-max', { scale: '5', 'scale-max': 3 }, 'only --scale or --scale-max can be specified'],
  ['scale with scale-min', { scale: '5', 'scale-min': 3 }, 'only --scale or --scale-min can be specified'],
  ['scale format', { scale: 'five' }, 'Scale must be of the format x..y or x'],
  ['scale range', { scale: 'a..3' }, 'invalid --scale a..3: "a" is not a whole number'],
  ['scale-window syntax', { 'scale-window': '10' }, 'invalid duration for \'scale-window\': time: missing unit in duration "10"'],
  ['scale-window bad', { 'scale-window': 'abc' }, 'invalid duration for \'scale-window\': time: invalid duration "abc"'],
  ['scale-window range', { 'scale-window': '5s' }, 'expected 6s <= 5s <= 1h0m0s: autoscaling.knative.dev/window'],
  ['autoscale-window range', { 'autoscale-window': '2h' }, 'expected 6s <= 2h <= 1h0m0s: autoscaling.knative.dev/window'],
  ['scale-window precision', { 'scale-window': '6500ms' }, 'must be specified with at most second precision: autoscaling.knative.dev/window'],
  ['scale-target zero', { 'scale-target': 0 }, 'target 0 should be at least 0.01: autoscaling.knative.dev/target'],
  ['concurrency-target zero', { 'concurrency-target': 0 }, 'target 0 should be at least 0.01: autoscaling.knative.dev/target'],
  ['concurrency-limit', { 'concurrency-limit': -1 }, 'invalid concurrency-limit -1 (must not be less than 0)'],
  ['scale-utilization', { 'scale-utilization': 101 }, 'expected 1 <= 101 <= 100: autoscaling.knative.dev/target-utilization-percentage'],
  ['label empty key', { label: ['=v'] }, 'Invalid --label: The key is empty'],
  ['label duplicate', { label: ['a=1', 'a=2'] }, 'Invalid --label: The key "a" has been duplicate in [a=1 a=2]'],
  ['label-service', { 'label-service': ['=x'] }, 'Invalid --label-service: Unable to parse label flags: The key is empty'],
  ['label-revision', { 'label-revision': ['=x'] }, 'Invalid --label-revision: Unable to parse label flags: The key is empty'],
  ['annotation', { annotation: ['=x'] }, 'Invalid --annotation: The key is empty'],
  ['annotation-revision', { 'annotation-revision': ['=x'] }, 'Invalid --annotation-revision: The key is empty'],
  ['annotation-service', { 'annotation-service': ['=x'] }, 'Invalid --annotation-service: The key is empty'],
  [
    'annotation-service autoscaling',
    { 'annotation-service': ['autoscaling.knative.dev/min-scale=1'] },
    "service can not have auto-scaling related annotation: autoscaling.knative.dev/min-scale , please update using '--annotation-revision'",
  ],
  [
    'annotation min > max',
    { annotation: ['autoscaling.knative.dev/min-scale=5', 'autoscaling.knative.dev/max-scale=2'] },
    'max-scale=2 is less than min-scale=5: autoscaling.knative.dev/max-scale, autoscaling.knative.dev/min-scale',
  ],
  ['annotation metric', { annotation: ['autoscaling.knative.dev/metric=cpu'] }, 'invalid value: cpu: autoscaling.knative.dev/metric'],
  ['annotation class', { annotation: ['autoscaling.knative.dev/class=foo.knative.dev'] }, 'invalid value: foo.knative.dev: autoscaling.knative.dev/class'],
  [
    'scale-init with annotation',
    { 'scale-init': 2, annotation: ['autoscaling.knative.dev/initial-scale=3'] },
    'only one of the --scale-init or --annotation autoscaling.knative.dev/initial-scale can be specified',
  ],
  ['scale-init negative', { 'scale-init': -1 }, 'invalid value: -1: autoscaling.knative.dev/initial-scale must be greater than 0'],
  ['timeout', { timeout: 601 }, 'expected 0 <= 601 <= 600: spec.template.spec.timeoutSeconds'],
  ['profile', { profile: 'nope' }, "profile nope doesn't exist"],
  ['profile removal unknown', { profile: 'nope-' }, "profile nope doesn't exist"],
  ['revision-name field', { 'revision-name': '{{.Name}}' }, 'template: revisionName:1:3: executing "revisionName" at <.Name>: can\'t evaluate field Name in type *serving.revisionTemplContext'],
];

for (const [name, flags, msg] of cases) {
  test(`error: ${name}`, () => {
    assert.throws(
      () => validateConfigurationFlags(flags),
      (e: unknown) => {
        assert.ok(e instanceof UserError, `not a UserError: ${String(e)}`);
        assert.equal(e.message, msg);
        return true;
      },
    );
  });
}

test('env-file syntax errors come through as Invalid --env', () => {
  assert.throws(() => validateConfigurationFlags({ 'env-file': 'f' }, { envFileContents: 'A=1\nBROKEN\n' }), {
    message: 'Invalid --env: argument requires a value that contains the "=" character; got "BROKEN"',
  });
});

test('upstream order: the first failing flag wins', () => {
  assert.throws(() => validateConfigurationFlags({ env: ['X'], 'pull-policy': 'no' }), /Invalid --env/);
  assert.throws(() => validateConfigurationFlags({ 'scale-min': -1, scale: '3' }), /min-scale/);
});

test('valid flag sets pass', () => {
  validateConfigurationFlags({
    image: 'x',
    env: ['A=1', 'B-'],
    'env-from': ['cm:a', 'secret:b-'],
    mount: ['/a=cm:x/sub:readOnly=false', '/b=myvol'],
    volume: ['myvol=ed:v:type=Memory,size=1Gi'],
    port: 'h2c:8080',
    scale: '1..5',
    'scale-window': '1m30s',
    'scale-utilization': 100,
    'probe-liveness': 'http::8080:/',
    'probe-liveness-opts': 'initialDelaySeconds=0x10',
    toleration: ['Key=a,Operator=Exists'],
    profile: 'istio',
    timeout: 600,
  });
});

test('autoscaling annotation errors merge and sort as apis.FieldError', () => {
  assert.equal(
    autoscalingAnnotationsError({ 'autoscaling.knative.dev/min-scale': 'x', 'autoscaling.knative.dev/target-utilization-percentage': '0' }),
    'expected 1 <= 0 <= 100: autoscaling.knative.dev/target-utilization-percentage\ninvalid value: x: autoscaling.knative.dev/min-scale',
  );
  assert.equal(autoscalingAnnotationsError({ 'autoscaling.knative.dev/minScale': '2' }), undefined);
  assert.equal(autoscalingAnnotationsError({ 'autoscaling.knative.dev/activation-scale': '1' }), 'activation-scale=1 must be greater than 1: autoscaling.knative.dev/activation-scale');
});

test('Go durations and quantities', () => {
  assert.equal(parseGoDuration('1h2m3.5s'), 3723.5e9);
  assert.equal(parseGoDuration('0'), 0);
  assert.equal(formatGoDuration(3600e9), '1h0m0s');
  assert.equal(formatGoDuration(6e9), '6s');
  assert.throws(() => parseGoDuration('5x'), { message: 'time: unknown unit "x" in duration "5x"' });
  for (const [i, o] of [['0.5', '500m'], ['1000m', '1'], ['1.5Gi', '1536Mi'], ['2000', '2k'], ['1e3', '1e3'], ['0.1Ki', '102400m'], ['256Mi', '256Mi'], ['1024', '1024']]) {
    assert.equal(canonicalQuantity(i!), o, i);
  }
});
