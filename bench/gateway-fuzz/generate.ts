// The gateway fuzzer's seeded case generators (bench/gateway-fuzz/fuzz.ts runs them): client byte
// streams — half requests the fast path takes with up to two targeted changes (the smuggling
// classics), half wild ones — and upstream responses built the same way.

// --- seeded randomness ----------------------------------------------------------------------

export type Rng = () => number;

export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const int = (r: Rng, n: number) => Math.floor(r() * n);
export const pick = <T>(r: Rng, a: readonly T[]): T => a[int(r, a.length)]!;
export const chance = (r: Rng, p: number) => r() < p;

// --- generators -----------------------------------------------------------------------------

const METHODS = ['GET', 'GET', 'GET', 'POST', 'POST', 'PUT', 'HEAD', 'DELETE', 'OPTIONS', 'PATCH', 'get', 'CONNECT', 'TRACE', 'PRI', 'G\x00T', 'GE T', 'GET\t'];
const TARGETS = ['/', '/', '/a?b=c', '/x/y#frag', '*', 'http://h.example/x', '/%00', '/a b', '/\x7f', '/\xe9', '//', '/a"<>{}|\\^`', '', '/\t', '/a\x00', '/?q=\r'];
const VERSIONS = ['HTTP/1.1', 'HTTP/1.1', 'HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/1.2', 'HTTP/2.0', 'http/1.1', 'HTTP/1.1 ', 'HTTP/11', ' HTTP/1.1', 'HTTP/1.1\x00'];
const EOLS = ['\r\n', '\r\n', '\r\n', '\r\n', '\r\n', '\r\n', '\r\n', '\r\n', '\n', '\r', '\r\r\n', '\n\r', '\r\n\x00'];
const SPACE = [' ', ' ', ' ', '', '\t', '  ', ' \t'];
const NOISE = ['\r', '\n', ' ', '\t', ':', '\x00', '\x7f', '\x80', '\xff', 'a', '0', ',', ';', '"', '\x0b', '\x0c'];

const eol = (r: Rng) => (chance(r, 0.92) ? '\r\n' : pick(r, EOLS));

function headerName(r: Rng, n: string): string {
  if (!chance(r, 0.1)) return chance(r, 0.3) ? n.toLowerCase() : n;
  return pick(r, [`${n} `, ` ${n}`, `${n}\t`, n.replace('-', '_'), `${n}\x00`, n.toUpperCase(), `${n.slice(0, 2)}\x7f${n.slice(2)}`, '', n.replace('e', '\xe9')]);
}

function lengthValue(r: Rng, n: number): string {
  if (!chance(r, 0.25)) return String(n);
  return pick(r, [` ${n}`, `${n} `, `${n}\t`, `\t${n}\t`, `+${n}`, '-1', `0x${n.toString(16)}`, `${n},${n}`, `${n}, ${n}`, `${n} ${n}`, `00${n}`, '99999999999999999999', '', `${n}\x00`, String(n + 1), String(Math.max(0, n - 1))]);
}

const TE_VALUES = ['chunked', 'chunked', 'chunked', ' chunked', 'chunked ', 'chunked\t', '\tchunked\t', 'chunked \t', 'Chunked', 'CHUNKED', 'identity', 'gzip, chunked', 'chunked, gzip', 'xchunked', 'chunked\x00', '\tchunked', 'chunked;q=1', 'chunked,', ',chunked', 'chunked, chunked', ''];

/** A chunked body; the sizes, extensions, data lengths and trailers are sometimes wrong. */
function chunkedBody(r: Rng): string {
  let s = '';
  const n = int(r, 4);
  for (let i = 0; i < n; i++) {
    const len = pick(r, [1, 3, 5, 10, 16, 17, 0x1f]);
    let size = len.toString(16);
    if (chance(r, 0.15)) size = pick(r, [size.toUpperCase(), `0${size}`, `0x${size}`, ` ${size}`, `${size} `, `-${size}`, '', 'g', `${size}\t`, 'fffffffffffffffff', `${size}\x00`]);
    let ext = '';
    if (chance(r, 0.2)) ext = pick(r, [';a=b', ';a', ' ;a=b', ';a="q"', ';a="q\\"x"', ';a=\x00', ';a=b\nc', ';', '; a = b', ';a=\x7f', ';a=\x80', ';a=b;c', ';a=', ';=b', ';a;b=c', ';a=b c', ';a\t=b']);
    const data = 'd'.repeat(chance(r, 0.9) ? len : Math.max(0, len + pick(r, [-1, 1, 2])));
    s += `${size}${ext}${eol(r)}${data}${eol(r)}`;
  }
  let last = '0';
  if (chance(r, 0.1)) last = pick(r, ['00', '0;x=y', '0 ', ' 0', '000000000000000000000']);
  s += `${last}${eol(r)}`;
  if (chance(r, 0.3)) {
    const k = 1 + int(r, 2);
    for (let i = 0; i < k; i++) s += pick(r, ['X-Sum: 3', 'x-t: a b', 'Bad Name: x', 'NoColon', 'X-T:\x00', 'X-T: \x80', ' folded', 'Content-Length: 5', 'Transfer-Encoding: chunked', 'content-length: 0', 'Connection: close', 'Upgrade: h2c', 'Content-Lengthx: 1', 'X: a\x7f']) + eol(r);
  }
  s += eol(r);
  return s;
}

