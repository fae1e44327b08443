// Invalid `kn service create|update|apply|delete|export|import|wait` invocations through the built
// CLI: each must exit non-zero with exactly one `Error: …` line (upstream's text) and the usage
// hint, no stack trace, and leave the namespace as it was (nothing created, nothing modified).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { R } from '../../src/api/resources.ts';
import type { Service } from '../../src/api/serving/types.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import { installServingCRDs } from '../harness/crds.ts';
import { freshNamespace, KnPool, kube } from '../harness/env.ts';

const IMG = 'ghcr.io/knative/helloworld-go:latest';
const dir = mkdtempSync(join(tmpdir(), 'kn-bad-svc-'));
const notYaml = join(dir, 'bad.yaml');
writeFileSync(notYaml, 'apiVersion: [unclosed\n');
const otherName = join(dir, 'other.yaml');
writeFileSync(otherName, 'apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: other\nspec:\n  template:\n    spec:\n      containers:\n      - image: x\n');
const noNameExport = join(dir, 'export.yaml');
writeFileSync(noNameExport, 'apiVersion: client.knative.dev/v1alpha1\nkind: Export\nspec:\n  service:\n    metadata: {}\n');
const missingDir = join(dir, 'no-such-dir');

/** [args after `kn service`, the message after `Error: `, the command of the usage hint] */
const CASES: [string[], string, string][] = [
  // create
  [['create'], "'service create' requires the service name given as single argument", 'create'],
  [['create', 'a', 'b', '--image', IMG], "'service create' requires the service name given as single argument", 'create'],
  [['create', 'x'], "'service create' requires the image name to run provided with the --image option", 'create'],
  [['create', 'x', '--image', ''], "'service create' requires the image name to run provided with the --image option", 'create'],
  [['create', 'x', '--image', IMG, '--foo'], "unknown flag: --foo for 'kn service create'", 'create'],
  [['create', 'x', '--image', IMG, '--tag', '@latest=a,@latest=b'], 'repetition of identifier @latest is not allowed, use only once with --tag flag', 'create'],
  [['create', 'x', '--image', IMG, '--tag', 'a='], 'expecting the value format in value1=value2, given a=', 'create'],
  [['create', 'x', '--image', IMG, '--traffic', 'a=100'], "unknown flag: --traffic for 'kn service create'", 'create'],
  [['create', 'x', '--image', IMG, '--wait', '--no-wait'], 'only one of --no-wait and --wait may be specified', 'create'],
  [['create', 'x', '--image', IMG, '--wait=false'], 'use --no-wait instead of providing "false" to --wait', 'create'],
  [['create', 'x', '--image', IMG, '--wait-timeout', 'soon'], 'invalid argument "soon"', 'create'],
  [['create', 'x', '--image', IMG, '--target', missingDir], `directory '${missingDir}' not present, please create the directory and try again`, 'create'],
  [['create', 'x', '-f', join(dir, 'nope.yaml')], `open ${join(dir, 'nope.yaml')}: no such file or directory`, 'create'],
  [['create', 'x', '-f', otherName], "provided service name 'x' doesn't match name from file 'other'", 'create'],
  [['create', 'x', '-f', notYaml], `cannot parse ${notYaml}: `, 'create'],
  [['create', 'x', '--image', IMG, '--scale', '1', '--scale-max', '2'], 'only --scale or --scale-max can be specified', 'create'],
  // update
  [['update'], 'flag(s) not set', 'update'],
  [['update', '--image', IMG], "'service update' requires the service name given as single argument", 'update'],
  [['update', 'missing', '--image', IMG], 'services.serving.knative.dev "missing" not found', 'update'],
  [['update', 'victim', '--traffic', 'victim-00001=50,victim-00001=50'], 'repetition of revision reference victim-00001 is not allowed, use only once with --traffic flag', 'update'],
  [['update', 'victim', '--traffic', '@latest=50', '--traffic', '@latest=50'], 'repetition of identifier @latest is not allowed, use only once with --traffic flag', 'update'],
  [['update', 'victim', '--traffic', 'victim-00001=half'], 'error converting given half to integer value for traffic distribution', 'update'],
  [['update', 'victim', '--traffic', 'victim-00001=200'], 'invalid value for traffic percent 200, expected 0 <= percent <= 100', 'update'],
  [['update', 'victim', '--traffic', 'victim-00001=70,@latest=40'], 'given traffic percents sum to 110, want <=100', 'update'],
  [['update', 'victim', '--traffic', 'a=b=c'], 'expecting the value format in value1=value2, given a=b=c', 'update'],
  [['update', 'victim', '--traffic', 'x=10,y=10,z=10'], 'unable to allocate the remaining traffic: 70%. Reason: incorrect number of revisions specified. Only 1 revision should be missing', 'update'],
  [['update', 'victim', '--untag', 'nope,gone'], 'tag(s) nope, gone not present for any revisions of service victim', 'update'],
  [['update', 'victim', '--tag', 'victim-00001=current'], "refusing to overwrite existing tag in service, add flag '--untag current' in command to untag it", 'update'],
  [['update', 'victim', '--tag', '@latest=next'], "tag 'current' exists on latest ready revision of service, refusing to overwrite existing tag with 'next', add flag '--untag current' in command to untag it", 'update'],
  [['update', 'victim', '--force'], "unknown flag: --force for 'kn service update'", 'update'],
  [['update', 'victim', '--env', 'A=1', '--target', join(dir, 'nothing.yaml')], 'services.serving.knative.dev "victim" not found', 'update'],
  // apply
  [['apply'], "'service apply' requires the service name given as single argument", 'apply'],
  [['apply', 'victim'], "'service apply' requires the image name to run provided with the --image option", 'apply'],
  [['apply', 'x', '--image', IMG, '--target', dir], "unknown flag: --target for 'kn service apply'", 'apply'],
  // delete
  [['delete'], "'service delete' requires the service name(s)", 'delete'],
  [['delete', 'victim', '--all'], "'service delete' with --all flag requires no arguments", 'delete'],
  [['delete', 'missing'], 'services.serving.knative.dev "missing" not found', 'delete'],
  [['delete', 'missing', '--target', dir], `remove ${join(dir, 'default', 'ksvc', 'missing.yaml')}: no such file or directory`, 'delete'],
  // export / import / wait
  [['export', 'victim'], "'kn service export' requires output format", 'export'],
  [['export'], "'kn service export' requires name of the service as single argument", 'export'],
  [['export', 'victim', '-o', 'xml'], 'unable to match a printer suitable for the output format "xml"', 'export'],
  [['export', 'missing', '-o', 'yaml'], 'services.serving.knative.dev "missing" not found', 'export'],
  [['import'], "'kn service import' requires filename of import file as single argument", 'import'],
  [['import', noNameExport], "provided import file doesn't contain service name, please note that only kn's custom export format is supported", 'import'],
  [['import', join(dir, 'nope.yaml')], `open ${join(dir, 'nope.yaml')}: no such file or directory`, 'import'],
  [['wait'], "'service wait' requires the service name given as single argument", 'wait'],
  [['wait', 'missing', '--wait-timeout', '0'], "timeout: service 'missing' not ready after 0 seconds", 'wait'],
];

