// The kn root as a user types it: the built bin/run.js as a subprocess.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runKn, testKubeconfig } from '../harness/env.ts';

const noCluster = () => {
  const dir = mkdtempSync(join(tmpdir(), 'kn-nocluster-'));
  const kc = join(dir, 'config');
  writeFileSync(
    kc,
    'apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "https://127.0.0.1:1"}\nusers:\n- name: u\n  user: {token: t}\ncontexts:\n- name: c\n  context: {cluster: c, user: u}\ncurrent-context: c\n',
  );
  return kc;
};

describe('kn root', () => {
  it('shows the three command groups and upstream footer', async () => {
    for (const args of [['--help'], [], ['help']]) {
      const r = await runKn(args);
      assert.equal(r.code, 0, r.stderr);
      for (const g of ['Serving Commands:', 'Other Commands:']) assert.ok(r.stdout.includes(g), `${g} in ${args}`);
      assert.doesNotMatch(r.stdout, /\n {2}(secret|container) /, 'no group without commands is listed');
      assert.match(r.stdout, /Use "kn <command> --help" for more information about a given command\./);
    }
  });

  it('suggests the command meant on a typo', async () => {
    const r = await runKn(['servce']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'Error: unknown command "servce" for "kn"\n\nDid you mean this?\n\tservice\n\nRun \'kn --help\' for usage\n');
  });

  it('resolves group aliases (ksvc)', async () => {
    const r = await runKn(['ksvc', '--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Manage Knative services\n/);
    assert.match(r.stdout, /Aliases: \n  service, ksvc, services/);
  });

  it('rejects unknown flags in one line, exit 1, no stack trace', async () => {
    const r = await runKn(['version', '--bogus']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "Error: unknown flag: --bogus for 'kn version'\nRun 'kn version --help' for usage\n");
    const o = await runKn(['version', '-o', 'xml']);
    assert.equal(o.code, 1);
    assert.equal(o.stderr, "Error: invalid value for output flag, choose one among 'json' or 'yaml'\nRun 'kn --help' for usage\n");
  });

  it('prints valid version JSON with a reachable cluster, including its Kubernetes version', async () => {
    const r = await runKn(['version', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const v = JSON.parse(r.stdout);
    assert.match(v.Version, /^v\d+\.\d+\.\d+/);
    assert.match(v.KubernetesVersion, /^v1\.\d+/);
    assert.ok(Array.isArray(v.SupportedAPIs.serving));
  });

  it('prints valid version JSON without a reachable cluster, and --client never contacts one', async () => {
    const kc = noCluster();
    const r = await runKn(['version', '-o', 'json'], { kubeconfig: kc });
    assert.equal(r.code, 0, r.stderr);
    const v = JSON.parse(r.stdout);
    assert.equal(v.KubernetesVersion, undefined);
    const t = await runKn(['version'], { kubeconfig: kc });
    assert.match(t.stdout, /Kubernetes: {3}unreachable \(cannot reach the Kubernetes API server at https:\/\/127\.0\.0\.1:1 \(connection refused\)/);
    const c = await runKn(['version', '--client', '-o', 'yaml'], { kubeconfig: '/nonexistent' });
    assert.equal(c.code, 0, c.stderr);
    assert.match(c.stdout, /^Version: v/);
    const none = await runKn(['version', '-o', 'json'], { env: { KUBECONFIG: '/nonexistent/kubeconfig', HOME: mkdtempSync(join(tmpdir(), 'home-')) } });
    assert.equal(none.code, 0, none.stderr);
    JSON.parse(none.stdout);
  });

  it('skips KUBECONFIG files that do not exist, as kubectl does, and names them when none does', async () => {
    const home = mkdtempSync(join(tmpdir(), 'home-'));
    const both = await runKn(['version', '-o', 'json'], { env: { KUBECONFIG: `/nonexistent/a:${testKubeconfig()}`, HOME: home } });
    assert.equal(both.code, 0, both.stderr);
    assert.ok(JSON.parse(both.stdout).KubernetesVersion, 'the existing file of the list is used');
    const none = await runKn(['service', 'list'], { env: { KUBECONFIG: '/nonexistent/a:/nonexistent/b', HOME: home } });
    assert.equal(none.code, 1);
    assert.equal(
      none.stderr,
      "Error: cannot load kubeconfig /nonexistent/a:/nonexistent/b (from KUBECONFIG): no such file; fix KUBECONFIG or pass --kubeconfig\nRun 'kn --help' for usage\n",
    );
  });

  it('logs HTTP with the bearer token redacted', async () => {
    const token = /token: (\S+)/.exec(readFileSync(testKubeconfig(), 'utf8'))![1]!;
    const r = await runKn(['version', '--log-http']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /===== REQUEST =====\nGET https:\/\/127\.0\.0\.1:\d+\/version/);
    assert.match(r.stderr, /Authorization: Bearer <redacted>/);
    assert.ok(!r.stderr.includes(token), 'the token never reaches the log');
  });

  it('accepts global flags before the command', async () => {
    const r = await runKn(['--kubeconfig', testKubeconfig(), 'version', '-o', 'json'], { env: { KUBECONFIG: '/nonexistent' } });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(JSON.parse(r.stdout).KubernetesVersion);
    const bad = await runKn(['--context', 'nope', 'version', '-o', 'json']);
    assert.equal(bad.code, 0);
    assert.equal(JSON.parse(bad.stdout).KubernetesVersion, undefined);
  });

  it('runs plugins from the plugins dir and PATH, and lists them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kn-plugins-'));
    const p = join(dir, 'kn-hello');
    writeFileSync(p, '#!/bin/sh\necho "hello from plugin: $*"\nexit 3\n');
    chmodSync(p, 0o755);
    const r = await runKn(['--plugins-dir', dir, 'hello', 'a', '--b']);
    assert.equal(r.stdout, 'hello from plugin: a --b --plugins-dir ' + dir + '\n');
    assert.equal(r.code, 3);
    const pathDir = mkdtempSync(join(tmpdir(), 'kn-path-'));
    const q = join(pathDir, 'kn-source-kafka');
    writeFileSync(q, '#!/bin/sh\necho "kafka $*"\n');
    chmodSync(q, 0o755);
    const env = { PATH: `${pathDir}:${process.env.PATH}` };
    const k = await runKn(['source', 'kafka', 'list'], { env });
    assert.equal(k.stdout, 'kafka list\n');
    const l = await runKn(['plugin', 'list', '--plugins-dir', dir], { env });
    assert.equal(l.code, 0, l.stderr);
    assert.match(l.stdout, new RegExp(`- hello : ${p}\n`));
    assert.match(l.stdout, new RegExp(`- source-kafka : ${q}\n`));
    const h = await runKn(['--plugins-dir', dir, '--help'], { env });
    assert.match(h.stdout, /Plugins:\n/);
  });

  it('prints completion scripts and completes from the manifest', async () => {
    const b = await runKn(['completion', 'bash']);
    assert.equal(b.code, 0);
    assert.match(b.stdout, /complete -o default -F _kn_complete kn/);
    const c = await runKn(['__complete', 'vers']);
    assert.equal(c.stdout, 'version\n');
    const e = await runKn(['completion', 'tcsh']);
    assert.equal(e.code, 1);
    assert.match(e.stderr, /^Error: 'bash', 'zsh' or 'fish' shell completion is supported\n/);
  });

  it('says which group is missing a sub-command', async () => {
    const r = await runKn(['plugin']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "Error: no sub-command given for 'kn plugin'. Available sub-commands: list\nRun 'kn plugin --help' for usage\n");
  });
});
