// The gateway fast path's parsers against node's own (llhttp) as the oracle (bench/gateway-fuzz):
// a short seeded run plus the saved corpus (test/fixtures/gateway-fuzz/corpus.jsonl) in process,
// then the corpus's requests through a real gateway to a real upstream on 127.0.0.x: whatever the
// upstream receives must be what node reads from the client's bytes, request by request; a request
// the two read differently is never forwarded. And the corpus's responses from a raw upstream
// through the gateway: the client reads what node reads from the upstream's bytes, or nothing. The long run is `node bench/gateway-fuzz/run.mjs`.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type CorpusCase, fuzz } from '../../bench/gateway-fuzz/fuzz.ts';
import { RequestOracle, readResponse } from '../../bench/gateway-fuzz/oracle.ts';
import { listeningGateway, oneRouteTable } from './gateway-helpers.ts';

const corpus = readFileSync(new URL('../fixtures/gateway-fuzz/corpus.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as CorpusCase);

/** Fixed: the CI run is the same cases every time (as many as fit in the time). */
const SEED = 20261204;
const SECONDS = 12;

describe('gateway fuzz: fast path vs node (llhttp)', { timeout: 120_000 }, () => {
  it(`finds no divergence in the corpus and ${SECONDS} s of seed ${SEED}`, async (t) => {
    const report = await fuzz({ seed: SEED, seconds: SECONDS, corpus, reportWaits: true });
    t.diagnostic(`${report.cases} cases (${corpus.length} from the corpus) in ${report.seconds.toFixed(1)} s = ${Math.round(report.cases / report.seconds)} cases/s`);
    t.diagnostic(`requests: ${JSON.stringify(report.byKind.request)}; responses: ${JSON.stringify(report.byKind.response)}`);
    assert.deepEqual(
      report.findings.map((f) => `${f.verdict}: ${f.why} ${JSON.stringify(f.case.bytes).slice(0, 300)}`),
      [],
    );
    // The generator reaches both sides of the fast path's decisions, not only refusals.
    assert.ok(report.byKind.request.same > 0 && report.byKind.request['handed-over'] > 0, JSON.stringify(report.byKind.request));
    assert.ok(report.byKind.response.same > 0 && report.byKind.response.refused > 0, JSON.stringify(report.byKind.response));
  });
});

describe('gateway fuzz corpus through a real gateway (fast path on)', { timeout: 120_000 }, () => {
  const oracle = new RequestOracle();
  let g: Awaited<ReturnType<typeof listeningGateway>>;
  let port = 0;
  /** What the upstream received for the current case. */
  let received: { method: string; url: string; body: string }[] = [];
  const upstream = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('latin1');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', body });
      res.end('ok');
    });
  });

  before(async () => {
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.7', r));
    g = await listeningGateway({ fastPath: true }, oneRouteTable(['hello.default.example.com', 'other.example.com'], 'hello-1', '127.0.0.7', (upstream.address() as AddressInfo).port));
    port = g.port;
  });

  after(() => {
    g.close();
    upstream.close();
    upstream.closeAllConnections();
  });

  /**
   * Sends bytes in three pieces and collects the answer until the gateway closes. `halfClose`: end
   * the client's side after the last piece (for bytes node reads without an error: the end is what
   * lets the gateway finish); otherwise the gateway must close by itself (node's 400).
   */
  function send(bytes: Buffer, halfClose: boolean): Promise<string> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port });
      let text = '';
      const timer = setTimeout(() => {
        s.destroy();
        reject(new Error(`the gateway did not close the connection; got ${JSON.stringify(text.slice(0, 300))}`));
      }, 10_000);
      s.setEncoding('latin1');
      s.on('data', (d: string) => (text += d));
      s.on('close', () => {
        clearTimeout(timer);
        resolve(text);
      });
      s.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' || e.code === 'EPIPE' ? undefined : reject(e)));
      const a = Math.floor(bytes.length / 3);
      const b = Math.floor((2 * bytes.length) / 3);
      s.write(bytes.subarray(0, a));
      setTimeout(() => {
        if (!s.destroyed) s.write(bytes.subarray(a, b));
        setTimeout(() => (s.destroyed ? undefined : halfClose ? s.end(bytes.subarray(b)) : s.write(bytes.subarray(b))), 5);
      }, 5);
    });
  }

  for (const c of corpus.filter((x) => x.kind === 'request'))
    it(`forwards only what node reads: ${c.note ?? JSON.stringify(c.bytes).slice(0, 60)}`, async () => {
      const bytes = Buffer.from(c.bytes, 'latin1');
      const node = await oracle.read(bytes);
      const refused = node.error !== undefined && node.error !== 'HPE_INVALID_EOF_STATE' && node.error !== 'HPE_CLOSED_CONNECTION';
      received = [];
      const answer = await send(bytes, !refused);
      // Every request the upstream got is the one node reads at that place in the stream.
      assert.ok(received.length <= node.requests.length, `upstream got ${received.length} requests, node reads ${node.requests.length}`);
      received.forEach((got, i) => {
        const want = node.requests[i]!;
        assert.deepEqual(got, { method: want.method, url: want.url, body: want.body.toString('latin1') }, `request ${i + 1}`);
      });
      // A request node refuses is answered 400 (431: head too large), and the connection closes.
      if (refused && received.length === node.requests.length - (node.switched ? 1 : 0))
        assert.match(answer, /HTTP\/1\.1 (400 Bad Request|431 Request Header Fields Too Large)\r\n[^]*$/, `node's error ${node.error}`);
    });
});

