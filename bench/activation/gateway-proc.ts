// The gateway as bench/activation runs it: one process with the Activator (and, with "metrics", the
// StatsReporter sampling and reporting to the bench's intake), routing one host to a revision
// whose single endpoint the bench controls over stdin:
//   pending <port>   the endpoint is listed not ready (a pod starting): requests are held and probed
//   ready <port>     the endpoint is ready
// Each command is answered with "ok" on stdout.
//   node bench/activation/gateway-proc.ts <listenPort> [metrics <intakeUrl>]
import { createInterface } from 'node:readline';
import type { Ingress } from '../../src/api/networking/types.ts';
import { Activator } from '../../src/dataplane/gateway/activator.ts';
import { Gateway } from '../../src/dataplane/gateway/proxy.ts';
import { StatsReporter } from '../../src/dataplane/gateway/stats.ts';
import { type EndpointSlice, type SplitStats, buildRoutingTable } from '../../src/dataplane/gateway/table.ts';

const [listenPort = '0', mode = '', intake = ''] = process.argv.slice(2);
const ns = 'default';
const rev = 'hello-00001';
const ingress: Ingress = {
  metadata: { name: 'hello', namespace: ns, generation: 1 },
  spec: {
    rules: [
      {
        hosts: ['hello.default.example.com'],
        visibility: 'ExternalIP',
        http: { paths: [{ splits: [{ serviceNamespace: ns, serviceName: rev, servicePort: 80, percent: 100, appendHeaders: { 'Knative-Serving-Revision': rev, 'Knative-Serving-Namespace': ns } }] }] },
      },
    ],
  },
} as Ingress;
const slice = (port: number, ready: boolean): EndpointSlice => ({
  metadata: { name: `${rev}-x`, namespace: ns, labels: { 'kubernetes.io/service-name': rev } },
  addressType: 'IPv4',
  endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready } }],
  ports: [{ name: 'http', port }],
});

const stats = new Map<string, SplitStats>();
let reporter: StatsReporter | undefined;
// PROBE_MS: the activator's probe period (default 10 ms; upstream's activator uses 200 ms).
const activator = new Activator({ onPoke: (s) => reporter?.poke(s), ...(process.env.PROBE_MS ? { probeIntervalMs: Number(process.env.PROBE_MS) } : {}) });
if (mode === 'metrics') {
  reporter = new StatsReporter({ url: intake, gateway: `bench-${process.pid}`, stats, activator });
  reporter.start();
}
const gw = new Gateway({ activator });
const server = gw.createServer('external');
createInterface({ input: process.stdin }).on('line', (line) => {
  const [cmd, port] = line.trim().split(/\s+/);
  gw.setTable(buildRoutingTable([ingress], [slice(Number(port), cmd === 'ready')], { stats }));
  process.stdout.write('ok\n');
});
server.listen(Number(listenPort), '127.0.0.1', () => {
  const a = server.address();
  process.stdout.write(`listening ${typeof a === 'object' && a ? a.port : listenPort}\n`);
});
process.on('SIGTERM', () => process.exit(0));
