// A differential fuzzer of the gateway fast path's parsers against node's own (llhttp, oracle.ts):
//   - requests: which bytes of a client connection the fast path reads as which requests
//     (frameRequest, the function ClientConn runs), against the requests node:http's server reads
//     from the same bytes;
//   - responses: the fast path's response-head parser and chunked scanner (where an upstream's
//     response ends, and the head it relays), against node:http's client.
// A case is "unsafe" when the fast path would forward or relay something node reads differently;
// handing a request to node:http (which then decides) or refusing a response (502) is safe.
// Seeded (mulberry32, generate.ts), so a seed and a case number reproduce a case. Used by
// test/dataplane/gateway-fuzz.test.ts (short, fixed seed, the saved corpus) and bench/gateway-fuzz/run.mjs.
import { CHUNKED_ERROR, CHUNKED_MORE, ChunkedScanner } from '../../src/dataplane/gateway/chunked.ts';
import { isHopByHop, isNominated, nominated } from '../../src/dataplane/gateway/headers.ts';
import { HAND_OVER, INCOMPLETE, frameRequest } from '../../src/dataplane/gateway/request-head.ts';
import { CHUNKED, LENGTH, NONE, type ResponseFraming, UNTIL_CLOSE, parseResponseHead } from '../../src/dataplane/gateway/response-head.ts';
import { chance, mulberry32, requestCase, responseCase } from './generate.ts';
import { type OracleRequest, RequestOracle, readResponse } from './oracle.ts';

// --- the fast path's readings ----------------------------------------------------------------

interface FastReading {
  taken: OracleRequest[];
  /** Where the fast path gave the rest of the bytes to node:http, or where it waits for more. */
  handOverAt: number | undefined;
  waitsAt: number | undefined;
  /** A request said Connection: close: nothing after it is read. */
  closed: boolean;
}

const SOCKET = { remoteAddress: '127.0.0.1' };

/** What ClientConn.process() does with these bytes (routing aside). */
function fastRequests(bytes: Buffer): FastReading {
  const taken: OracleRequest[] = [];
  let off = 0;
  while (off < bytes.length) {
    const req = frameRequest(off === 0 ? bytes : bytes.subarray(off), SOCKET);
    if (req === HAND_OVER) return { taken, handOverAt: off, waitsAt: undefined, closed: false };
    if (req === INCOMPLETE) return { taken, handOverAt: undefined, waitsAt: off, closed: false };
    taken.push({ method: req.method, url: req.url, rawHeaders: req.rawHeaders, body: Buffer.from(bytes.subarray(off + req.bodyStart, off + req.end)), complete: true });
    off += req.end;
    // Connection: close: the connection ends after this response; what follows is never read.
    if (req.close) return { taken, handOverAt: undefined, waitsAt: undefined, closed: true };
  }
  return { taken, handOverAt: undefined, waitsAt: undefined, closed: false };
}

// --- verdicts -------------------------------------------------------------------------------

/**
 * same: both read it alike; handed-over: the fast path left (part of) it to node:http;
 * refused: the fast path refused a response (502) that node also cannot read; stricter: the fast
 * path refused a response node reads; waits: the fast path waits for more bytes where node has
 * answered already (a stall, not a misreading); unsafe: the fast path forwards/relays something
 * node reads differently.
 */
export type Verdict = 'same' | 'handed-over' | 'refused' | 'stricter' | 'waits' | 'unsafe';

export interface CaseResult {
  verdict: Verdict;
  why: string;
}

function sameRequest(a: OracleRequest, b: OracleRequest): string | undefined {
  if (a.method !== b.method) return `method ${JSON.stringify(a.method)} vs ${JSON.stringify(b.method)}`;
  if (a.url !== b.url) return `url ${JSON.stringify(a.url)} vs ${JSON.stringify(b.url)}`;
  if (a.rawHeaders.length !== b.rawHeaders.length || a.rawHeaders.some((h, i) => h !== b.rawHeaders[i]))
    return `headers ${JSON.stringify(a.rawHeaders)} vs ${JSON.stringify(b.rawHeaders)}`;
  // node may not deliver the end of a body whose bytes it has all read when a later request's
  // error closes the connection in the same read: the bytes are what counts.
  if (!a.body.equals(b.body)) return `body ${JSON.stringify(a.body.toString('latin1'))} vs ${JSON.stringify(b.body.toString('latin1'))}`;
  return undefined;
}

