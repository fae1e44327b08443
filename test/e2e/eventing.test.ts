// Eventing on the real kind cluster: a Knative Service (the event-display fixture, built FROM the
// offline node:24-slim) subscribes to a Broker through a filtered Trigger; `kn event send` (through
// the API server's service proxy) puts two events into the Broker, of which only the matching one
// reaches the pod (read from its log with kubectl) while `kn broker tail` shows both; a broken
// filter is a one-line error. Runs after kind.test.ts or alone (ensureCluster), in a namespace of
// its own that it deletes.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO } from '../harness/env.ts';
import { CLUSTER, docker, ensureCluster, kind, KN, kn, kubectl, ok, until } from './env.ts';

const NS = 'eventing-e2e';
const IMAGE = 'dev.local/event-display:e2e';
const t0 = Date.now();
let tail: ChildProcess | undefined;
let tailOut = '';

/** test/e2e/fixtures/event-display.mjs as an image (FROM the offline node:24-slim, built with no network). */
async function buildDisplayImage(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'kn-e2e-display-'));
  try {
    copyFileSync(join(REPO, 'test/e2e/fixtures/event-display.mjs'), join(work, 'server.mjs'));
    writeFileSync(join(work, 'Dockerfile'), 'FROM node:24-slim\nCOPY server.mjs /server.mjs\nUSER 65532:65532\nENTRYPOINT ["node", "/server.mjs"]\n');
    ok(await docker(['build', '--network=none', '-t', IMAGE, work]), 'docker build');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const ready = (kindName: string, name: string) =>
  until(`${kindName} ${name} Ready`, async () => {
    const r = await kubectl(['get', kindName, name, '-n', NS, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']);
    return r.stdout === 'True' ? true : undefined;
  }, 120_000, 500);

before(async () => {
  // The image builds while the cluster comes up; both finish before anything fails.
  const [cluster, image] = await Promise.allSettled([ensureCluster(), buildDisplayImage()]);
  for (const r of [cluster, image]) if (r.status === 'rejected') throw r.reason;
  ok(await kind(['load', 'docker-image', IMAGE, '--name', CLUSTER]), 'kind load');
  await kubectl(['delete', 'namespace', NS, '--ignore-not-found', '--wait=true'], { timeoutMs: 120_000 });
  ok(await kubectl(['create', 'namespace', NS]), 'kubectl create namespace');
});

after(async () => {
  tail?.kill('SIGTERM');
  await kubectl(['delete', 'namespace', NS, '--ignore-not-found', '--wait=true'], { timeoutMs: 180_000 });
  process.stderr.write(`eventing.test.ts: ${Math.round((Date.now() - t0) / 1000)}s\n`);
});

describe('Broker → filtered Trigger → Knative Service on kind', () => {
  it('the quickstart created upstream\'s example broker, and it is Ready', async () => {
    const r = await until('example-broker Ready', async () => {
      const x = await kn(['broker', 'describe', 'example-broker', '-n', 'default', '-o', 'url']);
      return x.code === 0 && x.stdout.trim() ? x.stdout.trim() : undefined;
    }, 120_000, 500);
    assert.equal(r, 'http://broker-ingress.knative-eventing.svc.cluster.local/default/example-broker');
  });

  it('kn event send reaches the subscriber pod only through the matching trigger; kn broker tail shows every event', async () => {
    // The broker, the subscriber Service (kept at one pod so its log stays readable) and the trigger.
    ok(await kn(['broker', 'create', 'b1', '-n', NS]), 'kn broker create');
    const [svc] = await Promise.all([kn(['service', 'create', 'display', '-n', NS, '--image', IMAGE, '--scale-min', '1']), ready('brokers.eventing.knative.dev', 'b1')]);
    ok(svc, 'kn service create');
    ok(await kn(['trigger', 'create', 't1', '-n', NS, '--broker', 'b1', '--filter', 'type=dev.knts.e2e.wanted', '--sink', 'ksvc:display']), 'kn trigger create');
    await ready('triggers.eventing.knative.dev', 't1');
    const uri = ok(await kubectl(['get', 'trigger', 't1', '-n', NS, '-o', 'jsonpath={.status.subscriberUri}']), 'kubectl').stdout;
    assert.equal(uri, `http://display.${NS}.svc.cluster.local`);

    // Tail the broker while the events go in.
    tail = spawn(process.execPath, ['--', KN, 'broker', 'tail', 'b1', '-n', NS, '-o', 'json'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '1' } });
    tail.stdout!.on('data', (d: Buffer) => (tailOut += d.toString()));
    let tailErr = '';
    tail.stderr!.on('data', (d: Buffer) => (tailErr += d.toString()));
    // The tail connects through the API server's proxy; send until it has seen an event, so the
    // two events that count are sent while it is attached.
    await until('kn broker tail attached', async () => {
      ok(await kn(['event', 'send', '-n', NS, '--to', 'broker:b1', '--type', 'dev.knts.e2e.probe', '--id', `probe-${Date.now()}`]), 'kn event send (probe)');
      return tailOut.includes('dev.knts.e2e.probe') ? true : undefined;
    }, 60_000, 1000).catch((e: Error) => assert.fail(`${e.message}\ntail stderr: ${tailErr}`));

    const wanted = ok(await kn(['event', 'send', '-n', NS, '--to', 'broker:b1', '--type', 'dev.knts.e2e.wanted', '--source', '/e2e', '--id', 'wanted-1', '--data', '{"msg":"through the broker"}']), 'kn event send');
    assert.equal(wanted.stderr, '');
    ok(await kn(['event', 'send', '-n', NS, '--to', 'broker:b1', '--type', 'dev.knts.e2e.other', '--source', '/e2e', '--id', 'other-1']), 'kn event send');

    // The pod logged the wanted event, with its data and the broker's extensions.
    const got = await until('the subscriber pod logs the event', async () => {
      const r = await kubectl(['logs', '-n', NS, '-l', 'serving.knative.dev/service=display', '-c', 'user-container', '--tail=-1']);
      const lines = r.stdout.split('\n').filter((l) => l.startsWith('{'));
      const hit = lines.map((l) => (JSON.parse(l) as { received: Record<string, string> }).received).find((e) => e.id === 'wanted-1');
      return hit ? { hit, lines } : undefined;
    }, 60_000, 1000);
    assert.equal(got.hit.type, 'dev.knts.e2e.wanted');
    assert.equal(got.hit.source, '/e2e');
    assert.equal(got.hit.data, '{"msg":"through the broker"}');
    assert.ok(got.hit.knativearrivaltime, 'the broker adds knativearrivaltime');
    // The tail saw both events; the trigger's filter kept the other from the pod.
    await until('kn broker tail shows both events', async () => (tailOut.includes('"wanted-1"') && tailOut.includes('"other-1"') ? true : undefined), 30_000, 500);
    const logs = ok(await kubectl(['logs', '-n', NS, '-l', 'serving.knative.dev/service=display', '-c', 'user-container', '--tail=-1']), 'kubectl logs').stdout;
    assert.doesNotMatch(logs, /other-1|dev\.knts\.e2e\.probe/, 'the filter keeps other types from the subscriber');
  });

  it('kn trigger create with a broken filter: one error line, exit 1, nothing created', async () => {
    const r = await kn(['trigger', 'create', 'broken', '-n', NS, '--broker', 'b1', '--filter', 'type', '--sink', 'ksvc:display']);
    assert.equal(r.code, 1, r.stdout);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('Error: '));
    assert.deepEqual(errors, [`Error: cannot create trigger 'broken' in namespace '${NS}' because: Invalid --filter: Argument requires a value that contains the "=" character; got "type"`]);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    const t = await kubectl(['get', 'trigger', 'broken', '-n', NS, '--ignore-not-found', '-o', 'name']);
    assert.equal(t.stdout.trim(), '', 'nothing half-created');
  });
});
