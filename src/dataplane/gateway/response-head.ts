// The fast path's reading of an upstream's response head: status, framing (RFC 9112 §6.3), whether
// the connection can be reused, and the head the client gets (hop-by-hop headers dropped). Pure: no
// I/O; fuzzed against node's own parser by test/dataplane/gateway-fuzz.test.ts.
import { connectionTokens, isNominated } from './headers.ts';
import { digitsOnly, isToken, owsTrimmed } from './http-syntax.ts';

/** How long an idle upstream connection is kept, at most. */
export const UPSTREAM_IDLE_MS = 4_000;

/** Response framing. */
export const NONE = 0; // complete after the head
export const LENGTH = 1;
export const CHUNKED = 2;
export const UNTIL_CLOSE = 3;

/** What parseResponseHead() sets (an upstream connection is one). */
export interface ResponseFraming {
  framing: number;
  /** Content-Length, with LENGTH framing. */
  left: number;
  keepAlive: boolean;
  idleMs: number;
  rewritten: string;
}

/**
 * Parses a response head (without the final CRLFCRLF) into `f`: framing, Content-Length, whether
 * the connection stays reusable, the upstream's idle hint, and the head to send the client (status
 * line and headers without the hop-by-hop ones, names lower-cased, without the final CRLF).
 * `noBody`: the request was HEAD. Returns the status (1xx: nothing else is set), or -1 when the head
 * is malformed or its framing ambiguous (the exchange then fails with 502 and the connection is
 * dropped: docs/adr/0012-gateway-smuggling.md).
 */
export function parseResponseHead(head: string, noBody: boolean, f: ResponseFraming): number {
  let eol = head.indexOf('\r\n');
  const line = eol < 0 ? head : head.slice(0, eol);
  if (!line.startsWith('HTTP/1.') || line.length < 12 || line.charCodeAt(8) !== 32) return -1;
  const minor = line.charCodeAt(7);
  if ((minor !== 48 && minor !== 49) || (line.length > 12 && line.charCodeAt(12) !== 32)) return -1;
  const code = line.slice(9, 12);
  if (!digitsOnly(code)) return -1;
  const status = Number(code);
  if (status < 100 || status === 101) return -1; // nothing asked to switch protocols
  const http10 = minor === 48;
  const reason = line.length > 13 ? line.slice(13) : '';
  if (!fieldValue(reason)) return -1;
  let out = `HTTP/1.1 ${status} ${reason}\r\n`;
  let length = -1;
  let te = false;
  let keepAlive = !http10;
  let hop: string[] | undefined;
  while (eol >= 0) {
    const start = eol + 2;
    eol = head.indexOf('\r\n', start);
    const end = eol < 0 ? head.length : eol;
    const colon = head.indexOf(':', start);
    if (colon <= start || colon >= end) return -1;
    const name = head.slice(start, colon).toLowerCase();
    if (!isToken(name)) return -1;
    const value = owsTrimmed(head, colon + 1, end);
    if (!fieldValue(value)) return -1;
    if (status < 200) continue; // nothing of a 1xx head reaches the client
    switch (name.length) {
      case 2:
        if (name === 'te') continue;
        break;
      case 7:
        if (name === 'upgrade' || name === 'trailer') continue;
        break;
      case 10:
        if (name === 'connection') {
          hop = connectionTokens(value, hop ?? []);
          continue;
        }
        if (name === 'keep-alive') {
          // "timeout=5": the upstream closes idle connections after 5 s; stop reusing 1 s before.
          const t = value.indexOf('timeout=');
          if (t >= 0) {
            const secs = parseInt(value.slice(t + 8), 10);
            if (secs >= 0) f.idleMs = Math.min(UPSTREAM_IDLE_MS, Math.max(0, secs * 1000 - 1000));
          }
          continue;
        }
        break;
      case 14:
        if (name === 'content-length') {
          // One Content-Length of digits only (a second one, even equal, is refused as node does).
          if (!digitsOnly(value) || length >= 0) return -1;
          length = Number(value);
        }
        break;
      case 16:
        if (name === 'proxy-connection') continue;
        break;
      case 17:
        if (name === 'transfer-encoding') {
          // Only a lone `chunked` is read: coding lists, empty elements and repeats are where
          // readers disagree, and no upstream needs them (a 502 instead).
          // (node does not read `chunked` followed by an HTAB as chunked.)
          if (te || value.length !== 7 || value.toLowerCase() !== 'chunked' || head.lastIndexOf('\t', end) > colon) return -1;
          te = true;
        }
        break;
      default:
    }
    out += `${name}: ${value}\r\n`;
  }
  if (status < 200) return status;
  // Both Content-Length and Transfer-Encoding: a sender must not (RFC 9112 §6.2), readers disagree.
  if (te && length >= 0) return -1;
  if (hop !== undefined) {
    if (hop.includes('close')) keepAlive = false;
    else if (hop.includes('keep-alive')) keepAlive = true;
    out = withoutNominated(out, hop);
  }
  f.left = 0;
  if (noBody || status === 204 || status === 304) f.framing = NONE;
  else if (te) f.framing = CHUNKED;
  else if (length < 0) {
    f.framing = UNTIL_CLOSE;
    keepAlive = false;
  } else if (length === 0) f.framing = NONE;
  else {
    f.framing = LENGTH;
    f.left = length;
  }
  f.keepAlive = keepAlive;
  f.rewritten = out;
  return status;
}

/** A response field value (or reason phrase): HTAB, SP, visible ASCII, obs-text; no other controls, no DEL. */
function fieldValue(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if ((c < 0x20 && c !== 9) || c === 0x7f) return false;
  }
  return true;
}

/** The response head lines (after the status line) without the headers `hop` nominates (framing headers stay). */
function withoutNominated(out: string, hop: string[]): string {
  const lines = out.split('\r\n');
  let kept = `${lines[0]!}\r\n`;
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i]!;
    if (l === '') continue;
    const name = l.slice(0, l.indexOf(':'));
    // The body is relayed as it came: its framing headers go with it, whatever Connection says.
    if (name === 'content-length' || name === 'transfer-encoding' || !isNominated(name, hop)) kept += `${l}\r\n`;
  }
  return kept;
}
