// Which request headers go upstream and which response headers go back: hop-by-hop headers stay on
// their hop (RFC 9110 §7.6.1), the routing headers of the split are set, X-Forwarded-* are added.
// Used by both the fast path and the node:http path.
import type { Incoming } from './routing.ts';
import type { Split } from './table.ts';

/** Hop-by-hop headers (RFC 9110 §7.6.1) are not forwarded; lengths speed up the check. */
export function isHopByHop(name: string): boolean {
  switch (name.length) {
    case 2:
      return name.toLowerCase() === 'te';
    case 7:
      return name.toLowerCase() === 'upgrade' || name.toLowerCase() === 'trailer';
    case 10: {
      const l = name.toLowerCase();
      return l === 'connection' || l === 'keep-alive';
    }
    case 16:
      return name.toLowerCase() === 'proxy-connection';
    case 19:
      return name.toLowerCase() === 'proxy-authenticate';
    default:
      return false;
  }
}

/** Whether the request has a body (Transfer-Encoding, or a non-zero Content-Length), from rawHeaders. */
export function hasBody(req: Incoming): boolean {
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const n = raw[i]!;
    if (n.length === 17 && n.toLowerCase() === 'transfer-encoding') return true;
    if (n.length === 14 && n.toLowerCase() === 'content-length' && raw[i + 1] !== '0') return true;
  }
  return false;
}

/** The upstream request headers as a flat [name, value, …] list. */
export function upstreamHeaders(req: Incoming, split: Split, host: string | undefined, extra: [string, string][] | undefined, upgrade: boolean): string[] {
  const raw = req.rawHeaders;
  const app = split.appendHeaders;
  const out: string[] = [];
  let xff: string | undefined;
  let proto = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const n = name.length;
    if (n === 4 && name.toLowerCase() === 'host') continue;
    if (n === 15 && name.toLowerCase() === 'x-forwarded-for') {
      xff = xff === undefined ? raw[i + 1]! : `${xff}, ${raw[i + 1]!}`;
      continue;
    }
    if (n === 17) {
      const l = name.toLowerCase();
      if (l === 'x-forwarded-proto') proto = true;
      // The upstream client frames the body itself (chunked when there is no Content-Length).
      else if (l === 'transfer-encoding' && !upgrade) continue;
    }
    // node's server has answered an Expect: 100-continue already.
    if (n === 6 && !upgrade && name.toLowerCase() === 'expect') continue;
    if (!upgrade && isHopByHop(name)) continue;
    let replaced = false;
    for (let j = 0; j < app.length; j++) {
      const a = app[j]![0];
      if (a.length === n && a === name.toLowerCase()) {
        replaced = true;
        break;
      }
    }
    if (!replaced && extra) {
      for (let j = 0; j < extra.length; j++) {
        const a = extra[j]![0];
        if (a.length === n && a === name.toLowerCase()) {
          replaced = true;
          break;
        }
      }
    }
    if (replaced) continue;
    out.push(name, raw[i + 1]!);
  }
  if (host !== undefined) out.push('host', host);
  for (let j = 0; j < app.length; j++) out.push(app[j]![0], app[j]![1]);
  if (extra) for (let j = 0; j < extra.length; j++) if (!app.some((a) => a[0] === extra[j]![0])) out.push(extra[j]![0], extra[j]![1]);
  const peer = req.socket.remoteAddress;
  if (peer !== undefined) out.push('x-forwarded-for', xff === undefined ? peer : `${xff}, ${peer}`);
  else if (xff !== undefined) out.push('x-forwarded-for', xff);
  if (!proto) out.push('x-forwarded-proto', 'http');
  return out;
}
