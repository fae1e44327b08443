// Sources against the real API server: the CRDs (labels kn discovers, CEL rules, upstream's docs
// examples applied unchanged), the four reconcilers (in a Manager of their own, with the ping
// adapter sending to a receiver on 127.0.0.1), and every `kn source …` command. No kubelet runs
// here: Deployments never become Available (the e2e tier covers running adapters and pods).
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import type { Condition, KubeObject } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import type { ApiServerSource, ContainerSource, PingSource, SinkBinding } from '../../src/api/sources/types.ts';
import { makeLogger, silentLogger } from '../../src/controller/runtime/log.ts';
import { Manager } from '../../src/controller/runtime/manager.ts';
import { type LazyPingScheduler, sourcesReconcilers } from '../../src/controller/sources/index.ts';
import { ApiServerAdapter } from '../../src/dataplane/adapters/apiserver.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import { KubeError } from '../../src/kube/errors.ts';
import { waitFor } from '../../src/kube/wait.ts';
import { installServingCRDs, loadManifest } from '../harness/crds.ts';
import { freshNamespace, kube, runKn } from '../harness/env.ts';
import { installEventing } from './broker-setup.ts';

const T = 30_000;
let c: KubeClient;
let ns: string;
let mgr: Manager;
let scheduler: LazyPingScheduler;
let srv: Server;
let sinkUrl: string;
const received: Record<string, string | string[] | undefined>[] = [];

const cond = (o: { status?: { conditions?: Condition[] } } | undefined, type: string) => o?.status?.conditions?.find((x) => x.type === type);
const ready = (o: { status?: { conditions?: Condition[] } } | undefined) => cond(o, 'Ready')?.status === 'True';

// The sources' CRDs, and the messaging ones (a Channel as a sink).
const CRDS = ['manifests/112-crd-sources.yaml', 'manifests/111-crd-messaging.yaml'];
async function installSources(client: KubeClient): Promise<void> {
  for (const o of CRDS.flatMap(loadManifest)) await client.apply(R.CustomResourceDefinition, o, { fieldManager: 'kn-ts-test-install' });
  for (const o of CRDS.flatMap(loadManifest))
    await waitFor<KubeObject & { status?: { conditions?: { type: string; status: string }[] } }>(client, R.CustomResourceDefinition, o.metadata.name ?? '', undefined, (x) => (x?.status?.conditions?.some((k) => k.type === 'Established' && k.status === 'True') ? 'done' : 'wait'), T);
}

