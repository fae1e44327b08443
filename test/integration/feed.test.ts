// The data-plane feed (ADR 0031) against the real API server: who may read it (TokenReview with the
// feed's audience), what it streams (a snapshot, then changes; nothing for a change the broker does
// not read), and the real broker process on it: a Trigger created after the broker started gets
// events, the broker keeps serving while the feed is down, and takes a fresh snapshot when it is
// back. Subscribers are real HTTP servers on 127.0.0.1.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FEED_PATH, type FeedMessage } from '../../src/api/eventing/feed.ts';
import type { KubeObject } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import { FeedServer } from '../../src/controller/feed/server.ts';
import { startFeed } from '../../src/controller/main.ts';
import { eventingReconcilers } from '../../src/controller/eventing.ts';
import { silentLogger } from '../../src/controller/runtime/log.ts';
import { Manager } from '../../src/controller/runtime/manager.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import { installServingCRDs } from '../harness/crds.ts';
import { freshNamespace, kube } from '../harness/env.ts';
import { feedFor, tokenFile } from '../harness/feed.ts';
import { cleanUp, procs, send, spawnBroker, subscriber } from '../dataplane/broker-helpers.ts';
import { installEventing } from './broker-setup.ts';
import { readFileSync } from 'node:fs';

let c: KubeClient;
let ns: string;
let mgr: Manager;

before(async () => {
  c = await kube();
  await installServingCRDs(c);
  await installEventing(c);
  ns = await freshNamespace('feed');
  mgr = new Manager({ client: c, reconcilers: await eventingReconcilers(c), log: silentLogger(), systemNamespace: 'knative-serving', workers: 2, leaderElection: false });
  await mgr.start();
});
after(async () => {
  cleanUp();
  await mgr?.stop();
});

const broker = (name: string) => ({ apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', metadata: { name, namespace: ns } }) as KubeObject;
const trigger = (name: string, uri: string, type?: string) =>
  ({ apiVersion: 'eventing.knative.dev/v1', kind: 'Trigger', metadata: { name, namespace: ns }, spec: { broker: 'default', ...(type ? { filter: { attributes: { type } } } : {}), subscriber: { uri } } }) as KubeObject;

/** Reads a feed connection's lines as they come. */
async function open(url: string, token: string): Promise<{ next(pred: (m: FeedMessage) => boolean, ms?: number): Promise<FeedMessage>; seen: FeedMessage[]; close(): void }> {
  const ac = new AbortController();
  const r = await fetch(`${url}${FEED_PATH}`, { headers: { authorization: `Bearer ${token}` }, signal: ac.signal });
  if (r.status !== 200) assert.fail(`feed: HTTP ${r.status}: ${await r.text()}`);
  const seen: FeedMessage[] = [];
  const reader = r.body!.pipeThrough(new TextDecoderStream()).getReader();
  let rest = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        rest += value;
        let i: number;
        while ((i = rest.indexOf('\n')) >= 0) {
          seen.push(JSON.parse(rest.slice(0, i)) as FeedMessage);
          rest = rest.slice(i + 1);
        }
      }
    } catch {
      // aborted
    }
  })();
  let from = 0;
  return {
    seen,
    async next(pred, ms = 10_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const i = seen.findIndex((m, k) => k >= from && pred(m));
        if (i >= 0) {
          from = i + 1;
          return seen[i]!;
        }
        if (Date.now() > deadline) throw new Error(`no such feed message in ${ms} ms; got ${JSON.stringify(seen.slice(from))}`);
        await new Promise((res) => setTimeout(res, 20));
      }
    },
    close: () => ac.abort(),
  };
}

