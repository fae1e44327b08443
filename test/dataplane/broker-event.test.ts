// `kn event send` to a real broker process by URL, and the broker's /tail stream (what
// `kn broker tail` reads through the API server's service proxy) with a CESQL filter. The service
// proxy itself cannot be exercised here: the API server refuses loopback endpoints (DESIGN.md).
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO, runKn } from '../harness/env.ts';

let dir: string;
let broker: ChildProcess;
let sub: http.Server;
const got: http.IncomingHttpHeaders[] = [];
const bodies: string[] = [];
let url = '';
let admin = '';

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kn-ts-event-'));
  sub = http.createServer((req, res) => {
    let b = '';
    req.on('data', (c: Buffer) => (b += c.toString()));
    req.on('end', () => {
      got.push(req.headers);
      bodies.push(b);
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((r) => sub.listen(0, '127.0.0.1', () => r()));
  const subUrl = `http://127.0.0.1:${(sub.address() as AddressInfo).port}/`;
  const file = join(dir, 'cfg.yaml');
  writeFileSync(
    file,
    `apiVersion: eventing.knative.dev/v1\nkind: Broker\nmetadata: {name: default, namespace: ns}\n---\napiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata: {name: t, namespace: ns, uid: u}\nspec: {broker: default, filter: {attributes: {type: dev.example.greeting}}, subscriber: {uri: "${subUrl}"}}\n`,
  );
  broker = spawn(process.execPath, [join(REPO, 'bin/control-plane.js'), 'broker', '--config', file, '--bind', '127.0.0.1', '--port', '0', '--admin-port', '0'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const line = await new Promise<string>((res) => {
    let out = '';
    broker.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) res(out.split('\n')[0]!);
    });
  });
  const { port, adminPort } = JSON.parse(line) as { port: number; adminPort: number };
  url = `http://127.0.0.1:${port}/ns/default`;
  admin = `http://127.0.0.1:${adminPort}`;
});
after(() => {
  broker?.kill('SIGKILL');
  sub?.closeAllConnections();
  sub?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('kn event send and the broker tail', () => {
  it('the tail streams accepted events, filtered by CESQL; kn event send delivers through the broker', async () => {
    const ac = new AbortController();
    const tail = await fetch(`${admin}/tail/ns/default?filter=${encodeURIComponent("type LIKE 'dev.example.%'")}`, { signal: ac.signal });
    assert.equal(tail.status, 200);
    assert.equal(tail.headers.get('content-type'), 'application/x-ndjson');
    const reader = tail.body!.getReader();
    const other = await runKn(['event', 'send', '--to', url, '--type', 'dev.other', '--id', 'skip-me']);
    assert.equal(other.code, 0, other.stderr);
    const r = await runKn(['event', 'send', '--to', url, '--type', 'dev.example.greeting', '--source', '/me', '--id', 'e-1', '--data', '{"msg":"hi"}', '-e', 'myext=some value']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `Event 'e-1' sent to ${url} (202).\n`);
    let buf = '';
    const deadline = Date.now() + 10_000;
    while (!buf.includes('\n{') && !/"id":"e-1"/.test(buf) && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += Buffer.from(value).toString();
    }
    ac.abort();
    const events = buf
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(
      events.map((e) => e.id),
      ['e-1'],
      'only the event the filter matches',
    );
    assert.equal(events[0]!.myext, 'some value');
    assert.deepEqual(events[0]!.data, { msg: 'hi' });
    const t0 = Date.now();
    while (!got.length && Date.now() - t0 < 10_000) await new Promise((res) => setTimeout(res, 20));
    assert.equal(got.length, 1, 'the trigger only matches dev.example.greeting');
    assert.equal(got[0]!['ce-id'], 'e-1');
    assert.equal(got[0]!['ce-source'], '/me');
    assert.equal(decodeURIComponent(String(got[0]!['ce-myext'])), 'some value');
    assert.equal(got[0]!['content-type'], 'application/json');
    assert.equal(bodies[0], '{"msg":"hi"}');
  });
  it('a refused event is a one-line error naming the answer', async () => {
    const r = await runKn(['event', 'send', '--to', url.replace('/default', '/nope'), '--type', 't']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Error: event \S+ not accepted by http:\/\/127\.0\.0\.1:\d+\/ns\/nope: 404 Not Found\n/);
  });
  it('bad flags are one-line errors', async () => {
    const r = await runKn(['event', 'send', '--to', url, '-e', 'Bad=x']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Error: invalid --extension "Bad=x": a CloudEvents attribute name is lower-case letters and digits\n/);
    const none = await runKn(['event', 'send', '--type', 'x']);
    assert.match(none.stderr, /^Error: required flag\(s\) "to" not set/);
  });
});