/**
 * Adds the framing headers of `framing` (length, chunked, both, double-length, double-te; anything
 * else: none) to `lines`, sometimes malformed, and returns the body they frame (or mis-frame).
 */
function framedBody(r: Rng, lines: string[], framing: string, payload: string): string {
  let body = '';
  if (framing === 'length' || framing === 'both' || framing === 'double-length') {
    lines.push(`${headerName(r, 'Content-Length')}:${pick(r, SPACE)}${lengthValue(r, payload.length)}`);
    if (framing === 'double-length') lines.push(`Content-Length: ${chance(r, 0.5) ? payload.length : payload.length + 1}`);
    body = payload;
  }
  if (framing === 'chunked' || framing === 'both' || framing === 'double-te') {
    lines.push(`${headerName(r, 'Transfer-Encoding')}:${pick(r, SPACE)}${pick(r, TE_VALUES)}`);
    if (framing === 'double-te') lines.push(`Transfer-Encoding: ${pick(r, TE_VALUES)}`);
    body = chunkedBody(r);
  }
  return body;
}

/** One request: a request line, headers, a body framed (or mis-framed) by them. */
function request(r: Rng): string {
  let line = `${pick(r, METHODS)}${pick(r, SPACE)}${pick(r, TARGETS)}${pick(r, SPACE)}${pick(r, VERSIONS)}`;
  if (chance(r, 0.02)) line = pick(r, ['GET /', 'GET / HTTP/1.1 extra', '\r\nGET / HTTP/1.1', 'GET  / HTTP/1.1']);
  const lines: string[] = [line];
  const hosts = chance(r, 0.9) ? 1 : pick(r, [0, 2]);
  for (let i = 0; i < hosts; i++) lines.push(`${headerName(r, 'Host')}:${pick(r, SPACE)}${pick(r, ['hello.default.example.com', 'hello.default.example.com', '', 'a b', 'a\x00b', 'h:80'])}`);
  const body = framedBody(r, lines, pick(r, ['none', 'none', 'length', 'length', 'chunked', 'both', 'double-length', 'double-te']), 'b'.repeat(pick(r, [0, 1, 5, 20, 300])));
  const extra = int(r, 4);
  for (let i = 0; i < extra; i++) {
    lines.splice(
      1 + int(r, lines.length),
      0,
      pick(r, [
        'Connection: keep-alive',
        'Connection: close',
        'Connection: Upgrade',
        'Connection: keep-alive, X-A',
        'Connection: CLOSE',
        'Expect: 100-continue',
        'Upgrade: websocket',
        'X-A: 1',
        'X-B:  spaced  ',
        'X-C:\tt\t',
        'X-D: a\x00b',
        'X-E: \x80\xff',
        'X-F: a\x7fb',
        'X-G:',
        'X-H: a\rb',
        'X-I: a\nb',
        'Cookie: a=b; c=d',
        'Keep-Alive: timeout=5',
        'TE: trailers',
        'X-Fold: a\r\n b',
        'X-Fold: a\r\n\tb',
        ' X-Lead: space',
        'X-J : space-before-colon',
        'X-K\t: tab-before-colon',
        ':empty-name',
        'no-colon',
        `X-Long: ${'v'.repeat(pick(r, [100, 8000, 9000, 17000]))}`,
      ]),
    );
  }
  if (chance(r, 0.02)) for (let i = pick(r, [99, 101, 2001]); i > 0; i--) lines.push('a:');
  let s = '';
  for (const l of lines) s += l + eol(r);
  s += eol(r);
  return s + body;
}

