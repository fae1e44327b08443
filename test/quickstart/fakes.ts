// Puts the recording fakes of kind, docker and minikube (fake-bin/fake.mjs) in a folder that is
// then a PATH of its own: each is a /bin/sh script that execs this node by its absolute path, so
// the PATH needs nothing else — no system folder where a real docker or kind could be found.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../harness/env.ts';

export const FAKE_SCRIPT = join(REPO, 'test/quickstart/fake-bin/fake.mjs');

const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Writes the fakes of `tools` into `bin` and returns the PATH to run kn with: `bin` alone. */
export function installFakes(bin: string, tools: readonly string[]): string {
  mkdirSync(bin, { recursive: true });
  for (const t of tools) {
    const file = join(bin, t);
    writeFileSync(file, `#!/bin/sh\n# Recording fake ${t} (test/quickstart/fake-bin/fake.mjs)\nexec ${sq(process.execPath)} ${sq(FAKE_SCRIPT)} ${t} "$@"\n`);
    chmodSync(file, 0o755);
  }
  return bin;
}
