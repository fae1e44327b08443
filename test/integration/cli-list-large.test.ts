// A list large enough that the API server compresses it (over 128 KiB): src/kube/client.ts asks for
// gzip as Go's client does, and `kn service list` (the direct runner, no oclif) prints it whole.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { KubeObject } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import { installServingCRDs } from '../harness/crds.ts';
import { freshNamespace, kube, runKn } from '../harness/env.ts';

const COUNT = 100;

describe('listing more than 128 KiB', () => {
  let ns: string;
  before(async () => {
    const c = await kube();
    await installServingCRDs(c);
    ns = await freshNamespace('biglist');
    const pad = 'x'.repeat(1500);
    const names = Array.from({ length: COUNT }, (_, i) => `big-${String(COUNT - i).padStart(3, '0')}`);
    for (let i = 0; i < names.length; i += 20) {
      await Promise.all(
        names.slice(i, i + 20).map((name) =>
          c.create<KubeObject>(R.Service, {
            apiVersion: 'serving.knative.dev/v1',
            kind: 'Service',
            metadata: { name, namespace: ns, annotations: { 'test.kn-ts.dev/pad': pad } },
            spec: { template: { spec: { containers: [{ image: `docker.io/example/${name}:v1` }] } } },
          } as KubeObject),
        ),
      );
    }
  });

  it('the client decodes the gzip-compressed list', async () => {
    const c = await kube();
    const list = await c.listAll(R.Service, { namespace: ns });
    assert.equal(list.items.length, COUNT);
    assert.equal(list.items[0]?.metadata.annotations?.['test.kn-ts.dev/pad']?.length, 1500);
  });

  it('kn service list prints every service, sorted; --log-http shows the compressed response', async () => {
    const r = await runKn(['service', 'list', '-n', ns, '--log-http']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, COUNT + 1);
    assert.match(lines[0]!, /^NAME\s+URL\s+LATEST\s+AGE\s+CONDITIONS\s+READY\s+REASON$/);
    assert.ok(lines[1]!.startsWith('big-001 '));
    assert.ok(lines[COUNT]!.startsWith(`big-${COUNT} `));
    assert.match(r.stderr, /content-encoding: gzip/i);
    assert.match(r.stderr, /Accept-Encoding: gzip/);
  });

  it('kn service list -o json carries the whole objects', async () => {
    const r = await runKn(['service', 'list', '-n', ns, '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { items: KubeObject[] };
    assert.equal(out.items.length, COUNT);
    assert.equal(out.items[0]?.metadata.annotations?.['test.kn-ts.dev/pad']?.length, 1500);
  });
});
