// Which request headers go upstream and which response headers go back: hop-by-hop headers stay on
// their hop (RFC 9110 §7.6.1), the routing headers of the split are set, X-Forwarded-* are added.
// Used by both the fast path and the node:http path.
import type { Incoming } from './routing.ts';
import type { Split } from './table.ts';

/**
 * The standard hop-by-hop headers (RFC 9110 §7.6.1: Connection, Keep-Alive, Proxy-Connection, TE,
 * Transfer-Encoding, Upgrade; and Trailer, Proxy-Authenticate of RFC 2616's list) are not forwarded;
 * Transfer-Encoding is framing, handled by each path itself. Lengths speed up the check.
 */
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

/**
 * The header names (lower-case) a Connection header value nominates as hop-by-hop (RFC 9110
 * §7.6.1): its comma-separated tokens, added to `into`.
 */
export function connectionTokens(value: string, into: string[]): string[] {
  let start = 0;
  for (let i = 0; i <= value.length; i++) {
    if (i < value.length && value.charCodeAt(i) !== 44 /* , */) continue;
    let a = start;
    let b = i;
    while (a < b && (value.charCodeAt(a) === 32 || value.charCodeAt(a) === 9)) a++;
    while (b > a && (value.charCodeAt(b - 1) === 32 || value.charCodeAt(b - 1) === 9)) b--;
    if (b > a) into.push(value.slice(a, b).toLowerCase());
    start = i + 1;
  }
  return into;
}

/** The names every Connection header in a flat [name, value, …] list nominates, or undefined when there is none. */
export function nominated(raw: string[]): string[] | undefined {
  let out: string[] | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const n = raw[i]!;
    if (n.length === 10 && n.toLowerCase() === 'connection') out = connectionTokens(raw[i + 1]!, out ?? []);
  }
  return out;
}

/** Whether a header of this name is one the connection's Connection header nominated (so it stays on this hop). */
export function isNominated(name: string, tokens: string[] | undefined): boolean {
  if (tokens === undefined) return false;
  const n = name.length;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.length === n && t === name.toLowerCase()) return true;
  }
  return false;
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

/**
 * The upstream request headers as a flat [name, value, …] list: the client's, without Host, the
 * hop-by-hop ones and those its Connection header nominates; then Host, the split's headers and
 * X-Forwarded-For/-Proto. An upgrade keeps `Connection: Upgrade` and its Upgrade header.
 */
export function upstreamHeaders(req: Incoming, split: Split, host: string | undefined, extra: [string, string][] | undefined, upgrade: boolean): string[] {
  const raw = req.rawHeaders;
  const app = split.appendHeaders;
  const out: string[] = [];
  const hop = nominated(raw);
  let xff: string | undefined;
  let proto = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const n = name.length;
    if (n === 4 && name.toLowerCase() === 'host') continue;
    if (upgrade && n === 7 && name.toLowerCase() === 'upgrade') {
      out.push(name, raw[i + 1]!);
      continue;
    }
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
    // The gateway replicas' own mark (owners.ts BREAKER_HOP) stays between them.
    if (n === 19 && name.toLowerCase() === 'k-kn-ts-breaker-hop') continue;
    if (isHopByHop(name) || isNominated(name, hop)) continue;
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
  if (upgrade) out.push('connection', 'Upgrade');
  if (host !== undefined) out.push('host', host);
  for (let j = 0; j < app.length; j++) out.push(app[j]![0], app[j]![1]);
  if (extra) for (let j = 0; j < extra.length; j++) if (!app.some((a) => a[0] === extra[j]![0])) out.push(extra[j]![0], extra[j]![1]);
  const peer = req.socket.remoteAddress;
  if (peer !== undefined) out.push('x-forwarded-for', xff === undefined ? peer : `${xff}, ${peer}`);
  else if (xff !== undefined) out.push('x-forwarded-for', xff);
  if (!proto) out.push('x-forwarded-proto', 'http');
  return out;
}
