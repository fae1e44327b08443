// kn service apply's bookkeeping (the last-applied encoding and the 3-way merge patch), -f files,
// --force replacement and export shaping: pure parts of src/cli/serving/{service,export}.ts.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Revision, Service } from '../../../src/api/serving/types.ts';
import { buildExport, toGoYaml } from '../../../src/cli/serving/export.ts';
import { LAST_APPLIED_ANNOTATION as LAST_APPLIED } from '../../../src/api/meta.ts';
import { encodeForApply, prepareReplace, serviceFromFile, threeWayMergePatch, withLastApplied } from '../../../src/cli/serving/service.ts';

const svc = (image: string, extra: Record<string, string> = {}): Service => ({
  apiVersion: 'serving.knative.dev/v1',
  kind: 'Service',
  metadata: { name: 'a', namespace: 'ns' },
  spec: { template: { metadata: { annotations: { 'client.knative.dev/user-image': image, ...extra } }, spec: { containers: [{ image } as never] } } },
});

describe('apply: last-applied encoding', () => {
  it('sorted keys, no status or creationTimestamp, empty container name kept', () => {
    const enc = encodeForApply({ ...svc('img'), status: { url: 'x' } } as Service);
    assert.equal(
      JSON.stringify(enc),
      '{"apiVersion":"serving.knative.dev/v1","kind":"Service","metadata":{"name":"a","namespace":"ns"},"spec":{"template":{"metadata":{"annotations":{"client.knative.dev/user-image":"img"}},"spec":{"containers":[{"image":"img","name":""}]}}}}',
    );
  });
  it('the annotation holds the encoding of the object without it', () => {
    const m = withLastApplied(svc('img')) as { metadata: { annotations: Record<string, string> } };
    assert.equal(m.metadata.annotations[LAST_APPLIED], JSON.stringify(encodeForApply(svc('img'))));
  });
});

describe('apply: 3-way merge patch', () => {
  it('no change gives {}', () => {
    const m = withLastApplied(svc('img'));
    const current = { ...structuredClone(m), status: { observedGeneration: 1 } } as never;
    const original = JSON.parse((m as { metadata: { annotations: Record<string, string> } }).metadata.annotations[LAST_APPLIED]!);
    assert.deepEqual(threeWayMergePatch(original, m, current), {});
  });
  it('a removed key is deleted (null), a changed one set, server-only fields left alone', () => {
    const original = { spec: { a: 1, b: 2 }, metadata: { labels: { x: '1' } } };
    const modified = { spec: { a: 3 }, metadata: { labels: {} } };
    const current = { spec: { a: 1, b: 2, serverDefault: true }, metadata: { labels: { x: '1', server: 'y' } } };
    assert.deepEqual(threeWayMergePatch(original, modified, current), { spec: { a: 3, b: null }, metadata: { labels: { x: null } } });
  });
  it('arrays are replaced whole', () => {
    assert.deepEqual(threeWayMergePatch({ l: [1] }, { l: [1, 2] }, { l: [1] }), { l: [1, 2] });
  });
});

describe('create -f and --force', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kn-svc-file-'));
  const f = join(dir, 's.yaml');
  writeFileSync(f, 'apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: fromfile\nspec:\n  template:\n    spec:\n      containers:\n      - image: x\n');
  it('name from the file; the argument must match', () => {
    assert.equal(serviceFromFile(f, '', 'ns').metadata.name, 'fromfile');
    assert.equal(serviceFromFile(f, 'fromfile', 'ns').metadata.namespace, 'ns');
    assert.throws(() => serviceFromFile(f, 'other', 'ns'), { message: "provided service name 'other' doesn't match name from file 'fromfile'" });
  });
  it('no name anywhere', () => {
    const g = join(dir, 'noname.yaml');
    writeFileSync(g, 'apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {}\nspec:\n  template:\n    spec:\n      containers: []\n');
    assert.throws(() => serviceFromFile(g, '', 'ns'), { message: 'no service name provided in command parameter or file' });
  });
  it('a missing file reads like Go', () => {
    assert.throws(() => serviceFromFile(join(dir, 'nope.yaml'), 'a', 'ns'), { message: `open ${join(dir, 'nope.yaml')}: no such file or directory` });
  });
  it('--force keeps creator and lastModifier and the resourceVersion', () => {
    const cur = { ...svc('old'), metadata: { name: 'a', resourceVersion: '7', annotations: { 'serving.knative.dev/creator': 'alice', 'serving.knative.dev/lastModifier': 'bob', other: 'x' } } };
    const r = prepareReplace(svc('new'), cur);
    assert.deepEqual(r.metadata.annotations, { 'serving.knative.dev/creator': 'alice', 'serving.knative.dev/lastModifier': 'bob' });
    assert.equal(r.metadata.resourceVersion, '7');
  });
});

