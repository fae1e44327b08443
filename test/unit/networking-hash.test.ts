// The KIngress hash against upstream's: the expected values were printed by knative.dev/networking's
// own ingress.ComputeHash (the networking version scripts/build-conformance.sh builds) for the same
// JSON, decoded into its Go types.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { goIngressSpec, ingressHash } from '../../src/api/networking/hash.ts';
import type { Ingress } from '../../src/api/networking/types.ts';

const ING1 = {
  metadata: { name: 'hello', namespace: 'default' },
  spec: {
    httpOption: 'Enabled',
    rules: [
      {
        hosts: ['hello.default', 'hello.default.svc.cluster.local'],
        visibility: 'ClusterLocal',
        http: {
          paths: [
            {
              splits: [{ serviceNamespace: 'default', serviceName: 'hello-00001', servicePort: 80, percent: 100, appendHeaders: { 'Knative-Serving-Revision': 'hello-00001', 'Knative-Serving-Namespace': 'default' } }],
              headers: { 'Knative-Serving-Tag': { exact: 'x<y&z' } },
            },
          ],
        },
      },
      {
        hosts: ['hello.default.example.com'],
        visibility: 'ExternalIP',
        http: { paths: [{ path: '/a', rewriteHost: 'r.example', splits: [{ serviceNamespace: 'default', serviceName: 'hello-00002', servicePort: 'http', percent: 0 }], appendHeaders: { b: '1', a: '2' } }] },
      },
    ],
  },
} as Ingress;

const ING2 = {
  metadata: { name: 'x', namespace: 'ns' },
  spec: { rules: [{ hosts: ['x.ns'], http: { paths: [{ splits: [{ serviceNamespace: 'ns', serviceName: 'x', servicePort: 8080 }] }] } }], tls: [{ hosts: ['a'], secretName: 's', secretNamespace: 'n' }] },
} as Ingress;

describe('KIngress hash (K-Network-Hash)', () => {
  it("writes the spec as Go's json.Marshal does (field order, omitempty, sorted maps, HTML escapes)", () => {
    assert.equal(
      goIngressSpec(ING1.spec),
      '{"rules":[{"hosts":["hello.default","hello.default.svc.cluster.local"],"visibility":"ClusterLocal","http":{"paths":[{"headers":{"Knative-Serving-Tag":{"exact":"x\\u003cy\\u0026z"}},"splits":[{"serviceNamespace":"default","serviceName":"hello-00001","servicePort":80,"percent":100,"appendHeaders":{"Knative-Serving-Namespace":"default","Knative-Serving-Revision":"hello-00001"}}]}]}},{"hosts":["hello.default.example.com"],"visibility":"ExternalIP","http":{"paths":[{"path":"/a","rewriteHost":"r.example","splits":[{"serviceNamespace":"default","serviceName":"hello-00002","servicePort":"http"}],"appendHeaders":{"a":"2","b":"1"}}]}}],"httpOption":"Enabled"}',
    );
  });

  it("equals upstream's ComputeHash", () => {
    assert.equal(ingressHash(ING1), '7dec5e6ea651196bd0ef185fe6a8333fa09f87c4f1bb1da61cacb2c60ad059c1');
    assert.equal(ingressHash(ING2), 'a08292347640c729f47e986534962189290c11c67e402b6841b8ff17a9eaaa11');
  });
});
