// The gateway's raw-socket HTTP/1.1 fast path (src/dataplane/gateway/fast.ts): edge cases of
// framing and connection handling, with a raw client socket so every byte on the wire is visible.
// Upstreams are a node:http server and a raw net server on 127.0.0.x; tables are built in memory.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Ingress } from '../../src/api/networking/types.ts';
import { Gateway } from '../../src/dataplane/gateway/proxy.ts';
import { type EndpointSlice, type SplitStats, buildRoutingTable } from '../../src/dataplane/gateway/table.ts';

const NS = 'default';
const HOST = 'hello.default.example.com';
const RAW_HOST = 'raw.default.example.com';

function ingress(name: string, service: string): Ingress {
  return {
    metadata: { name, namespace: NS, generation: 1 },
    spec: {
      rules: [
        {
          hosts: [`${name}.${NS}.example.com`],
          visibility: 'ExternalIP',
          http: { paths: [{ splits: [{ serviceNamespace: NS, serviceName: service, servicePort: 80, percent: 100, appendHeaders: { 'Knative-Serving-Revision': service, 'Knative-Serving-Namespace': NS } }] }] },
        },
      ],
    },
  };
}

function slice(service: string, ip: string, port: number): EndpointSlice {
  return {
    metadata: { name: `${service}-x`, namespace: NS, labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    endpoints: [{ addresses: [ip], conditions: { ready: true } }],
    ports: [{ name: 'http', port }],
  };
}

/** Connects, writes `data`, collects bytes until `done(received)` is true or the server closes. */
function exchange(port: number, data: string | Buffer, done: (s: string) => boolean = () => false): Promise<{ text: string; closed: boolean; socket: net.Socket }> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port });
    let text = '';
    let finished = false;
    const finish = (closed: boolean) => {
      if (finished) return;
      finished = true;
      resolve({ text, closed, socket: s });
    };
    s.setEncoding('latin1');
    s.on('data', (d: string) => {
      text += d;
      if (done(text)) finish(false);
    });
    s.on('close', () => finish(true));
    s.on('error', reject);
    s.write(data);
  });
}

const count = (s: string, sub: string) => s.split(sub).length - 1;

/** What a raw upstream sends as a chunked body: an extension, a chunk split across writes, a trailer. */
const RAW_CHUNKS = '3;ext=1\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nx-end: yes\r\n\r\n';

/** Decodes a chunked body that starts at `from` in `s`: its data, trailer lines, and where it ends. */
function dechunk(s: string, from: number): { body: string; trailers: string[]; end: number } {
  let at = from;
  let body = '';
  for (;;) {
    const eol = s.indexOf('\r\n', at);
    assert.ok(eol > at, `chunk size line at ${at}`);
    const size = parseInt(s.slice(at, eol).split(';')[0]!, 16);
    assert.ok(Number.isInteger(size), `chunk size ${JSON.stringify(s.slice(at, eol))}`);
    at = eol + 2;
    if (size === 0) break;
    body += s.slice(at, at + size);
    assert.equal(s.slice(at + size, at + size + 2), '\r\n', 'CRLF after chunk data');
    at += size + 2;
  }
  const trailers: string[] = [];
  for (;;) {
    const eol = s.indexOf('\r\n', at);
    assert.ok(eol >= at, 'trailer section ends');
    if (eol === at) return { body, trailers, end: at + 2 };
    trailers.push(s.slice(at, eol));
    at = eol + 2;
  }
}

