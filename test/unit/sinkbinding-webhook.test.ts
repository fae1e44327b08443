// The SinkBinding admission webhook for Jobs (src/controller/webhook/sinkbinding.ts) as rows: which
// reviews get a patch, and that the patch is the reconciler's own mutation (bindPodSpec).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../src/api/meta.ts';
import { bindPodSpec, injectionOf } from '../../src/api/sources/binding.ts';
import type { SinkBinding } from '../../src/api/sources/types.ts';
import type { AdmissionReview } from '../../src/controller/webhook/review.ts';
import { boundJobSpec, jobBindingReview } from '../../src/controller/webhook/sinkbinding.ts';

const NS = 'ns1';
type Subject = NonNullable<NonNullable<SinkBinding['spec']>['subject']>;
const binding = (name: string, subject: Partial<Subject>, o: { uri?: string; ceOverrides?: Record<string, string>; deleting?: boolean; namespace?: string } = {}): SinkBinding => ({
  apiVersion: 'sources.knative.dev/v1',
  kind: 'SinkBinding',
  metadata: { name, namespace: o.namespace ?? NS, ...(o.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
  spec: { subject: { apiVersion: 'batch/v1', kind: 'Job', ...subject }, sink: { uri: o.uri ?? 'http://sink.example/' }, ...(o.ceOverrides ? { ceOverrides: { extensions: o.ceOverrides } } : {}) },
  status: o.uri === '' ? {} : { sinkUri: o.uri ?? 'http://sink.example/' },
});
const job = (name: string, labels: Record<string, string> = {}): KubeObject =>
  ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace: NS, labels }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', env: [{ name: 'A', value: '1' }] }], initContainers: [{ name: 'i' }] } } } }) as KubeObject;
const envOf = (spec: ReturnType<typeof boundJobSpec>) => spec?.containers?.[0]?.env?.map((e) => `${e.name}=${e.value ?? ''}`);
const review = (object: KubeObject, o: { operation?: string; kind?: string; group?: string; subResource?: string } = {}): AdmissionReview => ({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request: { uid: 'u1', kind: { group: o.group ?? 'batch', version: 'v1', kind: o.kind ?? 'Job' }, namespace: NS, operation: o.operation ?? 'CREATE', object, ...(o.subResource ? { subResource: o.subResource } : {}) },
});
const patchOf = (r: AdmissionReview) => (r.response?.patch ? (JSON.parse(Buffer.from(r.response.patch, 'base64').toString()) as { op: string; path: string; value: unknown }[]) : undefined);

describe('SinkBinding on Jobs at admission: which bindings apply', () => {
  const rows: [string, SinkBinding[], KubeObject, string[] | undefined][] = [
    ['by label selector', [binding('b', { selector: { matchLabels: { app: 'x' } } })], job('j', { app: 'x' }), ['A=1', 'K_SINK=http://sink.example/', 'K_CE_OVERRIDES=']],
    ['by name', [binding('b', { name: 'j' })], job('j'), ['A=1', 'K_SINK=http://sink.example/', 'K_CE_OVERRIDES=']],
    ['with ceOverrides', [binding('b', { name: 'j' }, { ceOverrides: { z: '1', a: '2' } })], job('j'), ['A=1', 'K_SINK=http://sink.example/', 'K_CE_OVERRIDES={"extensions":{"a":"2","z":"1"}}']],
    ['labels not selected', [binding('b', { selector: { matchLabels: { app: 'x' } } })], job('j', { app: 'y' }), undefined],
    ['another name', [binding('b', { name: 'k' })], job('j'), undefined],
    ['a Deployment subject', [binding('b', { apiVersion: 'apps/v1', kind: 'Deployment', name: 'j' })], job('j'), undefined],
    ['the sink not resolved yet', [binding('b', { name: 'j' }, { uri: '' })], job('j'), undefined],
    ['the binding being deleted', [binding('b', { name: 'j' }, { deleting: true })], job('j'), undefined],
    ['a binding of another namespace', [binding('b', { name: 'j' }, { namespace: 'other' })], job('j'), undefined],
    ['two bindings: the last by name wins, as each replaces the variables', [binding('b2', { name: 'j' }, { uri: 'http://two/' }), binding('b1', { name: 'j' }, { uri: 'http://one/' })], job('j'), ['A=1', 'K_SINK=http://two/', 'K_CE_OVERRIDES=']],
  ];
  for (const [name, bindings, j, want] of rows) it(name, () => assert.deepEqual(envOf(boundJobSpec(j, bindings)), want));

  it('is the reconciler\'s mutation: init containers too, and a Job already bound needs no patch', () => {
    const b = binding('b', { name: 'j' });
    const spec = boundJobSpec(job('j'), [b])!;
    assert.deepEqual(spec, bindPodSpec((job('j') as { spec: { template: { spec: object } } }).spec.template.spec, injectionOf(b)));
    assert.deepEqual(spec.initContainers?.[0]?.env?.map((e) => e.name), ['K_SINK', 'K_CE_OVERRIDES']);
    const bound = { ...job('j'), spec: { template: { spec } } } as KubeObject;
    assert.equal(boundJobSpec(bound, [b]), undefined);
  });
});

describe('SinkBinding on Jobs at admission: the review', () => {
  const bindings = (ns: string) => (ns === NS ? [binding('b', { selector: { matchLabels: { app: 'x' } } })] : []);
  it('a Job created with a selecting binding gets one JSON patch of its pod spec', () => {
    const r = jobBindingReview(review(job('j', { app: 'x' })), bindings);
    assert.equal(r.response?.uid, 'u1');
    assert.equal(r.response?.allowed, true);
    assert.equal(r.response?.patchType, 'JSONPatch');
    const ops = patchOf(r)!;
    assert.deepEqual(ops.map((o) => `${o.op} ${o.path}`), ['replace /spec/template/spec']);
    assert.deepEqual(envOf(ops[0]!.value as ReturnType<typeof boundJobSpec>), ['A=1', 'K_SINK=http://sink.example/', 'K_CE_OVERRIDES=']);
  });
  const allowedUnchanged: [string, AdmissionReview][] = [
    ['an UPDATE', review(job('j', { app: 'x' }), { operation: 'UPDATE' })],
    ['a status subresource', review(job('j', { app: 'x' }), { subResource: 'status' })],
    ['a Deployment', review({ ...job('j', { app: 'x' }), apiVersion: 'apps/v1', kind: 'Deployment' }, { group: 'apps', kind: 'Deployment' })],
    ['a Job no binding selects', review(job('j', { app: 'y' }))],
  ];
  for (const [name, body] of allowedUnchanged)
    it(`${name}: allowed, no patch`, () => {
      const r = jobBindingReview(body, bindings);
      assert.deepEqual(r.response, { uid: 'u1', allowed: true });
    });
  it('a body without a request is refused with a one-line message', () => {
    assert.deepEqual(jobBindingReview({}, bindings).response, { uid: '', allowed: false, status: { code: 400, message: 'expected an AdmissionReview with a request' } });
  });
});
