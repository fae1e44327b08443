// The defaulting webhook's AdmissionReview handling (src/controller/webhook/review.ts): what it
// patches, what it leaves alone, and the certificate it serves with.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import { DEFAULTS } from '../../../src/api/serving/defaults.ts';
import { certUsable, generateCerts } from '../../../src/controller/webhook/certs.ts';
import { type AdmissionReview, review } from '../../../src/controller/webhook/review.ts';

const req = (over: Partial<NonNullable<AdmissionReview['request']>>): AdmissionReview => ({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request: {
    uid: 'u1',
    kind: { group: 'serving.knative.dev', version: 'v1', kind: 'Service' },
    operation: 'CREATE',
    namespace: 'ns',
    userInfo: { username: 'alice' },
    object: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 's', namespace: 'ns' }, spec: { template: { spec: { containers: [{ image: 'x' }] } } } } as never,
    ...over,
  },
});
const patchOf = (r: AdmissionReview) => JSON.parse(Buffer.from(r.response?.patch ?? '', 'base64').toString() || '[]') as { op: string; path: string; value: unknown }[];

describe('defaulting webhook review', () => {
  it('patches a created Service: spec defaults, traffic, creator and lastModifier', () => {
    const r = review(req({}), DEFAULTS);
    assert.equal(r.response?.uid, 'u1');
    assert.equal(r.response?.allowed, true);
    assert.equal(r.response?.patchType, 'JSONPatch');
    const ops = patchOf(r);
    assert.deepEqual(ops.map((o) => o.path), ['/spec', '/metadata/annotations']);
    const spec = ops[0]?.value as { template: { spec: { containers: { name: string }[]; timeoutSeconds: number } }; traffic: unknown };
    assert.equal(spec.template.spec.containers[0]?.name, 'user-container');
    assert.equal(spec.template.spec.timeoutSeconds, 300);
    assert.deepEqual(spec.traffic, [{ latestRevision: true, percent: 100 }]);
    assert.deepEqual(ops[1]?.value, { 'serving.knative.dev/creator': 'alice', 'serving.knative.dev/lastModifier': 'alice' });
  });

  it('sends no patch when nothing changes (an update that only repeats a defaulted object)', () => {
    const first = patchOf(review(req({}), DEFAULTS));
    const stored = { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 's', namespace: 'ns', annotations: first[1]?.value as Record<string, string> }, spec: first[0]?.value };
    const r = review(req({ operation: 'UPDATE', object: structuredClone(stored) as never, oldObject: stored as never, userInfo: { username: 'bob' } }), DEFAULTS);
    assert.equal(r.response?.allowed, true);
    assert.equal(r.response?.patch, undefined);
  });

  it('leaves a Configuration owned by a Service without creator (the controller wrote it)', () => {
    const object = { apiVersion: 'serving.knative.dev/v1', kind: 'Configuration', metadata: { name: 's', ownerReferences: [{ kind: 'Service', name: 's' }] }, spec: { template: { spec: { containers: [{ image: 'x' }] } } } };
    const ops = patchOf(review(req({ kind: { group: 'serving.knative.dev', version: 'v1', kind: 'Configuration' }, object: object as never }), DEFAULTS));
    assert.deepEqual(ops.map((o) => o.path), ['/spec']);
  });

  it('allows other groups, deletes and status writes untouched', () => {
    for (const over of [
      { kind: { group: 'apps', version: 'v1', kind: 'Deployment' } },
      { operation: 'DELETE' },
      { subResource: 'status' },
    ]) {
      const r = review(req(over), DEFAULTS);
      assert.deepEqual(r.response, { uid: 'u1', allowed: true });
    }
  });

  it('refuses a body that is not a review', () => {
    const r = review({} as AdmissionReview, DEFAULTS);
    assert.equal(r.response?.allowed, false);
    assert.match(r.response?.status?.message ?? '', /expected an AdmissionReview/);
  });
});

describe('webhook certificate', () => {
  it('a CA-signed server certificate for the Service names and 127.0.0.1', () => {
    const b = generateCerts(['webhook.knative-serving.svc'], ['127.0.0.1']);
    const ca = new X509Certificate(b.caCert);
    const srv = new X509Certificate(b.serverCert);
    assert.ok(srv.verify(ca.publicKey), 'signed by the CA');
    assert.ok(srv.checkHost('webhook.knative-serving.svc'));
    assert.ok(srv.checkIP('127.0.0.1'));
    assert.equal(ca.ca, true);
    assert.ok(certUsable(b, ['webhook.knative-serving.svc'], ['127.0.0.1']));
    assert.ok(!certUsable(b, ['webhook.other.svc'], []), 'other names need a new certificate');
    assert.ok(!certUsable(b, ['webhook.knative-serving.svc'], [], new Date(Date.now() + 360 * 24 * 3600 * 1000)), 'renewed a week before expiry');
  });
});
