// The InMemoryChannel dispatcher inside the real broker process (bin/control-plane.js broker
// --config FILE, channels on --channel-port) with real HTTP subscribers on 127.0.0.1 (broker-helpers.ts):
// the front door (Host and path routing, status codes; through the raw-socket fast path and through
// node:http alone; pipelined requests), fan-out with a failing subscriber and a dead-letter sink,
// a Sequence's replies passed from step to step through two channels, and a Parallel's branches
// behind filters. The channels are wired as the Subscription, Sequence and Parallel reconcilers
// wire them (spec.subscribers with resolved URIs), with the dispatcher's path addresses standing in
// for the <name>-kn-channel Services.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../harness/cluster.ts';
import { REPO } from '../harness/env.ts';
import { type Received, cleanUp, exchange, startBroker, subscriber } from './broker-helpers.ts';

/** A subscriber that replies with an event: type and data from `f` (binary mode). */
const replier = (f: (r: Received) => { type: string; data: string } | undefined) =>
  subscriber((_n, r, res) => {
    const out = f(r);
    if (!out) return void res.writeHead(200, { 'content-length': '0' }).end();
    res.writeHead(200, { 'ce-specversion': '1.0', 'ce-id': `${String(r.headers['ce-id'])}-r`, 'ce-source': '/step', 'ce-type': out.type, 'content-type': 'text/plain' }).end(out.data);
  });

let lastAdmin = '';
const metric = async (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(await (await fetch(`${lastAdmin}/metrics`)).text())?.[1] ?? NaN);

/** Starts the broker process with the channels `yaml(base)` names, base being the dispatcher's own URL. */
async function startDispatcher(yaml: (base: string) => string, args: readonly string[] = []): Promise<string> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const b = await startBroker(yaml(base), ['--channel-port', String(port), ...args]);
  assert.equal(b.channel, base);
  lastAdmin = b.admin;
  return base;
}

const imc = (name: string, subscribers: object[]) => `apiVersion: messaging.knative.dev/v1
kind: InMemoryChannel
metadata: {name: ${name}, namespace: ns}
spec: ${JSON.stringify({ subscribers })}
---
`;

