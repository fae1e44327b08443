// --containers FILE: the file is read, parsed and checked; a bad file is one clear error. The
// last test runs the built CLI offline (--target), the way a user does, so a broken import of
// the YAML parser (issue 13: "YAML.parse is not a function" for every input) fails here.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseContainersFile } from '../../../src/cli/serving/containers-file.ts';
import { loadEditInputs } from '../../../src/cli/serving/podspec-flags.ts';
import { KN, REPO } from '../../harness/env.ts';

const dir = mkdtempSync(join(tmpdir(), 'kn-containers-'));
const good = join(dir, 'sidecars.yaml');
writeFileSync(good, 'containers:\n- name: sidecar\n  image: ghcr.io/example/sidecar:v1\n');

test('a YAML or JSON pod spec fragment gives its containers', async () => {
  assert.deepEqual(parseContainersFile(readFileSync(good, 'utf8'), good).containers, [{ name: 'sidecar', image: 'ghcr.io/example/sidecar:v1' }]);
  assert.deepEqual(parseContainersFile('{"containers":[{"image":"a/b"}]}', 'x.json').containers, [{ image: 'a/b' }]);
  assert.deepEqual(await loadEditInputs({ containers: good }), { containersSpec: { containers: [{ name: 'sidecar', image: 'ghcr.io/example/sidecar:v1' }] } });
});

test('a bad --containers file is one error naming the file and the expected shape', () => {
  const cases: [string, RegExp][] = [
    ['', /is empty/],
    ['containers: [unclosed', /is not valid YAML \(/],
    ['- a\n- b\n', /is not a mapping/],
    ['image: x\n', /has no 'containers' list/],
    ['containers: []\n', /not a non-empty list/],
    ['containers: [1]\n', /containers\[0\] that is not a mapping/],
    ['containers: [{name: x}]\n', /containers\[0\] without an image/],
    ['containers: [{image: "bad image!!"}]\n', /invalid image "bad image!!"/],
    ['containers: [{image: a/b, name: Side_Car}]\n', /invalid name "Side_Car"/],
    ['\u0000\u0001ELF binary', /is not a text file/],
  ];
  for (const [text, want] of cases) {
    assert.throws(() => parseContainersFile(text, '/x/c.yaml'), (e: Error) => {
      assert.match(e.message, /^the --containers file \/x\/c\.yaml /);
      assert.match(e.message, want);
      assert.doesNotMatch(e.message, /\n/);
      assert.doesNotMatch(e.message, /ELF/, 'no file content echoed');
      return true;
    });
  }
});

test('kn service create --containers FILE works end to end (offline, --target)', () => {
  const target = mkdtempSync(join(tmpdir(), 'kn-containers-target-'));
  const r = spawnSync(process.execPath, ['--', KN, 'service', 'create', 'two', '--image', 'ghcr.io/example/app:v1', '--containers', good, '--target', target, '-n', 'ns'], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, KUBECONFIG: '/nonexistent' },
  });
  assert.equal(r.stderr, '');
  assert.equal(r.status, 0);
  const written = readFileSync(join(target, 'ns', 'ksvc', 'two.yaml'), 'utf8');
  assert.match(written, /image: ghcr\.io\/example\/app:v1/);
  assert.match(written, /name: sidecar\n\s+image: ghcr\.io\/example\/sidecar:v1|image: ghcr\.io\/example\/sidecar:v1/);
});
