// Sources on the real kind cluster, through the real `kn` as a user runs it: a PingSource reaches a
// Knative Service (an event recorder) within 70 s of its creation; an ApiServerSource's adapter pod
// (the kn-ts image, under the source's ServiceAccount) reports a ConfigMap created after it and
// nothing for one that existed before; a SinkBinding puts K_SINK into a Deployment's pods and takes
// it out when it goes; a ContainerSource's pod gets K_SINK and sends to it. Everything is created
// in one namespace and deleted at the end. The PingSource is created first and checked last (by the
// time of arrival the recorder notes), so its minute overlaps the other scenarios.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO } from '../harness/env.ts';
import { CLUSTER, curl, docker, DOMAIN, ensureCluster, kind, kn, kubectl, ok, until } from './env.ts';

const NS = 'e2e-sources';
const RECORDER = 'dev.local/event-recorder:e2e';
/** An event as the recorder kept it: ce-* headers, content-type, body, and `at` (ms, arrival). */
type Ev = Record<string, string> & { at: number };

async function events(): Promise<Ev[]> {
  const r = await curl(`recorder.${NS}.${DOMAIN}`, '/events');
  if (r.code !== 0) throw new Error(`curl: ${r.stderr}`);
  return JSON.parse(r.stdout) as Ev[];
}

/** `kubectl get … -n NS -o jsonpath=path`, trimmed. */
const jsonpath = async (get: string[], path: string) => (await kubectl(['get', ...get, '-n', NS, '-o', `jsonpath=${path}`])).stdout.trim();
const conditionTrue = (kind: string, name: string, type = 'Ready') => async () =>
  (await kubectl(['get', kind, name, '-n', NS, '-o', `jsonpath={.status.conditions[?(@.type=='${type}')].status}`])).stdout.trim() === 'True' ? true : undefined;

let recorderUrl = '';
let pingCreated = 0;

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
  recorderUrl = (await kubectl(['get', 'ksvc', 'recorder', '-n', NS, '-o', 'jsonpath={.status.address.url}'])).stdout.trim();
  assert.match(recorderUrl, /^http:\/\/recorder\.e2e-sources\.svc\.cluster\.local$/);
});

after(async () => {
  await kubectl(['delete', 'namespace', NS, '--wait=true', '--timeout=180s'], { timeoutMs: 200_000 });
});

