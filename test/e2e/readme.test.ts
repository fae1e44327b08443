// The README's usage examples, run in order on the quickstart cluster as a user types them: every
// `console tested` block of README.md (test/e2e/readme.ts parses them), each command through bash
// with this checkout's `kn`, the cluster's kubectl and the real curl (test/e2e/readme.ts says how
// it avoids DNS). Each command must exit as the block says (0 unless `exit=N`) and print what the
// README shows, once ages, durations, digests and wait progress are normalised.
// KN_README_WRITE=1 (scripts/readme-transcripts.sh) writes the real output into README.md instead.
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO } from '../harness/env.ts';
import { ensureCluster, ensureHelloImage, kubectl, NODE_IMAGE, ok, until } from './env.ts';
import { normalise, parseReadme, rewriteReadme, userShell } from './readme.ts';

const README = join(REPO, 'README.md');
const text = readFileSync(README, 'utf8');
const blocks = parseReadme(text);
const write = process.env.KN_README_WRITE === '1';
const shell = userShell();
const outputs: string[][] = blocks.map(() => []);

/** What the examples create, by kind. */
const LEFTOVERS = 'ksvc,domainmappings.serving.knative.dev,clusterdomainclaims.networking.internal.knative.dev';

before(async () => {
  assert.ok(NODE_IMAGE, 'KN_E2E_NODE_IMAGE is not set: run this tier with `npm test -- e2e` (scripts/e2e.sh builds the node image)');
  assert.ok(blocks.length > 0, 'README.md has no `console tested` block');
  await ensureCluster();
  await ensureHelloImage();
  // The examples start from an empty default namespace.
  assert.equal(ok(await kubectl(['get', 'ksvc,domainmappings', '-o', 'name']), 'kubectl').stdout.trim(), '', 'the default namespace has no Service or DomainMapping');
});

after(async () => {
  if (write) writeFileSync(README, rewriteReadme(text, blocks, outputs));
  // Whatever a failed run left: the examples' Services and domain mappings, then their pods.
  await kubectl(['delete', 'ksvc,domainmappings.serving.knative.dev', '--all', '--ignore-not-found']);
  await until(
    'the examples leave no pod behind',
    async () => (ok(await kubectl(['get', 'pods', '-o', 'name']), 'kubectl').stdout.trim() === '' ? true : undefined),
    120_000,
  );
  rmSync(shell.cwd, { recursive: true, force: true });
  rmSync(shell.bin, { recursive: true, force: true });
});

describe('the README, run in order on the quickstart cluster', () => {
  blocks.forEach((b, i) => {
    const line = text.slice(0, b.start).split('\n').length;
    describe(`block at README.md:${line}`, () => {
      for (const s of b.steps) {
        it(`$ ${s.command}`, async () => {
          const r = await shell.run(s.command);
          outputs[i]!.push(r.output.replace(/\s+$/, ''));
          assert.equal(r.code, b.exit, `exit ${r.code} (the README expects ${b.exit}):\n${r.output}`);
          if (!write) assert.equal(normalise(r.output), normalise(s.expected), `README.md:${line}: '${s.command}' printed:\n${r.output}`);
        });
      }
    });
  });
});

it('leaves the cluster as it found it', async () => {
  assert.equal(ok(await kubectl(['get', LEFTOVERS, '-A', '-o', 'name']), 'kubectl').stdout.trim(), '', 'every example object is deleted by the README itself');
});
