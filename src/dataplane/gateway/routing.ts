// Per-request routing helpers shared by the fast path and the node:http path: the request shape both
// paths hand to routing, path/header matching, the weighted split and round-robin endpoint pick.
// The table lookups themselves (host cache, rewriteHost) are Gateway.resolve() in proxy.ts.
import type { RoutePath, Split, Upstream } from './table.ts';

export type Listener = 'external' | 'internal';

/** What the routing code needs of a request: node's IncomingMessage and the fast path's FastRequest both fit. */
export interface Incoming {
  method?: string | undefined;
  url?: string | undefined;
  rawHeaders: string[];
  socket: { remoteAddress?: string | undefined };
}

export type Resolved = { split: Split; host: string | undefined; extra: [string, string][] | undefined } | { status: number; body: string };

/** The part of the Gateway the fast path calls. */
export interface Router {
  resolve(req: Incoming, listener: Listener): Resolved;
}

/** A header's value as node's req.headers gives it (repeated headers joined with ", "), from rawHeaders. */
export function headerValue(raw: string[], lower: string): string | undefined {
  let v: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const n = raw[i]!;
    if (n.length === lower.length && n.toLowerCase() === lower) v = v === undefined ? raw[i + 1]! : `${v}, ${raw[i + 1]!}`;
  }
  return v;
}

/** The Host header from rawHeaders (does not build req.headers). */
export function hostOf(req: Incoming): string | undefined {
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const n = raw[i]!;
    if (n.length === 4 && (n === 'Host' || n === 'host' || n.toLowerCase() === 'host')) return raw[i + 1];
  }
  return undefined;
}

export function matches(p: RoutePath, req: Incoming, url: string): boolean {
  if (p.prefix.length > 1 && !url.startsWith(p.prefix)) return false;
  const hs = p.headers;
  for (let i = 0; i < hs.length; i++) {
    const m = hs[i]!;
    if (headerValue(req.rawHeaders, m.name) !== m.value) return false;
  }
  return true;
}

export function pickSplit(p: RoutePath): Split | undefined {
  const splits = p.splits;
  if (splits.length === 1) return p.total > 0 ? splits[0] : undefined;
  if (p.total <= 0) return undefined;
  const r = Math.random() * p.total;
  const c = p.cumulative;
  for (let i = 0; i < c.length; i++) if (r < c[i]!) return splits[i];
  return splits[splits.length - 1];
}

/** One of the split's ready endpoints, round-robin. */
export function pickEndpoint(split: Split): Upstream {
  const eps = split.endpoints;
  return eps.length === 1 ? eps[0]! : eps[split.rr++ % eps.length]!;
}
