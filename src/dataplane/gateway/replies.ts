// The gateway's own answers (404, 502, 503, 504, 508): short plain-text bodies, the same on the fast
// path (a string written to the socket), the node:http path (a ServerResponse) and a raw socket
// (an upgrade that cannot be proxied).
import type * as Http from 'node:http';
import { http } from './node-http.ts';
import type { Duplex } from 'node:stream';

export const TEXT = 'text/plain; charset=utf-8';

/** A complete response as one string (the fast path writes it in one go). */
export function plainText(status: number, body: string, close: boolean): string {
  return `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\ncontent-type: ${TEXT}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${close ? 'connection: close\r\n' : ''}\r\n${body}`;
}

/** Answers on a ServerResponse, or destroys it when its head went out already. */
export function plain(res: Http.ServerResponse, status: number, body: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': TEXT, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Answers on a raw socket and closes it. */
export function rawReply(socket: Duplex, status: number, body: string): void {
  if (socket.destroyed) return;
  socket.end(plainText(status, body, true));
}
