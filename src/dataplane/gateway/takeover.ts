// A raw-socket fast path in front of an http.Server (the gateway's fast.ts, the broker's
// fast-ingress.ts): taking over the server's connections, and handing one back to node:http
// between two requests with the bytes the fast path has not consumed.
import type http from 'node:http';
import type net from 'node:net';

/** A connection a fast path holds. */
export interface TakenConnection {
  readonly socket: net.Socket;
  readonly server: http.Server;
  /** No request in progress: closeIdleConnections() closes it. */
  readonly idle: boolean;
}

/**
 * Removes node:http's own 'connection' listener from `server` and calls `take` for each new
 * connection instead; server.closeAllConnections()/closeIdleConnections() also destroy the (idle)
 * connections of `conns` that belong to `server`. Returns node:http's listener, for handBack().
 */
export function takeOver(server: http.Server, conns: ReadonlySet<TakenConnection>, take: (s: net.Socket) => void): (s: net.Socket) => void {
  const node = server.listeners('connection')[0] as ((s: net.Socket) => void) | undefined;
  if (!node) throw new Error('http.Server without a connection listener');
  server.removeListener('connection', node);
  server.on('connection', take);
  const closeAll = server.closeAllConnections.bind(server);
  const closeIdle = server.closeIdleConnections.bind(server);
  server.closeAllConnections = () => {
    for (const c of [...conns]) if (c.server === server) c.socket.destroy();
    closeAll();
  };
  server.closeIdleConnections = () => {
    for (const c of [...conns]) if (c.server === server && c.idle) c.socket.destroy();
    closeIdle();
  };
  return node;
}

/** The listeners a fast path put on a socket (removed when it hands the socket back). */
export interface SocketListeners {
  data: (d: Buffer) => void;
  end: () => void;
  close: () => void;
  error: (e: Error) => void;
}

/**
 * Gives `socket` to node:http (`node`, from takeOver) between two requests: the fast path's
 * listeners removed, the bytes it has not consumed (`rest`) unshifted, a paused socket resumed.
 */
export function handBack(server: http.Server, node: (s: net.Socket) => void, socket: net.Socket, l: SocketListeners, rest: Buffer | null, paused: boolean): void {
  socket.removeListener('data', l.data);
  socket.removeListener('end', l.end);
  socket.removeListener('close', l.close);
  socket.removeListener('error', l.error);
  if (rest) socket.unshift(rest);
  if (paused) socket.resume();
  node.call(server, socket);
}