describe('export', () => {
  const live: Service = {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: {
      name: 'foo',
      namespace: 'ns',
      uid: 'u',
      resourceVersion: '9',
      generation: 3,
      labels: { 'serving.knative.dev/serviceUID': 'x', keep: 'y' },
      annotations: { 'serving.knative.dev/creator': 'alice', note: 'n' },
    },
    spec: {
      template: { metadata: { name: 'foo-rev-3', annotations: { 'client.knative.dev/updateTimestamp': 't', 'client.knative.dev/user-image': 'img' } }, spec: { containers: [{ image: 'img' } as never] } },
      traffic: [{ revisionName: 'foo-rev-1', percent: 50, latestRevision: false }, { latestRevision: true, percent: 50 }],
    },
    status: { latestReadyRevisionName: 'foo-rev-3', url: 'http://foo' },
  };
  const rev = (n: number): Revision => ({
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Revision',
    metadata: { name: `foo-rev-${n}`, uid: 'r', labels: { 'serving.knative.dev/configurationGeneration': String(n) }, annotations: { 'serving.knative.dev/creator': 'alice' } },
    spec: { containers: [{ image: 'img', name: 'user-container' } as never] },
  });
  it('without revisions: Export with the stripped service and revisions: null', () => {
    assert.equal(
      toGoYaml(buildExport(live, undefined, false)),
      [
        'apiVersion: client.knative.dev/v1alpha1',
        'kind: Export',
        'metadata:',
        '  creationTimestamp: null',
        'spec:',
        '  revisions: null',
        '  service:',
        '    apiVersion: serving.knative.dev/v1',
        '    kind: Service',
        '    metadata:',
        '      annotations:',
        '        note: "n"',
        '      creationTimestamp: null',
        '      labels:',
        '        keep: "y"',
        '      name: foo',
        '    spec:',
        '      template:',
        '        metadata:',
        '          annotations:',
        '            client.knative.dev/user-image: img',
        '          creationTimestamp: null',
        '          name: foo-rev-3',
        '        spec:',
        '          containers:',
        '          - image: img',
        '            name: ""',
        '            resources: {}',
        '    status: {}',
        '',
      ].join('\n'),
    );
  });
  it('with revisions: routed revisions only, oldest first, traffic as stored (as upstream)', () => {
    const e = buildExport(live, [rev(3), rev(1), rev(2)], true) as unknown as { spec: { revisions: { metadata: { name: string; annotations?: object } }[]; service: { spec: { traffic: object[] } } } };
    assert.deepEqual(e.spec.revisions.map((r) => r.metadata.name), ['foo-rev-1']);
    // Go's omitempty: annotations emptied by the stripping are not written.
    assert.equal(e.spec.revisions[0]!.metadata.annotations, undefined);
    // A latestRevision target names no revision, so the export imports as it is.
    assert.deepEqual(e.spec.service.spec.traffic, [
      { revisionName: 'foo-rev-1', latestRevision: false, percent: 50 },
      { latestRevision: true, percent: 50 },
    ]);
  });
  it('with revisions but none found', () => {
    assert.throws(() => buildExport(live, [], true), { message: 'no revisions found for the service foo' });
  });
});