describe('the data-plane feed', () => {
  it('serves only the broker service account, with a token of its audience', async () => {
    const feed = await feedFor(mgr, c);
    try {
      const get = async (auth?: string) => (await fetch(`${feed.url}${FEED_PATH}`, auth ? { headers: { authorization: auth } } : {}).then(async (r) => [r.status, (await r.text()).trim()]));
      assert.deepEqual(await get(), [401, 'no bearer token']);
      // The broker's own identity, but a token the API server would take (its default audience): refused.
      const apiToken = await c.raw<{ status: { token: string } }>('POST', '/api/v1/namespaces/knative-eventing/serviceaccounts/broker/token', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 600 } });
      const [code] = await get(`Bearer ${apiToken.status.token}`);
      assert.equal(code, 401);
      // The right audience, another service account: forbidden.
      const other = await tokenFile(c, ns, 'someone-else');
      try {
        assert.deepEqual(await get(`Bearer ${readFileSync(other.file, 'utf8')}`), [403, `system:serviceaccount:${ns}:someone-else may not read the feed`]);
      } finally {
        other.remove();
      }
      const wrong = await fetch(`${feed.url}${FEED_PATH}`, { method: 'POST' });
      assert.deepEqual([wrong.status, wrong.headers.get('allow')], [405, 'GET']);
      assert.equal((await fetch(`${feed.url}/v1/other`)).status, 404);
    } finally {
      await feed.stop();
    }
  });

  it('a --feed that is not an http:// URL is a one-line error, exit 2', async () => {
    for (const url of ['ftp://controller:9095', 'controller:9095']) {
      await assert.rejects(spawnBroker(['--feed', url, '--feed-token', '/nonexistent']), (e: Error) => {
        assert.equal(e.message, `broker exited 2: Error: --feed must be an http:// URL (the controller's feed, e.g. http://controller.knative-serving.svc.cluster.local:9095), got "${url}"\n`);
        return true;
      });
    }
  });

  it('streams a snapshot, then changes; a change the broker does not read sends nothing', async () => {
    await c.create(R.Broker, broker('default'));
    await c.create(R.Trigger, trigger('before', 'http://127.0.0.1:9/before'));
    await new Promise((r) => setTimeout(r, 500)); // the informers have them
    const feed = await feedFor(mgr, c);
    const stream = await open(feed.url, readFileSync(feed.args[3]!, 'utf8'));
    try {
      const put = (kind: string, name: string) => (m: FeedMessage) => m.op === 'put' && m.kind === kind && m.object.metadata.name === name && m.object.metadata.namespace === ns;
      await stream.next(put('Broker', 'default'));
      const t = await stream.next(put('Trigger', 'before'));
      assert.equal(t.op === 'put' && (t.object.spec as { subscriber?: { uri?: string } }).subscriber?.uri, 'http://127.0.0.1:9/before');
      assert.equal(t.op === 'put' && t.object.metadata.labels, undefined, 'only what the broker reads');
      await stream.next((m) => m.op === 'features');
      await stream.next((m) => m.op === 'synced');
      await c.create(R.Trigger, trigger('after', 'http://127.0.0.1:9/after'));
      // The reconciler's defaults (filter: {}) and its resolution (status.subscriberUri) are read by the broker: sent.
      await stream.next((m) => put('Trigger', 'after')(m) && m.op === 'put' && (m.object.spec as { filter?: object }).filter !== undefined && (m.object.status as { subscriberUri?: string }).subscriberUri !== undefined);
      // A label: not part of what the broker reads, so nothing is sent; then a spec change is.
      const before = stream.seen.length;
      await c.patch(R.Trigger, 'after', ns, { metadata: { labels: { touched: 'yes' } } }, 'merge');
      await new Promise((r) => setTimeout(r, 1000));
      assert.deepEqual(stream.seen.slice(before).filter(put('Trigger', 'after')), [], 'a label change is not sent');
      await c.patch(R.Trigger, 'after', ns, { spec: { subscriber: { uri: 'http://127.0.0.1:9/changed' } } }, 'merge');
      const uri = (m: FeedMessage) => m.op === 'put' && (m.object.spec as { subscriber?: { uri?: string } }).subscriber?.uri;
      await stream.next((m) => put('Trigger', 'after')(m) && uri(m) === 'http://127.0.0.1:9/changed');
      await c.delete(R.Trigger, 'after', ns);
      await stream.next((m) => m.op === 'delete' && m.kind === 'Trigger' && m.key === `${ns}/after`);
    } finally {
      stream.close();
      await feed.stop();
      await c.delete(R.Trigger, 'before', ns);
    }
  });

  it('a snapshot larger than what a stream may fall behind is still sent whole', async () => {
    const big = await freshNamespace('feed-big');
    // 40 Triggers of about 1 KiB each: a snapshot well over the socket's 16 KiB buffer.
    await Promise.all(Array.from({ length: 40 }, (_, i) => c.create(R.Trigger, { ...trigger(`t${i}`, `http://127.0.0.1:9/${'x'.repeat(900)}`), metadata: { name: `t${i}`, namespace: big } } as KubeObject)));
    await new Promise((r) => setTimeout(r, 1000)); // the informer has them
    const server = new FeedServer({ client: c, sources: { Broker: mgr.watched(R.Broker), Trigger: mgr.watched(R.Trigger) }, log: silentLogger(), port: 0, host: '127.0.0.1', maxBehindBytes: 1024 });
    const port = await server.start();
    const token = await tokenFile(c);
    const stream = await open(`http://127.0.0.1:${port}`, readFileSync(token.file, 'utf8'));
    try {
      await stream.next((m) => m.op === 'synced');
      assert.equal(stream.seen.filter((m) => m.op === 'put' && m.kind === 'Trigger' && m.object.metadata.namespace === big).length, 40);
    } finally {
      stream.close();
      await server.stop();
      token.remove();
    }
  });

  it('the broker process serves what the feed brings, keeps serving while it is down, and resyncs when it is back', async () => {
    const first = await subscriber();
    const second = await subscriber();
    const feed = await feedFor(mgr, c);
    const { ports } = await spawnBroker(feed.args, procs);
    const ingress = `http://127.0.0.1:${ports.port}/${ns}/default`;
    await c.create(R.Trigger, trigger('t1', first.url, 'dev.feed.one'));
    // A Trigger created after the broker started: delivered once the feed has brought it.
    const deadline = Date.now() + 10_000;
    while (first.got.length === 0) {
      assert.ok(Date.now() < deadline, 'the new Trigger never got an event');
      assert.equal((await send(ingress, { type: 'dev.feed.one' })).status, 202);
      await new Promise((r) => setTimeout(r, 100));
    }
    // The feed goes away: the broker keeps serving what it has.
    const port = Number(new URL(feed.url).port);
    await feed.server.stop();
    const n = first.got.length;
    assert.equal((await send(ingress, { type: 'dev.feed.one' })).status, 202);
    await first.waitFor(n + 1);
    // Meanwhile t1 goes and t2 comes; a feed on the same port again: the broker's fresh snapshot has t2 and no t1.
    await c.delete(R.Trigger, 't1', ns);
    await c.create(R.Trigger, trigger('t2', second.url, 'dev.feed.two'));
    await new Promise((r) => setTimeout(r, 500));
    const again = await startFeed(mgr, c, { port, host: '127.0.0.1' }, silentLogger());
    try {
      const until = Date.now() + 20_000;
      while (second.got.length === 0) {
        assert.ok(Date.now() < until, 'the broker never resynced from the restarted feed');
        await send(ingress, { type: 'dev.feed.two' });
        await new Promise((r) => setTimeout(r, 200));
      }
      const m = first.got.length;
      assert.equal((await send(ingress, { type: 'dev.feed.one' })).status, 202);
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(first.got.length, m, 't1 is gone with the fresh snapshot');
    } finally {
      await again?.server.stop();
      await feed.stop();
    }
  });
});
