// manifests/200-rbac.yaml is exactly what the control plane needs. The controller, the gateway and the broker
// run as real processes (bin/control-plane.js) under their own ServiceAccounts' identities (tokens
// from the TokenRequest API; the broker's, of audience kn-ts-controller, reads the controller's
// data-plane feed and must send the API server nothing) against a private API server with the audit log on, while a Knative
// Service goes to Ready, gets a new Revision, a tag that is then removed, and old Revisions are
// garbage-collected, then a Broker and a Trigger go Ready, then a Channel with a Subscription, a
// Sequence (shortened by a step) and a Parallel go Ready, then the four sources, then SinkBindings
// on every kind of subject. Then, from the audit log:
//   (a) no request of either identity was forbidden (a missing rule fails here), and
//   (b) every verb of every rule was used by some request (an unused rule fails here), except
//       those listed in NOT_EVERY_RUN, which the code uses only on some runs or other scenarios.
// There is no kubelet: the test marks Deployments Available (test/quickstart/available.ts).
// The gateway binds 127.0.0.1 and its status writer asks only its own admin port (--peers);
// nothing dials an address read from the cluster.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Condition, KubeObject } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import { KubeClient } from '../../src/kube/client.ts';
import { waitFor } from '../../src/kube/wait.ts';
import { applyAll, waitEstablished } from '../../src/quickstart/apply.ts';
import { installPlan, loadManifests } from '../../src/quickstart/manifests.ts';
import { freePort, startCluster, type TestCluster } from '../harness/cluster.ts';
import { REPO } from '../harness/env.ts';
import { tokenFile } from '../harness/feed.ts';
import { makeDeploymentsAvailable } from '../quickstart/available.ts';

const CONTROLLER = 'system:serviceaccount:knative-serving:controller';
const GATEWAY = 'system:serviceaccount:kourier-system:gateway';
const BROKER = 'system:serviceaccount:knative-eventing:broker';

/**
 * Verbs granted for paths a healthy run takes only sometimes (a write conflict, an AlreadyExists,
 * a repeated event) or that this scenario does not reach (DomainMapping). Each names its path.
 * Everything else in the ClusterRoles must show up in the audit log of every run.
 */