/** Inserts, deletes or duplicates a few bytes. */
function mutate(r: Rng, s: string): string {
  const k = 1 + int(r, 3);
  for (let i = 0; i < k && s.length > 0; i++) {
    const at = int(r, s.length);
    const op = int(r, 3);
    if (op === 0) s = s.slice(0, at) + pick(r, NOISE) + s.slice(at);
    else if (op === 1) s = s.slice(0, at) + s.slice(at + 1);
    else s = s.slice(0, at) + s.slice(at, at + 1 + int(r, 8)) + s.slice(at);
  }
  return s;
}

/** A request the fast path takes, as lines (request line first), line ends and a body. */
interface Draft {
  lines: string[];
  eols: string[];
  body: string;
  prefix: string;
}

const PLAIN_METHODS = ['GET', 'GET', 'GET', 'POST', 'PUT', 'HEAD', 'DELETE', 'OPTIONS', 'PATCH'];
const PLAIN_TARGETS = ['/', '/a', '/a?b=c', '/x/y#frag', '/%41', '//', '/a"<>{}|\\^`', "/~!$&'()*+,;=:@"];
const PLAIN_HEADERS = ['X-A: 1', 'x-b:2', 'X-C:\tt\t', 'X-D:  spaced  ', 'X-E:', 'Cookie: a=b; c=d', 'Accept: */*', 'Connection: keep-alive', 'User-Agent: fuzz/1.0', 'X-F: "quoted, value"'];

function draft(r: Rng): Draft {
  const lines = [`${pick(r, PLAIN_METHODS)} ${pick(r, PLAIN_TARGETS)} HTTP/1.1`, `${pick(r, ['Host', 'host', 'HOST'])}:${pick(r, [' ', '', '\t', '  '])}hello.default.example.com`];
  for (let i = int(r, 4); i > 0; i--) lines.splice(1 + int(r, lines.length), 0, pick(r, PLAIN_HEADERS));
  let body = '';
  if (chance(r, 0.4)) {
    body = 'b'.repeat(pick(r, [0, 1, 7, 100]));
    lines.splice(1 + int(r, lines.length), 0, `${pick(r, ['Content-Length', 'content-length'])}: ${body.length}`);
  }
  return { lines, eols: lines.map(() => '\r\n'), body, prefix: '' };
}

/** A header line's index (the Host line when it is the only one; 0, the request line, when there is none). */
const at = (r: Rng, d: Draft) => (d.lines.length < 2 ? 0 : 1 + int(r, d.lines.length - 1));
const insert = (r: Rng, d: Draft, line: string) => {
  const i = 1 + int(r, d.lines.length);
  d.lines.splice(i, 0, line);
  d.eols.splice(i, 0, '\r\n');
};
const clIndex = (d: Draft) => d.lines.findIndex((l) => /^content-length:/i.test(l));

