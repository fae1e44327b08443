// Shared by the gateway's data-plane tests: a routing table with one host routed to one upstream
// on 127.0.0.x (built in memory, never stored in an API server), and a gateway listening on
// 127.0.0.1 in front of it.
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Ingress } from '../../src/api/networking/types.ts';
import { Gateway, type GatewayOptions } from '../../src/dataplane/gateway/proxy.ts';
import { type EndpointSlice, type RoutingTable, buildRoutingTable } from '../../src/dataplane/gateway/table.ts';

const NS = 'default';

/** `hosts` → service `service` (split header Knative-Serving-Revision: service) → ip:port. */
export function oneRouteTable(hosts: string[], service: string, ip: string, port: number): RoutingTable {
  const ingress: Ingress = {
    metadata: { name: service, namespace: NS, generation: 1 },
    spec: {
      rules: [
        {
          hosts,
          visibility: 'ExternalIP',
          http: { paths: [{ splits: [{ serviceNamespace: NS, serviceName: service, servicePort: 80, percent: 100, appendHeaders: { 'Knative-Serving-Revision': service } }] }] },
        },
      ],
    },
  };
  const slice: EndpointSlice = {
    metadata: { name: `${service}-x`, namespace: NS, labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    endpoints: [{ addresses: [ip], conditions: { ready: true } }],
    ports: [{ name: 'http', port }],
  };
  return buildRoutingTable([ingress], [slice]);
}

/** A Gateway with `table`, its external listener on 127.0.0.1; close() stops both. */
export async function listeningGateway(o: GatewayOptions, table: RoutingTable): Promise<{ gw: Gateway; server: http.Server; port: number; close(): void }> {
  const gw = new Gateway(o);
  gw.setTable(table);
  const server = gw.createServer('external');
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    gw,
    server,
    port: (server.address() as AddressInfo).port,
    close() {
      gw.close();
      server.close();
      server.closeAllConnections();
    },
  };
}
