// Invalid invocations of the list/describe/domain/revision commands: each ends with one
// `Error: …` line (plus kn's usage hint), a non-zero exit, no stack trace, and nothing created.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { R } from '../../src/api/resources.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import { installServingCRDs } from '../harness/crds.ts';
import { freshNamespace, KnPool, kube } from '../harness/env.ts';

describe('bad input to the output commands', () => {
  let c: KubeClient;
  let ns: string;
  let pool: KnPool;
  after(() => pool?.close());
  before(async () => {
    pool = await KnPool.start(1);
    c = await kube();
    await installServingCRDs(c);
    ns = await freshNamespace('bad');
    await c.create(R.Service, {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: { name: 'hello', namespace: ns },
      spec: { template: { spec: { containers: [{ image: 'docker.io/example/hello' }] } } },
    });
  });

  const cases: [string, (ns: string) => string[], RegExp][] = [
    ['unknown -o format', (n) => ['service', 'list', '-n', n, '-o', 'xml'], /^Error: unable to match a printer suitable for the output format "xml", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml$/],
    ['-o url on a list', (n) => ['service', 'list', '-n', n, '-o', 'url'], /^Error: unable to match a printer suitable for the output format "url"/],
    ['unclosed jsonpath action', (n) => ['service', 'list', '-n', n, '-o', 'jsonpath={.items[*].metadata.name'], /^Error: error parsing jsonpath \{\.items\[\*\]\.metadata\.name, unclosed action$/],
    ['unclosed jsonpath bracket', (n) => ['revision', 'list', '-n', n, '-o', 'jsonpath={.items[}'], /^Error: error parsing jsonpath \{\.items\[\}, unclosed array expect \]$/],
    ['jsonpath range without end', (n) => ['route', 'list', '-n', n, '-o', 'jsonpath={range .items[*]}{.metadata.name}'], /^Error: error parsing jsonpath .*, unclosed range, missing \{end\}$/],
    ['jsonpath without a template', (n) => ['service', 'list', '-n', n, '-o', 'jsonpath'], /^Error: template format specified but no template given$/],
    ['go-template with an unknown function', (n) => ['service', 'list', '-n', n, '-o', 'go-template={{upper .kind}}'], /^Error: error parsing template \{\{upper \.kind\}\}, function "upper" not defined$/],
    ['go-template without end', (n) => ['domain', 'list', '-n', n, '-o', 'go-template={{range .items}}x'], /^Error: error parsing template .*missing \{\{end\}\}$/],
    ['missing template file', (n) => ['service', 'list', '-n', n, '-o', 'jsonpath-file=/nonexistent/t.txt'], /^Error: error reading --template \/nonexistent\/t\.txt, no such file or directory$/],
    ['missing key with --no-allow-missing-template-keys', (n) => ['service', 'describe', 'hello', '-n', n, '-o', 'jsonpath={.nope}', '--no-allow-missing-template-keys'], /^Error: error executing jsonpath "\{\.nope\}": Error executing template: nope is not found$/],
    ['service list with two names', (n) => ['service', 'list', 'a', 'b', '-n', n], /^Error: 'kn service list' accepts maximum 1 argument$/],
    ['revision list with two names', (n) => ['revision', 'list', 'a', 'b', '-n', n], /^Error: 'kn revision list' accepts maximum 1 argument, not 2 arguments as given$/],
    ['route list with two names', (n) => ['route', 'list', 'a', 'b', '-n', n], /^Error: 'kn route list' accepts only one additional argument$/],
    ['service describe without a name', (n) => ['service', 'describe', '-n', n], /^Error: 'service describe' requires the service name given as single argument$/],
    ['revision describe without a name', (n) => ['revision', 'describe', '-n', n], /^Error: 'kn revision describe' requires name of the revision as single argument$/],
    ['revision delete without a name', (n) => ['revision', 'delete', '-n', n], /^Error: 'kn revision delete' requires one or more revision name$/],
    ['revision delete with names and --prune-all', (n) => ['revision', 'delete', 'x', '--prune-all', '-n', n], /^Error: 'kn revision delete' with --prune-all flag requires no arguments$/],
    ['domain create without --ref', (n) => ['domain', 'create', 'a.example.org', '-n', n], /^Error: required flag\(s\) "ref" not set$/],
    ['domain create with an unknown --ref prefix', (n) => ['domain', 'create', 'a.example.org', '--ref', 'broker:hello', '-n', n], /^Error: unsupported sink prefix: 'broker'$/],
    ['domain create with an empty --ref name', (n) => ['domain', 'create', 'a.example.org', '--ref', 'ksvc:', '-n', n], /^Error: invalid --ref 'ksvc:': the name is missing/],
    ['domain create with a --ref to a missing service', (n) => ['domain', 'create', 'a.example.org', '--ref', 'nope', '-n', n], /^Error: services\.serving\.knative\.dev "nope" not found$/],
    ['domain create with a bad --tls secret name', (n) => ['domain', 'create', 'a.example.org', '--ref', 'hello', '--tls', 'Bad_Name', '-n', n], /^Error: invalid secret name "Bad_Name": a lowercase RFC 1123 subdomain/],
    ['domain create without a name', (n) => ['domain', 'create', '--ref', 'hello', '-n', n], /^Error: 'kn domain create' requires the domain name given as single argument$/],
    ['domain update of a missing mapping', (n) => ['domain', 'update', 'nope.example.org', '--ref', 'hello', '-n', n], /^Error: domainmappings\.serving\.knative\.dev "nope\.example\.org" not found$/],
    ['unknown flag on list', (n) => ['service', 'list', '-n', n, '--sort-by', 'name'], /^Error: unknown flag: --sort-by for 'kn service list'$/],
  ];

  for (const [title, args, want] of cases) {
    it(title, async () => {
      const r = await pool.run(args(ns));
      assert.notEqual(r.code, 0, `exit code for ${title}`);
      const lines = r.stderr.trimEnd().split('\n');
      assert.match(lines[0]!, want);
      assert.equal(lines.length, 2, `one error line and the usage hint, got:\n${r.stderr}`);
      assert.match(lines[1]!, /^Run 'kn[a-z ]* --help' for usage$/);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
      assert.equal(r.stdout, '');
    });
  }

  it('nothing was created by the failed invocations', async () => {
    assert.deepEqual((await c.list(R.DomainMapping, { namespace: ns })).items, []);
    assert.equal((await c.list(R.Service, { namespace: ns })).items.length, 1);
  });
});
