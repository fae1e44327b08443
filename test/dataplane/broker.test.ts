// The real broker process (bin/control-plane.js broker --config FILE) with real HTTP subscribers on
// 127.0.0.1: ingress status codes (through the fast path and through node:http alone), fan-out and
// filters (the exact-type index included), retries and backoff timing bounds, dead-lettering with the
// knativeerror* extensions, replies, TTL ending a reply loop, a dead subscriber that does not slow
// the others, and backpressure.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type http from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO } from '../harness/env.ts';
import { type Sub, broker, cleanUp, metric, send, startBroker, subscriber, trigger } from './broker-helpers.ts';

before(() => {
  if (!existsSync(join(REPO, 'dist/dataplane/broker/main.js'))) throw new Error('dist/ is not built (run through scripts/test.sh)');
});
after(cleanUp);

for (const [mode, args] of [
  ['fast path', []],
  ['node:http only', ['--no-fast-path']],
] as const) describe(`broker ingress (${mode})`, () => {
  let url: string;
  let sub: Sub;
  before(async () => {
    sub = await subscriber();
    ({ url } = await startBroker(broker() + trigger('all', sub.url), [...args]));
  });
  it('answers as upstream: OPTIONS 200, GET 405, / 404, bad path 400, unknown broker 404', async () => {
    const o = await fetch(`${url}/ns/default`, { method: 'OPTIONS' });
    assert.equal(o.status, 200);
    assert.equal(o.headers.get('webhook-allowed-origin'), '*');
    const g = await fetch(`${url}/ns/default`);
    assert.equal(g.status, 405);
    assert.equal(g.headers.get('allow'), 'POST, OPTIONS');
    assert.equal((await send(`${url}/`)).status, 404);
    assert.equal((await send(`${url}/ns`)).status, 400);
    assert.equal((await send(`${url}/ns/default/extra`)).status, 400);
    assert.equal((await send(`${url}/ns/nope`)).status, 404);
    assert.equal((await send(`${url}/ns/default?x=1`)).status, 404);
    assert.equal((await send(`${url}/ns/default/`)).status, 202);
  });
  it('400 for a bad event: no specversion, an unknown one, missing source/type/id, a batch', async () => {
    const bad = async (headers: Record<string, string>, body = '{}') => (await fetch(`${url}/ns/default`, { method: 'POST', headers, body })).status;
    assert.equal(await bad({ 'content-type': 'application/json' }), 400);
    assert.equal(await bad({ 'ce-specversion': '2.0', 'ce-id': '1', 'ce-source': '/s', 'ce-type': 't' }), 400);
    assert.equal(await bad({ 'ce-specversion': '1.0', 'ce-id': '1', 'ce-type': 't' }), 400);
    assert.equal(await bad({ 'ce-specversion': '1.0', 'ce-id': '1', 'ce-source': '/s' }), 400);
    assert.equal(await bad({ 'ce-specversion': '1.0', 'ce-source': '/s', 'ce-type': 't' }), 400);
    assert.equal(await bad({ 'content-type': 'application/cloudevents-batch+json' }, '[]'), 400);
    assert.equal(await bad({ 'content-type': 'application/cloudevents+json' }, '{"specversion":"1.0","id":"1","source":"/s"}'), 400);
  });
  it('202 for binary and structured events; delivered in binary mode with the attributes, data and headers upstream sends', async () => {
    const n = sub.got.length;
    assert.equal((await send(`${url}/ns/default`, { myext: 'v', subject: 'sub' }, '{"a":1}', { 'x-request-id': 'rid', 'x-other': 'no' })).status, 202);
    const s = await fetch(`${url}/ns/default`, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify({ specversion: '1.0', id: 'st-1', source: '/st', type: 'dev.structured', datacontenttype: 'application/json', data: { b: 2 } }),
    });
    assert.equal(s.status, 202);
    await sub.waitFor(n + 2);
    const sorted = [sub.got[n]!, sub.got[n + 1]!].sort((a, b) => String(a.headers['ce-id']).localeCompare(String(b.headers['ce-id'])));
    const bin = sorted[0]!;
    const st = sorted[1]!;
    assert.equal(bin.headers['ce-myext'], 'v');
    assert.equal(bin.headers['ce-subject'], 'sub');
    assert.equal(bin.headers['ce-time'], undefined, 'the broker adds no time');
    assert.equal(bin.body, '{"a":1}');
    assert.equal(bin.headers.prefer, 'reply');
    assert.equal(bin.headers['kn-namespace'], 'ns');
    assert.equal(bin.headers['x-request-id'], 'rid');
    assert.equal(bin.headers['x-other'], undefined);
    assert.match(String(bin.headers['ce-knativearrivaltime']), /^\d{4}-\d\d-\d\dT/);
    assert.equal(bin.headers['ce-knativebrokerttl'], undefined, 'the TTL stays inside the broker');
    assert.equal(st.headers['ce-type'], 'dev.structured');
    assert.equal(st.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(st.body), { b: 2 });
  });
});

