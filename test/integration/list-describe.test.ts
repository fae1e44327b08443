// kn service|revision|route|domain list/describe, revision delete and domain create/update/delete
// against the real API server. No controller runs here: the test writes the objects' status
// itself (conditions, URLs, traffic), as the Knative controllers would, and then reads them back
// through `kn` exactly as a user sees them.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { KubeObject } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import type { DomainMapping, Revision, Route, Service } from '../../src/api/serving/types.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import { installServingCRDs } from '../harness/crds.ts';
import { freshNamespace, kube, runKn } from '../harness/env.ts';

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const ready = (types: string[], extra: KubeObject['status'] = []) => [
  ...types.map((type) => ({ type, status: 'True', lastTransitionTime: now() })),
  ...(extra as object[]),
];

async function withStatus<T extends KubeObject>(c: KubeClient, r: typeof R.Service, obj: T, status: unknown): Promise<T> {
  const created = await c.create<T>(r, obj);
  return c.replaceStatus<T>(r, { ...created, status } as T);
}

const svcObj = (ns: string, name: string): Service => ({
  apiVersion: 'serving.knative.dev/v1',
  kind: 'Service',
  metadata: { name, namespace: ns },
  spec: { template: { spec: { containers: [{ name: 'user-container', image: `docker.io/example/${name}:v2` }] } } },
});

const revObj = (ns: string, svc: string, gen: number, routing: string, extra: Partial<Revision['metadata']> = {}): Revision => ({
  apiVersion: 'serving.knative.dev/v1',
  kind: 'Revision',
  metadata: {
    name: `${svc}-0000${gen}`,
    namespace: ns,
    labels: {
      'serving.knative.dev/service': svc,
      'serving.knative.dev/configuration': svc,
      'serving.knative.dev/configurationGeneration': String(gen),
      'serving.knative.dev/routingState': routing,
    },
    ...extra,
  },
  spec: { containers: [{ name: 'user-container', image: `docker.io/example/${svc}:v${gen}`, env: [{ name: 'TARGET', value: 'kn' }] }] },
});

/** Table ages (`5s`, `1m2s`) are replaced by `AGE` padded to the same width, so columns stay checked. */
const tableAges = (s: string) => s.replace(/(?<=^|   )(\d{1,3}s|\d{1,2}m\d{0,2}s?)( +)(?=\d+ OK)/gm, (m) => 'AGE'.padEnd(m.length));
/** Describe ages are right-aligned or trailing values: `<age>`. */
// (a loaded machine makes a test last minutes: `1m`, `2m3s` too)
const AGE = String.raw`(?:\d{1,3}s|\d{1,2}m(?:\d{1,2}s)?)`;
const describeAges = (s: string) => s.replace(new RegExp(String.raw`\(${AGE}\)`, 'g'), '(<age>)').replace(new RegExp(String.raw` *\b${AGE}\b`, 'g'), ' <age>');