describe('gateway fuzz corpus: upstream responses through a real gateway (fast path on)', { timeout: 120_000 }, () => {
  const responses = corpus.filter((x) => x.kind === 'response');
  let g: Awaited<ReturnType<typeof listeningGateway>>;
  // A raw upstream: the request's path names the corpus case; it writes the case's bytes and closes.
  const upstream = net.createServer((s) => {
    let head = '';
    s.setEncoding('latin1');
    s.on('error', () => {});
    s.on('data', (d: string) => {
      head += d;
      if (!head.includes('\r\n\r\n')) return;
      const i = Number(/^[A-Z]+ \/case\/(\d+) /.exec(head)?.[1] ?? -1);
      s.end(Buffer.from(responses[i]?.bytes ?? '', 'latin1'));
    });
  });

  before(async () => {
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.9', r));
    g = await listeningGateway({ fastPath: true }, oneRouteTable(['hello.default.example.com'], 'raw-1', '127.0.0.9', (upstream.address() as AddressInfo).port));
  });

  after(() => {
    g.close();
    upstream.close();
  });

  /** The response a node:http client reads from the gateway, or the error it gets. */
  function fetchCase(i: number, method: string): Promise<{ status?: number; body?: string; error?: string }> {
    return new Promise((resolve) => {
      const req = http.request({ host: '127.0.0.1', port: g.port, method, path: `/case/${i}`, headers: { host: 'hello.default.example.com' }, agent: false }, (res) => {
        let body = '';
        res.setEncoding('latin1');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve(res.complete ? { status: res.statusCode, body } : { error: 'incomplete' }));
        res.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
      });
      req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
      req.end();
    });
  }

  responses.forEach((c, i) =>
    it(`relays it as node reads it, or refuses it: ${c.note ?? JSON.stringify(c.bytes).slice(0, 60)}`, async () => {
      const method = c.method ?? 'GET';
      const node = await readResponse(Buffer.from(c.bytes, 'latin1'), method);
      const got = await fetchCase(i, method);
      if (got.error !== undefined || got.status === 502) return; // refused: nothing of it reached the client as a response
      assert.ok(node.complete, `the gateway relayed a response node does not read whole: ${JSON.stringify(got)}`);
      assert.equal(got.status, node.status);
      assert.equal(got.body, node.body.toString('latin1'));
    }),
  );
});

