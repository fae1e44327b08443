// Bundles the kn CLI (src/cli/main.ts and every command) into dist/kn/ with esbuild: one shared
// chunk per group of modules instead of hundreds of files, so a command loads oclif, our code and
// its libraries in a few reads. Heavy libraries land in chunks only the commands that need them
// load (listr2/execa for quickstart, yaml for output). Measured: `kn plugin list` 125 → 90 ms,
// a command that reaches the cluster ~240 → ~135 ms (docs/benchmarks.md). The controller and the
// gateway run from tsc's output in dist/ (start-up time does not matter there). Built-in modules
// are required, not imported (scripts/esbuild-builtins.mjs).
import { build } from 'esbuild';
import { globSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BANNER, failOnLazyExportWarnings, requireBuiltins } from './esbuild-builtins.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const entryPoints = ['src/cli/main.ts', ...globSync('src/commands/**/*.ts', { cwd: root })];
const result = await build({
  absWorkingDir: root,
  entryPoints,
  outbase: 'src',
  outdir: 'dist/kn',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  // The full client-node package is only a fallback for running from sources; the CLI loads the
  // slim dist/vendor/kubeconfig.js (scripts/bundle-vendor.mjs).
  external: ['@kubernetes/client-node', 'typescript', 'ts-node', 'tsx'],
  banner: { js: BANNER },
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
  plugins: [requireBuiltins],
});
failOnLazyExportWarnings(result, 'bundle-cli');
