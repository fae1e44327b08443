// The gateway as the benchmark runs it: one process, a routing table built in memory from a
// KIngress and an EndpointSlice that point at the benchmark upstream on 127.0.0.1.
//   node bench/gateway/gateway-proc.ts <listenPort> <upstreamPort>
import type { Ingress } from '../../src/api/networking/types.ts';
import { Gateway } from '../../src/dataplane/gateway/proxy.ts';
import { type EndpointSlice, buildRoutingTable } from '../../src/dataplane/gateway/table.ts';

const [listenPort = '0', upstreamPort = '0'] = process.argv.slice(2);
const ns = 'default';
const ingress: Ingress = {
  metadata: { name: 'hello', namespace: ns, generation: 1 },
  spec: {
    rules: [
      {
        hosts: ['hello.default.example.com'],
        visibility: 'ExternalIP',
        http: {
          paths: [
            {
              splits: [
                {
                  serviceNamespace: ns,
                  serviceName: 'hello-00001',
                  servicePort: 80,
                  percent: 100,
                  appendHeaders: { 'Knative-Serving-Revision': 'hello-00001', 'Knative-Serving-Namespace': ns },
                },
              ],
            },
          ],
        },
      },
    ],
  },
};
const slice: EndpointSlice = {
  metadata: { name: 'hello-00001-x', namespace: ns, labels: { 'kubernetes.io/service-name': 'hello-00001' } },
  addressType: 'IPv4',
  endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
  ports: [{ name: 'http', port: Number(upstreamPort) }],
};
const gw = new Gateway();
gw.setTable(buildRoutingTable([ingress], [slice]));
const server = gw.createServer('external');
server.listen(Number(listenPort), '127.0.0.1', () => {
  const a = server.address();
  process.stdout.write(`${typeof a === 'object' && a ? a.port : listenPort}\n`);
});
process.on('SIGTERM', () => process.exit(0));
