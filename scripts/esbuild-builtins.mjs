// An esbuild plugin for the CLI bundles (bundle-cli.mjs, bundle-vendor.mjs): Node's built-in
// modules are loaded with require, not import.
//
// Building the ESM facade of a built-in reads every export, which runs its lazy getters:
// `import … from 'node:fs'` loads fs/promises and with it readline, the REPL history and the fs
// streams; node:http's facade loads Node's bundled fetch (~20 ms per start). The stand-in module
// this plugin writes requires the built-in and exports its plain properties; its getters stay
// lazy, except the few that bundled code imports by name (ACCESSORS). Importing any other getter
// by name fails the build (esbuild: no matching export); reading one through a namespace import
// is an esbuild warning that failOnLazyExportWarnings turns into a failure.
//
// Every bundle using this must define `__kn_require` (a createRequire) in its banner: a plain
// `require(…)` in the stand-in would be resolved by esbuild itself.
import { builtinModules, createRequire } from 'node:module';

/** Getters that bundled code imports by name; reading them at start is cheap. */
const ACCESSORS = {
  util: ['aborted'],
  http: ['globalAgent', 'maxHeaderSize'],
  https: ['globalAgent'],
  events: ['defaultMaxListeners', 'captureRejections', 'EventEmitterAsyncResource'],
  buffer: ['INSPECT_MAX_BYTES'],
  async_hooks: ['AsyncLocalStorage'],
  net: ['BlockList', 'SocketAddress'],
  crypto: ['getRandomValues'],
};

const req = createRequire(import.meta.url);
const builtins = new Set(builtinModules.filter((m) => !m.startsWith('_')));

export const BANNER = "import{createRequire as __kn_cr}from'node:module';const require=__kn_cr(import.meta.url),__kn_require=require;";

export const requireBuiltins = {
  name: 'require-builtins',
  setup(b) {
    // Only ESM import statements: CommonJS code (oclif) already requires the real module. One
    // stand-in per importing file, so that it lands in that file's chunk: shared stand-ins would
    // each become a chunk of their own, one more file to load.
    b.onResolve({ filter: /^(node:)?[a-z_/]+$/ }, (a) => {
      const name = a.path.replace(/^node:/, '');
      return a.kind === 'import-statement' && builtins.has(name) ? { path: `${name}?${a.importer}`, namespace: 'builtin' } : undefined;
    });
    b.onLoad({ filter: /.*/, namespace: 'builtin' }, (a) => {
      const name = a.path.slice(0, a.path.indexOf('?'));
      const allowed = new Set(ACCESSORS[name] ?? []);
      const names = Object.entries(Object.getOwnPropertyDescriptors(req(`node:${name}`)))
        .filter(([k, d]) => /^[A-Za-z_$][\w$]*$/.test(k) && k !== 'default' && ('value' in d || allowed.has(k)))
        .map(([k]) => k);
      return {
        contents: `const m = __kn_require('node:${name}'); export default m; export const { ${names.join(', ')} } = m;`,
        loader: 'js',
      };
    });
  },
};

/** Exits when bundled code reads a built-in export the stand-in leaves out. */
export function failOnLazyExportWarnings(result, what) {
  const bad = result.warnings.filter((w) => /will always be undefined/.test(w.text));
  if (bad.length) {
    console.error(`${what}: code reads a lazy built-in export the stand-in leaves out (scripts/esbuild-builtins.mjs ACCESSORS)`);
    process.exit(1);
  }
}
