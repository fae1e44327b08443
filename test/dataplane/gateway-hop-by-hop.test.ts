// Hop-by-hop headers (RFC 9110 §7.6.1) stay on their hop, in both directions, on the fast path and
// on the node:http path: the standard set (Connection, Keep-Alive, Proxy-Connection, TE, Trailer,
// Upgrade outside a real upgrade) and every header a Connection header nominates. A raw upstream on
// 127.0.0.x records the request heads it receives and answers with hop-by-hop headers of its own; a
// raw client socket sees every response byte.
import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { listeningGateway, oneRouteTable } from './gateway-helpers.ts';

const HOST = 'hop.default.example.com';

/** Header names (lower-case) of a head's header lines. */
function names(head: string): string[] {
  return head
    .split('\r\n')
    .slice(1)
    .filter(Boolean)
    .map((l) => l.slice(0, l.indexOf(':')).toLowerCase());
}

function send(port: number, data: string, done: (t: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port });
    let text = '';
    s.setEncoding('latin1');
    s.on('data', (d: string) => {
      text += d;
      if (done(text)) {
        s.destroy();
        resolve(text);
      }
    });
    s.on('close', () => resolve(text));
    s.on('error', reject);
    s.write(data);
  });
}

for (const fastPath of [true, false])
  describe(`gateway: hop-by-hop headers${fastPath ? ' (fast path on)' : ''}`, { timeout: 20_000 }, () => {
    let g: Awaited<ReturnType<typeof listeningGateway>>;
    let port = 0;
    /** Request heads the upstream received, by path. */
    const seen = new Map<string, string>();
    const upstream = net.createServer((s) => {
      let buf = '';
      s.setEncoding('latin1');
      s.on('error', () => {});
      s.on('data', (d: string) => {
        buf += d;
        for (let end = buf.indexOf('\r\n\r\n'); end >= 0; end = buf.indexOf('\r\n\r\n')) {
          const head = buf.slice(0, end);
          buf = buf.slice(end + 4);
          const path = head.split(' ')[1]!;
          seen.set(path, head);
          if (path === '/nominates-length') {
            s.write('HTTP/1.1 200 OK\r\nConnection: keep-alive, Content-Length\r\nContent-Length: 5\r\n\r\nhello');
            continue;
          }
          if (path === '/upgrade') {
            s.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade, X-Up-Hop\r\nUpgrade: echo\r\nX-Up-Hop: secret\r\nKeep-Alive: timeout=9\r\nX-Up-Keep: yes\r\n\r\ntunnel open');
            return;
          }
          s.write(
            'HTTP/1.1 200 OK\r\nConnection: keep-alive, X-Hop, X-Hop-Two\r\nX-Hop: secret\r\nX-Hop-Two: secret\r\nKeep-Alive: timeout=9\r\n' +
              'Proxy-Connection: keep-alive\r\nTE: trailers\r\nTrailer: x-sum\r\nUpgrade: h2c\r\nX-Keep: yes\r\nContent-Length: 2\r\n\r\nok',
          );
        }
      });
    });

    before(async () => {
      await new Promise<void>((r) => upstream.listen(0, '127.0.0.6', r));
      g = await listeningGateway({ fastPath }, oneRouteTable([HOST], 'hop-1', '127.0.0.6', (upstream.address() as AddressInfo).port));
      port = g.port;
    });

    after(() => {
      g.close();
      upstream.close();
    });

    const responseNames = (t: string) => names(t.slice(0, t.indexOf('\r\n\r\n')));

    it('drops the headers a request’s Connection header nominates, and the standard hop-by-hop set', async () => {
      const t = await send(
        port,
        `GET /nominated HTTP/1.1\r\nHost: ${HOST}\r\nConnection: keep-alive, X-Secret, x-other-secret\r\nX-Secret: 1\r\nX-Other-Secret: 2\r\n` +
          'Keep-Alive: timeout=5\r\nProxy-Connection: keep-alive\r\nTE: trailers\r\nTrailer: x-sum\r\nX-Stays: 3\r\n\r\n',
        (x) => x.endsWith('ok'),
      );
      assert.match(t, /^HTTP\/1\.1 200 OK\r\n/);
      const up = names(seen.get('/nominated')!);
      for (const h of ['x-secret', 'x-other-secret', 'keep-alive', 'proxy-connection', 'te', 'trailer']) assert.ok(!up.includes(h), `${h} reached the upstream: ${up.join(', ')}`);
      assert.ok(up.includes('x-stays'));
    });

    it('drops Keep-Alive and a header named by `Connection: close` on a plain request (the fast path takes it)', async () => {
      const before = g.gw.fastPathCounts?.served ?? 0;
      const t = await send(port, `GET /plain HTTP/1.1\r\nHost: ${HOST}\r\nConnection: close\r\nClose: x\r\nKeep-Alive: timeout=5\r\nX-Stays: 1\r\n\r\n`, () => false);
      assert.match(t, /^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nok$/);
      if (fastPath) assert.equal(g.gw.fastPathCounts!.served - before, 1, 'served on the fast path');
      const up = names(seen.get('/plain')!);
      for (const h of ['close', 'keep-alive']) assert.ok(!up.includes(h), `${h} reached the upstream: ${up.join(', ')}`);
      assert.ok(up.includes('x-stays'));
    });

    it('drops the headers a response’s Connection header nominates, and the standard hop-by-hop set', async () => {
      const t = await send(port, `GET /response HTTP/1.1\r\nHost: ${HOST}\r\n\r\n`, (x) => x.endsWith('ok'));
      assert.match(t, /^HTTP\/1\.1 200 OK\r\n/);
      const got = responseNames(t);
      for (const h of ['x-hop', 'x-hop-two', 'proxy-connection', 'te', 'trailer', 'upgrade']) assert.ok(!got.includes(h), `${h} reached the client: ${got.join(', ')}`);
      assert.doesNotMatch(t, /keep-alive: timeout=9/i, "the upstream's Keep-Alive stays on its hop");
      assert.ok(got.includes('x-keep'));
      assert.match(t, /\r\n\r\nok$/);
    });

    it('keeps a response framed when its Connection header nominates Content-Length', async () => {
      const t = await send(port, `GET /nominates-length HTTP/1.1\r\nHost: ${HOST}\r\n\r\nGET /response HTTP/1.1\r\nHost: ${HOST}\r\n\r\n`, (x) => x.endsWith('ok'));
      // The body as it came (Content-Length kept) or re-framed (node:http chunks it): either way the
      // next response follows it on the same connection.
      assert.match(t, /^HTTP\/1\.1 200 OK\r\n[^]*?\r\n\r\n(hello|5\r\nhello\r\n0\r\n\r\n)HTTP\/1\.1 200 OK\r\n[^]*x-keep: yes\r\n[^]*\r\n\r\nok$/i);
    });

    it('keeps Connection: Upgrade and Upgrade on a real upgrade, and drops the rest in both directions', async () => {
      const t = await send(
        port,
        `GET /upgrade HTTP/1.1\r\nHost: ${HOST}\r\nConnection: Upgrade, X-Secret\r\nUpgrade: echo\r\nX-Secret: 1\r\nKeep-Alive: timeout=5\r\nX-Stays: 1\r\n\r\n`,
        (x) => x.endsWith('tunnel open'),
      );
      assert.match(t, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
      const upHead = seen.get('/upgrade')!;
      const up = names(upHead);
      assert.match(upHead, /\r\nupgrade: echo(\r\n|$)/i);
      assert.match(upHead, /\r\nconnection: upgrade(\r\n|$)/i);
      for (const h of ['x-secret', 'keep-alive']) assert.ok(!up.includes(h), `${h} reached the upstream: ${up.join(', ')}`);
      assert.ok(up.includes('x-stays'));
      const got = responseNames(t);
      assert.ok(got.includes('upgrade') && got.includes('connection'), got.join(', '));
      for (const h of ['x-up-hop', 'keep-alive']) assert.ok(!got.includes(h), `${h} reached the client: ${got.join(', ')}`);
      assert.ok(got.includes('x-up-keep'));
    });
  });