/** Targeted changes at the edge of what the fast path takes: the request-smuggling classics. */
const PERTURB: ((r: Rng, d: Draft) => void)[] = [
  (r, d) => insert(r, d, `Content-Length: ${pick(r, [d.body.length, d.body.length + 1, 0])}`), // duplicate CL
  (r, d) => insert(r, d, `${pick(r, ['Transfer-Encoding', 'transfer-encoding', 'Transfer-Encoding '])}: ${pick(r, TE_VALUES)}`), // CL+TE / TE
  (r, d) => {
    const i = clIndex(d);
    if (i > 0) d.lines[i] = `Content-Length: ${lengthValue(r, d.body.length)}`;
  },
  (r, d) => {
    const i = at(r, d);
    d.lines.splice(i + 1, 0, pick(r, [' folded', '\tfolded', ' ']));
    d.eols.splice(i + 1, 0, '\r\n');
  }, // obs-fold
  (r, d) => {
    const i = at(r, d);
    d.lines[i] = d.lines[i]!.replace(':', pick(r, [' :', '\t:', ' : ', ':']));
  }, // space before the colon
  (r, d) => {
    d.eols[int(r, d.eols.length)] = pick(r, ['\n', '\r', '\r\r\n', '\n\r', ' \r\n']);
  }, // bare LF / CR
  (r, d) => {
    const i = int(r, d.lines.length);
    const l = d.lines[i]!;
    const j = int(r, l.length + 1);
    d.lines[i] = l.slice(0, j) + pick(r, NOISE) + l.slice(j);
  }, // NUL, CTL, DEL, obs-text anywhere
  (r, d) => {
    d.body = d.body.slice(0, Math.max(0, d.body.length - 1 - int(r, 3)));
  }, // body shorter than declared
  (r, d) => {
    d.body += pick(r, ['x', 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', '\r\n']);
  }, // body longer than declared (the rest is the next request)
  (r, d) => {
    for (let i = pick(r, [98, 99, 100, 101, 120]) - d.lines.length + 1; i > 0; i--) insert(r, d, 'a:');
  }, // header count at the limit
  (r, d) => insert(r, d, `X-Long: ${'v'.repeat(pick(r, [8000, 8100, 8150, 8170, 8180, 8190, 8200, 16300, 16400]))}`), // head size at the limits
  (r, d) => {
    const hi = d.lines.findIndex((l) => /^host/i.test(l));
    if (chance(r, 0.5)) insert(r, d, 'Host: other.example.com');
    else if (hi > 0) {
      d.lines.splice(hi, 1);
      d.eols.splice(hi, 1);
    }
  }, // two Hosts / none
  (r, d) => {
    d.lines[0] = pick(r, ['get / HTTP/1.1', 'GET / HTTP/1.0', 'GET / HTTP/1.2', 'GET / http/1.1', 'GET  / HTTP/1.1', 'GET / HTTP/1.1 ', 'GET http://h/ HTTP/1.1', 'GET * HTTP/1.1', 'GET /\t HTTP/1.1', 'GET /é HTTP/1.1', 'PRI * HTTP/2.0']);
  },
  (r, d) => {
    d.prefix = pick(r, ['\r\n', '\n', ' ', '\r\n\r\n']);
  },
  (r, d) => insert(r, d, pick(r, ['Expect: 100-continue', 'Upgrade: websocket', 'Connection: Upgrade', 'Connection: close', 'Connection: keep-alive, X-A', 'Connection: CLOSE', 'Connection: close, close', 'TE: trailers', 'Keep-Alive: timeout=5'])),
];

function drafted(r: Rng): string {
  const d = draft(r);
  for (let k = int(r, 3); k > 0; k--) pick(r, PERTURB)(r, d);
  let s = d.prefix;
  for (let i = 0; i < d.lines.length; i++) s += d.lines[i]! + d.eols[i]!;
  return `${s}\r\n${d.body}`;
}

/** A client's bytes: 1–3 pipelined requests, sometimes mutated, sometimes with stray bytes around. */
export function requestCase(r: Rng): Buffer {
  let s = '';
  const n = 1 + int(r, 3);
  // Half the cases: requests the fast path takes, with up to two targeted changes each; the other
  // half: wild ones.
  const targeted = chance(r, 0.5);
  for (let i = 0; i < n; i++) s += targeted ? drafted(r) : request(r);
  if (!targeted && chance(r, 0.05)) s = pick(r, ['\r\n', '\n', ' ']) + s;
  if (chance(r, targeted ? 0.05 : 0.3)) s = mutate(r, s);
  return Buffer.from(s, 'latin1');
}

const STATUS_LINES = [
  'HTTP/1.1 200 OK',
  'HTTP/1.1 200 OK',
  'HTTP/1.1 200 OK',
  'HTTP/1.0 200 OK',
  'HTTP/1.1 204 No Content',
  'HTTP/1.1 304 Not Modified',
  'HTTP/1.1 404 Not Found',
  'HTTP/1.1 200',
  'HTTP/1.1 200 ',
  'HTTP/1.1 2000 X',
  'HTTP/1.1 20 X',
  'HTTP/2 200 OK',
  'HTTP/1.1 1e2 X',
  'HTTP/1.1 200 O\x00K',
  'HTTP/1.1 200 \xe9t\xe9',
  'HTTP/1.1 101 Switching Protocols',
  'HTTP/1.1 999 X',
  'http/1.1 200 OK',
];

/** A valid chunked body, sometimes with extensions and trailers. */
function plainChunks(r: Rng): string {
  let b = '';
  for (let i = int(r, 4); i > 0; i--) {
    const n = pick(r, [1, 5, 16, 100]);
    b += `${n.toString(16)}${chance(r, 0.2) ? pick(r, [';a=b', ';a', ';a=b;c']) : ''}\r\n${'c'.repeat(n)}\r\n`;
  }
  return `${b}0\r\n${chance(r, 0.3) ? 'X-Sum: 3\r\n' : ''}\r\n`;
}

/** A response the fast path relays, with up to two targeted changes (framing, line ends, bytes). */
function draftedResponse(r: Rng): string {
  const lines = [pick(r, ['HTTP/1.1 200 OK', 'HTTP/1.1 200 OK', 'HTTP/1.1 404 Not Found', 'HTTP/1.1 204 No Content', 'HTTP/1.0 200 OK', 'HTTP/1.1 200 \xe9t\xe9'])];
  const eols = ['\r\n'];
  const add = (l: string) => {
    const i = 1 + int(r, lines.length);
    lines.splice(i, 0, l);
    eols.splice(i, 0, '\r\n');
  };
  for (let i = int(r, 3); i > 0; i--) add(pick(r, ['Content-Type: text/plain', 'X-A: 1', 'Connection: keep-alive', 'Keep-Alive: timeout=5', 'Date: Fri, 04 Dec 2026 10:00:00 GMT', 'X-B:\t\x80v']));
  let body: string;
  if (chance(r, 0.5)) {
    body = 'p'.repeat(pick(r, [0, 1, 20, 300]));
    add(`Content-Length: ${body.length}`);
  } else {
    body = plainChunks(r);
    add('Transfer-Encoding: chunked');
  }
  for (let k = int(r, 3); k > 0; k--) {
    switch (int(r, 9)) {
      case 0:
        add(`Content-Length: ${pick(r, [0, 5, body.length])}`);
        break;
      case 1:
        add(`Transfer-Encoding: ${pick(r, TE_VALUES)}`);
        break;
      case 2:
        eols[int(r, eols.length)] = pick(r, ['\n', '\r', '\r\r\n', ' \r\n']);
        break;
      case 3: {
        const i = int(r, lines.length);
        const j = int(r, lines[i]!.length + 1);
        lines[i] = lines[i]!.slice(0, j) + pick(r, NOISE) + lines[i]!.slice(j);
        break;
      }
      case 4: {
        const j = int(r, body.length + 1);
        body = body.slice(0, j) + pick(r, NOISE) + body.slice(j);
        break;
      }
      case 5:
        body = body.slice(0, Math.max(0, body.length - 1 - int(r, 4)));
        break;
      case 6:
        body += pick(r, ['x', '\r\n', 'HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext']);
        break;
      case 7:
        add(pick(r, ['X-Fold: a', ' folded', 'X-J : x', 'Connection: close', 'Connection: keep-alive, X-A', 'Upgrade: h2c', 'Trailer: X-Sum', 'Connection: keep-alive, Content-Length', 'Connection: Transfer-Encoding']));
        break;
      default:
        body = chunkedBody(r);
        add('Transfer-Encoding: chunked');
    }
  }
  let s = '';
  for (let i = 0; i < lines.length; i++) s += lines[i]! + eols[i]!;
  return `${s}\r\n${body}`;
}

/** One response as an upstream could send it, after `method`. */
export function responseCase(r: Rng): { bytes: Buffer; method: string } {
  if (chance(r, 0.5)) return { bytes: Buffer.from(draftedResponse(r), 'latin1'), method: chance(r, 0.1) ? 'HEAD' : 'GET' };
  const method = chance(r, 0.1) ? 'HEAD' : 'GET';
  let s = '';
  if (chance(r, 0.1)) s += `HTTP/1.1 ${pick(r, ['100 Continue', '103 Early Hints', '102 Processing'])}${eol(r)}${chance(r, 0.5) ? `Link: </a>; rel=preload${eol(r)}` : ''}${eol(r)}`;
  const lines = [pick(r, STATUS_LINES)];
  const framing = pick(r, ['length', 'length', 'chunked', 'chunked', 'chunked', 'close', 'both', 'double-length', 'double-te']);
  const payload = 'p'.repeat(pick(r, [0, 1, 5, 20, 300]));
  const body = framing === 'close' ? payload : framedBody(r, lines, framing, payload);
  const extra = int(r, 4);
  for (let i = 0; i < extra; i++)
    lines.splice(
      1 + int(r, lines.length),
      0,
      pick(r, ['Connection: keep-alive', 'Connection: close', 'Connection: keep-alive, X-Hop', 'X-Hop: 1', 'Keep-Alive: timeout=5', 'Content-Type: text/plain', 'X-D: a\x00b', 'X-E: \x80', 'X-Fold: a\r\n b', 'X-J : x', 'no-colon', 'Trailer: X-Sum', 'Upgrade: h2c']),
    );
  for (const l of lines) s += l + eol(r);
  s += eol(r) + body;
  if (chance(r, 0.1)) s += 'HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext';
  if (chance(r, 0.25)) s = mutate(r, s);
  return { bytes: Buffer.from(s, 'latin1'), method };
}
