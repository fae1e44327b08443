// Channels and flows on the real kind cluster: a two-step Sequence of Knative Services transforms
// an event on its way to a recorder, and a Parallel fans one event out to two branches. The
// services run test/e2e/fixtures/flows-server.mjs (an image built FROM the offline node:24-slim);
// the event is sent from a pod inside the cluster to the flow's status.address (the
// <name>-kn-channel ExternalName Service → imc-dispatcher → the broker process), and the recorder
// is read through the gateway. Everything created here is deleted again.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO } from '../harness/env.ts';
import { CLUSTER, curl, docker, DOMAIN, ensureCluster, kind, kn, kubectl, ok, until } from './env.ts';

const NS = 'flows-e2e';
const IMAGE = 'dev.local/flows:e2e';

async function buildImage(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'kn-e2e-flows-'));
  try {
    copyFileSync(join(REPO, 'test/e2e/fixtures/flows-server.mjs'), join(work, 'server.mjs'));
    writeFileSync(join(work, 'Dockerfile'), 'FROM node:24-slim\nCOPY server.mjs /server.mjs\nUSER 65532:65532\nENTRYPOINT ["node", "/server.mjs"]\n');
    ok(await docker(['build', '--network=none', '-t', IMAGE, work]), 'docker build');
    ok(await kind(['load', 'docker-image', IMAGE, '--name', CLUSTER]), 'kind load');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const apply = async (yaml: string) => ok(await kubectl(['apply', '-n', NS, '-f', '-'], { input: yaml }), 'kubectl apply');

async function waitReady(kindName: string, name: string): Promise<void> {
  const r = await kubectl(['wait', '-n', NS, '--for=condition=Ready', `${kindName}/${name}`, '--timeout=240s'], { timeoutMs: 250_000 });
  if (r.code !== 0) {
    const y = await kubectl(['get', '-n', NS, kindName, name, '-o', 'yaml']);
    const broker = await kubectl(['logs', '-n', 'knative-eventing', 'deploy/mt-broker-ingress', '--tail=30']);
    throw new Error(`${kindName}/${name} not Ready:\n${y.stdout}\n${broker.stdout}`);
  }
}

/** One event from a pod in the cluster to url (the pod exits 0 on a 202). */
async function sendFromPod(pod: string, url: string, data: string): Promise<void> {
  ok(
    await kubectl([
      'run', pod, '-n', NS, '--image', IMAGE, '--image-pull-policy=Never', '--restart=Never',
      '--env', 'MODE=send', '--env', `SINK=${url}`, '--env', `DATA=${data}`, '--env', 'TYPE=dev.e2e.start',
    ]),
    'kubectl run',
  );
  await until(`pod ${pod} succeeded`, async () => {
    const phase = (await kubectl(['get', 'pod', pod, '-n', NS, '-o', 'jsonpath={.status.phase}'])).stdout;
    if (phase === 'Failed') throw new Error(`pod ${pod} failed: ${(await kubectl(['logs', pod, '-n', NS])).stdout}`);
    return phase === 'Succeeded' ? true : undefined;
  }, 120_000, 2000);
  assert.match((await kubectl(['logs', pod, '-n', NS])).stdout, /status 202/);
}

interface Seen {
  type: string;
  source: string;
  data: string;
}
const recorded = async (): Promise<Seen[]> => {
  const r = await curl(`recorder.${NS}.${DOMAIN}`, '/events');
  return r.code === 0 ? (JSON.parse(r.stdout) as Seen[]) : [];
};

before(async () => {
  await ensureCluster();
  await buildImage();
  await kubectl(['delete', 'namespace', NS, '--ignore-not-found', '--wait=true'], { timeoutMs: 180_000 });
  ok(await kubectl(['create', 'namespace', NS]), 'kubectl create namespace');
  for (const [name, env] of [
    ['step-one', ['MODE=transform', 'SUFFIX=-one', 'TYPE=dev.e2e.one']],
    ['step-two', ['MODE=transform', 'SUFFIX=-two', 'TYPE=dev.e2e.two']],
    ['recorder', ['MODE=record']],
  ] as [string, string[]][]) {
    // The recorder keeps what it received in memory: one pod, never scaled to zero.
    const scale = name === 'recorder' ? ['--scale', '1'] : [];
    ok(await kn(['service', 'create', name, '-n', NS, '--image', IMAGE, ...env.flatMap((e) => ['--env', e]), ...scale]), `kn service create ${name}`);
  }
});

after(async () => {
  for (const s of ['step-one', 'step-two', 'recorder']) await kn(['service', 'delete', s, '-n', NS]);
  await kubectl(['delete', 'namespace', NS, '--wait=true'], { timeoutMs: 300_000 });
});

describe('flows on kind', () => {
  it('a two-step Sequence of Knative Services transforms an event on its way to spec.reply', async () => {
    await apply(`apiVersion: flows.knative.dev/v1
kind: Sequence
metadata:
  name: seq
spec:
  channelTemplate:
    apiVersion: messaging.knative.dev/v1
    kind: InMemoryChannel
  steps:
    - ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: step-one}
    - ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: step-two}
  reply:
    ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: recorder}
`);
    await waitReady('sequence', 'seq');
    const url = ok(await kubectl(['get', 'sequence', 'seq', '-n', NS, '-o', 'jsonpath={.status.address.url}']), 'get address').stdout;
    assert.equal(url, `http://seq-kn-sequence-0-kn-channel.${NS}.svc.cluster.local`);
    await sendFromPod('send-seq', url, 'seq');
    const got = await until('the recorder has the Sequence output', async () => (await recorded()).find((e) => e.data.startsWith('seq')), 120_000, 2000);
    assert.equal(got.data, 'seq-one-two');
    assert.equal(got.type, 'dev.e2e.two');
    assert.equal(got.source, '/e2e/-two');
    ok(await kubectl(['delete', 'sequence', 'seq', '-n', NS, '--wait=true']), 'kubectl delete sequence');
  });

  it('a Parallel fans one event out to two branches', async () => {
    await apply(`apiVersion: flows.knative.dev/v1
kind: Parallel
metadata:
  name: par
spec:
  branches:
    - subscriber:
        ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: step-one}
    - subscriber:
        ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: step-two}
  reply:
    ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: recorder}
`);
    await waitReady('parallel', 'par');
    const url = ok(await kubectl(['get', 'parallel', 'par', '-n', NS, '-o', 'jsonpath={.status.address.url}']), 'get address').stdout;
    assert.equal(url, `http://par-kn-parallel-kn-channel.${NS}.svc.cluster.local`);
    await sendFromPod('send-par', url, 'par');
    const both = await until(
      'the recorder has both branches',
      async () => {
        const d = (await recorded()).filter((e) => e.data.startsWith('par')).map((e) => e.data).sort();
        return d.length >= 2 ? d : undefined;
      },
      120_000,
      2000,
    );
    assert.deepEqual(both, ['par-one', 'par-two']);
    ok(await kubectl(['delete', 'parallel', 'par', '-n', NS, '--wait=true']), 'kubectl delete parallel');
  });
});
