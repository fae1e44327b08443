// The admin port: /healthz, /readyz, /metrics and /__kn_ts/served (the KIngress generations this
// replica serves, which the status writer of the leader replica collects from every replica).
// The metrics registry is asked for on each scrape, so main.ts can load prom-client on the first
// one (docs/adr/0030-gateway-memory.md).
import type * as Http from 'node:http';
import { http } from './node-http.ts';
import type { Registry } from 'prom-client';
import type { Gateway } from './proxy.ts';

export const SERVED_PATH = '/__kn_ts/served';

export interface ServedDocument {
  /** `namespace/name` → metadata.generation of every KIngress in this replica's routing table. */
  generations: Record<string, number>;
}

export function createAdminServer(gw: Gateway, registry: () => Promise<Registry>, isReady: () => boolean): Http.Server {
  return http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    switch (path) {
      case '/healthz':
        send(200, 'text/plain', 'ok\n');
        return;
      case '/readyz':
        if (isReady()) send(200, 'text/plain', 'ok\n');
        else send(503, 'text/plain', 'routing table not yet built from the informers\n');
        return;
      case '/metrics':
        registry()
          .then(async (r) => send(200, r.contentType, await r.metrics()))
          .catch((e: Error) => send(500, 'text/plain', `${e.message}\n`));
        return;
      case SERVED_PATH: {
        const doc: ServedDocument = { generations: Object.fromEntries(gw.routingTable.generations) };
        send(200, 'application/json', JSON.stringify(doc));
        return;
      }
      default:
        send(404, 'text/plain', 'not found: try /healthz, /readyz, /metrics or /__kn_ts/served\n');
    }
  });
}