const NOT_EVERY_RUN: { user: string; group: string; resource: string; verb: string; why: string }[] = [
  { user: CONTROLLER, group: 'autoscaling.internal.knative.dev', resource: 'podautoscalers', verb: 'get', why: 'PodAutoscaler status write conflict: re-read' },
  { user: CONTROLLER, group: 'apps', resource: 'deployments/scale', verb: 'patch', why: 'the KPA scales only with gateway statistics (no gateway reports here) or an initial scale above 1' },
  { user: CONTROLLER, group: 'autoscaling', resource: 'horizontalpodautoscalers', verb: 'create', why: 'hpa.autoscaling.knative.dev class only (test/integration/autoscaling.test.ts)' },
  { user: CONTROLLER, group: 'autoscaling', resource: 'horizontalpodautoscalers', verb: 'update', why: 'hpa.autoscaling.knative.dev class only, on a change' },
  { user: CONTROLLER, group: 'serving.knative.dev', resource: 'services', verb: 'get', why: 'status write conflict: re-read (runtime/reconcile.ts)' },
  { user: CONTROLLER, group: 'serving.knative.dev', resource: 'configurations', verb: 'get', why: 'status write conflict: re-read' },
  { user: CONTROLLER, group: 'serving.knative.dev', resource: 'configurations', verb: 'patch', why: 'labeler: routing-state annotation on the Configuration, when its routes change between reconciles' },
  { user: CONTROLLER, group: 'serving.knative.dev', resource: 'routes', verb: 'get', why: 'status write conflict: re-read' },
  { user: CONTROLLER, group: 'serving.knative.dev', resource: 'revisions', verb: 'get', why: 'revision create AlreadyExists / status conflict: re-read' },
  { user: CONTROLLER, group: 'serving.knative.dev', resource: 'domainmappings', verb: 'get', why: 'DomainMapping status write conflict (no DomainMapping here)' },
  { user: CONTROLLER, group: 'serving.knative.dev', resource: 'domainmappings/status', verb: 'update', why: 'DomainMapping status (no DomainMapping here)' },
  { user: CONTROLLER, group: '', resource: 'secrets', verb: 'get', why: 'webhook certificate: found only once written (a restart, another replica, the 30 s refresh)' },
  { user: CONTROLLER, group: '', resource: 'secrets', verb: 'update', why: 'webhook certificate renewal, a week before it expires' },
  { user: CONTROLLER, group: 'networking.internal.knative.dev', resource: 'ingresses', verb: 'get', why: 'KIngress create AlreadyExists: read the existing one' },
  { user: CONTROLLER, group: 'networking.internal.knative.dev', resource: 'clusterdomainclaims', verb: 'get', why: 'claim create AlreadyExists (no DomainMapping here)' },
  { user: CONTROLLER, group: 'networking.internal.knative.dev', resource: 'clusterdomainclaims', verb: 'create', why: 'DomainMapping with autocreate-cluster-domain-claims (no DomainMapping here)' },
  { user: CONTROLLER, group: 'networking.internal.knative.dev', resource: 'clusterdomainclaims', verb: 'delete', why: 'a deleted DomainMapping gives its claim back (no DomainMapping here)' },
  { user: CONTROLLER, group: 'serving.knative.dev', resource: 'domainmappings', verb: 'patch', why: 'DomainMapping finalizer (no DomainMapping here)' },
  { user: CONTROLLER, group: '', resource: 'services', verb: 'get', why: 'placeholder Service create AlreadyExists: read the existing one' },
  { user: CONTROLLER, group: '', resource: 'services', verb: 'update', why: 'a placeholder or Revision Service drifted from the desired one' },
  { user: CONTROLLER, group: '', resource: 'pods', verb: 'list', why: 'Revision not ready: look for a failing container' },
  { user: CONTROLLER, group: '', resource: 'events', verb: 'patch', why: 'an event repeated: count++' },
  { user: CONTROLLER, group: 'apps', resource: 'deployments', verb: 'update', why: 'a Deployment drifted from the Revision' },
  { user: CONTROLLER, group: 'autoscaling.internal.knative.dev', resource: 'podautoscalers', verb: 'update', why: 'a PodAutoscaler drifted from the Revision' },
  { user: CONTROLLER, group: 'eventing.knative.dev', resource: 'brokers', verb: 'get', why: 'Broker status write conflict: re-read' },
  { user: CONTROLLER, group: 'eventing.knative.dev', resource: 'triggers', verb: 'get', why: 'Trigger status write conflict: re-read' },
  { user: CONTROLLER, group: 'eventing.knative.dev', resource: 'eventtypes', verb: 'get', why: 'EventType status write conflict: re-read' },
  { user: CONTROLLER, group: 'eventing.knative.dev', resource: 'eventtypes', verb: 'create', why: 'the EventTypes the broker reports, only with eventtype-auto-create enabled in config-features (disabled by default)' },
  ...['channels', 'inmemorychannels', 'subscriptions'].map((resource) => ({ user: CONTROLLER, group: 'messaging.knative.dev', resource, verb: 'get', why: 'status write conflict: re-read' })),
  ...['sequences', 'parallels'].map((resource) => ({ user: CONTROLLER, group: 'flows.knative.dev', resource, verb: 'get', why: 'status write conflict: re-read' })),
  ...['pingsources', 'apiserversources', 'containersources', 'sinkbindings'].map((resource) => ({ user: CONTROLLER, group: 'sources.knative.dev', resource, verb: 'get', why: 'status write conflict: re-read' })),
  { user: CONTROLLER, group: '', resource: 'pods', verb: 'get', why: 'the controller reads its own Pod for the ApiServerSource adapter image; here it runs as a local process (no Pod)' },
];

