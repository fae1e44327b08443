// The pure rules behind the bad-input checks: quantities, pod-spec problems, image references,
// API-server noise. (The end-to-end behaviour is in test/integration/bad-input-*.test.ts.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalQuantity, parseQuantity, quantityError } from '../../../src/api/quantity.ts';
import { imageReferenceError } from '../../../src/api/serving/image.ts';
import { metadataProblems, podSpecProblems } from '../../../src/api/serving/podspec-validation.ts';
import { cleanApiNoise } from '../../../src/cli/errors.ts';

test('one quantity parser: canonical form, value and errors', () => {
  assert.equal(canonicalQuantity('1000m'), '1');
  assert.equal(canonicalQuantity('1024Mi'), '1Gi');
  assert.equal(parseQuantity('500m').nano, 500_000_000n);
  assert.equal(parseQuantity('1Ki').nano, 1024_000_000_000n);
  assert.ok(parseQuantity('-1').nano < 0n);
  assert.ok(parseQuantity('1001m').nano > parseQuantity('1').nano);
  assert.match(quantityError('lots')!, /quantities must match/);
  assert.equal(quantityError('1e3'), undefined);
});

test('image references', () => {
  for (const ok of ['nginx', 'ghcr.io/knative/helloworld-go:latest', 'localhost:5000/a/b:v1', 'a/b@sha256:abc123', 'dev.local/kn-ts/control-plane:0.1.0']) {
    assert.equal(imageReferenceError(ok), undefined, ok);
  }
  for (const bad of ['bad image!!', 'Upper/Case', 'x:', ' x', 'a//b', 'a/b:tag with space']) assert.ok(imageReferenceError(bad), bad);
});

test('pod spec problems name the field, the value and the rule', () => {
  const p = podSpecProblems(
    {
      containers: [{ image: 'a/b', resources: { requests: { cpu: '2' }, limits: { cpu: '1' } }, securityContext: { runAsUser: -1 }, ports: [{ containerPort: 0 }] }],
      serviceAccountName: 'Bad_SA',
      volumes: [{ name: 'v', configMap: { name: '' } }],
      tolerations: [{ operator: 'Exists', key: 'k', value: 'v' }],
    },
    'spec',
  );
  assert.deepEqual(
    p.map((x) => x.path),
    ['spec.containers[0].resources.requests.cpu', 'spec.containers[0].securityContext.runAsUser', 'spec.containers[0].ports[0].containerPort', 'spec.serviceAccountName', 'spec.volumes[0].configMap', 'spec.tolerations[0].value'],
  );
  assert.match(p[0]!.message, /the cpu request "2" must be less than or equal to the cpu limit "1"/);
  assert.deepEqual(podSpecProblems({ containers: [{ image: 'a/b', readinessProbe: { tcpSocket: { port: 0 as never } } }] }, 'spec'), [], "port 0 is Serving's default probe port");
  assert.match(metadataProblems({ labels: { 'networking.knative.dev/visibility': 'x' } }, 'metadata')[0]!.message, /only value is "cluster-local"/);
});

test('the API server note about unchecked CEL rules is dropped', () => {
  const raw =
    'Service.serving.knative.dev "x" is invalid: [spec.template.spec.containers[0].image: Required value, <nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation]';
  assert.equal(cleanApiNoise(raw), 'Service.serving.knative.dev "x" is invalid: spec.template.spec.containers[0].image: Required value');
  assert.equal(cleanApiNoise('The key "a" has been duplicate in [a=1 a=2]'), 'The key "a" has been duplicate in [a=1 a=2]');
});
