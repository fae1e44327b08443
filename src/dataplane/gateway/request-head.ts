// The fast path's request framing: which bytes of a client connection form the next request it
// serves itself, and what that request is. It takes only requests it reads exactly as node's own
// parser (llhttp) does; anything else is handed to node:http, which then decides (serves it or
// answers 400/431). test/dataplane/gateway-fuzz.test.ts and bench/gateway-fuzz check that promise
// against llhttp (docs/adr/0012-gateway-smuggling.md).
//
// Taken here: an HTTP/1.1 request line with a common method and an origin-form target of visible
// ASCII; header lines ending in CRLF whose names are tokens and whose values are visible ASCII,
// SP, HTAB; exactly one Host; no Transfer-Encoding, Upgrade or Expect; Connection absent,
// `keep-alive` or `close`; at most one Content-Length, of at most MAX_BODY; at most MAX_HEADERS
// header lines; a head of at most MAX_HEAD bytes.
import { digitsOnly, isToken, owsTrimmed, plainValue } from './http-syntax.ts';
import type { Incoming } from './routing.ts';

/** Larger heads go to node:http (whose limit is 16 KiB), so node answers 431, not the fast path. */
export const MAX_HEAD = 8192;
/** Larger request bodies go to node:http (streamed there). */
export const MAX_BODY = 64 * 1024;
/** More header lines go to node:http (which keeps the first 2000: the fast path must not forward more). */
export const MAX_HEADERS = 100;

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);
const CRLFCRLF = Buffer.from('\r\n\r\n');

/** A request the fast path took: the shape routing code reads (see Incoming). */
export interface FastRequest extends Incoming {
  method: string;
  url: string;
  bodyLength: number;
  close: boolean;
  /** Offset of the body in the connection's buffer (the head with its CRLFCRLF ends here); set by frameRequest. */
  bodyStart: number;
  /** Offset just after the body: where the next request starts; set by frameRequest. */
  end: number;
}

/**
 * Parses a request head (without the final CRLFCRLF). Returns undefined for anything the fast path
 * does not take (node:http then parses it and decides). `partial`: the complete lines of a head
 * still arriving (the checks that need the whole head are skipped).
 */
export function parseRequestHead(head: string, socket: { remoteAddress?: string | undefined }, partial = false): FastRequest | undefined {
  let eol = head.indexOf('\r\n');
  const line = eol < 0 ? head : head.slice(0, eol);
  const sp1 = line.indexOf(' ');
  const sp2 = line.lastIndexOf(' ');
  if (sp1 <= 0 || sp2 <= sp1 + 1) return undefined;
  const method = line.slice(0, sp1);
  if (!METHODS.has(method)) return undefined;
  if (line.length - sp2 !== 9 || !line.endsWith(' HTTP/1.1')) return undefined;
  const url = line.slice(sp1 + 1, sp2);
  if (url.charCodeAt(0) !== 47 /* / */) return undefined;
  for (let i = 1; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f) return undefined;
  }
  const raw: string[] = [];
  let hosts = 0;
  let bodyLength = 0;
  let lengths = 0;
  let close = false;
  while (eol >= 0) {
    if (raw.length >= 2 * MAX_HEADERS) return undefined;
    const start = eol + 2;
    eol = head.indexOf('\r\n', start);
    const end = eol < 0 ? head.length : eol;
    const colon = head.indexOf(':', start);
    if (colon <= start || colon >= end) return undefined;
    const name = head.slice(start, colon);
    if (!isToken(name)) return undefined;
    const value = owsTrimmed(head, colon + 1, end);
    if (!plainValue(value)) return undefined;
    switch (name.length) {
      case 4:
        if (name.toLowerCase() === 'host') hosts++;
        break;
      case 6:
        if (name.toLowerCase() === 'expect') return undefined;
        break;
      case 7:
        if (name.toLowerCase() === 'upgrade') return undefined;
        break;
      case 10:
        if (name.toLowerCase() === 'connection') {
          const l = value.toLowerCase();
          if (l === 'close') close = true;
          else if (l !== 'keep-alive') return undefined;
        }
        break;
      case 14:
        if (name.toLowerCase() === 'content-length') {
          if (!digitsOnly(value) || ++lengths > 1) return undefined;
          bodyLength = Number(value);
          if (bodyLength > MAX_BODY) return undefined;
        }
        break;
      case 17:
        if (name.toLowerCase() === 'transfer-encoding') return undefined;
        break;
      default:
    }
    raw.push(name, value);
  }
  if (hosts !== 1 && !partial) return undefined;
  return { method, url, rawHeaders: raw, socket, bodyLength, close, bodyStart: 0, end: 0 };
}

/** frameRequest(): more bytes are needed. */
export const INCOMPLETE = 0;
/** frameRequest(): the fast path does not take this request; node:http gets it (and all after it). */
export const HAND_OVER = 1;

/**
 * Frames the request at the start of buf: INCOMPLETE (wait for more bytes), HAND_OVER, or the
 * request with its extent (bodyStart, end). The one function by which the fast path reads client bytes.
 */
export function frameRequest(buf: Buffer, socket: { remoteAddress?: string | undefined }): FastRequest | typeof INCOMPLETE | typeof HAND_OVER {
  const end = buf.indexOf(CRLFCRLF);
  if (end < 0) return buf.length > MAX_HEAD || !partialHeadOk(buf, socket) ? HAND_OVER : INCOMPLETE;
  if (end + 4 > MAX_HEAD) return HAND_OVER;
  const req = parseRequestHead(buf.toString('latin1', 0, end), socket);
  if (!req) return HAND_OVER;
  const total = end + 4 + req.bodyLength;
  if (buf.length < total) return INCOMPLETE;
  req.bodyStart = end + 4;
  req.end = total;
  return req;
}

/**
 * Whether the start of a head can still become a request the fast path takes. When it cannot, it
 * goes to node:http at once, which may answer it (400) without waiting for the rest; the fast path
 * would wait for the end of the head first.
 */
function partialHeadOk(buf: Buffer, socket: { remoteAddress?: string | undefined }): boolean {
  const len = buf.length;
  for (let i = 0; i < len; i++) {
    const c = buf[i]!;
    if (c >= 0x20 && c < 0x7f) continue;
    if (c === 9) continue;
    if (c === 13 && (i + 1 === len || buf[i + 1] === 10)) continue;
    if (c === 10 && i > 0 && buf[i - 1] === 13) continue;
    return false;
  }
  const sp = buf.indexOf(32);
  const eol = buf.indexOf(13);
  if (sp > 0 && (eol < 0 || sp < eol)) {
    if (!METHODS.has(buf.toString('latin1', 0, sp))) return false;
  } else if (sp < 0 && eol < 0) {
    // The method is still arriving: it must be the start of one taken here.
    const m = buf.toString('latin1', 0, Math.min(len, 8));
    let prefix = false;
    for (const known of METHODS) if (known.startsWith(m)) prefix = true;
    if (!prefix) return false;
  }
  const last = buf.lastIndexOf('\r\n');
  return last < 0 || parseRequestHead(buf.toString('latin1', 0, last), socket, true) !== undefined;
}