let seq = 0;
async function send(url: string, type = 'dev.test', body = 'hello', host?: string): Promise<number> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { 'ce-specversion': '1.0', 'ce-id': `id-${++seq}`, 'ce-source': '/test', 'ce-type': type, 'content-type': 'text/plain', ...(host ? { host } : {}) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

before(() => {
  if (!existsSync(join(REPO, 'dist/dataplane/channel/main.js'))) throw new Error('dist/ is not built (run through scripts/test.sh)');
});
after(cleanUp);

for (const [mode, args] of [
  ['fast path', []],
  ['node:http only', ['--no-fast-path']],
] as const)
  describe(`InMemoryChannel front door (${mode})`, () => {
    it('routes by Host (<name>-kn-channel.<ns>.svc.cluster.local) or by /<ns>/<name>; 404 unknown, 400 bad path, 405 GET', async () => {
      const a = await subscriber();
      const url = await startDispatcher(() => imc('c', [{ uid: 'u1', generation: 1, subscriberUri: a.url }]), args);
      assert.equal(await send(`${url}/`, 'dev.test', 'x', 'c-kn-channel.ns.svc.cluster.local'), 202);
      assert.equal(await send(`${url}/`, 'dev.test', 'x', 'c-kn-channel.ns.svc.cluster.local:80'), 202);
      assert.equal(await send(`${url}/ns/c`), 202);
      assert.equal(await send(`${url}/`, 'dev.test', 'x', 'nope-kn-channel.ns.svc.cluster.local'), 404);
      assert.equal(await send(`${url}/ns/nope`), 404);
      assert.equal(await send(`${url}/ns`), 400);
      assert.equal(await send(`${url}/!reply/u1`), 400);
      assert.equal((await fetch(`${url}/ns/c`)).status, 405);
      await a.waitFor(3);
      // A channel adds no broker extensions.
      assert.equal(a.got[0]!.headers['ce-knativearrivaltime'], undefined);
      assert.equal(a.got[0]!.headers.prefer, 'reply');
    });
  });

describe('InMemoryChannel dispatcher', () => {
  it('pipelined events by Host and by path are answered in order on the raw socket; the rest goes to node:http with the connection', async () => {
    const a = await subscriber();
    const url = await startDispatcher(() => imc('c', [{ uid: 'u1', generation: 1, subscriberUri: a.url }]));
    const post = (id: string, path: string, host: string) =>
      `POST ${path} HTTP/1.1\r\nhost: ${host}\r\nce-specversion: 1.0\r\nce-id: ${id}\r\nce-source: /wire\r\nce-type: dev.wire\r\ncontent-type: text/plain\r\ncontent-length: 2\r\n\r\nhi`;
    const out = await exchange(
      Number(new URL(url).port),
      post('p-1', '/', 'c-kn-channel.ns.svc.cluster.local') + post('p-2', '/ns/c', 'x') + post('p-3', '/', 'nope-kn-channel.ns.svc') + post('p-4', '/ns/c', 'x'),
      4,
    );
    const heads = out.split('\r\n\r\n').slice(0, -1);
    assert.deepEqual(
      heads.map((h) => h.slice(0, 12)),
      ['HTTP/1.1 202', 'HTTP/1.1 202', 'HTTP/1.1 404', 'HTTP/1.1 202'],
    );
    // The raw path writes lower-case header names; node:http, which took the connection at the
    // unknown host, writes its own (Date, Connection).
    assert.match(heads[0]!, /\r\nconnection: keep-alive\r\n/);
    assert.match(heads[1]!, /\r\nconnection: keep-alive\r\n/);
    assert.match(heads[2]!, /\r\nConnection: keep-alive\r\n/);
    await a.waitFor(3);
    assert.deepEqual(a.got.map((r) => r.headers['ce-id']).sort(), ['p-1', 'p-2', 'p-4']);
    assert.ok(a.got.every((r) => r.body === 'hi'));
  });

  it('fans out to every subscriber; a failing one is retried, then dead-lettered with knativeerror*', async () => {
    const ok1 = await subscriber();
    const ok2 = await subscriber();
    const bad = await subscriber((_n, _r, res) => res.writeHead(500).end('boom'));
    const dls = await subscriber();
    const url = await startDispatcher(() =>
      imc('fan', [
        { uid: 'a', generation: 1, subscriberUri: ok1.url },
        { uid: 'b', generation: 1, subscriberUri: bad.url, delivery: { retry: 2, backoffPolicy: 'linear', backoffDelay: 'PT0.05S', deadLetterSink: { uri: dls.url } } },
        { uid: 'c', generation: 1, subscriberUri: ok2.url },
      ]),
    );
    assert.equal(await send(`${url}/ns/fan`, 'dev.fan', 'payload'), 202);
    await ok1.waitFor(1);
    await ok2.waitFor(1);
    await dls.waitFor(1);
    assert.equal(bad.got.length, 3, 'one attempt and two retries');
    assert.equal(ok1.got[0]!.body, 'payload');
    assert.equal(ok2.got[0]!.headers['ce-type'], 'dev.fan');
    const d = dls.got[0]!;
    assert.equal(d.body, 'payload');
    assert.equal(d.headers['ce-knativeerrorcode'], '500');
    assert.equal(d.headers['ce-knativeerrordest'], bad.url);
    assert.equal(Buffer.from(String(d.headers['ce-knativeerrordata']), 'base64').toString(), 'boom');
    assert.equal(ok1.got.length, 1);
    // The dispatcher's counters on the broker's /metrics, once every delivery has ended.
    for (let t0 = Date.now(); (await metric('kn_ts_channel_pending_deliveries')) !== 0; ) {
      assert.ok(Date.now() - t0 < 10_000, 'deliveries still pending after 10 s');
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(await metric('kn_ts_channel_events_dead_lettered_total'), 1);
    assert.equal(await metric('kn_ts_channel_events_delivered_total'), 2);
    assert.equal(await metric('kn_ts_channel_events_retries_total'), 2);
  });

  it('Sequence: each step replies into the next channel; the last reply goes to spec.reply', async () => {
    const step1 = await replier((r) => ({ type: 'dev.step1', data: `${r.body}+1` }));
    const step2 = await replier((r) => ({ type: 'dev.step2', data: `${r.body}+2` }));
    const final = await subscriber();
    // Channel 1's address as the dispatcher serves it (the reconciler writes http://seq-kn-sequence-1-kn-channel.ns.svc.cluster.local).
    const url = await startDispatcher(
      (base) => imc('seq-kn-sequence-0', [{ uid: 's0', generation: 1, subscriberUri: step1.url, replyUri: `${base}/ns/seq-kn-sequence-1` }]) + imc('seq-kn-sequence-1', [{ uid: 's1', generation: 1, subscriberUri: step2.url, replyUri: final.url }]),
    );
    assert.equal(await send(`${url}/ns/seq-kn-sequence-0`, 'dev.start', 'x'), 202);
    await final.waitFor(1);
    assert.equal(final.got[0]!.body, 'x+1+2');
    assert.equal(final.got[0]!.headers['ce-type'], 'dev.step2');
    assert.equal(step2.got[0]!.headers['ce-type'], 'dev.step1');
  });

  it('Parallel: a filter that answers with an event passes it to its branch; an empty answer drops it', async () => {
    const passAll = await replier((r) => ({ type: String(r.headers['ce-type']), data: r.body }));
    const onlyX = await replier((r) => (r.headers['ce-type'] === 'dev.x' ? { type: 'dev.x', data: r.body } : undefined));
    const sink0 = await replier((r) => ({ type: 'dev.branch0', data: `${r.body}@0` }));
    const sink1 = await replier((r) => ({ type: 'dev.branch1', data: `${r.body}@1` }));
    const reply = await subscriber();
    const cfg = (base: string) =>
      imc('p-kn-parallel', [
        { uid: 'f0', generation: 1, subscriberUri: passAll.url, replyUri: `${base}/ns/p-kn-parallel-0` },
        { uid: 'f1', generation: 1, subscriberUri: onlyX.url, replyUri: `${base}/ns/p-kn-parallel-1` },
      ]) +
      imc('p-kn-parallel-0', [{ uid: 'b0', generation: 1, subscriberUri: sink0.url, replyUri: reply.url }]) +
      imc('p-kn-parallel-1', [{ uid: 'b1', generation: 1, subscriberUri: sink1.url, replyUri: reply.url }]);
    const url = await startDispatcher(cfg);
    assert.equal(await send(`${url}/ns/p-kn-parallel`, 'dev.y', 'y'), 202);
    assert.equal(await send(`${url}/ns/p-kn-parallel`, 'dev.x', 'x'), 202);
    await reply.waitFor(3);
    await sink1.waitFor(1);
    assert.deepEqual(sink0.got.map((r) => r.body).sort(), ['x', 'y']);
    assert.deepEqual(sink1.got.map((r) => r.body), ['x'], 'the filter of branch 1 dropped dev.y');
    assert.deepEqual(reply.got.map((r) => r.body).sort(), ['x@0', 'x@1', 'y@0']);
    assert.equal(onlyX.got.length, 2);
  });
});
