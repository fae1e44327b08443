// Names that used to be read as "all" or crash (issue 13): an empty or invalid name is an error
// for every command that takes one, before any request; nothing is deleted, nothing is changed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import { EmptyNameError, type KubeClient } from '../../src/kube/client.ts';
import { badInputSuite, type BadCase } from '../harness/bad-input.ts';
import { installServingCRDs } from '../harness/crds.ts';
import { freshNamespace, kube } from '../harness/env.ts';

const IMG = 'ghcr.io/knative/helloworld-go:latest';
const EMPTY_SVC = 'the service name is empty: give the name of the service';
const EMPTY_SVC_DELETE = 'the service name is empty: give the name of the service, or use --all to delete every service in the namespace';
const BAD_SVC = (n: string) => `invalid service name ${JSON.stringify(n)}: `;

const cases: BadCase[] = [];
const d = (args: string[], want: string | RegExp, stdoutAllowed = false) => cases.push({ class: 'destructive', args: [...args, '-n', 'NS'], want, stdoutAllowed });

// Empty names: never "all".
d(['service', 'delete', ''], EMPTY_SVC_DELETE);
d(['service', 'delete', '', '--wait'], EMPTY_SVC_DELETE);
d(['service', 'delete', '', '--no-wait'], EMPTY_SVC_DELETE);
d(['service', 'delete', 'victim', ''], EMPTY_SVC_DELETE);
d(['service', 'delete', '', 'victim'], EMPTY_SVC_DELETE);
d(['ksvc', 'delete', ''], EMPTY_SVC_DELETE);
d(['service', 'rm', ''], /./);
d(['service', 'describe', ''], EMPTY_SVC);
d(['service', 'describe', '', '-o', 'yaml'], EMPTY_SVC);
d(['service', 'describe', '', '-o', 'url'], EMPTY_SVC);
d(['service', 'update', '', '--image', IMG], EMPTY_SVC);
d(['service', 'update', '', '--env', 'A=1'], EMPTY_SVC);
d(['service', 'update', '', '--traffic', '@latest=100'], EMPTY_SVC);
d(['service', 'export', '', '-o', 'yaml'], EMPTY_SVC);
d(['service', 'export', '', '-o', 'json', '--with-revisions'], EMPTY_SVC);
d(['service', 'wait', ''], EMPTY_SVC);
d(['service', 'apply', '', '--image', IMG], EMPTY_SVC);
d(['service', 'create', '', '--image', IMG], EMPTY_SVC);
d(['service', 'create', '', '--image', IMG, '--force'], EMPTY_SVC);
d(['service', 'list', ''], EMPTY_SVC);
d(['revision', 'delete', ''], 'the revision name is empty: give the name of the revision, or use --prune-all to delete every unreferenced revision');
d(['revision', 'delete', 'victim-00001', ''], 'the revision name is empty');
d(['revision', 'delete', '--prune', ''], '--prune needs a service name, got an empty string');
d(['revision', 'describe', ''], 'the revision name is empty: give the name of the revision');
d(['revision', 'describe', '', '-o', 'json'], 'the revision name is empty');
d(['revision', 'list', ''], 'the revision name is empty');
d(['revision', 'list', '-s', ''], '--service needs a service name, got an empty string');
d(['route', 'describe', ''], 'the route name is empty: give the name of the route');
d(['route', 'list', ''], 'the route name is empty');
d(['domain', 'delete', ''], 'the domain mapping name is empty: give the name of the domain mapping');
d(['domain', 'describe', ''], 'the domain mapping name is empty');
d(['domain', 'update', '', '--ref', 'victim'], 'the domain mapping name is empty');
d(['domain', 'create', '', '--ref', 'victim'], 'the domain mapping name is empty');

