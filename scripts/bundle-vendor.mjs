// Bundles the part of @kubernetes/client-node the CLI needs (KubeConfig: kubeconfig loading,
// merging, in-cluster config and every auth provider) into dist/vendor/kubeconfig.js.
// The package's config.js statically imports its whole generated API (thousands of model
// classes) and undici, only to build API clients and fetch dispatchers that kn-ts never uses: it
// sends requests over node:https with the options KubeConfig.applyToHTTPSOptions gives. Stubbing
// those two imports cuts the load from ~365 ms to well under 100 ms (docs/benchmarks.md).
//
// The libraries only some kubeconfigs need — proxy-url (socks, hpagent), OIDC (openid-client) and
// the azure/gcp auth providers (jsonpath-plus) — are bundled apart, as CommonJS files under
// dist/vendor/kubeconfig-lazy/, and loaded on first use through a stand-in that forwards every
// call, `new` and property read: every CLI start would otherwise evaluate ~110 KB of code that
// almost no kubeconfig needs (docs/adr/0010-cli-listing.md). Built-in modules are required, not
// imported (scripts/esbuild-builtins.mjs).
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BANNER, failOnLazyExportWarnings, requireBuiltins } from './esbuild-builtins.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const clientNodeDist = join(root, 'node_modules/@kubernetes/client-node/dist');
// KN_TS_VENDOR_OUT: another output folder (the unit test builds into a temporary one).
const outDir = process.env.KN_TS_VENDOR_OUT ?? join(root, 'dist/vendor');
const lazyDir = join(outDir, 'kubeconfig-lazy');
const LAZY = ['openid-client', 'jsonpath-plus', 'socks-proxy-agent', 'socks', 'hpagent'];

// 1. Each lazy library as one CommonJS file (resolved as client-node resolves it).
mkdirSync(lazyDir, { recursive: true });
const exportsOf = {};
const req = createRequire(import.meta.url);
for (const name of LAZY) {
  const outfile = join(lazyDir, `${name}.cjs`);
  await build({
    stdin: { contents: `export * from '${name}';`, resolveDir: clientNodeDist, loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    minify: true,
    target: 'node22',
    outfile,
    logLevel: 'warning',
  });
  exportsOf[name] = Object.keys(req(outfile)).filter((k) => k !== 'default' && k !== '__esModule');
}

// 2. KubeConfig, with a stand-in for each lazy library.
const standIn = (name) =>
  [
    'let m;',
    `const load = () => (m ??= __kn_require('./kubeconfig-lazy/${name}.cjs'));`,
    // A function target so that call and construct traps are allowed; every operation reaches the real export.
    'const lazy = (k) => new Proxy(function () {}, {',
    '  get: (_, p) => { const v = load()[k]; const r = Reflect.get(v, p); return typeof r === "function" && p !== "prototype" ? r.bind(v) : r; },',
    '  has: (_, p) => Reflect.has(load()[k], p),',
    '  apply: (_, self, args) => Reflect.apply(load()[k], self, args),',
    '  construct: (_, args) => Reflect.construct(load()[k], args),',
    '  getPrototypeOf: () => Reflect.getPrototypeOf(load()[k]),',
    '});',
    ...exportsOf[name].map((k) => `export const ${k} = lazy(${JSON.stringify(k)});`),
  ].join('\n');
const stubs = {
  gen: "export function createConfiguration(){throw new Error('kn-ts: the generated API is not bundled')}; export class ServerConfiguration{}",
  undici: "export class Agent{constructor(){throw new Error('kn-ts: undici dispatchers are not bundled')}}; export class ProxyAgent extends Agent{}",
};
const result = await build({
  stdin: { contents: "export { KubeConfig } from '@kubernetes/client-node/dist/config.js';", resolveDir: root, loader: 'js' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  minify: true,
  target: 'node22',
  outfile: join(outDir, 'kubeconfig.js'),
  banner: { js: BANNER },
  logLevel: 'warning',
  plugins: [
    {
      name: 'stub-unused',
      setup(b) {
        b.onResolve({ filter: /\/gen\/index\.js$/ }, (a) => (a.importer.endsWith('/dist/config.js') ? { path: 'gen', namespace: 'stub' } : undefined));
        b.onResolve({ filter: /^undici$/ }, (a) => (a.importer.endsWith('/dist/config.js') ? { path: 'undici', namespace: 'stub' } : undefined));
        b.onLoad({ filter: /.*/, namespace: 'stub' }, (a) => ({ contents: stubs[a.path], loader: 'js' }));
        const lazyFilter = new RegExp(`^(${LAZY.map((n) => n.replace(/[-/]/g, '\\$&')).join('|')})$`);
        b.onResolve({ filter: lazyFilter }, (a) => ({ path: a.path, namespace: 'lazy' }));
        b.onLoad({ filter: /.*/, namespace: 'lazy' }, (a) => ({ contents: standIn(a.path), loader: 'js' }));
      },
    },
    requireBuiltins,
  ],
});
failOnLazyExportWarnings(result, 'bundle-vendor');