interface AuditEvent {
  stage: string;
  verb: string;
  user: { username: string };
  objectRef?: { resource?: string; subresource?: string; apiGroup?: string; namespace?: string; name?: string };
  responseStatus?: { code?: number };
  requestURI: string;
}

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

let cluster: TestCluster;
let admin: KubeClient;
let dir: string;
const procs: ChildProcess[] = [];

async function saKubeconfig(ns: string, sa: string): Promise<string> {
  const tr = await admin.raw<{ status: { token: string } }>('POST', `/api/v1/namespaces/${ns}/serviceaccounts/${sa}/token`, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: { expirationSeconds: 3600 },
  });
  const file = join(dir, `${sa}.kubeconfig`);
  writeFileSync(file, readFileSync(cluster.kubeconfig, 'utf8').replace(/token: .*/, `token: ${tr.status.token}`));
  return file;
}

function startComponent(name: string, args: string[], env: Record<string, string> = {}): ChildProcess {
  const log = openSync(join(dir, `${name}.log`), 'a');
  const child = spawn(process.execPath, [join(REPO, 'bin/control-plane.js'), ...args], { stdio: ['ignore', log, log], env: { ...process.env, ...env } });
  procs.push(child);
  return child;
}

/** Polls a readiness URL until it answers 200 (the broker has its feed's first snapshot). */
async function waitReady(url: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${url} not ready after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((res) => {
    const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(t);
      res();
    });
    child.kill('SIGTERM');
  });
}

const cond = (o: KubeObject | undefined, type: string) => ((o?.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).find((c) => c.type === type);

async function waitServiceReady(ns: string, name: string, check: (o: KubeObject) => boolean = () => true): Promise<KubeObject> {
  try {
    return await waitFor(admin, R.Service, name, ns, (o) => (o && cond(o, 'Ready')?.status === 'True' && (o.status as { observedGeneration?: number }).observedGeneration === o.metadata.generation && check(o) ? 'done' : 'wait'), 60_000);
  } catch (e) {
    const o = await admin.find(R.Service, name, ns);
    const logs = ['controller', 'gateway'].map((c) => (existsSync(join(dir, `${c}.log`)) ? readFileSync(join(dir, `${c}.log`), 'utf8').split('\n').slice(-15).join('\n') : '')).join('\n---\n');
    throw new Error(`Service ${ns}/${name} not Ready: ${JSON.stringify((o?.status as { conditions?: unknown })?.conditions)}\n${logs}`, { cause: e });
  }
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kn-ts-rbac-'));
  const policy = join(dir, 'audit-policy.yaml');
  writeFileSync(
    policy,
    [
      'apiVersion: audit.k8s.io/v1',
      'kind: Policy',
      'omitStages: ["RequestReceived"]',
      'rules:',
      '- level: Metadata',
      `  users: ["${CONTROLLER}", "${GATEWAY}", "${BROKER}"]`,
      '- level: None',
      '',
    ].join('\n'),
  );
  cluster = await startCluster({
    controllerManager: true,
    apiServerArgs: [`--audit-policy-file=${policy}`, `--audit-log-path=${join(dir, 'audit.log')}`, '--audit-log-mode=blocking'],
  });
  admin = await KubeClient.connect({ kubeconfig: cluster.kubeconfig });
  // Everything manifests/ has, as the quickstart applies it (the control-plane Deployments too:
  // without a scheduler their pods never run; the test runs the components as local processes).
  const plan = installPlan({ objects: loadManifests(join(REPO, 'manifests')), image: 'dev.local/kn-ts/control-plane:test', domain: '127.0.0.1.sslip.io', serving: true, eventing: true, extra: [] });
  await applyAll(admin, [...plan.namespaces, ...plan.crds]);
  await Promise.all(plan.crds.map((m) => waitEstablished(admin, m.object.metadata.name!, 30_000)));
  await applyAll(admin, plan.rest);
  // Aggressive revision GC so that the scenario exercises deleting Revisions.
  await admin.patch(
    R.ConfigMap,
    'config-gc',
    'knative-serving',
    { data: { 'retain-since-create-time': 'disabled', 'retain-since-last-active-time': 'disabled', 'min-non-active-revisions': '0', 'max-non-active-revisions': '0' } },
    'merge',
  );
});