describe('kn list and describe on the API server', () => {
  let c: KubeClient;
  let ns: string;
  let ns2: string;

  before(async () => {
    c = await kube();
    await installServingCRDs(c);
    ns = await freshNamespace('ld');
    ns2 = await freshNamespace('ld2');

    const hello = await withStatus(c, R.Service, svcObj(ns, 'hello'), {
      observedGeneration: 1,
      url: `http://hello.${ns}.example.com`,
      address: { url: `http://hello.${ns}.svc.cluster.local` },
      latestCreatedRevisionName: 'hello-00002',
      latestReadyRevisionName: 'hello-00002',
      traffic: [
        { revisionName: 'hello-00002', latestRevision: true, percent: 80 },
        { revisionName: 'hello-00001', latestRevision: false, percent: 20, tag: 'old', url: `http://old-hello.${ns}.example.com` },
      ],
      conditions: ready(['Ready', 'ConfigurationsReady', 'RoutesReady']),
    });
    await withStatus(c, R.Service, svcObj(ns, 'alpha'), {
      observedGeneration: 1,
      latestCreatedRevisionName: 'alpha-00001',
      conditions: [
        { type: 'Ready', status: 'False', reason: 'RevisionFailed', message: 'Revision "alpha-00001" failed', lastTransitionTime: now() },
        { type: 'ConfigurationsReady', status: 'False', reason: 'RevisionFailed', lastTransitionTime: now() },
        { type: 'RoutesReady', status: 'True', lastTransitionTime: now() },
      ],
    });
    await withStatus(c, R.Service, svcObj(ns2, 'other'), { url: `http://other.${ns2}.example.com`, conditions: ready(['Ready']) });

    const digest = 'sha256:' + 'ab12cd'.repeat(10) + 'abcd';
    await withStatus(c, R.Revision, revObj(ns, 'hello', 1, 'active'), {
      observedGeneration: 1,
      conditions: ready(['Ready', 'ContainerHealthy', 'ResourcesAvailable']),
      actualReplicas: 0,
      desiredReplicas: 0,
    });
    await withStatus(
      c,
      R.Revision,
      revObj(ns, 'hello', 2, 'active', { annotations: { 'client.knative.dev/user-image': 'docker.io/example/hello:v2', 'autoscaling.knative.dev/max-scale': '5' } }),
      {
        observedGeneration: 1,
        conditions: ready(['Ready', 'ContainerHealthy', 'ResourcesAvailable', 'Active']),
        containerStatuses: [{ name: 'user-container', imageDigest: `docker.io/example/hello@${digest}` }],
        actualReplicas: 1,
        desiredReplicas: 1,
      },
    );
    await withStatus(c, R.Revision, revObj(ns, 'alpha', 1, 'reserve'), {
      conditions: [{ type: 'Ready', status: 'False', reason: 'ContainerMissing', message: 'Unable to fetch image', lastTransitionTime: now() }],
    });
    await withStatus(
      c,
      R.Route,
      {
        apiVersion: 'serving.knative.dev/v1',
        kind: 'Route',
        metadata: {
          name: 'hello',
          namespace: ns,
          ownerReferences: [{ apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'hello', uid: hello.metadata.uid ?? '', controller: true }],
        },
        spec: { traffic: [{ configurationName: 'hello', latestRevision: true, percent: 100 }] },
      } as Route,
      {
        url: `http://hello.${ns}.example.com`,
        traffic: [
          { revisionName: 'hello-00002', latestRevision: true, percent: 80 },
          { revisionName: 'hello-00001', latestRevision: false, percent: 20, tag: 'old', url: `http://old-hello.${ns}.example.com` },
        ],
        conditions: ready(['Ready', 'AllTrafficAssigned', 'IngressReady']),
      },
    );
  });

  it('service list: columns, sort order, REASON, ages', async () => {
    const r = await runKn(['service', 'list', '-n', ns]);
    assert.equal(r.code, 0, r.stderr);
    const url = `http://hello.${ns}.example.com`;
    const w = url.length + 3;
    assert.equal(
      tableAges(r.stdout),
      [
        `NAME    ${'URL'.padEnd(w)}LATEST        AGE   CONDITIONS   READY   REASON`,
        `alpha   ${''.padEnd(w)}              AGE   1 OK / 3     False   RevisionFailed : Revision "alpha-00001" failed`,
        `hello   ${url.padEnd(w)}hello-00002   AGE   3 OK / 3     True    `,
        '',
      ].join('\n'),
    );
  });

  it('service list NAME, --no-headers, ls alias and the ksvc group alias', async () => {
    const one = await runKn(['ksvc', 'ls', 'hello', '-n', ns, '--no-headers']);
    assert.equal(one.code, 0, one.stderr);
    // Without the header row the widths come from the cells alone.
    assert.match(one.stdout, /^hello {3}http:\/\/hello\.\S+ {3}hello-00002 {3}(\d+s|\d+m(\d+s)?) +3 OK \/ 3 {3}True {3}\n$/);
    const none = await runKn(['service', 'list', 'nope', '-n', ns]);
    assert.equal(none.stdout, 'No services found.\n');
  });

  it('service list -A adds NAMESPACE first', async () => {
    const r = await runKn(['service', 'list', '-A']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.match(lines[0]!, /^NAMESPACE +NAME +URL +LATEST +AGE +CONDITIONS +READY +REASON$/);
    const mine = lines.filter((l) => l.startsWith(ns + ' ') || l.startsWith(ns2 + ' ')).map((l) => l.split(/ {3,}/).slice(0, 2).join('|'));
    assert.deepEqual(mine.sort(), [`${ns}|alpha`, `${ns}|hello`, `${ns2}|other`].sort());
  });

  it('service list -o json|yaml|name|jsonpath|jsonpath-as-json|go-template|jsonpath-file', async () => {
    const j = await runKn(['service', 'list', '-n', ns, '-o', 'json']);
    assert.equal(j.code, 0, j.stderr);
    const list = JSON.parse(j.stdout);
    assert.equal(list.apiVersion, 'serving.knative.dev/v1');
    assert.equal(list.kind, 'ServiceList');
    assert.deepEqual(Object.keys(list), ['apiVersion', 'items', 'kind']);
    assert.deepEqual(list.items.map((i: Service) => i.metadata.name), ['alpha', 'hello']);
    assert.equal(list.items[0].kind, 'Service');
    assert.equal(list.items[0].metadata.managedFields, undefined);
    assert.match(j.stdout, /^\{\n {4}"apiVersion"/);

    const mf = JSON.parse((await runKn(['service', 'list', '-n', ns, '-o', 'json', '--show-managed-fields'])).stdout);
    assert.ok(Array.isArray(mf.items[0].metadata.managedFields));

    const y = await runKn(['service', 'list', '-n', ns, '-o', 'yaml']);
    assert.equal(y.stderr, '');
    assert.match(y.stdout, /^apiVersion: serving\.knative\.dev\/v1\nitems:\n- apiVersion: serving\.knative\.dev\/v1\n {2}kind: Service\n {2}metadata:\n/);
    assert.match(y.stdout, /\nkind: ServiceList\n$/);

    assert.equal((await runKn(['service', 'list', '-n', ns, '-o', 'name'])).stdout, 'service.serving.knative.dev/alpha\nservice.serving.knative.dev/hello\n');
    assert.equal((await runKn(['service', 'list', '-n', ns, '-o', 'jsonpath={.items[*].metadata.name}'])).stdout, 'alpha hello');
    assert.equal(
      (await runKn(['service', 'list', '-n', ns, '-o', 'jsonpath={range .items[?(@.status.conditions[0].status=="True")]}{.metadata.name}={.status.url}{"\\n"}{end}'])).stdout,
      `hello=http://hello.${ns}.example.com\n`,
    );
    assert.equal((await runKn(['service', 'list', '-n', ns, '-o', 'jsonpath-as-json={.items[*].metadata.name}'])).stdout, '[\n    "alpha",\n    "hello"\n]\n');
    assert.equal(
      (await runKn(['service', 'list', '-n', ns, '-o', 'go-template', '--template', '{{range .items}}{{.metadata.name}}:{{len .status.conditions}} {{end}}'])).stdout,
      'alpha:3 hello:3 ',
    );
    const file = join(tmpdir(), `kn-ts-jp-${process.pid}.txt`);
    writeFileSync(file, '{.items[0].metadata.name}');
    assert.equal((await runKn(['service', 'list', '-n', ns, '-o', `jsonpath-file=${file}`])).stdout, 'alpha');
    // An empty list with -o prints the empty list object, not the message.
    const empty = JSON.parse((await runKn(['service', 'list', 'nope', '-n', ns, '-o', 'json'])).stdout);
    assert.deepEqual(empty, { apiVersion: 'serving.knative.dev/v1', items: [], kind: 'ServiceList' });
  });

  it('service describe: layout, -v, -o url|name|json', async () => {
    const r = await runKn(['service', 'describe', 'hello', '-n', ns]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      describeAges(r.stdout),
      [
        'Name:       hello',
        `Namespace:  ${ns}`,
        'Age: <age>',
        `URL:        http://hello.${ns}.example.com`,
        '',
        'Revisions:  ',
        '   80%  @latest (hello-00002) [2] (<age>)',
        '        Image:     docker.io/example/hello:v2 (pinned to ab12cd)',
        '        Replicas:  1/1',
        '   20%  hello-00001 #old [1] (<age>)',
        '        Image:     docker.io/example/hello:v1',
        '        Replicas:  0/0',
        '',
        'Conditions:  ',
        '  OK TYPE                   AGE REASON',
        '  ++ Ready <age> ',
        '  ++ ConfigurationsReady <age> ',
        '  ++ RoutesReady <age> ',
        '',
      ].join('\n'),
    );
    const v = await runKn(['service', 'describe', 'hello', '-n', ns, '-v']);
    assert.match(v.stdout, new RegExp(`\\nCluster: +http://hello\\.${ns}\\.svc\\.cluster\\.local\\n`));
    assert.match(v.stdout, /\n {8}Env: +TARGET=kn\n/);
    assert.match(v.stdout, /\n {8}Scale: +0 \.\.\. 5\n/);
    assert.equal((await runKn(['service', 'describe', 'hello', '-n', ns, '-o', 'url'])).stdout, `http://hello.${ns}.example.com\n`);
    assert.equal((await runKn(['service', 'describe', 'hello', '-n', ns, '-o', 'name'])).stdout, 'service.serving.knative.dev/hello\n');
    const obj = JSON.parse((await runKn(['services', 'describe', 'hello', '-n', ns, '-o', 'json'])).stdout);
    assert.equal(obj.kind, 'Service');
    assert.deepEqual(Object.keys(obj.metadata).slice(0, 2), ['name', 'namespace']);
    const failing = await runKn(['service', 'describe', 'alpha', '-n', ns]);
    assert.match(describeAges(failing.stdout), /\n {2}!! Ready <age> RevisionFailed\n/);
    const failingV = await runKn(['service', 'describe', 'alpha', '-n', ns, '--verbose']);
    assert.match(describeAges(failingV.stdout), /\n {2}!! Ready <age> RevisionFailed \(Revision "alpha-00001" failed\)\n/);
  });

  it('describe of a missing object: the API error, the usage hint, exit 1', async () => {
    const r = await runKn(['service', 'describe', 'nope', '-n', ns]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `Error: services.serving.knative.dev "nope" not found\nRun 'kn --help' for usage\n`);
    const rv = await runKn(['revision', 'describe', 'nope', '-n', ns]);
    assert.equal(rv.stderr, `Error: revisions.serving.knative.dev "nope" not found\nRun 'kn --help' for usage\n`);
    const rt = await runKn(['route', 'describe', 'nope', '-n', ns]);
    assert.equal(rt.stderr, `Error: routes.serving.knative.dev "nope" not found\nRun 'kn --help' for usage\n`);
  });

  it('revision list: sort by service then generation desc, TRAFFIC and TAGS, revisions alias', async () => {
    const r = await runKn(['revisions', 'list', '-n', ns]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      tableAges(r.stdout),
      [
        'NAME          SERVICE   TRAFFIC   TAGS   GENERATION   AGE   CONDITIONS   READY   REASON',
        'alpha-00001   alpha                      1            AGE   0 OK / 1     False   ContainerMissing : Unable to fetch image',
        'hello-00002   hello     80%              2            AGE   4 OK / 4     True    ',
        'hello-00001   hello     20%       old    1            AGE   3 OK / 3     True    ',
        '',
      ].join('\n'),
    );
    const s = await runKn(['revision', 'ls', '-s', 'hello', '-n', ns, '-o', 'name']);
    assert.equal(s.stdout, 'revision.serving.knative.dev/hello-00002\nrevision.serving.knative.dev/hello-00001\n');
    const missing = await runKn(['revision', 'list', '-s', 'nope', '-n', ns]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^Error: services\.serving\.knative\.dev "nope" not found\n/);
    const all = await runKn(['revision', 'list', '-A', '--no-headers']);
    assert.ok(all.stdout.split('\n').some((l) => l.startsWith(`${ns}   `) && l.includes('hello-00002')));
  });

  it('revision describe with and without -v', async () => {
    const r = await runKn(['revision', 'describe', 'hello-00002', '-n', ns]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      describeAges(r.stdout),
      [
        'Name:         hello-00002',
        `Namespace:    ${ns}`,
        'Annotations:  autoscaling.knative.dev/max-scale=5',
        'Age: <age>',
        'Image:        docker.io/example/hello:v2 (pinned to ab12cd)',
        'Replicas:     1/1',
        'Env:          TARGET=kn',
        'Scale:        0 ... 5',
        'Service:      hello',
        '',
        'Conditions:  ',
        '  OK TYPE                  AGE REASON',
        '  ++ Ready <age> ',
        '  ++ Active <age> ',
        '  ++ ContainerHealthy <age> ',
        '  ++ ResourcesAvailable <age> ',
        '',
      ].join('\n'),
    );
    const v = await runKn(['revision', 'describe', 'hello-00001', '-n', ns, '-v']);
    assert.match(v.stdout, /\nLabels: +serving\.knative\.dev\/configuration=hello\n +serving\.knative\.dev\/configurationGeneration=1\n/);
    assert.match(v.stdout, /\nService: +hello\n {2}Configuration Generation: +1\n {2}Latest Created: +false\n {2}Latest Ready: +false\n {2}Traffic: +20%\n {2}Tags: +old\n/);
  });

  it('route list and describe', async () => {
    const r = await runKn(['route', 'list', '-n', ns]);
    assert.equal(r.stderr, '');
    const url = `http://hello.${ns}.example.com`;
    assert.equal(r.stdout, `NAME    ${'URL'.padEnd(url.length + 3)}READY\nhello   ${url}   True\n`);
    assert.equal((await runKn(['routes', 'ls', 'nope', '-n', ns])).stdout, 'No routes found.\n');
    const d = await runKn(['route', 'describe', 'hello', '-n', ns]);
    assert.equal(
      describeAges(d.stdout),
      [
        'Name:       hello',
        `Namespace:  ${ns}`,
        'Age: <age>',
        `URL:        ${url}`,
        'Service:    hello',
        '',
        'Traffic Targets:  ',
        '   80%  @latest (hello-00002)',
        '   20%  hello-00001 #old',
        `        URL:  http://old-hello.${ns}.example.com`,
        '',
        'Conditions:  ',
        '  OK TYPE                  AGE REASON',
        '  ++ Ready <age> ',
        '  ++ AllTrafficAssigned <age> ',
        '  ++ IngressReady <age> ',
        '',
      ].join('\n'),
    );
    assert.match((await runKn(['route', 'describe', 'hello', '-n', ns, '-v'])).stdout, /\nService: +hello \(serving\.knative\.dev\/v1\)\n/);
  });

  it('domain create, list, describe, update, delete', async () => {
    assert.equal((await runKn(['domain', 'list', '-n', ns])).stdout, 'No domain mapping found.\n');
    const cr = await runKn(['domain', 'create', 'hello.example.org', '--ref', 'hello', '--tls', 'my-cert', '-n', ns]);
    assert.equal(cr.stdout, `Domain mapping 'hello.example.org' created in namespace '${ns}'.\n`, cr.stderr);
    const dm = await c.get<DomainMapping>(R.DomainMapping, 'hello.example.org', ns);
    assert.deepEqual(dm.spec, { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'hello', namespace: ns }, tls: { secretName: 'my-cert' } });
    await c.replaceStatus(R.DomainMapping, { ...dm, status: { url: 'https://hello.example.org', conditions: ready(['Ready']) } });

    const l = await runKn(['domain', 'list', '-n', ns]);
    assert.equal(l.stdout, 'NAME                URL                         READY   KSVC\nhello.example.org   https://hello.example.org   True    hello\n');
    assert.equal((await runKn(['domain', 'describe', 'hello.example.org', '-n', ns, '-o', 'url'])).stdout, 'https://hello.example.org\n');
    const d = await runKn(['domain', 'describe', 'hello.example.org', '-n', ns]);
    assert.equal(
      describeAges(d.stdout),
      [
        'Name:       hello.example.org',
        `Namespace:  ${ns}`,
        'Age: <age>',
        '',
        'URL:  https://hello.example.org',
        '',
        'Reference:     ',
        '  APIVersion:  serving.knative.dev/v1',
        '  Kind:        Service',
        '  Name:        hello',
        '',
        'Conditions:  ',
        '  OK TYPE     AGE REASON',
        '  ++ Ready <age> ',
        '',
      ].join('\n'),
    );

    const cross = await runKn(['domain', 'create', 'other.example.org', '--ref', `ksvc:other:${ns2}`, '-n', ns]);
    assert.equal(cross.code, 0, cross.stderr);
    assert.equal((await c.get<DomainMapping>(R.DomainMapping, 'other.example.org', ns)).spec.ref.namespace, ns2);

    const up = await runKn(['domain', 'update', 'hello.example.org', '--ref', 'kroute:hello', '-n', ns]);
    assert.equal(up.stdout, `Domain mapping 'hello.example.org' updated in namespace '${ns}'.\n`, up.stderr);
    assert.equal((await c.get<DomainMapping>(R.DomainMapping, 'hello.example.org', ns)).spec.ref.kind, 'Route');

    const dup = await runKn(['domain', 'create', 'hello.example.org', '--ref', 'hello', '-n', ns]);
    assert.equal(dup.code, 1);
    assert.match(dup.stderr, /^Error: domainmappings\.serving\.knative\.dev "hello\.example\.org" already exists\n/);

    const del = await runKn(['domain', 'delete', 'hello.example.org', '-n', ns]);
    assert.equal(del.stdout, `Domain mapping 'hello.example.org' deleted in namespace '${ns}'.\n`);
    assert.equal(await c.find(R.DomainMapping, 'hello.example.org', ns), undefined);
  });

  it('revision delete: by name, --prune, nothing to prune', async () => {
    const ns3 = await freshNamespace('ldp');
    await c.create(R.Revision, revObj(ns3, 'svc', 1, 'reserve'));
    await c.create(R.Revision, revObj(ns3, 'svc', 2, 'active'));
    await c.create(R.Revision, revObj(ns3, 'svc', 3, 'reserve'));
    const p = await runKn(['revision', 'delete', '--prune', 'svc', '-n', ns3]);
    assert.equal(p.stdout, `Revision 'svc-00003' deleted in namespace '${ns3}'.\nRevision 'svc-00001' deleted in namespace '${ns3}'.\n`, p.stderr);
    assert.equal((await runKn(['revision', 'delete', '--prune-all', '-n', ns3])).stdout, 'No unreferenced revisions found.\n');
    const two = await runKn(['revision', 'delete', 'svc-00002', 'nope', '-n', ns3]);
    assert.equal(two.stdout, `Revision 'svc-00002' deleted in namespace '${ns3}'.\n`);
    assert.equal(two.code, 1);
    assert.match(two.stderr, /^Error: revisions\.serving\.knative\.dev "nope" not found\n/);
    assert.equal((await c.list(R.Revision, { namespace: ns3 })).items.length, 0);
  });
});