export async function checkRequest(oracle: RequestOracle, bytes: Buffer): Promise<CaseResult> {
  const fast = fastRequests(bytes);
  const node = await oracle.read(bytes);
  for (let i = 0; i < fast.taken.length; i++) {
    const n = node.requests[i];
    if (!n) return { verdict: 'unsafe', why: `the fast path takes request ${i + 1}, node reads ${node.requests.length} (error ${node.error ?? 'none'})` };
    const diff = sameRequest(fast.taken[i]!, n);
    if (diff) return { verdict: 'unsafe', why: `request ${i + 1}: fast path vs node: ${diff}` };
  }
  if (fast.handOverAt !== undefined) {
    if (fast.taken.length === 0) return { verdict: 'handed-over', why: '' };
    // node:http reads the rest: it must read there what it reads in the whole.
    const rest = await oracle.read(bytes.subarray(fast.handOverAt));
    const want = node.requests.slice(fast.taken.length);
    if (rest.requests.length !== want.length) return { verdict: 'unsafe', why: `after the hand-over node reads ${rest.requests.length} requests, in the whole ${want.length} more` };
    for (let i = 0; i < want.length; i++) {
      const diff = sameRequest(rest.requests[i]!, want[i]!);
      if (diff) return { verdict: 'unsafe', why: `after the hand-over, request ${i + 1}: ${diff}` };
    }
    if (rest.error !== node.error) return { verdict: 'unsafe', why: `after the hand-over node's error is ${rest.error ?? 'none'}, in the whole ${node.error ?? 'none'}` };
    return { verdict: 'handed-over', why: '' };
  }
  if (fast.waitsAt !== undefined) {
    const more = node.requests.length > fast.taken.length && node.requests[fast.taken.length]!.complete;
    if (more || (node.error !== undefined && node.error !== 'HPE_INVALID_EOF_STATE')) return { verdict: 'waits', why: `node: ${more ? 'one more complete request' : node.error}` };
    return { verdict: 'same', why: '' };
  }
  if (fast.closed) {
    // node stops at the same request (and calls whatever follows HPE_CLOSED_CONNECTION).
    if (node.requests.length !== fast.taken.length || (node.error !== undefined && node.error !== 'HPE_CLOSED_CONNECTION'))
      return { verdict: 'unsafe', why: `Connection: close after request ${fast.taken.length}, node reads ${node.requests.length} (error ${node.error ?? 'none'})` };
    return { verdict: 'same', why: '' };
  }
  if (node.requests.length !== fast.taken.length || (node.error !== undefined && node.error !== 'HPE_INVALID_EOF_STATE'))
    return { verdict: 'unsafe', why: `the fast path reads ${fast.taken.length} requests, node ${node.requests.length} (error ${node.error ?? 'none'})` };
  return { verdict: 'same', why: '' };
}

const CRLFCRLF = Buffer.from('\r\n\r\n');

/** Lower-case name → values of the end-to-end headers (hop-by-hop ones and those Connection nominates dropped). */
function endToEnd(raw: string[]): string {
  const hop = nominated(raw);
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const n = raw[i]!.toLowerCase();
    // (Framing headers are the body's, kept whatever Connection nominates.)
    if (isHopByHop(n) || (isNominated(n, hop) && n !== 'content-length' && n !== 'transfer-encoding')) continue;
    out.push(`${n}: ${raw[i + 1]!}`);
  }
  return out.join('\n');
}

