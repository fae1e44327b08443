// The lean in-cluster path of src/kube (config.ts inClusterConfig, client.ts): a pod-like
// environment against the real test API server — the service account's token, ca.crt and
// namespace files in a folder (KN_TS_SERVICE_ACCOUNT_DIR stands for
// /var/run/secrets/kubernetes.io/serviceaccount), KUBERNETES_SERVICE_HOST/PORT pointing at
// 127.0.0.1, no kubeconfig anywhere. Tokens are real bound service-account tokens from the API
// server's TokenRequest; a rotation is a new token swapped in as the kubelet does (rename).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import type { KubeObject } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import { KubeClient } from '../../src/kube/client.ts';
import { ConfigError } from '../../src/kube/config.ts';
import { freshNamespace, kube, testKubeconfig } from '../harness/env.ts';

interface Kubeconfig {
  clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
}

const ENV = ['KUBERNETES_SERVICE_HOST', 'KUBERNETES_SERVICE_PORT', 'KN_TS_SERVICE_ACCOUNT_DIR', 'KUBECONFIG', 'HOME'] as const;

describe('src/kube in a pod: the service account files, no kubeconfig library', () => {
  let admin: KubeClient;
  let ns: string;
  let dir: string;
  let home: string;
  const saved: Partial<Record<(typeof ENV)[number], string>> = {};

  const mint = async (sa: string) =>
    (await admin.raw<{ status: { token: string } }>('POST', `/api/v1/namespaces/${ns}/serviceaccounts/${sa}/token`, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } })).status.token;
  /** Who the API server says the client is (SelfSubjectReview: every authenticated user may ask). */
  const whoami = async (c: KubeClient) =>
    (await c.raw<{ status: { userInfo: { username: string } } }>('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' })).status.userInfo.username;
  /** As the kubelet writes a projected token: a new file renamed over the old one. */
  const writeToken = (token: string) => {
    writeFileSync(join(dir, '.token.tmp'), `${token}\n`);
    renameSync(join(dir, '.token.tmp'), join(dir, 'token'));
  };

  before(async () => {
    admin = await kube();
    ns = await freshNamespace('incluster');
    for (const name of ['alice', 'bob']) await admin.create<KubeObject>(R.ServiceAccount, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: ns } });
    // alice and bob may read ConfigMaps of their namespace (the default namespace of the pod).
    await admin.create<KubeObject>(R.Role, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'read-cm', namespace: ns }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }] } as KubeObject);
    await admin.create<KubeObject>(R.RoleBinding, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'read-cm', namespace: ns },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read-cm' },
      subjects: ['alice', 'bob'].map((name) => ({ kind: 'ServiceAccount', name, namespace: ns })),
    } as KubeObject);
    await admin.create<KubeObject>(R.ConfigMap, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'hello', namespace: ns }, data: { a: 'b' } } as KubeObject);

    const kc = parse(readFileSync(testKubeconfig(), 'utf8')) as Kubeconfig;
    const server = new URL(kc.clusters[0]!.cluster.server);
    dir = mkdtempSync(join(tmpdir(), 'kn-ts-sa-'));
    home = mkdtempSync(join(tmpdir(), 'kn-ts-home-'));
    writeFileSync(join(dir, 'ca.crt'), Buffer.from(kc.clusters[0]!.cluster['certificate-authority-data'], 'base64'));
    writeFileSync(join(dir, 'namespace'), ns);
    writeToken(await mint('alice'));
    for (const k of ENV) saved[k] = process.env[k];
    delete process.env.KUBECONFIG;
    process.env.HOME = home; // no ~/.kube/config
    process.env.KUBERNETES_SERVICE_HOST = server.hostname;
    process.env.KUBERNETES_SERVICE_PORT = server.port;
    process.env.KN_TS_SERVICE_ACCOUNT_DIR = dir;
  });

  after(async () => {
    for (const k of ENV) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    rmSync(dir, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
    await admin.delete(R.Namespace, ns);
  });

  it('connects with the token, CA and namespace files, without a kubeconfig', async () => {
    const c = await KubeClient.connect({ inCluster: true });
    try {
      assert.equal(c.kubeConfig, undefined, 'the lean path loads no KubeConfig');
      assert.equal(c.namespace, ns, 'the namespace comes from the namespace file');
      assert.equal(c.server, `https://127.0.0.1:${process.env.KUBERNETES_SERVICE_PORT}`);
      assert.equal(await whoami(c), `system:serviceaccount:${ns}:alice`);
      const list = await c.list<KubeObject>(R.ConfigMap, { namespace: c.namespace });
      assert.ok(list.items.some((o) => o.metadata.name === 'hello'));
      // RBAC applies to the service account: it may not list another namespace's ConfigMaps.
      await assert.rejects(c.list(R.ConfigMap, { namespace: 'default' }), /cannot list resource "configmaps"/);
    } finally {
      c.close();
    }
  });

  it('picks up a rotated token file without a restart, for requests and for new watches', async () => {
    writeToken(await mint('alice'));
    const c = await KubeClient.connect({ inCluster: true });
    try {
      assert.equal(await whoami(c), `system:serviceaccount:${ns}:alice`);
      writeToken(await mint('bob'));
      // The file is looked at at most once a second.
      await new Promise((r) => setTimeout(r, 1100));
      assert.equal(await whoami(c), `system:serviceaccount:${ns}:bob`);
      // A watch opened after the rotation carries the new token too: bob may not watch
      // ConfigMaps (only get and list), and the API server says so by name.
      const w = c.watch(R.ConfigMap, { namespace: ns }, () => undefined);
      const err = await w.done;
      assert.match(String(err?.message), new RegExp(`system:serviceaccount:${ns}:bob.*cannot watch`));
    } finally {
      c.close();
    }
  });

  it('says which service account file is missing, in one line', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'kn-ts-sa-empty-'));
    try {
      process.env.KN_TS_SERVICE_ACCOUNT_DIR = empty;
      await assert.rejects(KubeClient.connect({ inCluster: true }), (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.match(e.message, /^in-cluster config: cannot read the service account's CA .*ca\.crt \(ENOENT\); mount the service account token or pass --kubeconfig$/);
        return true;
      });
      writeFileSync(join(empty, 'ca.crt'), readFileSync(join(dir, 'ca.crt')));
      await assert.rejects(KubeClient.connect({ inCluster: true }), (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.match(e.message, /^in-cluster config: cannot read the service account token .*token \(ENOENT\)$/);
        return true;
      });
    } finally {
      process.env.KN_TS_SERVICE_ACCOUNT_DIR = dir;
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('keeps the kubeconfig path when a kubeconfig is given or found, as kubectl does', async () => {
    const viaFlag = await KubeClient.connect({ inCluster: true, kubeconfig: testKubeconfig() });
    process.env.KUBECONFIG = testKubeconfig();
    const viaEnv = await KubeClient.connect({ inCluster: true });
    delete process.env.KUBECONFIG;
    try {
      for (const c of [viaFlag, viaEnv]) {
        assert.ok(c.kubeConfig, 'loaded through the kubeconfig library');
        assert.equal(await whoami(c), 'admin');
      }
    } finally {
      viaFlag.close();
      viaEnv.close();
    }
    // --context names a kubeconfig context: the in-cluster config has exactly one, as before.
    await assert.rejects(KubeClient.connect({ inCluster: true, context: 'nope' }), /context "nope" does not exist in the kubeconfig/);
  });
});
