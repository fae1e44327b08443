// What the activator probes (src/api/autoscaling/readiness.ts): the revision's readiness probe as a
// label value on its Kubernetes Service, and back; and the label makeK8sService writes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseReadinessLabel, READINESS_PROBE_LABEL, readinessLabel } from '../../src/api/autoscaling/readiness.ts';
import type { Revision } from '../../src/api/serving/types.ts';
import { makeK8sService } from '../../src/controller/revision/resources.ts';

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

describe('readiness probe label', () => {
  const rows: [string, Parameters<typeof readinessLabel>[0], ReturnType<typeof parseReadinessLabel>][] = [
    ['no probe: TCP', undefined, { kind: 'tcp' }],
    ['tcpSocket: TCP', { tcpSocket: { port: 8080 as never } }, { kind: 'tcp' }],
    ['exec: TCP (as queue-proxy)', { exec: { command: ['true'] } }, { kind: 'tcp' }],
    ['grpc: TCP', { grpc: { port: 8080 } }, { kind: 'tcp' }],
    ['httpGet /healthz', { httpGet: { path: '/healthz', port: 8080 as never } }, { kind: 'http', path: '/healthz' }],
    ['httpGet without a path: /', { httpGet: { port: 8080 as never } }, { kind: 'http', path: '/' }],
    ['httpGet path without a slash', { httpGet: { path: 'ready', port: 8080 as never } }, { kind: 'http', path: '/ready' }],
    ['httpGet with a query', { httpGet: { path: '/h?full=1', port: 8080 as never } }, { kind: 'http', path: '/h?full=1' }],
    ['httpGet scheme HTTP', { httpGet: { path: '/r', port: 8080 as never, scheme: 'HTTP' } }, { kind: 'http', path: '/r' }],
    ['httpGet scheme HTTPS: TCP', { httpGet: { path: '/r', port: 8080 as never, scheme: 'HTTPS' } }, { kind: 'tcp' }],
    ['a path too long for a label: TCP', { httpGet: { path: `/${'x'.repeat(40)}`, port: 8080 as never } }, { kind: 'tcp' }],
  ];
  for (const [name, probe, want] of rows) {
    it(name, () => {
      const v = readinessLabel(probe);
      if (v !== undefined) assert.match(v, LABEL_VALUE, 'a valid label value');
      assert.ok(v === undefined || v.length <= 63);
      assert.deepEqual(parseReadinessLabel(v), want);
    });
  }

  it('unreadable values mean TCP', () => {
    for (const v of ['', 'http', 'http.', 'http.2', 'http.zz', 'grpc.2f', 'http.61']) assert.deepEqual(parseReadinessLabel(v), { kind: 'tcp' }, v);
  });

  it("the revision's Kubernetes Service carries the serving container's HTTP probe", () => {
    const rev = (probe: unknown): Revision =>
      ({
        metadata: { name: 'hello-00001', namespace: 'default', uid: 'u1', labels: {}, annotations: {} },
        spec: { containers: [{ name: 'user-container', image: 'x', ports: [{ containerPort: 8080 }], readinessProbe: probe }] },
      }) as unknown as Revision;
    const label = (r: Revision) => makeK8sService(r).metadata.labels?.[READINESS_PROBE_LABEL];
    assert.deepEqual(parseReadinessLabel(label(rev({ httpGet: { path: '/ready', port: 0 } }))), { kind: 'http', path: '/ready' });
    assert.equal(label(rev({ tcpSocket: { port: 0 } })), undefined);
    assert.equal(label(rev(undefined)), undefined);
  });
});