describe('kn service: bad input', () => {
  let c: KubeClient;
  let ns: string;
  let snapshot: string;
  let pool: KnPool;
  after(() => pool?.close());

  const state = async () => {
    const items = (await c.list<Service>(R.Service, { namespace: ns })).items;
    return JSON.stringify(items.map((s) => [s.metadata.name, s.metadata.resourceVersion]));
  };

  before(async () => {
    c = await kube();
    await installServingCRDs(c);
    ns = await freshNamespace('badsvc');
    // One service with a tagged traffic block, as the controllers would have left it.
    const created = await c.create<Service>(R.Service, {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: { name: 'victim', namespace: ns },
      spec: {
        template: { spec: { containers: [{ name: '', image: IMG }] } },
        traffic: [
          { latestRevision: true, percent: 100, tag: 'current' },
          { revisionName: 'victim-00001', latestRevision: false, percent: 0, tag: 'old' },
        ],
      },
    });
    await c.replaceStatus<Service>(R.Service, {
      ...created,
      status: {
        observedGeneration: 1,
        latestReadyRevisionName: 'victim-00002',
        latestCreatedRevisionName: 'victim-00002',
        traffic: [
          { revisionName: 'victim-00002', latestRevision: true, percent: 100, tag: 'current' },
          { revisionName: 'victim-00001', latestRevision: false, percent: 0, tag: 'old' },
        ],
      },
    });
    snapshot = await state();
    pool = await KnPool.start(1);
  });

  for (const [args, msg, cmd] of CASES) {
    it(`kn service ${args.join(' ')}`, async () => {
      // `update` with no flag at all must stay flagless (cobra's NFlag counts -n too).
      const needsNs = !args.includes('--target') && args.join(' ') !== 'update';
      const r = await pool.run(['service', ...args, ...(needsNs ? ['-n', ns] : [])]);
      assert.notEqual(r.code, 0);
      const lines = r.stderr.trimEnd().split('\n');
      assert.ok(lines[0]!.startsWith(`Error: ${msg}`), `stderr was:\n${r.stderr}`);
      // As upstream: the hint names the command only when the message quotes one ('kn service …').
      assert.equal(lines.at(-1), `Run '${/'(kn\s.+?)'/.exec(lines[0]!)?.[1] ?? 'kn'} --help' for usage`, cmd);
      const errorLines = msg === 'flag(s) not set' ? 3 : 2;
      assert.equal(lines.length, errorLines, `one Error line and the hint; stderr was:\n${r.stderr}`);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      // `kn service wait` prints its header before it times out, as upstream.
      if (cmd !== 'wait') assert.equal(r.stdout, '');
      assert.equal(await state(), snapshot, 'nothing created or modified');
    });
  }
});
