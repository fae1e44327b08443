// WebSocket (and any other Upgrade) through the node:http path: a dedicated upstream connection per
// upgrade, the upstream's 101 relayed, then both sockets piped to each other.
import type * as Http from 'node:http';
import { http } from './node-http.ts';
import type { Duplex } from 'node:stream';
import { isHopByHop, isNominated, nominated, upstreamHeaders } from './headers.ts';
import { rawReply } from './replies.ts';
import { type Resolved, pickEndpoint } from './routing.ts';

/** Open tunnels (no longer tracked by their http.Server), so that close() can end them. */
export class Tunnels {
  private readonly open = new Set<Duplex>();

  close(): void {
    for (const t of this.open) t.destroy();
    this.open.clear();
  }

  /** Proxies an upgrade request that routing resolved to r. */
  proxy(req: Http.IncomingMessage, socket: Duplex, head: Buffer, r: Resolved): void {
    socket.on('error', () => socket.destroy());
    if ('status' in r) {
      rawReply(socket, r.status, r.body);
      return;
    }
    const split = r.split;
    if (split.endpoints.length === 0) {
      rawReply(socket, 503, `no ready endpoints for revision "${split.revision}" in namespace "${split.namespace}" (service ${split.key})\n`);
      return;
    }
    const ep = pickEndpoint(split);
    const headers = upstreamHeaders(req, split, r.host, r.extra, true);
    // Upgraded connections leave the pool anyway; a dedicated connection keeps the pool clean.
    const up = http.request({ host: ep.host, port: ep.port, method: req.method, path: req.url, headers, agent: false, setHost: false });
    const stats = split.stats;
    stats.inFlight++;
    stats.requests++;
    let counted = true;
    const release = () => {
      if (counted) {
        counted = false;
        stats.inFlight--;
      }
    };
    socket.once('close', () => {
      release();
      up.destroy();
    });
    up.on('upgrade', (upRes, upSocket, upHead) => {
      let head101 = `HTTP/1.1 ${upRes.statusCode ?? 101} ${upRes.statusMessage ?? 'Switching Protocols'}\r\n`;
      // Connection and Upgrade say what the connection switches to; the other hop-by-hop headers
      // and those Connection nominates stay on the upstream hop.
      const raw = upRes.rawHeaders;
      const hop = nominated(raw);
      for (let i = 0; i < raw.length; i += 2) {
        const n = raw[i]!;
        const l = n.toLowerCase();
        if (l !== 'connection' && l !== 'upgrade' && (isHopByHop(n) || isNominated(n, hop))) continue;
        head101 += `${n}: ${raw[i + 1]!}\r\n`;
      }
      socket.write(`${head101}\r\n`);
      if (upHead.length > 0) socket.write(upHead);
      if (head.length > 0) upSocket.write(head);
      this.open.add(socket);
      this.open.add(upSocket);
      upSocket.on('error', () => socket.destroy());
      upSocket.on('close', () => {
        this.open.delete(upSocket);
        socket.destroy();
      });
      socket.on('close', () => {
        this.open.delete(socket);
        upSocket.destroy();
      });
      upSocket.pipe(socket);
      socket.pipe(upSocket);
    });
    up.on('response', (upRes) => {
      // The upstream refused the upgrade: relay its answer and close.
      let text = `HTTP/1.1 ${upRes.statusCode ?? 502} ${upRes.statusMessage ?? ''}\r\n`;
      const raw = upRes.rawHeaders;
      const hop = nominated(raw);
      // The body is relayed decoded and ended by the close: no Transfer-Encoding.
      for (let i = 0; i < raw.length; i += 2) {
        const n = raw[i]!;
        if (isHopByHop(n) || isNominated(n, hop) || (n.length === 17 && n.toLowerCase() === 'transfer-encoding')) continue;
        text += `${n}: ${raw[i + 1]!}\r\n`;
      }
      socket.write(`${text}connection: close\r\n\r\n`);
      upRes.pipe(socket);
    });
    up.on('error', (e: NodeJS.ErrnoException) => {
      release();
      rawReply(socket, 502, `upstream ${ep.host}:${ep.port} for revision "${split.revision}": ${e.code ?? e.message}\n`);
    });
    up.end();
  }
}