// Names Kubernetes could not store: refused before any request (a path like ../x never reaches a URL or a file).
for (const n of ['Victim', '../victim', 'victim/..', 'a/b', '.', '..', 'x'.repeat(64), ' victim', 'victim ', '1abc', 'x-', 'a_b', 'a.b', 'vïctim', '%2e%2e']) {
  d(['service', 'delete', n], BAD_SVC(n));
}
d(['service', 'delete', '--', '-x'], BAD_SVC('-x'));
for (const n of ['Victim', '../victim', 'a b']) {
  d(['service', 'describe', n], BAD_SVC(n));
  d(['service', 'update', n, '--env', 'A=1'], BAD_SVC(n));
  d(['service', 'export', n, '-o', 'yaml'], BAD_SVC(n));
  d(['service', 'create', n, '--image', IMG], BAD_SVC(n));
  d(['service', 'wait', n, '--wait-timeout', '1'], BAD_SVC(n));
}
d(['revision', 'delete', 'Victim-00001'], 'invalid revision name "Victim-00001": a DNS-1035 label');
d(['revision', 'describe', '../x'], 'invalid revision name "../x"');
d(['route', 'describe', 'a/b'], 'invalid route name "a/b"');
d(['domain', 'delete', 'A.example.com'], 'invalid domain mapping name "A.example.com": a lowercase RFC 1123 subdomain');
d(['domain', 'delete', 'a..example.com'], 'invalid domain mapping name "a..example.com"');
d(['domain', 'describe', 'a/b.example.com'], 'invalid domain mapping name "a/b.example.com"');
d(['domain', 'create', 'x.example.com', '--ref', 'ksvc:Bad'], `invalid --ref 'ksvc:Bad': the name "Bad" is not valid`);
d(['domain', 'update', 'victim.example.com', '--ref', '../x'], `invalid --ref '../x'`);

badInputSuite('bad input: names are never "all"', cases, {
  setup: async (c: KubeClient, ns: string) => {
    const svc = (name: string) => ({
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: { name, namespace: ns },
      spec: { template: { spec: { containers: [{ image: IMG }] } } },
    });
    await c.create(R.Service, svc('victim') as KubeObject);
    await c.create(R.Service, svc('other') as KubeObject);
    await c.create(R.Revision, {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Revision',
      metadata: { name: 'victim-00001', namespace: ns, labels: { 'serving.knative.dev/service': 'victim' } },
      spec: { containers: [{ image: IMG }] },
    } as KubeObject);
    await c.create(R.DomainMapping, {
      apiVersion: 'serving.knative.dev/v1beta1',
      kind: 'DomainMapping',
      metadata: { name: 'victim.example.com', namespace: ns },
      spec: { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'victim', namespace: ns } },
    } as KubeObject);
  },
});

// The lowest level: the client itself never turns an empty name into a collection request.

describe('kube client: an empty name is refused before any request', () => {
  it('get, delete, patch, replace, replaceStatus and apply with an empty name throw; nothing is deleted', async () => {
    const c = await kube();
    await installServingCRDs(c);
    const ns = await freshNamespace('emptyname', c);
    await c.create(R.Service, {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: { name: 'keep', namespace: ns },
      spec: { template: { spec: { containers: [{ image: IMG }] } } },
    } as KubeObject);
    const sent: string[] = [];
    c.onRequest = (method, path) => sent.push(`${method} ${path}`);
    try {
      const empty = { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: '', namespace: ns } } as KubeObject;
      await assert.rejects(c.delete(R.Service, '', ns), EmptyNameError);
      await assert.rejects(c.get(R.Service, '', ns), EmptyNameError);
      await assert.rejects(c.find(R.Service, '', ns), EmptyNameError);
      await assert.rejects(c.patch(R.Service, '', ns, { metadata: { labels: { a: 'b' } } }), EmptyNameError);
      await assert.rejects(c.replace(R.Service, empty), EmptyNameError);
      await assert.rejects(c.replaceStatus(R.Service, empty), EmptyNameError);
      await assert.rejects(c.apply(R.Service, empty), EmptyNameError);
      assert.deepEqual(sent, [], 'no request was sent');
    } finally {
      c.onRequest = undefined;
    }
    assert.deepEqual((await c.list(R.Service, { namespace: ns })).items.map((s) => s.metadata.name), ['keep']);
  });
});