before(async () => {
  c = await kube();
  await installServingCRDs(c);
  await installEventing(c);
  await installSources(c);
  ns = await freshNamespace('sources');
  srv = createServer((req, res) => {
    received.push(req.headers);
    req.resume().on('end', () => res.writeHead(202).end());
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  sinkUrl = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/`;
  const s = await sourcesReconcilers(c, { log: silentLogger(), ping: { jitterMs: 0 }, image: async () => 'dev.local/kn-ts/control-plane:test' });
  scheduler = s.scheduler!;
  mgr = new Manager({ client: c, reconcilers: s.reconcilers, log: process.env.SOURCES_TEST_LOG ? makeLogger({ name: 'controller' }) : silentLogger(), systemNamespace: 'knative-serving', workers: 2, leaderElection: false });
  await mgr.start();
});
after(async () => {
  scheduler?.stopAll();
  await mgr?.stop();
  srv?.close();
});

describe('source CRDs', () => {
  it('are labelled as upstream\'s duck sources, with the registry annotation and printer columns', async () => {
    const crd = await c.get<KubeObject & { spec: { versions: { additionalPrinterColumns?: { name: string }[] }[] } }>(R.CustomResourceDefinition, 'pingsources.sources.knative.dev');
    assert.equal(crd.metadata.labels?.['duck.knative.dev/source'], 'true');
    assert.equal(crd.metadata.labels?.['eventing.knative.dev/source'], 'true');
    assert.match(crd.metadata.annotations?.['registry.knative.dev/eventTypes'] ?? '', /"type": "dev\.knative\.sources\.ping"/);
    assert.deepEqual(crd.spec.versions[0]!.additionalPrinterColumns?.map((x) => x.name), ['Sink', 'Schedule', 'Age', 'Ready', 'Reason']);
    const sb = await c.get<KubeObject>(R.CustomResourceDefinition, 'sinkbindings.sources.knative.dev');
    assert.equal(sb.metadata.labels?.['duck.knative.dev/binding'], 'true');
  });
  it('upstream\'s docs examples apply unchanged', async () => {
    const docs = `
apiVersion: sources.knative.dev/v1
kind: PingSource
metadata:
  name: test-ping-source
spec:
  schedule: "*/1 * * * *"
  contentType: "application/json"
  data: '{"message": "Hello world!"}'
  sink:
    ref:
      apiVersion: serving.knative.dev/v1
      kind: Service
      name: event-display
---
apiVersion: sources.knative.dev/v1
kind: PingSource
metadata:
  name: test-ping-source-binary
spec:
  schedule: "*/1 * * * *"
  timezone: "Europe/Madrid"
  dataBase64: "ZGF0YQ=="
  sink:
    ref:
      apiVersion: serving.knative.dev/v1
      kind: Service
      name: event-display
---
apiVersion: sources.knative.dev/v1
kind: ApiServerSource
metadata:
  name: testevents
spec:
  serviceAccountName: events-sa
  mode: Resource
  resources:
    - apiVersion: v1
      kind: Event
  sink:
    ref:
      apiVersion: eventing.knative.dev/v1
      kind: Broker
      name: default
---
apiVersion: sources.knative.dev/v1
kind: SinkBinding
metadata:
  name: bind-heartbeat
spec:
  subject:
    apiVersion: batch/v1
    kind: Job
    selector:
      matchLabels:
        app: heartbeat-cron
  sink:
    ref:
      apiVersion: serving.knative.dev/v1
      kind: Service
      name: event-display
---
apiVersion: sources.knative.dev/v1
kind: ContainerSource
metadata:
  name: test-heartbeats
spec:
  template:
    spec:
      containers:
        - image: gcr.io/knative-nightly/knative.dev/eventing/cmd/heartbeats:latest
          name: heartbeats
          args:
            - --period=1
          env:
            - name: POD_NAME
              value: "mypod"
            - name: POD_NAMESPACE
              value: "event-test"
  sink:
    ref:
      apiVersion: serving.knative.dev/v1
      kind: Service
      name: event-display
`;
    const ens = await freshNamespace('sources-docs');
    for (const d of parseAllDocuments(docs)) {
      const o = d.toJS() as KubeObject;
      const r = R[o.kind as 'PingSource'];
      await c.create(r, { ...o, metadata: { ...o.metadata, namespace: ens } });
    }
    const p = await c.get<PingSource>(R.PingSource, 'test-ping-source', ens);
    assert.equal(p.spec?.schedule, '*/1 * * * *');
    // The sink does not exist there: not Ready, with the resolver's reason.
    const st = await waitFor<PingSource>(c, R.PingSource, 'test-ping-source', ens, (o) => (cond(o, 'SinkProvided')?.status === 'False' ? 'done' : 'wait'), T);
    assert.equal(cond(st, 'SinkProvided')?.reason, 'NotFound');
  });
  it('CEL refuses what upstream\'s webhook refuses', async () => {
    const bad = async (spec: object, re: RegExp) => {
      await assert.rejects(c.create(R.PingSource, { apiVersion: 'sources.knative.dev/v1', kind: 'PingSource', metadata: { name: 'bad', namespace: ns }, spec } as KubeObject), (e: unknown) => e instanceof KubeError && re.test(e.message));
    };
    await bad({ sink: { uri: sinkUrl }, data: 'a', dataBase64: 'YQ==' }, /expected exactly one, got both: data, dataBase64/);
    await bad({ sink: { uri: sinkUrl }, schedule: '0 * * * * *' }, /expected exactly 5 fields/);
    await bad({ sink: { uri: sinkUrl }, schedule: '@every 1m' }, /unsupported descriptor @every/);
    await bad({ sink: { uri: sinkUrl }, ceOverrides: { extensions: { 'bad-key': 'x' } } }, /alphanumeric/);
    await bad({}, /sink: Required value/);
    await assert.rejects(
      c.create(R.SinkBinding, { apiVersion: 'sources.knative.dev/v1', kind: 'SinkBinding', metadata: { name: 'bad', namespace: ns }, spec: { sink: { uri: sinkUrl }, subject: { apiVersion: 'apps/v1', kind: 'Deployment' } } } as KubeObject),
      /expected exactly one, got neither or both: subject.name, subject.selector/,
    );
  });
});

describe('kn source ping', () => {
  it('create → Ready with the sink URI and ceAttributes, scheduled in the ping adapter, which sends to the sink', async () => {
    const r = await runKn(['source', 'ping', 'create', 'p1', '-n', ns, '--schedule', '*/2 * * * *', '--data', '{"a":1}', '--sink', sinkUrl, '--ce-override', 'team=blue']);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, `Ping source 'p1' created in namespace '${ns}'.\n`);
    const p = await waitFor<PingSource>(c, R.PingSource, 'p1', ns, (o) => (ready(o) ? 'done' : 'wait'), T);
    assert.equal(p.status?.sinkUri, sinkUrl);
    assert.deepEqual(p.status?.ceAttributes, [{ type: 'dev.knative.sources.ping', source: `/apis/v1/namespaces/${ns}/pingsources/p1` }]);
    assert.equal(p.spec?.data, '{"a":1}');
    assert.ok(scheduler.has(`${ns}/p1`));
    await scheduler.fire(ns, 'p1');
    const h = received.at(-1)!;
    assert.equal(h['ce-source'], `/apis/v1/namespaces/${ns}/pingsources/p1`);
    assert.equal(h['ce-team'], 'blue');
  });
  it('list, describe, update, the source list and delete', async () => {
    const l = await runKn(['source', 'ping', 'list', '-n', ns]);
    assert.match(l.stdout, /^NAME\s+SCHEDULE\s+SINK\s+AGE\s+CONDITIONS\s+READY\s+REASON\n/);
    assert.match(l.stdout, /\np1\s+\*\/2 \* \* \* \*\s+http:\/\/127\.0\.0\.1:\d+\/\s+\S+\s+4 OK \/ 4\s+True/);
    const u = await runKn(['source', 'ping', 'update', 'p1', '-n', ns, '--schedule', '@hourly', '--data', 'aGVsbG8=']);
    assert.equal(u.stdout, `Ping source 'p1' updated in namespace '${ns}'.\n`);
    const p = await c.get<PingSource>(R.PingSource, 'p1', ns);
    assert.equal(p.spec?.dataBase64, 'aGVsbG8=');
    assert.equal(p.spec?.data, undefined);
    const d = await runKn(['source', 'ping', 'describe', 'p1', '-n', ns]);
    assert.match(d.stdout, /Schedule:\s+@hourly\n/);
    assert.match(d.stdout, /DataBase64:\s+aGVsbG8=\n/);
    assert.match(d.stdout, /Sink:\s*\n\s+URI:\s+http:\/\/127\.0\.0\.1/);
    assert.match(d.stdout, /CloudEvent Overrides:\s*\n\s+team:\s+blue/);
    assert.match(d.stdout, /Conditions:\s*\n\s+OK TYPE\s+AGE REASON\n\s+\+\+ Ready/);
    const y = await runKn(['source', 'ping', 'describe', 'p1', '-n', ns, '-o', 'jsonpath={.spec.schedule}']);
    assert.equal(y.stdout, '@hourly');
    const sl = await runKn(['source', 'list', '-n', ns]);
    assert.match(sl.stdout, /^NAME\s+TYPE\s+RESOURCE\s+SINK\s+READY\n/);
    assert.match(sl.stdout, /\np1\s+PingSource\s+pingsources\.sources\.knative\.dev\s+http:\/\/127\.0\.0\.1:\d+\/\s+True\n/);
    const t = await runKn(['source', 'list', '-n', ns, '-t', 'ApiServerSource']);
    assert.equal(t.stdout, 'No sources found.\n');
    const del = await runKn(['source', 'ping', 'delete', 'p1', '-n', ns]);
    assert.equal(del.stdout, `Ping source 'p1' deleted in namespace '${ns}'.\n`);
    await waitFor(c, R.PingSource, 'p1', ns, (o) => (o ? 'wait' : 'done'), T);
    const none = await runKn(['source', 'ping', 'list', '-n', ns]);
    assert.equal(none.stdout, 'No Ping source found.\n');
    // The adapter forgets a deleted source.
    for (let i = 0; i < 50 && scheduler.has(`${ns}/p1`); i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(scheduler.has(`${ns}/p1`), false);
  });
  it('bad input: missing sink, a bad encoding, a sink that does not exist; nothing is created', async () => {
    const a = await runKn(['source', 'ping', 'create', 'p2', '-n', ns]);
    assert.notEqual(a.code, 0);
    assert.match(a.stderr, /required flag\(s\) "sink" not set/);
    const b = await runKn(['source', 'ping', 'create', 'p2', '-n', ns, '--sink', sinkUrl, '--data', 'x', '-e', 'hex']);
    assert.match(b.stderr, /cannot create PingSource "p2" in namespace "[^"]+" because: invalid value: hex\. Accepted values are: text\|base64/);
    const s = await runKn(['source', 'ping', 'create', 'p2', '-n', ns, '--sink', 'ksvc:nope']);
    assert.notEqual(s.code, 0);
    assert.match(s.stderr, /nope/);
    assert.equal(await c.find(R.PingSource, 'p2', ns), undefined);
  });
  it('a Channel as the sink resolves to its address, and follows it when the address changes', async () => {
    // The Channel's status is written here as its reconciler would; another test file's messaging
    // reconcilers may share this API server and write it too (their address), so the source is
    // held to whatever address the Channel has when things settle; a write that meets theirs is retried.
    const setAddress = async (url: string) => {
      for (let i = 0; ; i++) {
        const ch = await c.get<KubeObject>(R.Channel, 'pipe', ns);
        const conditions = [{ type: 'Ready', status: 'True', lastTransitionTime: new Date().toISOString() }];
        try {
          return await c.replaceStatus(R.Channel, { ...ch, status: { ...(ch.status ?? {}), address: { name: 'http', url }, conditions } } as KubeObject);
        } catch (e) {
          if (!(e instanceof KubeError && e.code === 409) || i > 20) throw e;
        }
      }
    };
    const channelUrl = async () => ((await c.get<KubeObject>(R.Channel, 'pipe', ns)).status as { address?: { url?: string } } | undefined)?.address?.url;
    const follows = async () => {
      for (let i = 0; i < 300; i++) {
        const [p, url] = [await c.get<PingSource>(R.PingSource, 'pc', ns), await channelUrl()];
        if (url && p.status?.sinkUri === url && ready(p)) return url;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`PingSource pc's sink is ${JSON.stringify((await c.get<PingSource>(R.PingSource, 'pc', ns)).status?.sinkUri)}, the Channel's address ${await channelUrl()}`);
    };
    await c.create(R.Channel, { apiVersion: 'messaging.knative.dev/v1', kind: 'Channel', metadata: { name: 'pipe', namespace: ns } });
    await setAddress('http://pipe-first.example.svc.cluster.local');
    const r = await runKn(['source', 'ping', 'create', 'pc', '-n', ns, '--schedule', '0 0 1 1 *', '--sink', 'channel:pipe']);
    assert.equal(r.stdout, `Ping source 'pc' created in namespace '${ns}'.\n`, r.stderr);
    const p = await c.get<PingSource>(R.PingSource, 'pc', ns);
    assert.deepEqual(p.spec?.sink?.ref, { apiVersion: 'messaging.knative.dev/v1', kind: 'Channel', name: 'pipe', namespace: ns });
    await follows();
    // Alone, the Channel keeps the new address and the source follows it; beside the messaging
    // reconcilers it goes back to theirs, and the source follows that.
    await setAddress('http://pipe-moved.example.svc.cluster.local');
    await follows();
    const l = await runKn(['source', 'ping', 'list', '-n', ns]);
    assert.match(l.stdout, /\npc\s+0 0 1 1 \*\s+channel:pipe\s/);
    await runKn(['source', 'ping', 'delete', 'pc', '-n', ns]);
    await c.delete(R.Channel, 'pipe', ns);
  });
});

describe('kn source list-types', () => {
  it('lists the four built-in types with kn\'s descriptions', async () => {
    const r = await runKn(['source', 'list-types']);
    assert.match(r.stdout, /^TYPE\s+S\s+NAME\s+DESCRIPTION\n/);
    assert.match(r.stdout, /\nPingSource\s+X\s+pingsources\.sources\.knative\.dev\s+Send periodically ping events to addressable\n/);
    assert.match(r.stdout, /\nApiServerSource\s+X\s+apiserversources\.sources\.knative\.dev\s+Watch and send Kubernetes API events to addressable\n/);
    const y = await runKn(['source', 'list-types', '-o', 'yaml']);
    assert.match(y.stdout, /kind: CustomResourceDefinition/);
  });
});

describe('kn source apiserver', () => {
  it('the permission check is a condition with upstream\'s message; granted, the adapter Deployment runs under the ServiceAccount', async () => {
    await c.create(R.ServiceAccount, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'watcher', namespace: ns } });
    const r = await runKn(['source', 'apiserver', 'create', 'a1', '-n', ns, '--resource', 'ConfigMap:v1:app=x', '--mode', 'Resource', '--service-account', 'watcher', '--sink', sinkUrl]);
    assert.equal(r.stdout, `ApiServer source 'a1' created in namespace '${ns}'.\n`);
    const a = await waitFor<ApiServerSource>(c, R.ApiServerSource, 'a1', ns, (o) => (cond(o, 'SufficientPermissions')?.status === 'False' ? 'done' : 'wait'), T);
    assert.equal(cond(a, 'SufficientPermissions')?.message, `User system:serviceaccount:${ns}:watcher cannot get, list, watch resource "configmaps" in API group "" in Namespace "${ns}"`);
    assert.equal(a.status?.ceAttributes?.[0]?.type, 'dev.knative.apiserver.resource.add');
    await c.create(R.Role, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'cm-reader', namespace: ns }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] }] } as KubeObject);
    await c.create(R.RoleBinding, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'cm-reader', namespace: ns }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'cm-reader' }, subjects: [{ kind: 'ServiceAccount', name: 'watcher', namespace: ns }] } as KubeObject);
    const ok = await waitFor<ApiServerSource>(c, R.ApiServerSource, 'a1', ns, (o) => (cond(o, 'SufficientPermissions')?.status === 'True' ? 'done' : 'wait'), T);
    assert.equal(cond(ok, 'Deployed')?.reason, 'DeploymentUnavailable');
    const deps = await c.list<KubeObject & { spec: { template: { spec: { serviceAccountName: string; containers: { image: string; args: string[] }[] } } } }>(R.Deployment, { namespace: ns, labelSelector: 'eventing.knative.dev/sourceName=a1' });
    assert.equal(deps.items.length, 1);
    const pod = deps.items[0]!.spec.template.spec;
    assert.equal(pod.serviceAccountName, 'watcher');
    assert.deepEqual(pod.containers[0]!.args, ['apiserver-adapter']);
    assert.equal(pod.containers[0]!.image, 'dev.local/kn-ts/control-plane:test');
    const l = await runKn(['source', 'apiserver', 'list', '-n', ns]);
    assert.match(l.stdout, /^NAME\s+RESOURCES\s+SINK\s+AGE\s+CONDITIONS\s+READY\s+REASON\n/);
    assert.match(l.stdout, /\na1\s+ConfigMap:v1\s+http/);
    const u = await runKn(['source', 'apiserver', 'update', 'a1', '-n', ns, '--mode', 'Reference']);
    assert.equal(u.stdout, `ApiServer source 'a1' updated in namespace '${ns}'.\n`);
    const d = await runKn(['source', 'apiserver', 'describe', 'a1', '-n', ns]);
    assert.match(d.stdout, /EventMode:\s+Reference/);
    assert.match(d.stdout, /Kind:\s+ConfigMap \(v1\)/);
    const bad = await runKn(['source', 'apiserver', 'create', 'a2', '-n', ns, '--resource', 'ConfigMap', '--sink', sinkUrl]);
    assert.match(bad.stderr, /expected: <kind:apiVersion\[:label1=val1,label2=val2,\.\.\]>/);
    const del = await runKn(['source', 'apiserver', 'delete', 'a1', '-n', ns]);
    assert.equal(del.stdout, `ApiServer source 'a1' deleted in namespace '${ns}'.\n`);
  });
  it('the adapter against the real API server: only changes after its first list, through the label selector and the owner filter', async () => {
    const cm = (name: string, labels: Record<string, string>, owner?: string) =>
      ({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name, namespace: ns, labels, ...(owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: owner, name: 'o', uid: '00000000-0000-0000-0000-000000000001', controller: true }] } : {}) },
        data: { a: 'b' },
      }) as KubeObject;
    await c.create(R.ConfigMap, cm('f-before', { watched: 'yes' }, 'Deployment'));
    const adapter = new ApiServerAdapter({
      client: c,
      sink: sinkUrl,
      source: 'https://api.example:443',
      config: { namespaces: [ns], resources: [{ apiVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps', labelSelector: 'watched=yes' }], owner: { apiVersion: 'apps/v1', kind: 'Deployment' }, mode: 'Reference' },
      extensions: { team: 'blue' },
    });
    await adapter.start();
    try {
      await c.create(R.ConfigMap, cm('f-unlabelled', {}, 'Deployment'));
      await c.create(R.ConfigMap, cm('f-other-owner', { watched: 'yes' }, 'StatefulSet'));
      await c.create(R.ConfigMap, cm('f-no-owner', { watched: 'yes' }));
      await c.create(R.ConfigMap, cm('f-match', { watched: 'yes' }, 'Deployment'));
      await c.delete(R.ConfigMap, 'f-match', ns);
      const names = () => received.filter((h) => String(h['ce-name'] ?? '').startsWith('f-')).map((h) => `${h['ce-type']} ${h['ce-name']}`);
      for (let i = 0; i < 100 && names().length < 2; i++) await new Promise((r) => setTimeout(r, 100));
      await adapter.drain();
      assert.deepEqual(names(), ['dev.knative.apiserver.ref.add f-match', 'dev.knative.apiserver.ref.delete f-match']);
      const h = received.find((x) => x['ce-name'] === 'f-match')!;
      assert.equal(h['ce-source'], 'https://api.example:443');
      assert.equal(h['ce-subject'], `/apis/v1/namespaces/${ns}/configmaps/f-match`);
      assert.equal(h['ce-team'], 'blue');
    } finally {
      adapter.stop();
    }
  });
});

describe('kn source binding', () => {
  const deployment = (name: string, labels: Record<string, string>) =>
    ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: ns, labels },
      spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'example.invalid/app', env: [{ name: 'A', value: '1' }] }] } } },
    }) as KubeObject;
  const env = async (name: string) => ((await c.get<KubeObject & { spec: { template: { spec: { containers: { env?: { name: string; value?: string }[] }[] } } } }>(R.Deployment, name, ns)).spec.template.spec.containers[0]!.env ?? []).map((e) => `${e.name}=${e.value ?? ''}`);
  it('injects K_SINK into a named Deployment and one selected by labels (created later), and removes it when the binding goes', async () => {
    await c.create(R.Deployment, deployment('app1', { app: 'one' }));
    const r = await runKn(['source', 'binding', 'create', 'b1', '-n', ns, '--subject', 'Deployment:apps/v1:app1', '--sink', sinkUrl, '--ce-override', 'k=v']);
    assert.equal(r.stdout, `Sink binding 'b1' created in namespace '${ns}'.\n`);
    await waitFor<SinkBinding>(c, R.SinkBinding, 'b1', ns, (o) => (ready(o) ? 'done' : 'wait'), T);
    assert.deepEqual(await env('app1'), ['A=1', `K_SINK=${sinkUrl}`, 'K_CE_OVERRIDES={"extensions":{"k":"v"}}']);
    const s = await runKn(['source', 'binding', 'create', 'b2', '-n', ns, '--subject', 'Deployment:apps/v1:tier=web', '--sink', sinkUrl]);
    assert.equal(s.code, 0);
    await c.create(R.Deployment, deployment('app2', { tier: 'web' }));
    for (let i = 0; i < 100 && !(await env('app2')).some((e) => e.startsWith('K_SINK=')); i++) await new Promise((res) => setTimeout(res, 100));
    assert.deepEqual(await env('app2'), ['A=1', `K_SINK=${sinkUrl}`, 'K_CE_OVERRIDES=']);
    const l = await runKn(['source', 'binding', 'list', '-n', ns]);
    assert.match(l.stdout, /^NAME\s+SUBJECT\s+SINK\s+AGE\s+CONDITIONS\s+READY\s+REASON\n/);
    assert.match(l.stdout, /\nb1\s+Deployment:apps\/v1:app1\s+http/);
    assert.match(l.stdout, /\nb2\s+Deployment:apps\/v1:tier=web\s+http/);
    const d = await runKn(['source', 'binding', 'describe', 'b2', '-n', ns]);
    assert.match(d.stdout, /Subject:\s*\n\s+Resource:\s+Deployment \(apps\/v1\)\n\s+Selector:\s*\n\s+tier:\s+web/);
    const u = await runKn(['source', 'binding', 'update', 'b1', '-n', ns, '--ce-override', 'k-']);
    assert.equal(u.stdout, `Sink binding 'b1' updated in namespace '${ns}'.\n`);
    for (let i = 0; i < 100 && (await env('app1')).includes('K_CE_OVERRIDES={"extensions":{"k":"v"}}'); i++) await new Promise((res) => setTimeout(res, 100));
    assert.deepEqual(await env('app1'), ['A=1', `K_SINK=${sinkUrl}`, 'K_CE_OVERRIDES=']);
    const del = await runKn(['source', 'binding', 'delete', 'b1', '-n', ns]);
    assert.equal(del.stdout, `Sink binding 'b1' deleted in namespace '${ns}'.\n`);
    await waitFor(c, R.SinkBinding, 'b1', ns, (o) => (o ? 'wait' : 'done'), T);
    assert.deepEqual(await env('app1'), ['A=1']);
    const bad = await runKn(['source', 'binding', 'create', 'b3', '-n', ns, '--subject', 'Deployment:app1', '--sink', sinkUrl]);
    assert.match(bad.stderr, /invalid subject argument 'Deployment:app1': not in format kind:api\/version:nameOrSelector/);
  });
  it('a StatefulSet whose status another writer keeps changing is bound: a write conflict is retried, not reported', async () => {
    const labels = { app: 'ss' };
    await c.create(R.StatefulSet, { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'ss1', namespace: ns }, spec: { serviceName: 'ss1', selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'example.invalid/app' }] } } } } as KubeObject);
    // The StatefulSet controller's part: a status write every few ms, each a new resourceVersion,
    // so the binding's write often carries a version the cache has not caught up with (409).
    let writing = true;
    const writer = (async () => {
      for (let i = 1; writing && i <= 300; i++) {
        const o = await c.get<KubeObject>(R.StatefulSet, 'ss1', ns);
        await c.replaceStatus(R.StatefulSet, { ...o, status: { replicas: 0, observedGeneration: o.metadata.generation, collisionCount: i } } as KubeObject).catch(() => undefined);
      }
    })();
    try {
      const r = await runKn(['source', 'binding', 'create', 'bss', '-n', ns, '--subject', 'StatefulSet:apps/v1:ss1', '--sink', sinkUrl]);
      assert.equal(r.code, 0, r.stderr);
      const b = await waitFor<SinkBinding>(c, R.SinkBinding, 'bss', ns, (o) => (ready(o) ? 'done' : 'wait'), T).catch(async (e) => {
        throw new Error(`${(e as Error).message}: ${JSON.stringify((await c.get<SinkBinding>(R.SinkBinding, 'bss', ns)).status?.conditions)}`);
      });
      assert.ok(b);
    } finally {
      writing = false;
      await writer;
    }
    const ss = await c.get<KubeObject & { spec: { template: { spec: { containers: { env?: { name: string; value?: string }[] }[] } } } }>(R.StatefulSet, 'ss1', ns);
    assert.deepEqual(ss.spec.template.spec.containers[0]!.env?.map((e) => `${e.name}=${e.value ?? ''}`), [`K_SINK=${sinkUrl}`, 'K_CE_OVERRIDES=']);
    await runKn(['source', 'binding', 'delete', 'bss', '-n', ns]);
    await waitFor(c, R.SinkBinding, 'bss', ns, (o) => (o ? 'wait' : 'done'), T);
  });
  it('a Job created before its binding is not bound (its pod template cannot change); the binding says why, in one line', async () => {
    await c.create(R.Job, { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'job1', namespace: ns }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'app', image: 'example.invalid/app' }] } } } } as KubeObject);
    assert.equal((await runKn(['source', 'binding', 'create', 'bjob', '-n', ns, '--subject', 'Job:batch/v1:job1', '--sink', sinkUrl])).code, 0);
    const b = await waitFor<SinkBinding>(c, R.SinkBinding, 'bjob', ns, (o) => (cond(o, 'SinkBindingAvailable')?.status === 'False' ? 'done' : 'wait'), T);
    assert.equal(cond(b, 'SinkBindingAvailable')?.message, 'job "job1": a Job\'s pod template cannot change after creation and this Job was created without K_SINK (before the SinkBinding, or while the webhook did not answer); delete and create the Job again to bind it');
    assert.equal(cond(b, 'Ready')?.status, 'False');
    await runKn(['source', 'binding', 'delete', 'bjob', '-n', ns]);
    await waitFor(c, R.SinkBinding, 'bjob', ns, (o) => (o ? 'wait' : 'done'), T);
  });
});

describe('kn source container', () => {
  it('create → a Deployment and a SinkBinding on it; the Deployment\'s containers get K_SINK', async () => {
    const r = await runKn(['source', 'container', 'create', 'c1', '-n', ns, '--image', 'example.invalid/heartbeats', '--sink', sinkUrl, '--env', 'X=1']);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, `ContainerSource 'c1' created in namespace '${ns}'.\n`);
    const b = await waitFor<SinkBinding>(c, R.SinkBinding, 'c1-sinkbinding', ns, (o) => (o?.status?.sinkUri ? 'done' : 'wait'), T);
    assert.deepEqual(b.spec?.subject, { apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: 'c1-deployment' });
    const src = await waitFor<ContainerSource>(c, R.ContainerSource, 'c1', ns, (o) => (o?.status?.sinkUri && cond(o, 'SinkBindingReady')?.status === 'True' ? 'done' : 'wait'), T).catch(async (e) => {
      console.log(JSON.stringify([await c.find(R.ContainerSource, 'c1', ns), await c.find(R.SinkBinding, 'c1-sinkbinding', ns)], null, 1));
      throw e;
    });
    assert.equal(cond(src, 'ReceiveAdapterReady')?.reason, 'DeploymentUnavailable');
    const dep = await c.get<KubeObject & { spec: { template: { spec: { containers: { image: string; env: { name: string; value: string }[] }[] } } } }>(R.Deployment, 'c1-deployment', ns);
    assert.equal(dep.spec.template.spec.containers[0]!.image, 'example.invalid/heartbeats');
    assert.deepEqual(dep.spec.template.spec.containers[0]!.env.map((e) => e.name), ['X', 'K_SINK', 'K_CE_OVERRIDES']);
    const l = await runKn(['source', 'container', 'list', '-n', ns]);
    assert.match(l.stdout, /\nc1\s+example\.invalid\/heartbeats\s+http/);
    const u = await runKn(['source', 'container', 'update', 'c1', '-n', ns, '--image', 'example.invalid/heartbeats:2']);
    assert.equal(u.stdout, `Container source 'c1' updated in namespace '${ns}'.\n`);
    const d = await runKn(['source', 'container', 'describe', 'c1', '-n', ns]);
    assert.match(d.stdout, /Image:\s+example\.invalid\/heartbeats:2/);
    const del = await runKn(['source', 'container', 'delete', 'c1', '-n', ns]);
    assert.equal(del.stdout, `ContainerSourcd 'c1' deleted in namespace '${ns}'.\n`);
  });
});
