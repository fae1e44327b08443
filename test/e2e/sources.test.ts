// Sources on the real kind cluster: a PingSource reaches a Knative Service (an event recorder)
// within 70 s; an ApiServerSource's adapter pod (the kn-ts image, under the source's ServiceAccount)
// reports a ConfigMap created after it and nothing for one that existed before; a SinkBinding puts
// K_SINK into a Deployment's pods. Everything is created in one namespace, deleted at the end.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO } from '../harness/env.ts';
import { CLUSTER, curl, docker, DOMAIN, ensureCluster, kind, kn, kubectl, ok, until } from './env.ts';

const NS = 'e2e-sources';
const RECORDER = 'dev.local/event-recorder:e2e';
type Ev = Record<string, string>;

async function events(): Promise<Ev[]> {
  const r = await curl(`recorder.${NS}.${DOMAIN}`, '/events');
  if (r.code !== 0) throw new Error(`curl: ${r.stderr}`);
  return JSON.parse(r.stdout) as Ev[];
}

before(async () => {
  await ensureCluster();
  const work = mkdtempSync(join(tmpdir(), 'kn-e2e-recorder-'));
  try {
    copyFileSync(join(REPO, 'test/e2e/fixtures/event-recorder.mjs'), join(work, 'server.mjs'));
    writeFileSync(join(work, 'Dockerfile'), 'FROM node:24-slim\nCOPY server.mjs /server.mjs\nUSER 65532:65532\nENTRYPOINT ["node", "/server.mjs"]\n');
    ok(await docker(['build', '--network=none', '-t', RECORDER, work]), 'docker build');
    ok(await kind(['load', 'docker-image', RECORDER, '--name', CLUSTER]), 'kind load');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  ok(await kubectl(['create', 'namespace', NS]), 'create namespace');
  // One replica that stays: the recorder keeps events in memory.
  ok(await kn(['service', 'create', 'recorder', '-n', NS, '--image', RECORDER, '--scale-min', '1', '--scale-max', '1']), 'kn service create recorder');
});

after(async () => {
  await kubectl(['delete', 'namespace', NS, '--wait=true', '--timeout=180s'], { timeoutMs: 200_000 });
});

describe('sources on kind', () => {
  it('a PingSource reaches a Knative Service within 70 s, with upstream\'s attributes', async () => {
    const r = ok(await kn(['source', 'ping', 'create', 'ping1', '-n', NS, '--schedule', '* * * * *', '--data', '{"hello":"ping"}', '--sink', 'ksvc:recorder']), 'ping create');
    assert.equal(r.stdout, `Ping source 'ping1' created in namespace '${NS}'.\n`);
    const start = Date.now();
    const ev = await until('a ping event at the recorder', async () => (await events()).find((e) => e['ce-type'] === 'dev.knative.sources.ping'), 70_000, 2000);
    assert.ok(Date.now() - start <= 70_000);
    assert.equal(ev['ce-source'], `/apis/v1/namespaces/${NS}/pingsources/ping1`);
    assert.equal(ev['ce-specversion'], '1.0');
    assert.match(ev['ce-id']!, /^[0-9a-f-]{36}$/);
    assert.equal(ev.body, '{"hello":"ping"}');
    const d = ok(await kn(['source', 'ping', 'describe', 'ping1', '-n', NS]), 'describe');
    assert.match(d.stdout, /\+\+ Ready/);
    ok(await kn(['source', 'ping', 'delete', 'ping1', '-n', NS]), 'ping delete');
  });

  it('an ApiServerSource reports a ConfigMap created after it, and nothing for one that existed before', async () => {
    ok(await kubectl(['create', 'configmap', 'before-cm', '-n', NS, '--from-literal=a=b']), 'configmap before');
    ok(await kubectl(['create', 'serviceaccount', 'watcher', '-n', NS]), 'sa');
    ok(await kubectl(['create', 'role', 'cm-reader', '-n', NS, '--verb=get,list,watch', '--resource=configmaps']), 'role');
    ok(await kubectl(['create', 'rolebinding', 'cm-reader', '-n', NS, '--role=cm-reader', `--serviceaccount=${NS}:watcher`]), 'rolebinding');
    ok(await kn(['source', 'apiserver', 'create', 'api1', '-n', NS, '--resource', 'ConfigMap:v1', '--service-account', 'watcher', '--sink', 'ksvc:recorder']), 'apiserver create');
    await until(
      'ApiServerSource api1 Ready',
      async () => {
        const r = await kubectl(['get', 'apiserversource', 'api1', '-n', NS, '-o', "jsonpath={.status.conditions[?(@.type=='Ready')].status}"]);
        return r.stdout.trim() === 'True' ? true : undefined;
      },
      180_000,
      2000,
    );
    // The adapter watches from its first list: give its watch a moment to open.
    await new Promise((r) => setTimeout(r, 3000));
    ok(await kubectl(['create', 'configmap', 'after-cm', '-n', NS, '--from-literal=x=y']), 'configmap after');
    const ev = await until('the add event of after-cm', async () => (await events()).find((e) => e['ce-type'] === 'dev.knative.apiserver.ref.add' && e['ce-subject'] === `/apis/v1/namespaces/${NS}/configmaps/after-cm`), 60_000, 2000);
    assert.equal(ev['ce-kind'], 'ConfigMap');
    assert.equal(ev['ce-name'], 'after-cm');
    assert.equal(ev['ce-namespace'], NS);
    assert.match(ev['ce-source']!, /^https:\/\/[\d.]+:443$/);
    assert.deepEqual(JSON.parse(ev.body!), { kind: 'ConfigMap', namespace: NS, name: 'after-cm', apiVersion: 'v1' });
    const all = await events();
    assert.equal(all.filter((e) => e['ce-name'] === 'before-cm' || e['ce-name'] === 'kube-root-ca.crt').length, 0, 'no event for objects that existed before the adapter');
    ok(await kn(['source', 'apiserver', 'delete', 'api1', '-n', NS]), 'apiserver delete');
  });

  it('a SinkBinding injects K_SINK into a Deployment\'s pods', async () => {
    ok(await kubectl(['create', 'deployment', 'bound-app', '-n', NS, `--image=${RECORDER}`]), 'create deployment');
    ok(await kn(['source', 'binding', 'create', 'bind1', '-n', NS, '--subject', 'Deployment:apps/v1:bound-app', '--sink', 'ksvc:recorder']), 'binding create');
    const url = ok(await kubectl(['get', 'ksvc', 'recorder', '-n', NS, '-o', 'jsonpath={.status.address.url}']), 'ksvc address').stdout.trim();
    assert.ok(url.startsWith('http://'));
    const env = await until(
      'a running bound-app pod with K_SINK',
      async () => {
        const r = await kubectl(['get', 'pods', '-n', NS, '-l', 'app=bound-app', '--field-selector=status.phase=Running', '-o', 'jsonpath={range .items[*]}{.metadata.deletionTimestamp}|{.spec.containers[0].env}{"\\n"}{end}']);
        const line = r.stdout.split('\n').find((l) => l.startsWith('|') && l.includes('K_SINK'));
        return line;
      },
      180_000,
      2000,
    );
    assert.ok(env.includes(`"name":"K_SINK","value":"${url}"`), env);
    ok(await kn(['source', 'binding', 'delete', 'bind1', '-n', NS]), 'binding delete');
    await until(
      'K_SINK removed from the template',
      async () => {
        const r = await kubectl(['get', 'deployment', 'bound-app', '-n', NS, '-o', 'jsonpath={.spec.template.spec.containers[0].env}']);
        return r.stdout.includes('K_SINK') ? undefined : true;
      },
      60_000,
      2000,
    );
  });
});