describe('gateway fast path: framing and connection edge cases', { timeout: 20_000 }, () => {
  const stats = new Map<string, SplitStats>();
  const gw = new Gateway({ fastPath: true });
  const server = gw.createServer('external');
  let port = 0;
  let upstream: http.Server;
  let upstreamConnections = 0;
  let upstreamClosedRequests = 0;
  let raw: net.Server;
  let rawConnections = 0;
  const big = Buffer.alloc(8 << 20);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 0xff;
  const bigHash = createHash('sha256').update(big).digest('hex');

  // The same upstream behind a 0.3 s route timeout.
  const timed = ingress('timed', 'hello-1');
  timed.metadata.annotations = { 'networking.kn-ts.dev/timeout-seconds': '0.3' };

  before(async () => {
    upstream = http.createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
      const path = req.url ?? '/';
      let body = '';
      req.setEncoding('latin1');
      req.on('data', (c: string) => (body += c));
      if (path === '/endless') res.on('close', () => upstreamClosedRequests++);
      req.on('end', () => {
        if (path === '/204') return void res.writeHead(204, { 'x-kind': 'no-content' }).end();
        if (path === '/304') return void res.writeHead(304, { etag: '"v1"' }).end();
        if (path === '/chunked') {
          // No Content-Length: node frames it chunked; the pieces go out as separate writes.
          res.writeHead(200, { 'content-type': 'text/plain', trailer: 'x-sum' });
          res.write('one,');
          setImmediate(() => {
            res.write('two,');
            res.addTrailers({ 'x-sum': '3' });
            res.end('three');
          });
          return;
        }
        if (path === '/hang') return; // never answers: the route timeout must
        if (path === '/close') return void res.writeHead(200, { connection: 'close', 'content-length': '6' }).end('closed');
        if (path === '/big') return void res.writeHead(200, { 'content-length': String(big.length) }).end(big);
        if (path === '/endless') {
          res.writeHead(200, { 'content-type': 'text/plain' });
          const tick = () => {
            if (res.destroyed) return;
            res.write('x'.repeat(1024), () => setImmediate(tick));
          };
          tick();
          return;
        }
        const out = JSON.stringify({ method: req.method, path, body, headers: req.headers });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out), 'x-path': path });
        res.end(req.method === 'HEAD' ? undefined : out);
      });
    });
    upstream.on('connection', () => upstreamConnections++);
    upstream.on('upgrade', (req: http.IncomingMessage, socket: net.Socket) => {
      socket.end(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\nupgraded ${req.url ?? ''}`);
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.2', r));

    // A raw upstream for framings node's server never produces:
    //   /until-close: a body without Content-Length or chunked framing, ended by closing;
    //   /stale: the first request on a connection is answered (keep-alive), the next one gets the
    //   connection closed without an answer (a keep-alive race the gateway retries once).
    raw = net.createServer((s) => {
      rawConnections++;
      let n = 0;
      let buf = '';
      s.setEncoding('latin1');
      s.on('data', (d: string) => {
        buf += d;
        while (buf.includes('\r\n\r\n')) {
          const head = buf.slice(0, buf.indexOf('\r\n\r\n'));
          buf = buf.slice(head.length + 4);
          n++;
          if (head.startsWith('GET /slow-head')) {
            // The head in two pieces, 50 ms apart, so other upstream reads happen in between.
            s.write('HTTP/1.1 200 OK\r\nContent-Type: text/pl');
            setTimeout(() => s.end('ain\r\nContent-Length: 9\r\nConnection: close\r\n\r\nslow-head'), 50);
            return;
          }
          if (head.startsWith('GET /chunks')) {
            s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
            s.write(RAW_CHUNKS.slice(0, 7));
            setTimeout(() => s.write(RAW_CHUNKS.slice(7)), 20);
            n = 0; // the next request on this connection is answered, not dropped
            continue;
          }
          if (head.startsWith('GET /cl-te')) {
            // Both framings: readers disagree on where this ends (the smuggling classic).
            s.end('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nsmuggled');
            return;
          }
          if (head.startsWith('GET /until-close')) {
            s.end('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nall of it until the close');
            return;
          }
          if (n > 1) {
            s.destroy();
            return;
          }
          s.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\nfresh');
        }
      });
      s.on('error', () => {});
    });
    await new Promise<void>((r) => raw.listen(0, '127.0.0.3', r));

    gw.setTable(
      buildRoutingTable(
        [ingress('hello', 'hello-1'), ingress('raw', 'raw-1'), timed],
        [slice('hello-1', '127.0.0.2', (upstream.address() as AddressInfo).port), slice('raw-1', '127.0.0.3', (raw.address() as AddressInfo).port)],
        { stats },
      ),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });

  after(() => {
    gw.close();
    for (const s of [server, upstream]) {
      s.close();
      s.closeAllConnections();
    }
    raw.close();
  });

  const get = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nHost: ${HOST}\r\n${extra}\r\n`;

  it('serves a plain GET itself, with the routing headers, and keeps the connection', async () => {
    const before = gw.fastPathCounts!.served;
    const r = await exchange(port, get('/a') + get('/b'), (t) => count(t, '"path":') === 2);
    assert.equal(gw.fastPathCounts!.served - before, 2);
    assert.equal(r.closed, false);
    assert.match(r.text, /^HTTP\/1\.1 200 OK\r\n/);
    const first = JSON.parse(r.text.slice(r.text.indexOf('\r\n\r\n') + 4, r.text.indexOf('}HTTP/1.1') + 1)) as { headers: Record<string, string> };
    assert.equal(first.headers['knative-serving-revision'], 'hello-1');
    assert.equal(first.headers['knative-serving-namespace'], NS);
    assert.equal(first.headers['x-forwarded-for'], '127.0.0.1');
    assert.equal(first.headers['x-forwarded-proto'], 'http');
    assert.equal(first.headers.host, HOST);
    assert.doesNotMatch(r.text, /\r\nkeep-alive:/i, "the upstream's hop-by-hop headers are dropped");
    r.socket.destroy();
  });

  it('answers pipelined requests in order', async () => {
    const paths = ['/p1', '/p2', '/p3', '/p4'];
    const r = await exchange(port, paths.map((p) => get(p)).join(''), (t) => count(t, '"path":') === paths.length);
    const seen = [...r.text.matchAll(/x-path: (\/p\d)/g)].map((m) => m[1]);
    assert.deepEqual(seen, paths);
    r.socket.destroy();
  });

  it('answers every pipelined request of a client that half-closed after sending them, then closes', async () => {
    const paths = ['/h1', '/h2', '/h3'];
    const text = await new Promise<string>((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port });
      let t = '';
      s.setEncoding('latin1');
      s.on('data', (d: string) => (t += d));
      s.on('close', () => resolve(t));
      s.on('error', reject);
      s.end(paths.map((p) => get(p)).join(''));
    });
    assert.deepEqual([...text.matchAll(/x-path: (\/h\d)/g)].map((m) => m[1]), paths);
  });

  it('relays HEAD without a body and serves the next request on the same connection', async () => {
    const r = await exchange(port, `HEAD /h HTTP/1.1\r\nHost: ${HOST}\r\n\r\n${get('/after-head')}`, (t) => t.includes('"path":"/after-head"'));
    const [head1] = r.text.split('HTTP/1.1 200 OK').filter(Boolean);
    assert.match(head1!, /content-length: \d+/);
    assert.ok(head1!.endsWith('\r\n\r\n'), 'nothing after the HEAD response head');
    r.socket.destroy();
  });

  it('relays 204 and 304 without a body', async () => {
    const r = await exchange(port, get('/204') + get('/304') + get('/after'), (t) => t.includes('"path":"/after"'));
    assert.match(r.text, /^HTTP\/1\.1 204 No Content\r\n[^]*?x-kind: no-content\r\n[^]*?\r\n\r\nHTTP\/1\.1 304 Not Modified\r\n[^]*?etag: "v1"\r\n[^]*?\r\n\r\nHTTP\/1\.1 200 OK/);
    r.socket.destroy();
  });

  it('relays a chunked response, trailers included, and keeps the connection', async () => {
    // Where node's server cuts the chunks is its own business (it changed between 24.x releases):
    // what must hold is the decoded body, the trailer, and that the next response follows the
    // terminating chunk on the same connection.
    const r = await exchange(port, get('/chunked') + get('/after-chunked'), (t) => t.includes('"path":"/after-chunked"'));
    assert.match(r.text, /^HTTP\/1\.1 200 OK\r\n[^]*?transfer-encoding: chunked\r\n/);
    const c = dechunk(r.text, r.text.indexOf('\r\n\r\n') + 4);
    assert.equal(c.body, 'one,two,three');
    assert.deepEqual(c.trailers, ['x-sum: 3']);
    assert.match(r.text.slice(c.end), /^HTTP\/1\.1 200 OK\r\n[^]*"path":"\/after-chunked"/);
    assert.equal(r.closed, false);
    r.socket.destroy();
  });

  it('relays chunk boundaries, extensions and trailers of a raw upstream byte for byte', async () => {
    // The raw upstream writes these exact bytes (in three writes); the gateway relays a chunked
    // body unchanged, so the client sees them as written, then the next response.
    const r = await exchange(port, `GET /chunks HTTP/1.1\r\nHost: ${RAW_HOST}\r\n\r\nGET /x HTTP/1.1\r\nHost: ${RAW_HOST}\r\n\r\n`, (t) => t.endsWith('fresh'));
    const body = r.text.slice(r.text.indexOf('\r\n\r\n') + 4);
    assert.ok(body.startsWith(RAW_CHUNKS), JSON.stringify(body));
    assert.match(body.slice(RAW_CHUNKS.length), /^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nfresh$/);
    r.socket.destroy();
  });

  it('does not reuse an upstream connection the upstream closes (Connection: close)', async () => {
    // The first request may go over a connection already pooled; each later one needs a new one.
    const before = upstreamConnections;
    for (let i = 0; i < 4; i++) {
      const r = await exchange(port, get('/close'), (t) => t.endsWith('closed'));
      assert.match(r.text, /^HTTP\/1\.1 200 OK\r\n/);
      assert.doesNotMatch(r.text, /connection: close/i, 'the client connection stays open');
      r.socket.destroy();
    }
    assert.ok(upstreamConnections - before >= 3, `4 requests, ${upstreamConnections - before} new upstream connections`);
  });

  it('relays a body delimited by the upstream closing, then closes the client connection', async () => {
    const r = await exchange(port, `GET /until-close HTTP/1.1\r\nHost: ${RAW_HOST}\r\n\r\n`);
    assert.equal(r.closed, true);
    assert.match(r.text, /^HTTP\/1\.1 200 OK\r\n[^]*connection: close\r\n\r\nall of it until the close$/);
  });

  it('refuses (502) a response framed by both Content-Length and Transfer-Encoding, relaying none of it', async () => {
    const r = await exchange(port, `GET /cl-te HTTP/1.1\r\nHost: ${RAW_HOST}\r\n\r\n`, (t) => t.includes('\n', t.indexOf('\r\n\r\n') + 4));
    assert.match(r.text, /^HTTP\/1\.1 502 Bad Gateway\r\n[^]*malformed response head/);
    assert.doesNotMatch(r.text, /smuggled/);
    r.socket.destroy();
  });

  it('retries a bodiless request once when a reused upstream connection closes without answering', async () => {
    const before = rawConnections;
    const req = `GET /x HTTP/1.1\r\nHost: ${RAW_HOST}\r\n\r\n`;
    const r1 = await exchange(port, req, (t) => t.endsWith('fresh'));
    const r2 = await exchange(port, req, (t) => t.endsWith('fresh'));
    assert.match(r2.text, /^HTTP\/1\.1 200 OK\r\n/);
    assert.equal(rawConnections - before, 2, 'the retry went over a new connection');
    r1.socket.destroy();
    r2.socket.destroy();
  });

  it('relays an 8 MiB response intact', async () => {
    const data = await new Promise<Buffer>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path: '/big', headers: { host: HOST }, agent: false }, (res) => {
          const parts: Buffer[] = [];
          // Read slowly at first, so the gateway's writes to us back up.
          res.pause();
          setTimeout(() => res.resume(), 200);
          res.on('data', (c: Buffer) => parts.push(c));
          res.on('end', () => resolve(Buffer.concat(parts)));
        })
        .on('error', reject);
    });
    assert.equal(data.length, big.length);
    assert.equal(createHash('sha256').update(data).digest('hex'), bigHash);
  });

  it('keeps a response head that arrives in pieces while other upstream responses are read', async () => {
    // Upstream reads land in one shared buffer: the first piece of the head must survive the
    // reads of other responses that arrive before its second piece.
    const slow = exchange(port, `GET /slow-head HTTP/1.1\r\nHost: ${RAW_HOST}\r\n\r\n`, (t) => t.endsWith('slow-head'));
    for (let i = 0; i < 5; i++) {
      const r = await exchange(port, get(`/other-${i}`), (t) => t.includes('"headers"'));
      assert.match(r.text, new RegExp(`"path":"/other-${i}"`));
      r.socket.destroy();
    }
    const r = await slow;
    assert.match(r.text, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(r.text, /\r\ncontent-type: text\/plain\r\n/);
    assert.ok(r.text.endsWith('\r\n\r\nslow-head'), r.text);
    r.socket.destroy();
  });

  it('closes the upstream request when the client disconnects mid-response; in-flight returns to 0', async () => {
    const closedBefore = upstreamClosedRequests;
    const r = await exchange(port, get('/endless'), (t) => t.length > 10_000);
    const st = stats.get(`${NS}/hello-1`)!;
    assert.equal(st.inFlight, 1);
    r.socket.destroy();
    while (upstreamClosedRequests === closedBefore) await new Promise((res) => setTimeout(res, 10));
    assert.equal(st.inFlight, 0);
  });

  it('forwards a POST with a Content-Length body', async () => {
    const body = 'name=kn-ts&x=1';
    const r = await exchange(port, `POST /form HTTP/1.1\r\nHost: ${HOST}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}`, (t) =>
      t.includes('"headers"'),
    );
    const seen = JSON.parse(r.text.slice(r.text.indexOf('\r\n\r\n') + 4)) as { method: string; body: string; headers: Record<string, string> };
    assert.equal(seen.method, 'POST');
    assert.equal(seen.body, body);
    assert.equal(seen.headers['content-length'], String(body.length));
    r.socket.destroy();
  });

  it('waits for a body that arrives in pieces', async () => {
    const s = net.connect({ host: '127.0.0.1', port });
    let text = '';
    s.setEncoding('latin1');
    const got = new Promise<void>((resolve) => s.on('data', (d: string) => ((text += d), text.includes('"headers"') && resolve())));
    s.write(`PUT /piece HTTP/1.1\r\nHost: ${HOST}\r\nContent-Length: 10\r\n\r\n01234`);
    await new Promise((r) => setTimeout(r, 50));
    s.write('56789');
    await got;
    assert.equal((JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as { body: string }).body, '0123456789');
    s.destroy();
  });

  it('answers 400 to a malformed request head (via node:http)', async () => {
    for (const bad of [
      `GET / HTTP/1.1\r\nHost: ${HOST}\r\nNo colon here\r\n\r\n`,
      `GET / HTTP/1.1\r\nHost: ${HOST}\r\nBad Name: x\r\n\r\n`,
      `GET / HTTP/1.1\r\nHost: ${HOST}\r\nContent-Length: 1x\r\n\r\n`,
      `GET /\x01 HTTP/1.1\r\nHost: ${HOST}\r\n\r\n`,
    ]) {
      const r = await exchange(port, bad);
      assert.match(r.text, /^HTTP\/1\.1 400 Bad Request\r\n/, JSON.stringify(bad));
      assert.equal(r.closed, true);
    }
  });

  it('hands a head that can no longer be taken to node at once: 400 before the head is complete', async () => {
    // A bare LF, a NUL, an unknown method: node refuses these as soon as it sees them; the fast
    // path must not sit on them waiting for the blank line that ends the head.
    for (const start of [`GET / HTTP/1.1\nHost: ${HOST}\n`, `GET / HTTP/1.1\r\nHost: ${HOST}\r\nX-A: a\x00b`, 'BREW / HTTP/1.1\r\n', 'bbbbb']) {
      const r = await exchange(port, start);
      assert.match(r.text, /^HTTP\/1\.1 400 Bad Request\r\n/, JSON.stringify(start));
      assert.equal(r.closed, true);
    }
  });

  it('answers 431 to a head over the size limit (via node:http)', async () => {
    const r = await exchange(port, get('/', `X-Big: ${'a'.repeat(20_000)}\r\n`));
    assert.match(r.text, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
  });

  it('answers 404 itself for an unknown host and keeps the connection', async () => {
    const r = await exchange(port, `GET / HTTP/1.1\r\nHost: nope.example.com\r\n\r\n${get('/after-404')}`, (t) => t.includes('"path":"/after-404"'));
    assert.match(r.text, /^HTTP\/1\.1 404 Not Found\r\n[^]*no route for host "nope\.example\.com"\n/);
    r.socket.destroy();
  });

  it('hands over Expect: 100-continue, and the exchange completes', async () => {
    const before = gw.fastPathCounts!.handedOver;
    const r = await exchange(port, `POST /expect HTTP/1.1\r\nHost: ${HOST}\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi`, (t) => t.includes('"headers"'));
    assert.equal(gw.fastPathCounts!.handedOver - before, 1);
    assert.match(r.text, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK/);
    assert.match(r.text, /"body":"hi"/);
    r.socket.destroy();
  });

  it('hands over a chunked request body after a pipelined plain request', async () => {
    const before = gw.fastPathCounts!;
    const served = before.served;
    const handed = before.handedOver;
    const r = await exchange(port, `${get('/first')}POST /chunked-up HTTP/1.1\r\nHost: ${HOST}\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n`, (t) =>
      t.includes('"body":"abcde"'),
    );
    assert.equal(gw.fastPathCounts!.served - served, 1);
    assert.equal(gw.fastPathCounts!.handedOver - handed, 1);
    assert.ok(r.text.indexOf('"path":"/first"') < r.text.indexOf('"path":"/chunked-up"'), 'answered in order');
    r.socket.destroy();
  });

  it('hands over an Upgrade request', async () => {
    const r = await exchange(port, get('/up', 'Connection: Upgrade\r\nUpgrade: echo\r\n'), (t) => t.includes('upgraded /up'));
    assert.match(r.text, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
    r.socket.destroy();
  });

  it('hands over HTTP/1.0 and a request without Host (node answers 400 to HTTP/1.1 without Host)', async () => {
    const before = gw.fastPathCounts!.handedOver;
    const r10 = await exchange(port, `GET /old HTTP/1.0\r\nHost: ${HOST}\r\n\r\n`);
    assert.match(r10.text, /^HTTP\/1\.1 200 OK\r\n[^]*"path":"\/old"/);
    const noHost = await exchange(port, 'GET / HTTP/1.1\r\n\r\n');
    assert.match(noHost.text, /^HTTP\/1\.1 400 Bad Request\r\n/);
    assert.equal(gw.fastPathCounts!.handedOver - before, 2);
  });

  it('applies the route timeout to each request on a keep-alive connection (504), and serves the next', async () => {
    // One timer per connection, moved forward for each request: a quick request first, then one
    // the upstream never answers (504 after 0.3 s, not 0.3 s after the first), then a quick one.
    const s = net.connect({ host: '127.0.0.1', port });
    let text = '';
    s.setEncoding('latin1');
    s.on('data', (d: string) => (text += d));
    const until = (seen: string) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (!text.includes(seen)) return;
          s.off('data', check);
          resolve();
        };
        s.on('data', check);
        check();
      });
    const timedGet = (path: string) => `GET ${path} HTTP/1.1\r\nHost: timed.${NS}.example.com\r\n\r\n`;
    s.write(timedGet('/first'));
    await until('"path":"/first"');
    assert.match(text, /^HTTP\/1\.1 200 /);
    await new Promise((r) => setTimeout(r, 200));
    const t0 = Date.now();
    s.write(timedGet('/hang'));
    await until('request timeout\n');
    const waited = Date.now() - t0;
    assert.match(text.slice(text.lastIndexOf('HTTP/1.1 ')), /^HTTP\/1\.1 504 [^]*request timeout\n$/);
    assert.ok(waited >= 250, `504 after ${waited} ms: the timeout ran from the first request, not this one`);
    s.write(timedGet('/third'));
    await until('"path":"/third"');
    assert.match(text.slice(text.lastIndexOf('HTTP/1.1 ')), /^HTTP\/1\.1 200 [^]*"path":"\/third"/);
    s.destroy();
  });

  it('closes the connection after a request with Connection: close', async () => {
    const r = await exchange(port, get('/bye', 'Connection: close\r\n'));
    assert.equal(r.closed, true);
    assert.match(r.text, /^HTTP\/1\.1 200 OK\r\n[^]*connection: close\r\n[^]*"path":"\/bye"/);
  });
});