describe('fan-out and filters', () => {
  it('every matching trigger gets the event once; the others none', async () => {
    const matching = await Promise.all(Array.from({ length: 10 }, () => subscriber()));
    const other = await Promise.all(Array.from({ length: 10 }, () => subscriber()));
    let yaml = broker();
    // Filters the engine indexes by exact type and filters it runs on every event, both kinds on both sides.
    const match = [
      { filter: { attributes: { type: 'dev.match' } } },
      { filters: [{ prefix: { type: 'dev.ma' } }] },
      { filters: [{ exact: { type: 'dev.match' } }, { suffix: { source: 'test' } }] },
      { filter: { attributes: { type: 'dev.match', source: '/test' } } },
      { filters: [{ exact: { type: 'dev.other', source: '' } }] }, // an exact filter with an empty value is ignored: matches all
    ];
    const others = [
      { filter: { attributes: { type: 'dev.other' } } },
      { filters: [{ cesql: "type = 'x'" }] },
      { filters: [{ exact: { type: 'dev.match' } }, { exact: { source: '/elsewhere' } }] },
      { filter: { attributes: { type: 'dev.match', source: '/elsewhere' } } },
      { filters: [{ exact: { type: 'dev.matc' } }] },
    ];
    matching.forEach((s, i) => (yaml += trigger(`m${i}`, s.url, match[i % match.length]!)));
    other.forEach((s, i) => (yaml += trigger(`o${i}`, s.url, others[i % others.length]!)));
    const { url } = await startBroker(yaml);
    assert.equal((await send(`${url}/ns/default`, { type: 'dev.match' })).status, 202);
    await Promise.all(matching.map((s) => s.waitFor(1)));
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(matching.map((s) => s.got.length), Array(10).fill(1));
    assert.deepEqual(other.map((s) => s.got.length), Array(10).fill(0));
  });

  it('a --config file in JSON (a List) is served as the same objects in YAML', async () => {
    const sub = await subscriber();
    const objs = [
      { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', metadata: { name: 'default', namespace: 'ns' } },
      { apiVersion: 'eventing.knative.dev/v1', kind: 'Trigger', metadata: { name: 't', namespace: 'ns', uid: 'uid-t' }, spec: { broker: 'default', filter: { attributes: { type: 'dev.json' } }, subscriber: { uri: sub.url } } },
    ];
    const { url } = await startBroker(JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objs }));
    assert.equal((await send(`${url}/ns/default`, { type: 'dev.other' })).status, 202);
    assert.equal((await send(`${url}/ns/default`, { type: 'dev.json' })).status, 202);
    assert.equal((await send(`${url}/ns/nope`)).status, 404);
    await sub.waitFor(1);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(sub.got.map((r) => r.headers['ce-type']), ['dev.json']);
  });
});

