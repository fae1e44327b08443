// The gateway as the benchmark runs it: one process, a routing table built in memory from a
// KIngress and an EndpointSlice that point at the benchmark upstream on 127.0.0.1.
//   node bench/gateway/gateway-proc.ts <listenPort> <upstreamPort> [workers] [fast]
// fast = 1: the raw-socket HTTP/1.1 fast path (GatewayOptions.fastPath) on; 0: off.
// KN_TS_GATEWAY_ACCESS_LOG=1: the access log on, written (asynchronously) to /dev/null.
// workers > 1 runs that many processes with node:cluster sharing the port (an experiment: the
// product scales by replicas, see docs/adr/0006-gateway.md).
import cluster from 'node:cluster';
import { pino } from 'pino';
import type { Ingress } from '../../src/api/networking/types.ts';
import { accessLogFromEnv } from '../../src/dataplane/gateway/log.ts';
import { Gateway } from '../../src/dataplane/gateway/proxy.ts';
import { type EndpointSlice, buildRoutingTable } from '../../src/dataplane/gateway/table.ts';

const [listenPort = '0', upstreamPort = '0', workersArg = '1', fastArg = '0'] = process.argv.slice(2);
const workers = Math.max(1, Math.min(8, Number(workersArg)));
if (workers > 1 && cluster.isPrimary) {
  let up = 0;
  for (let i = 0; i < workers; i++) {
    cluster.fork().on('message', (m: string) => {
      if (++up === workers) process.stdout.write(`${m}\n`);
    });
  }
  process.on('SIGTERM', () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.kill('SIGTERM');
    process.exit(0);
  });
} else {
  serve();
}

function serve(): void {
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
const accessLog = accessLogFromEnv();
const log = accessLog ? pino({ name: 'gateway' }, pino.destination({ dest: '/dev/null', sync: false })) : undefined;
const gw = new Gateway({ fastPath: fastArg === '1', ...(log ? { log, accessLog } : {}) });
gw.setTable(buildRoutingTable([ingress], [slice]));
const server = gw.createServer('external');
server.listen(Number(listenPort), '127.0.0.1', () => {
  const a = server.address();
  const port = `${typeof a === 'object' && a ? a.port : listenPort}`;
  if (process.send) process.send(port);
  else process.stdout.write(`${port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
}
