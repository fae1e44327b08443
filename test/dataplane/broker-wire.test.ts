// The broker's own HTTP/1.1 handling on raw sockets (real broker process, node:net peers on
// 127.0.0.1): the ingress fast path (pipelined requests answered in order, a request it does not
// take handed to node:http with the connection, Connection: close, repeated headers) and the
// delivery client (a chunked reply, a 1xx before the answer, a keep-alive connection the subscriber
// drops as the next request arrives, the delivery timeout, a header that must not reach the wire).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO } from '../harness/env.ts';
import { broker, cleanUp, exchange, metric, startBroker, subscriber, trigger } from './broker-helpers.ts';

before(() => {
  if (!existsSync(join(REPO, 'dist/dataplane/broker/main.js'))) throw new Error('dist/ is not built (run through scripts/test.sh)');
});
const servers: net.Server[] = [];
after(() => {
  cleanUp();
  for (const s of servers) s.close();
});

const until = async (what: string, ok: () => boolean | Promise<boolean>, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

const post = (id: string, extra = '', path = '/ns/default') =>
  `POST ${path} HTTP/1.1\r\nhost: b\r\nce-specversion: 1.0\r\nce-id: ${id}\r\nce-source: /wire\r\nce-type: dev.wire\r\ncontent-type: text/plain\r\n${extra}content-length: 2\r\n\r\nhi`;

/** A subscriber on node:net: `answer` gets each request head and the socket, and writes what it likes. */
async function rawSubscriber(answer: (head: string, sock: net.Socket, nOnConn: number) => void): Promise<{ url: string; heads: string[] }> {
  const heads: string[] = [];
  const server = net.createServer((sock) => {
    let buf = '';
    let n = 0;
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.slice(0, end);
        const len = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (buf.length < end + 4 + len) return;
        buf = buf.slice(end + 4 + len);
        heads.push(head);
        answer(head, sock, n++);
      }
    });
    sock.on('error', () => {});
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/`, heads };
}

describe('ingress fast path', () => {
  it('answers pipelined requests in order; a chunked one in the middle goes to node:http with the connection', async () => {
    const sub = await subscriber();
    const b = await startBroker(broker() + trigger('t', sub.url));
    const port = Number(new URL(b.url).port);
    const chunked = `POST /ns/default HTTP/1.1\r\nhost: b\r\nce-specversion: 1.0\r\nce-id: w-3\r\nce-source: /wire\r\nce-type: dev.wire\r\ntransfer-encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n`;
    const out = await exchange(port, post('w-1') + post('w-2') + chunked + post('w-4') + post('w-5', '', '/ns/nope') + post('w-6', '', '/ns/default/extra'), 6);
    assert.deepEqual(out.match(/HTTP\/1\.1 \d{3}/g), ['HTTP/1.1 202', 'HTTP/1.1 202', 'HTTP/1.1 202', 'HTTP/1.1 202', 'HTTP/1.1 404', 'HTTP/1.1 400']);
    await sub.waitFor(4);
    assert.deepEqual(sub.got.map((r) => r.headers['ce-id']).sort(), ['w-1', 'w-2', 'w-3', 'w-4']);
    assert.ok(sub.got.every((r) => r.body === 'hi'));
  });
  it('Connection: close ends the connection after the answer; a repeated header is read as node reads it', async () => {
    const sub = await subscriber();
    const b = await startBroker(broker() + trigger('t', sub.url));
    const port = Number(new URL(b.url).port);
    const out = await exchange(port, post('c-1', 'connection: close\r\n') + post('c-2'), 2);
    assert.equal(out.match(/HTTP\/1\.1 \d{3}/g)?.length, 1, 'nothing after the close');
    assert.match(out, /^HTTP\/1\.1 202 Accepted\r\n/);
    assert.match(out, /\r\nconnection: close\r\n/i);
    const twice = await exchange(port, post('c-3', 'x-request-id: a\r\nx-request-id: b\r\n'), 1);
    assert.match(twice, /^HTTP\/1\.1 202/);
    await sub.waitFor(2);
    assert.equal(sub.got.find((r) => r.headers['ce-id'] === 'c-3')?.headers['x-request-id'], 'a, b');
  });
});

describe('delivery client', () => {
  it('reads a chunked reply (after a 100 Continue) and routes it; the data arrives de-chunked', async () => {
    const replier = await rawSubscriber((_h, sock) =>
      sock.write(
        'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nce-specversion: 1.0\r\nce-id: r-1\r\nce-source: /replier\r\nce-type: dev.reply\r\n' +
          'content-type: text/plain\r\ntransfer-encoding: chunked\r\n\r\n5\r\npong-\r\n4;x=y\r\npong\r\n0\r\n\r\n',
      ),
    );
    const second = await subscriber();
    const b = await startBroker(broker() + trigger('a', replier.url, { filter: { attributes: { type: 'dev.wire' } } }) + trigger('b', second.url, { filter: { attributes: { type: 'dev.reply' } } }));
    await exchange(Number(new URL(b.url).port), post('p-1'), 1);
    await second.waitFor(1);
    assert.equal(second.got[0]!.headers['ce-id'], 'r-1');
    assert.equal(second.got[0]!.body, 'pong-pong');
    await until('two deliveries', async () => (await metric(b.admin, 'kn_ts_broker_events_delivered_total')) === 2);
  });
  it('a keep-alive connection dropped as the next request arrives: the request goes again on a new one, not counted as a failure', async () => {
    const sub = await rawSubscriber((_h, sock, n) => {
      if (n === 0) sock.write('HTTP/1.1 202 Accepted\r\ncontent-length: 0\r\n\r\n');
      else sock.destroy(); // as a server whose idle timeout fired just as the request came in
    });
    const b = await startBroker(broker() + trigger('t', sub.url)); // no retries, no dead-letter sink
    const port = Number(new URL(b.url).port);
    await exchange(port, post('k-1'), 1);
    await until('the first delivery', async () => (await metric(b.admin, 'kn_ts_broker_events_delivered_total')) === 1);
    await exchange(port, post('k-2'), 1);
    await until('the second delivery', async () => (await metric(b.admin, 'kn_ts_broker_events_delivered_total')) === 2);
    assert.equal(await metric(b.admin, 'kn_ts_broker_events_failed_total'), 0);
    assert.equal(sub.heads.filter((h) => h.includes('ce-id: k-2')).length, 2, 'sent on the dropped connection, then on a new one');
  });
  it('the delivery timeout ends a call the subscriber never answers (dead-lettered, dispatch error)', async () => {
    const silent = await rawSubscriber(() => {});
    const dls = await subscriber();
    const b = await startBroker(broker() + trigger('t', silent.url, { delivery: { timeout: 'PT0.3S', deadLetterSink: { uri: dls.url } } }));
    await exchange(Number(new URL(b.url).port), post('t-1'), 1);
    await dls.waitFor(1);
    assert.equal(dls.got[0]!.headers['ce-knativeerrorcode'], '500');
    assert.match(Buffer.from(String(dls.got[0]!.headers['ce-knativeerrordata']), 'base64').toString(), /^dispatch error: timeout/);
  });
  it('an attribute that cannot be a header value never reaches the wire as a header', async () => {
    const sub = await rawSubscriber((_h, sock) => sock.write('HTTP/1.1 202 Accepted\r\ncontent-length: 0\r\n\r\n'));
    const b = await startBroker(broker() + trigger('t', sub.url));
    const ev = { specversion: '1.0', id: 'x-1', source: '/x', type: 'dev.x', datacontenttype: 'text/plain\r\nx-injected: 1', data: 'hi' };
    const body = JSON.stringify(ev);
    const out = await exchange(Number(new URL(b.url).port), `POST /ns/default HTTP/1.1\r\nhost: b\r\ncontent-type: application/cloudevents+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`, 1);
    if (out.startsWith('HTTP/1.1 202')) await until('the delivery to fail', async () => (await metric(b.admin, 'kn_ts_broker_events_failed_total')) === 1);
    else assert.match(out, /^HTTP\/1\.1 400/);
    assert.ok(!sub.heads.some((h) => /\r\nx-injected/i.test(h)), 'no injected header');
  });
});