describe('delivery', () => {
  it('retries with linear backoff within timing bounds, then succeeds', async () => {
    const sub = await subscriber((n, _r, res) => res.writeHead(n < 3 ? 503 : 200).end());
    const { url } = await startBroker(broker() + trigger('t', sub.url, { delivery: { retry: 5, backoffPolicy: 'linear', backoffDelay: 'PT0.2S' } }));
    await send(`${url}/ns/default`);
    await sub.waitFor(4);
    const gaps = sub.got.slice(1, 4).map((r, i) => r.at - sub.got[i]!.at);
    // Upstream's runtime: linear waits delay·(k-1): 0, 200, 400 ms (the exact schedule is
    // test/unit/eventing-delivery.test.ts's). Here the waits are lower bounds, as a loaded machine
    // only adds to them; the immediate first retry is judged against the third retry's 400 ms wait.
    assert.ok(gaps[0]! < gaps[2]!, `first retry is immediate, sooner than the third (${gaps[0]} vs ${gaps[2]} ms)`);
    assert.ok(gaps[1]! >= 190 && gaps[1]! < 5000, `second after ~200 ms (${gaps[1]} ms)`);
    assert.ok(gaps[2]! >= 390 && gaps[2]! < 5000, `third after ~400 ms (${gaps[2]} ms)`);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(sub.got.length, 4, 'no attempt after the success');
  });
  it('retries with exponential backoff within timing bounds', async () => {
    const sub = await subscriber((_n, _r, res) => res.writeHead(500).end());
    const { url, admin } = await startBroker(broker() + trigger('t', sub.url, { delivery: { retry: 3, backoffPolicy: 'exponential', backoffDelay: 'PT0.1S' } }));
    await send(`${url}/ns/default`);
    await sub.waitFor(4);
    const gaps = sub.got.slice(1).map((r, i) => r.at - sub.got[i]!.at);
    [100, 200, 400].forEach((w, i) => assert.ok(gaps[i]! >= w - 10 && gaps[i]! < w + 5000, `retry ${i + 1} after ~${w} ms (${gaps[i]} ms)`));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(sub.got.length, 4, '1 + retry attempts');
    assert.equal(await metric(admin, 'kn_ts_broker_events_failed_total'), 1);
  });
  it('dead-letters a non-retryable answer at once, with knativeerrordest, knativeerrorcode and knativeerrordata', async () => {
    const sub = await subscriber((_n, _r, res) => res.writeHead(422, { 'content-type': 'text/plain' }).end('no thanks'));
    const dls = await subscriber();
    const { url } = await startBroker(broker() + trigger('t', sub.url, { delivery: { retry: 3, deadLetterSink: { uri: dls.url } } }));
    await send(`${url}/ns/default`, { myext: 'keep' });
    await dls.waitFor(1);
    const d = dls.got[0]!;
    assert.equal(sub.got.length, 1, '422 is not retried');
    assert.equal(d.headers['ce-knativeerrordest'], sub.url);
    assert.equal(d.headers['ce-knativeerrorcode'], '422');
    assert.equal(d.headers['ce-knativeerrordata'], Buffer.from('no thanks').toString('base64'));
    assert.equal(d.headers['ce-myext'], 'keep');
    assert.equal(d.body, '{"hello":"world"}');
  });
  it('dead-letters an unreachable subscriber after its retries (code 500, dispatch error data)', async () => {
    const gone = await subscriber();
    const goneUrl = gone.url;
    gone.server.close();
    const dls = await subscriber();
    const { url } = await startBroker(broker() + trigger('t', goneUrl, { delivery: { retry: 2, deadLetterSink: { uri: dls.url } } }));
    await send(`${url}/ns/default`);
    await dls.waitFor(1);
    assert.equal(dls.got[0]!.headers['ce-knativeerrordest'], goneUrl);
    assert.equal(dls.got[0]!.headers['ce-knativeerrorcode'], '500');
    assert.match(Buffer.from(String(dls.got[0]!.headers['ce-knativeerrordata']), 'base64').toString(), /^dispatch error: /);
  });
  it('a reply re-enters the broker and reaches the trigger that matches it', async () => {
    const first = await subscriber((_n, r, res) => res.writeHead(200, { 'ce-specversion': '1.0', 'ce-id': `reply-${String(r.headers['ce-id'])}`, 'ce-source': '/replier', 'ce-type': 'dev.reply', 'content-type': 'text/plain' }).end('pong'));
    const second = await subscriber();
    const { url } = await startBroker(broker() + trigger('a', first.url, { filter: { attributes: { type: 'dev.test' } } }) + trigger('b', second.url, { filter: { attributes: { type: 'dev.reply' } } }));
    await send(`${url}/ns/default`, { id: 'ping-1' });
    await second.waitFor(1);
    assert.equal(second.got[0]!.headers['ce-id'], 'reply-ping-1');
    assert.equal(second.got[0]!.body, 'pong');
    assert.equal(first.got.length, 1);
  });
  it('the TTL ends a reply loop, and the refused reply is dead-lettered with the broker as destination', async () => {
    const loop = await subscriber((n, _r, res) => res.writeHead(200, { 'ce-specversion': '1.0', 'ce-id': `loop-${n}`, 'ce-source': '/loop', 'ce-type': 'dev.test' }).end());
    const dls = await subscriber();
    const { url } = await startBroker(broker() + trigger('loop', loop.url, { delivery: { deadLetterSink: { uri: dls.url } } }));
    await send(`${url}/ns/default`, { knativebrokerttl: '5' });
    await dls.waitFor(1);
    await new Promise((r) => setTimeout(r, 300));
    // TTL 5 → 4, 3, 2, 1 accepted; the reply at 1 would be 0: refused (400).
    assert.equal(loop.got.length, 4);
    assert.equal(dls.got[0]!.headers['ce-knativeerrorcode'], '400');
    assert.equal(dls.got[0]!.headers['ce-knativeerrordest'], 'http://broker-ingress.knative-eventing.svc.cluster.local/ns/default');
  });
  it('a dead (hanging) subscriber does not slow the others', async () => {
    const held: http.ServerResponse[] = [];
    const dead = await subscriber((_n, _r, res) => held.push(res));
    const fast = await subscriber();
    const { url } = await startBroker(broker() + trigger('dead', dead.url) + trigger('fast', fast.url), ['--concurrency', '20']);
    for (let i = 0; i < 200; i++) assert.equal((await send(`${url}/ns/default`)).status, 202);
    // Every event reaches the fast subscriber while the dead one still holds all it was given:
    // its 20 slots, none answered (no timing bound: the proof is that nothing waited for it).
    await fast.waitFor(200, 60_000);
    assert.equal(held.filter((r) => !r.writableEnded).length, 20);
    assert.equal(dead.got.length, 20, 'the dead subscriber holds only its own 20 slots');
    for (const r of held) r.destroy();
  });
  it('backpressure: a full queue answers 429 with Retry-After, never a 202 it cannot honour', async () => {
    const held: http.ServerResponse[] = [];
    const slow = await subscriber((_n, _r, res) => held.push(res));
    const other = await subscriber();
    const { url, admin } = await startBroker(broker() + trigger('slow', slow.url, { filter: { attributes: { type: 'dev.slow' } } }) + trigger('other', other.url, { filter: { attributes: { type: 'dev.other' } } }), ['--max-pending', '5', '--concurrency', '2']);
    const codes: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 8; i++) {
      const r = await send(`${url}/ns/default`, { type: 'dev.slow' });
      codes.push(r.status);
      if (r.status === 429) retryAfter = r.headers.get('retry-after');
    }
    assert.deepEqual(codes, [202, 202, 202, 202, 202, 429, 429, 429]);
    assert.equal(retryAfter, '1');
    // Events for another trigger are still accepted and delivered.
    assert.equal((await send(`${url}/ns/default`, { type: 'dev.other' })).status, 202);
    await other.waitFor(1);
    // Once the slow subscriber answers, every accepted event is delivered.
    for (const r of held.splice(0)) r.writeHead(202).end();
    slow.answer = (_n, _r, res) => res.writeHead(202).end();
    await slow.waitFor(5);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(await metric(admin, 'kn_ts_broker_events_delivered_total'), 6);
    assert.equal(await metric(admin, 'kn_ts_broker_pending_deliveries'), 0);
  });
});
