// Where kn-ts is installed. Found by walking up from this module to the package.json of kn-ts, so
// it holds whether the code runs from src/ (tests), dist/ (tsc output) or a bundle chunk.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function packageRoot(): string {
  if (root) return root;
  let d = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const p = join(d, 'package.json');
    if (existsSync(p)) {
      try {
        if ((JSON.parse(readFileSync(p, 'utf8')) as { name?: string }).name === 'kn-ts') return (root = d);
      } catch {
        /* keep looking */
      }
    }
    const up = dirname(d);
    if (up === d) throw new Error('kn-ts: cannot find the package root (package.json of kn-ts)');
    d = up;
  }
}