export async function checkResponse(bytes: Buffer, method: string): Promise<CaseResult> {
  // What UpConn.onData does: skip 1xx heads, parse the final head, frame the body.
  const f: ResponseFraming = { framing: NONE, left: 0, keepAlive: true, idleMs: 0, rewritten: '' };
  let at = 0;
  let status: number;
  let headEnd = 0;
  for (;;) {
    const end = bytes.indexOf(CRLFCRLF, at);
    if (end < 0) {
      status = -2; // waits for the rest of the head
      break;
    }
    status = parseResponseHead(bytes.toString('latin1', at, end), method === 'HEAD', f);
    headEnd = end + 4;
    if (status < 0 || status >= 200) break;
    at = headEnd;
  }
  let endAt = -1; // where the fast path ends the response; -1: it waits for more; -3: refused
  if (status === -1) endAt = -3;
  else if (status >= 200) {
    if (f.framing === NONE) endAt = headEnd;
    else if (f.framing === LENGTH) endAt = headEnd + f.left <= bytes.length ? headEnd + f.left : -1;
    else if (f.framing === CHUNKED) {
      const s = new ChunkedScanner();
      const e = s.feed(bytes, headEnd);
      endAt = e === CHUNKED_ERROR ? -3 : e === CHUNKED_MORE ? -1 : e;
    } else if (f.framing === UNTIL_CLOSE) endAt = bytes.length;
  }
  if (endAt === -3) {
    const node = await readResponse(bytes, method);
    return node.complete ? { verdict: 'stricter', why: `node reads status ${node.status ?? '?'}` } : { verdict: 'refused', why: '' };
  }
  if (endAt === -1) {
    const node = await readResponse(bytes, method);
    if (node.complete) return { verdict: 'unsafe', why: 'node reads a complete response where the fast path waits for more' };
    return { verdict: 'same', why: '' };
  }
  // The response ends at endAt: node must read it complete there, and not one byte earlier.
  const whole = await readResponse(bytes.subarray(0, endAt), method);
  if (!whole.complete) return { verdict: 'unsafe', why: `the fast path ends the response at ${endAt}, node does not (${whole.error ?? 'incomplete'})` };
  if (whole.status !== status) return { verdict: 'unsafe', why: `status ${status} vs node ${whole.status ?? '?'}` };
  if (f.framing !== UNTIL_CLOSE) {
    const short = await readResponse(bytes.subarray(0, endAt - 1), method);
    if (short.complete) return { verdict: 'unsafe', why: `node ends the response before the fast path does (${endAt})` };
  }
  // What the client gets: the rewritten head and the body bytes as they came; node must read the same.
  const close = f.framing === UNTIL_CLOSE;
  // On a kept connection the next response follows at once: the relayed head must frame the body
  // by itself (node must not read the next response into this one's body).
  const next = close ? '' : 'HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext';
  const relayed = Buffer.concat([Buffer.from(close ? `${f.rewritten}connection: close\r\n\r\n` : `${f.rewritten}\r\n`, 'latin1'), bytes.subarray(headEnd, endAt), Buffer.from(next, 'latin1')]);
  const client = await readResponse(relayed, method);
  if (!client.complete) return { verdict: 'unsafe', why: `the relayed response does not parse: ${client.error ?? 'incomplete'}` };
  if (client.status !== whole.status) return { verdict: 'unsafe', why: `relayed status ${client.status ?? '?'} vs ${whole.status ?? '?'}` };
  if (!client.body.equals(whole.body)) return { verdict: 'unsafe', why: 'the relayed body differs' };
  if (client.rawTrailers.join('\n') !== whole.rawTrailers.join('\n')) return { verdict: 'unsafe', why: 'the relayed trailers differ' };
  if (endToEnd(client.rawHeaders) !== endToEnd(whole.rawHeaders)) return { verdict: 'unsafe', why: `relayed headers ${JSON.stringify(endToEnd(client.rawHeaders))} vs ${JSON.stringify(endToEnd(whole.rawHeaders))}` };
  return { verdict: 'same', why: '' };
}

// --- the loop ---------------------------------------------------------------------------------

export interface CorpusCase {
  kind: 'request' | 'response';
  /** The bytes as a latin1 string. */
  bytes: string;
  method?: string;
  note?: string;
}

export interface FuzzReport {
  seed: number;
  cases: number;
  seconds: number;
  verdicts: Record<Verdict, number>;
  /** The same, of request cases and of response cases. */
  byKind: Record<'request' | 'response', Record<Verdict, number>>;
  /** Cases that were not same/handed-over/refused/stricter, with the first of each `why`. */
  findings: { case: CorpusCase; verdict: Verdict; why: string }[];
}

export interface FuzzOptions {
  seed: number;
  /** Stop after this long (seconds) … */
  seconds: number;
  /** … or after this many generated cases. */
  maxCases?: number;
  corpus?: CorpusCase[];
  /** Also report 'waits' (stalls) as findings. */
  reportWaits?: boolean;
}

export async function fuzz(o: FuzzOptions): Promise<FuzzReport> {
  const oracle = new RequestOracle();
  const r = mulberry32(o.seed);
  const zero = (): Record<Verdict, number> => ({ same: 0, 'handed-over': 0, refused: 0, stricter: 0, waits: 0, unsafe: 0 });
  const verdicts = zero();
  const byKind = { request: zero(), response: zero() };
  const findings: FuzzReport['findings'] = [];
  const seen = new Set<string>();
  const run = async (c: CorpusCase) => {
    const bytes = Buffer.from(c.bytes, 'latin1');
    const res = c.kind === 'request' ? await checkRequest(oracle, bytes) : await checkResponse(bytes, c.method ?? 'GET');
    verdicts[res.verdict]++;
    byKind[c.kind][res.verdict]++;
    if (res.verdict === 'unsafe' || (o.reportWaits && res.verdict === 'waits')) {
      const key = `${res.verdict} ${res.why.replace(/[0-9]+/g, 'N').slice(0, 60)}`;
      if (!seen.has(key)) {
        seen.add(key);
        findings.push({ case: c, verdict: res.verdict, why: res.why });
      }
    }
  };
  const t0 = performance.now();
  let cases = 0;
  for (const c of o.corpus ?? []) {
    await run(c);
    cases++;
  }
  const deadline = t0 + o.seconds * 1000;
  while (performance.now() < deadline && (o.maxCases === undefined || cases < o.maxCases)) {
    if (chance(r, 0.6)) await run({ kind: 'request', bytes: requestCase(r).toString('latin1') });
    else {
      const { bytes, method } = responseCase(r);
      await run({ kind: 'response', bytes: bytes.toString('latin1'), method });
    }
    cases++;
  }
  return { seed: o.seed, cases, seconds: (performance.now() - t0) / 1000, verdicts, byKind, findings };
}
