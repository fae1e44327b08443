// Offline --target: file and directory mode, the exact errors, and the file upstream kn writes
// (Go struct shape: creationTimestamp: null, container name "" and resources {}, status {}).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Service } from '../../../src/api/serving/types.ts';
import { TargetStore, targetMode } from '../../../src/cli/serving/target.ts';

const svc = (name: string, image = 'knativesamples/helloworld'): Service => ({
  apiVersion: 'serving.knative.dev/v1',
  kind: 'Service',
  metadata: { name, namespace: 'ignored' },
  spec: { template: { metadata: { annotations: { 'client.knative.dev/user-image': image } }, spec: { containers: [{ image } as never] } } },
});

describe('--target', () => {
  it('mode from the suffix', () => {
    assert.deepEqual(targetMode('/x/a.yaml'), { fileMode: true, format: 'yaml' });
    assert.deepEqual(targetMode('/x/a.yml'), { fileMode: true, format: 'yaml' });
    assert.deepEqual(targetMode('/x/a.json'), { fileMode: true, format: 'json' });
    assert.deepEqual(targetMode('/x/dir'), { fileMode: false, format: 'yaml' });
  });

  it('directory mode writes <dir>/<namespace>/ksvc/<name>.yaml in Go struct shape', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kn-target-'));
    const store = new TargetStore(dir, 'test-ns');
    store.write(svc('gitopstest'));
    const p = join(dir, 'test-ns', 'ksvc', 'gitopstest.yaml');
    assert.equal(store.path('gitopstest'), p);
    assert.equal(
      readFileSync(p, 'utf8'),
      [
        'apiVersion: serving.knative.dev/v1',
        'kind: Service',
        'metadata:',
        '  creationTimestamp: null',
        '  name: gitopstest',
        '  namespace: ignored',
        'spec:',
        '  template:',
        '    metadata:',
        '      annotations:',
        '        client.knative.dev/user-image: knativesamples/helloworld',
        '      creationTimestamp: null',
        '    spec:',
        '      containers:',
        '      - image: knativesamples/helloworld',
        '        name: ""',
        '        resources: {}',
        'status: {}',
        '',
      ].join('\n'),
    );
    assert.equal(store.get('gitopstest').metadata.name, 'gitopstest');
    assert.deepEqual(store.list().map((s) => s.metadata.name), ['gitopstest']);
    store.delete('gitopstest');
    assert.equal(existsSync(p), false);
  });

  it('file mode writes JSON indented by 4 spaces, in Go field order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kn-target-'));
    const f = join(dir, 'svc.json');
    new TargetStore(f, 'default').write(svc('a'));
    const text = readFileSync(f, 'utf8');
    assert.ok(text.startsWith('{\n    "kind": "Service",\n    "apiVersion": "serving.knative.dev/v1",\n    "metadata": {\n        "name": "a",'), text);
    assert.ok(text.endsWith('    "status": {}\n}\n'));
    assert.equal(new TargetStore(f, 'other').get('whatever').metadata.name, 'a');
  });

  it('errors: missing directory, missing service, missing file on delete', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kn-target-'));
    const missing = join(dir, 'nope');
    assert.throws(() => new TargetStore(missing, 'ns').write(svc('a')), {
      message: `directory '${missing}' not present, please create the directory and try again`,
    });
    assert.throws(() => new TargetStore(dir, 'ns').get('a'), { message: 'services.serving.knative.dev "a" not found' });
    assert.throws(() => new TargetStore(dir, 'ns').update(svc('a')), { message: 'services.serving.knative.dev "a" not found' });
    assert.throws(() => new TargetStore(dir, 'ns').delete('a'), { message: `remove ${join(dir, 'ns', 'ksvc', 'a.yaml')}: no such file or directory` });
  });

  it('reads a hand-written YAML file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kn-target-'));
    const f = join(dir, 's.yml');
    writeFileSync(f, 'apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: hand\nspec:\n  template:\n    spec:\n      containers:\n      - image: x\n');
    assert.equal(new TargetStore(f, 'ns').list()[0]?.metadata.name, 'hand');
  });
});