describe('sources on kind', () => {
  it('kn source ping create: a PingSource on every minute, to the recorder', async () => {
    pingCreated = Date.now();
    const r = ok(await kn(['source', 'ping', 'create', 'ping1', '-n', NS, '--schedule', '* * * * *', '--data', '{"hello":"ping"}', '--sink', 'ksvc:recorder']), 'ping create');
    assert.equal(r.stdout, `Ping source 'ping1' created in namespace '${NS}'.\n`);
  });

  it('an ApiServerSource reports a ConfigMap created after it, and nothing for one that existed before', async () => {
    ok(await kubectl(['create', 'configmap', 'before-cm', '-n', NS, '--from-literal=a=b']), 'configmap before');
    ok(await kubectl(['create', 'serviceaccount', 'watcher', '-n', NS]), 'sa');
    ok(await kubectl(['create', 'role', 'cm-reader', '-n', NS, '--verb=get,list,watch', '--resource=configmaps']), 'role');
    ok(await kubectl(['create', 'rolebinding', 'cm-reader', '-n', NS, '--role=cm-reader', `--serviceaccount=${NS}:watcher`]), 'rolebinding');
    const c = ok(await kn(['source', 'apiserver', 'create', 'api1', '-n', NS, '--resource', 'ConfigMap:v1', '--service-account', 'watcher', '--sink', 'ksvc:recorder']), 'apiserver create');
    assert.equal(c.stdout, `ApiServer source 'api1' created in namespace '${NS}'.\n`);
    await until('ApiServerSource api1 Ready', conditionTrue('apiserversource', 'api1'), 180_000, 2000);
    // The adapter says so once every informer has its first list: from then on, changes are events.
    await until(
      'the adapter pod has listed its ConfigMaps',
      async () => ((await kubectl(['logs', '-n', NS, '-l', 'eventing.knative.dev/sourceName=api1', '--tail=-1'])).stdout.includes('apiserversource adapter started') ? true : undefined),
      120_000,
      2000,
    );
    ok(await kubectl(['create', 'configmap', 'after-cm', '-n', NS, '--from-literal=x=y']), 'configmap after');
    const ev = await until('the add event of after-cm', async () => (await events()).find((e) => e['ce-type'] === 'dev.knative.apiserver.ref.add' && e['ce-subject'] === `/apis/v1/namespaces/${NS}/configmaps/after-cm`), 60_000, 2000);
    assert.equal(ev['ce-kind'], 'ConfigMap');
    assert.equal(ev['ce-name'], 'after-cm');
    assert.equal(ev['ce-namespace'], NS);
    assert.equal(ev['ce-specversion'], '1.0');
    assert.match(ev['ce-source']!, /^https:\/\/[\d.]+:443$/);
    assert.deepEqual(JSON.parse(ev.body!), { kind: 'ConfigMap', namespace: NS, name: 'after-cm', apiVersion: 'v1' });
    const all = await events();
    assert.equal(all.filter((e) => e['ce-name'] === 'before-cm' || e['ce-name'] === 'kube-root-ca.crt').length, 0, 'no event for objects that existed before the adapter');
    ok(await kn(['source', 'apiserver', 'delete', 'api1', '-n', NS]), 'apiserver delete');
    await until('the adapter Deployment is gone', async () => ((await jsonpath(['deployments', '-l', 'eventing.knative.dev/sourceName=api1'], '{.items[*].metadata.name}')) === '' ? true : undefined), 120_000, 2000);
  });

  it('a SinkBinding injects K_SINK into a Deployment\'s pods, and takes it out when it goes', async () => {
    ok(await kubectl(['create', 'deployment', 'bound-app', '-n', NS, `--image=${RECORDER}`]), 'create deployment');
    const c = ok(await kn(['source', 'binding', 'create', 'bind1', '-n', NS, '--subject', 'Deployment:apps/v1:bound-app', '--sink', 'ksvc:recorder']), 'binding create');
    assert.equal(c.stdout, `Sink binding 'bind1' created in namespace '${NS}'.\n`);
    const env = await until(
      'a running bound-app pod with K_SINK',
      async () => {
        const r = await kubectl(['get', 'pods', '-n', NS, '-l', 'app=bound-app', '--field-selector=status.phase=Running', '-o', 'jsonpath={range .items[*]}{.metadata.deletionTimestamp}|{.spec.containers[0].env}{"\\n"}{end}']);
        return r.stdout.split('\n').find((l) => l.startsWith('|') && l.includes('K_SINK'));
      },
      180_000,
      2000,
    );
    assert.ok(env.includes(`"name":"K_SINK","value":"${recorderUrl}"`), env);
    await until('SinkBinding bind1 Ready', conditionTrue('sinkbinding', 'bind1'), 60_000, 2000);
    ok(await kn(['source', 'binding', 'delete', 'bind1', '-n', NS]), 'binding delete');
    await until('K_SINK removed from the template', async () => ((await jsonpath(['deployment', 'bound-app'], '{.spec.template.spec.containers[0].env}')).includes('K_SINK') ? undefined : true), 60_000, 2000);
    ok(await kubectl(['delete', 'deployment', 'bound-app', '-n', NS, '--wait=true', '--timeout=60s'], { timeoutMs: 90_000 }), 'delete deployment');
  });

  it('a ContainerSource\'s pod gets K_SINK and sends to it', async () => {
    const c = ok(await kn(['source', 'container', 'create', 'cs1', '-n', NS, '--image', RECORDER, '--arg', 'send', '--sink', 'ksvc:recorder']), 'container create');
    assert.equal(c.stdout, `ContainerSource 'cs1' created in namespace '${NS}'.\n`);
    // The recorder sends only when K_SINK is set, and only to it.
    const ev = await until('a heartbeat from the ContainerSource\'s pod', async () => (await events()).find((e) => e['ce-type'] === 'dev.knative.e2e.heartbeat'), 180_000, 2000);
    assert.equal(ev['ce-source'], 'e2e/heartbeats');
    const pod = ev['ce-pod']!;
    assert.match(pod, /^cs1-deployment-/);
    const env = await jsonpath(['pod', pod], '{.spec.containers[0].env}');
    assert.ok(env.includes(`"name":"K_SINK","value":"${recorderUrl}"`), env);
    await until('ContainerSource cs1 Ready', conditionTrue('containersource', 'cs1'), 120_000, 2000);
    ok(await kn(['source', 'container', 'delete', 'cs1', '-n', NS]), 'container delete');
    await until('its Deployment and SinkBinding are gone', async () => ((await jsonpath(['deployments,sinkbindings', '-l', 'sources.knative.dev/containerSource=cs1'], '{.items[*].metadata.name}')) === '' ? true : undefined), 120_000, 2000);
  });

  it('the PingSource\'s event reached the recorder within 70 s of its creation, with upstream\'s attributes', async (t) => {
    const ev = await until('a ping event at the recorder', async () => (await events()).find((e) => e['ce-type'] === 'dev.knative.sources.ping'), Math.max(1000, pingCreated + 75_000 - Date.now()), 2000);
    t.diagnostic(`the first ping arrived ${((ev.at - pingCreated) / 1000).toFixed(1)} s after kn source ping create`);
    assert.ok(ev.at - pingCreated <= 70_000, `the first ping arrived ${((ev.at - pingCreated) / 1000).toFixed(1)} s after kn source ping create`);
    assert.equal(ev['ce-source'], `/apis/v1/namespaces/${NS}/pingsources/ping1`);
    assert.equal(ev['ce-specversion'], '1.0');
    assert.match(ev['ce-id']!, /^[0-9a-f-]{36}$/);
    assert.equal(ev.body, '{"hello":"ping"}');
    const d = ok(await kn(['source', 'ping', 'describe', 'ping1', '-n', NS]), 'describe');
    assert.match(d.stdout, /\+\+ Ready/);
    ok(await kn(['source', 'ping', 'delete', 'ping1', '-n', NS]), 'ping delete');
  });
});