after(async () => {
  for (const p of procs) await stop(p);
  admin?.close();
  await cluster?.stop();
  if (!process.env.KN_TS_KEEP_CLUSTER) rmSync(dir, { recursive: true, force: true });
});

describe('RBAC of the control plane (manifests/200-rbac.yaml)', () => {
  it('the controller, the gateway and the broker need every rule they have and no other', async (t) => {
    if (!existsSync(join(REPO, 'dist/controller/main.js'))) {
      t.skip('dist/controller/main.js is not built (run through scripts/test.sh)');
      return;
    }
    const ctrlKc = await saKubeconfig('knative-serving', 'controller');
    const gwKc = await saKubeconfig('kourier-system', 'gateway');
    const feedPort = await freePort();
    const ctrl = startComponent('controller', ['controller', '--kubeconfig', ctrlKc, '--metrics-port', '0', '--metrics-host', '127.0.0.1', '--webhook-port', '0', '--autoscaler-port', '0', '--feed-port', String(feedPort)], { POD_NAME: 'controller-rbac-test' });
    const adminPort = await freePort();
    const hasGateway = existsSync(join(REPO, 'dist/dataplane/gateway/main.js'));
    const gw = hasGateway
      ? startComponent('gateway', [
          'gateway',
          '--kubeconfig',
          gwKc,
          '--bind',
          '127.0.0.1',
          '--port',
          '0',
          '--internal-port',
          '0',
          '--admin-port',
          String(adminPort),
          '--peers',
          `127.0.0.1:${adminPort}`,
          '--identity',
          'gateway-rbac-test',
        ])
      : undefined;

    const hasBroker = existsSync(join(REPO, 'dist/dataplane/broker/main.js'));
    // The broker has no API credentials: it reads the controller's feed with a token of audience
    // kn-ts-controller, which the controller reviews (tokenreviews create).
    const brokerAdmin = await freePort();
    const brokerProc = hasBroker
      ? startComponent('broker', ['broker', '--feed', `http://127.0.0.1:${feedPort}`, '--feed-token', (await tokenFile(admin)).file, '--bind', '127.0.0.1', '--port', '0', '--admin-port', String(brokerAdmin), '--channel-port', '0'])
      : undefined;
    const ns = 'rbac-test';
    await admin.create(R.Namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const avail = makeDeploymentsAvailable(admin, [ns], { maxMs: 180_000 });
    try {
      const ksvc = (env: string, traffic?: object[]) =>
        ({
          apiVersion: 'serving.knative.dev/v1',
          kind: 'Service',
          metadata: { name: 'hello', namespace: ns },
          spec: {
            template: { spec: { containers: [{ image: 'ghcr.io/knative/helloworld-go:latest', env: [{ name: 'TARGET', value: env }] }] } },
            ...(traffic ? { traffic } : {}),
          },
        }) as KubeObject;
      // 1. A Service goes Ready.
      await admin.apply(R.Service, ksvc('World'), { fieldManager: 'rbac-test' });
      await waitServiceReady(ns, 'hello');
      // 2. A new Revision, with a tag on the old one.
      await admin.apply(R.Service, ksvc('Again', [{ latestRevision: true, percent: 100 }, { revisionName: 'hello-00001', percent: 0, tag: 'old' }]), { fieldManager: 'rbac-test' });
      await waitServiceReady(ns, 'hello', (o) => (o.status as { latestReadyRevisionName?: string }).latestReadyRevisionName === 'hello-00002');
      // 3. The tag goes away (its placeholder Service is deleted); a third Revision; GC deletes the first.
      await admin.apply(R.Service, ksvc('Third', [{ latestRevision: true, percent: 100 }]), { fieldManager: 'rbac-test' });
      await waitServiceReady(ns, 'hello', (o) => (o.status as { latestReadyRevisionName?: string }).latestReadyRevisionName === 'hello-00003');
      await waitFor(admin, R.Revision, 'hello-00001', ns, (o) => (o ? 'wait' : 'done'), 30_000).catch(() => undefined);
      await waitFor(admin, R.KService, 'old-hello', ns, (o) => (o ? 'wait' : 'done'), 30_000).catch(() => undefined);
      // 4. Eventing: a Broker without class (the controller fills in the defaults), its ingress
      //    endpoints (TEST-NET, never dialled), a Trigger without the broker label; both go Ready.
      await admin.apply(
        R.EndpointSlice,
        {
          apiVersion: 'discovery.k8s.io/v1',
          kind: 'EndpointSlice',
          metadata: { name: 'broker-ingress-rbac', namespace: 'knative-eventing', labels: { 'kubernetes.io/service-name': 'broker-ingress' } },
          addressType: 'IPv4',
          endpoints: [{ addresses: ['203.0.113.9'], conditions: { ready: true } }],
          ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
        } as KubeObject,
        { fieldManager: 'rbac-test' },
      );
      await admin.create(R.Broker, { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', metadata: { name: 'default', namespace: ns } });
      await admin.create(R.Trigger, { apiVersion: 'eventing.knative.dev/v1', kind: 'Trigger', metadata: { name: 't', namespace: ns }, spec: { broker: 'default', subscriber: { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'hello' } } } } as KubeObject);
      await waitFor(admin, R.Trigger, 't', ns, (o) => (o && cond(o, 'Ready')?.status === 'True' ? 'done' : 'wait'), 60_000);
      if (brokerProc) await waitReady(`http://127.0.0.1:${brokerAdmin}/readyz`, 60_000);
      // 5. An EventType that names the Broker goes Ready (ReferenceExists).
      await admin.create(R.EventType, { apiVersion: 'eventing.knative.dev/v1beta2', kind: 'EventType', metadata: { name: 'et', namespace: ns }, spec: { type: 'dev.example.rbac', reference: { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name: 'default' } } } as KubeObject);
      await waitFor(admin, R.EventType, 'et', ns, (o) => (o && cond(o, 'Ready')?.status === 'True' ? 'done' : 'wait'), 60_000);
      // 6. Messaging and flows: the dispatcher's endpoints (TEST-NET, never dialled); a Channel
      //    without template (defaulted), a Subscription to it; a Sequence of two steps shortened to
      //    one (its second channel and Subscription are deleted); a Parallel. All go Ready.
      await admin.apply(
        R.EndpointSlice,
        {
          apiVersion: 'discovery.k8s.io/v1',
          kind: 'EndpointSlice',
          metadata: { name: 'imc-dispatcher-rbac', namespace: 'knative-eventing', labels: { 'kubernetes.io/service-name': 'imc-dispatcher' } },
          addressType: 'IPv4',
          endpoints: [{ addresses: ['203.0.113.10'], conditions: { ready: true } }],
          ports: [{ name: 'http', port: 8081, protocol: 'TCP' }],
        } as KubeObject,
        { fieldManager: 'rbac-test' },
      );
      const isReady = (o: KubeObject | undefined) => (o && cond(o, 'Ready')?.status === 'True' && (o.status as { observedGeneration?: number }).observedGeneration === o.metadata.generation ? 'done' : 'wait');
      await admin.create(R.Channel, { apiVersion: 'messaging.knative.dev/v1', kind: 'Channel', metadata: { name: 'ch', namespace: ns } });
      await admin.create(R.Subscription, { apiVersion: 'messaging.knative.dev/v1', kind: 'Subscription', metadata: { name: 'sub', namespace: ns }, spec: { channel: { apiVersion: 'messaging.knative.dev/v1', kind: 'Channel', name: 'ch' }, subscriber: { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'hello' } } } } as KubeObject);
      await waitFor(admin, R.Subscription, 'sub', ns, isReady, 60_000);
      const step = (uri: string) => ({ uri });
      await admin.create(R.Sequence, { apiVersion: 'flows.knative.dev/v1', kind: 'Sequence', metadata: { name: 'seq', namespace: ns }, spec: { steps: [step('http://a.example.com'), step('http://b.example.com')] } } as KubeObject);
      await waitFor(admin, R.Sequence, 'seq', ns, isReady, 60_000);
      await admin.patch(R.Sequence, 'seq', ns, { spec: { steps: [step('http://a.example.com')] } }, 'merge');
      await waitFor(admin, R.Subscription, 'seq-kn-sequence-1', ns, (o) => (o ? 'wait' : 'done'), 60_000);
      await waitFor(admin, R.Sequence, 'seq', ns, isReady, 60_000);
      await admin.create(R.Parallel, { apiVersion: 'flows.knative.dev/v1', kind: 'Parallel', metadata: { name: 'par', namespace: ns }, spec: { branches: [{ subscriber: step('http://c.example.com') }] } } as KubeObject);
      await waitFor(admin, R.Parallel, 'par', ns, isReady, 60_000);
      // 7. Sources: a PingSource (a loopback URI sink, a yearly schedule: nothing is sent); an
      //    ApiServerSource whose ServiceAccount may not read ConfigMaps (SubjectAccessReviews),
      //    then may (its adapter Deployment); a ContainerSource (its Deployment and SinkBinding),
      //    whose sink then changes (the binding is updated).
      const sink = { uri: 'http://127.0.0.1:9/' };
      const src = (kind: string, name: string, spec: object) => ({ apiVersion: 'sources.knative.dev/v1', kind, metadata: { name, namespace: ns }, spec }) as KubeObject;
      const ready = (r: typeof R.PingSource, name: string, type = 'Ready') => waitFor(admin, r, name, ns, (o) => (o && cond(o, type)?.status === 'True' ? 'done' : 'wait'), 60_000);
      await admin.create(R.PingSource, src('PingSource', 'p', { schedule: '0 0 1 1 *', sink }));
      await ready(R.PingSource, 'p');
      await admin.create(R.ServiceAccount, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'watcher', namespace: ns } });
      await admin.create(R.ApiServerSource, src('ApiServerSource', 'a', { serviceAccountName: 'watcher', resources: [{ apiVersion: 'v1', kind: 'ConfigMap' }], sink }));
      await waitFor(admin, R.ApiServerSource, 'a', ns, (o) => (o && cond(o, 'SufficientPermissions')?.status === 'False' ? 'done' : 'wait'), 60_000);
      await admin.create(R.Role, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'cm-reader', namespace: ns }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] }] } as KubeObject);
      await admin.create(R.RoleBinding, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'cm-reader', namespace: ns }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'cm-reader' }, subjects: [{ kind: 'ServiceAccount', name: 'watcher', namespace: ns }] } as KubeObject);
      await ready(R.ApiServerSource, 'a', 'SufficientPermissions');
      await admin.create(R.ContainerSource, src('ContainerSource', 'c', { template: { spec: { containers: [{ name: 'c', image: 'example.invalid/c' }] } }, sink }));
      await ready(R.ContainerSource, 'c', 'SinkBindingReady');
      await admin.patch(R.ContainerSource, 'c', ns, { spec: { sink: { uri: 'http://127.0.0.1:10/' } } }, 'merge');
      await waitFor(admin, R.SinkBinding, 'c-sinkbinding', ns, (o) => ((o?.status as { sinkUri?: string } | undefined)?.sinkUri === 'http://127.0.0.1:10/' ? 'done' : 'wait'), 60_000);
      // 8. SinkBindings on each kind of subject: a Deployment, a StatefulSet, a DaemonSet and the
      //    Knative Service get K_SINK (update); a Job created before its binding cannot be bound (no write,
      //    the binding says why); the StatefulSet's binding is deleted (its finalizer takes K_SINK out).
      const app = { app: 'bound' };
      const tpl = { metadata: { labels: app }, spec: { containers: [{ name: 'app', image: 'example.invalid/app' }] } };
      await admin.create(R.Deployment, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'bd', namespace: ns }, spec: { selector: { matchLabels: app }, template: tpl } } as KubeObject);
      await admin.create(R.StatefulSet, { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'bs', namespace: ns }, spec: { serviceName: 'bs', selector: { matchLabels: app }, template: tpl } } as KubeObject);
      await admin.create(R.DaemonSet, { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'bds', namespace: ns }, spec: { selector: { matchLabels: app }, template: tpl } } as KubeObject);
      await admin.create(R.Job, { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'bj', namespace: ns }, spec: { template: { spec: { ...tpl.spec, restartPolicy: 'Never' } } } } as KubeObject);
      const subjects: [string, string, string][] = [
        ['apps/v1', 'Deployment', 'bd'],
        ['apps/v1', 'StatefulSet', 'bs'],
        ['apps/v1', 'DaemonSet', 'bds'],
        ['batch/v1', 'Job', 'bj'],
        ['serving.knative.dev/v1', 'Service', 'hello'],
      ];
      for (const [apiVersion, kind, name] of subjects) await admin.create(R.SinkBinding, src('SinkBinding', `sb-${name}`, { subject: { apiVersion, kind, name }, sink }));
      const envOf = (o: KubeObject | undefined) => ((o?.spec as { template?: { spec?: { containers?: { env?: { name: string; value?: string }[] }[] } } } | undefined)?.template?.spec?.containers?.[0]?.env ?? []).map((e) => `${e.name}=${e.value ?? ''}`);
      const bound = (o: KubeObject | undefined) => (envOf(o).includes(`K_SINK=${sink.uri}`) ? 'done' : 'wait');
      for (const [r, name] of [[R.Deployment, 'bd'], [R.StatefulSet, 'bs'], [R.DaemonSet, 'bds'], [R.Service, 'hello']] as const) {
        await waitFor(admin, r, name, ns, bound, 60_000);
        await ready(R.SinkBinding, `sb-${name}`);
      }
      const jb = await waitFor(admin, R.SinkBinding, 'sb-bj', ns, (o) => (o && cond(o, 'SinkBindingAvailable')?.status === 'False' ? 'done' : 'wait'), 60_000);
      assert.match(cond(jb, 'SinkBindingAvailable')?.message ?? '', /job "bj": a Job's pod template cannot change after creation/);
      assert.deepEqual(envOf(await admin.get(R.Job, 'bj', ns)), []);
      await admin.delete(R.SinkBinding, 'sb-bs', ns);
      await waitFor(admin, R.SinkBinding, 'sb-bs', ns, (o) => (o ? 'wait' : 'done'), 60_000);
      assert.deepEqual(envOf(await admin.get(R.StatefulSet, 'bs', ns)), []);
    } finally {
      await avail.stop();
      // SIGTERM: the leaders release their Leases (update).
      await stop(ctrl);
      if (gw) await stop(gw);
      if (brokerProc) await stop(brokerProc);
    }

    const events = readFileSync(join(dir, 'audit.log'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as AuditEvent)
      .filter((e) => e.stage === 'ResponseComplete' || e.stage === 'Panic');

    // What each identity did, for the record (KN_TS_RBAC_REPORT=1 prints it).
    if (process.env.KN_TS_RBAC_REPORT) {
      const seen = new Set(events.map((e) => `${e.user.username.split(':').pop()} ${e.verb} ${e.objectRef?.apiGroup || 'core'}/${e.objectRef?.resource}${e.objectRef?.subresource ? `/${e.objectRef.subresource}` : ''} ${e.responseStatus?.code}`));
      process.stderr.write([...seen].sort().join('\n') + '\n');
    }
    // (a) nothing forbidden
    const forbidden = events.filter((e) => e.responseStatus?.code === 403).map((e) => `${e.user.username} ${e.verb} ${e.requestURI}`);
    assert.deepEqual([...new Set(forbidden)], [], 'requests were forbidden: a rule is missing from manifests/200-rbac.yaml');

    // (b) every granted verb used
    const objects = loadManifests(join(REPO, 'manifests'));
    const bindings: { user: string; rules: Rule[]; namespace?: string; role: string }[] = [];
    for (const [user, ns, sa] of [
      [CONTROLLER, 'knative-serving', 'controller'],
      ...(gw ? [[GATEWAY, 'kourier-system', 'gateway']] : []),
      ...(hasBroker ? [[BROKER, 'knative-eventing', 'broker']] : []),
    ] as [string, string, string][]) {
      for (const b of objects.map((m) => m.object).filter((o) => o.kind === 'ClusterRoleBinding' || o.kind === 'RoleBinding')) {
        const subjects = (b.subjects as { kind: string; name: string; namespace?: string }[]) ?? [];
        if (!subjects.some((s) => s.kind === 'ServiceAccount' && s.name === sa && s.namespace === ns)) continue;
        const ref = b.roleRef as { kind: string; name: string };
        const role = objects.map((m) => m.object).find((o) => o.kind === ref.kind && o.metadata.name === ref.name && (ref.kind === 'ClusterRole' || o.metadata.namespace === b.metadata.namespace));
        assert.ok(role, `${b.kind} ${b.metadata.name} refers to a missing ${ref.kind} ${ref.name}`);
        // An aggregated ClusterRole holds the rules of the manifests' ClusterRoles its selectors match.
        const agg = (role as { aggregationRule?: { clusterRoleSelectors?: { matchLabels?: Record<string, string> }[] } }).aggregationRule;
        const matches = (o: KubeObject) => (agg?.clusterRoleSelectors ?? []).some((sel) => Object.entries(sel.matchLabels ?? {}).every(([k, v]) => o.metadata.labels?.[k] === v));
        const rules = agg ? objects.map((m) => m.object).filter((o) => o.kind === 'ClusterRole' && matches(o)).flatMap((o) => (o.rules as Rule[]) ?? []) : (role.rules as Rule[]);
        bindings.push({ user, rules, namespace: b.kind === 'RoleBinding' ? b.metadata.namespace : undefined, role: `${ref.kind} ${ref.name}` });
      }
    }
    // The broker sent the API server nothing (it holds no token for it).
    assert.deepEqual(events.filter((e) => e.user.username === BROKER).map((e) => `${e.verb} ${e.requestURI}`), [], 'the broker talks only to the controller');
    const unused: string[] = [];
    for (const b of bindings) {
      for (const r of b.rules) {
        for (const group of r.apiGroups) {
          for (const resource of r.resources) {
            for (const verb of r.verbs) {
              const [res, sub] = resource.split('/') as [string, string | undefined];
              const used = events.some(
                (e) =>
                  e.user.username === b.user &&
                  e.verb === verb &&
                  (e.objectRef?.apiGroup ?? '') === group &&
                  e.objectRef?.resource === res &&
                  (e.objectRef?.subresource ?? undefined) === sub &&
                  (b.namespace === undefined || e.objectRef?.namespace === b.namespace) &&
                  (e.responseStatus?.code ?? 0) < 400,
              );
              const excused = NOT_EVERY_RUN.some((x) => x.user === b.user && x.group === group && x.resource === resource && x.verb === verb);
              if (!used && !excused) unused.push(`${b.role}: ${verb} ${group || 'core'}/${resource}`);
            }
          }
        }
      }
    }
    assert.deepEqual(unused, [], 'granted but never used: remove these rules or exercise them');
  });
});
