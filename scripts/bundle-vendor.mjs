// Bundles the part of @kubernetes/client-node the CLI needs (KubeConfig: kubeconfig loading,
// merging, in-cluster config and every auth provider) into dist/vendor/kubeconfig.js.
// The package's config.js statically imports its whole generated API (thousands of model
// classes) and undici, only to build API clients and fetch dispatchers that kn-ts never uses: it
// sends requests over node:https with the options KubeConfig.applyToHTTPSOptions gives. Stubbing
// those two imports cuts the load from ~365 ms to well under 100 ms (docs/benchmarks.md).
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stubs = {
  gen: "export function createConfiguration(){throw new Error('kn-ts: the generated API is not bundled')}; export class ServerConfiguration{}",
  undici: "export class Agent{constructor(){throw new Error('kn-ts: undici dispatchers are not bundled')}}; export class ProxyAgent extends Agent{}",
};
await build({
  stdin: { contents: "export { KubeConfig } from '@kubernetes/client-node/dist/config.js';", resolveDir: root, loader: 'js' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  minify: true,
  target: 'node22',
  outfile: join(root, 'dist/vendor/kubeconfig.js'),
  banner: { js: "import{createRequire as __kn_cr}from'node:module';const require=__kn_cr(import.meta.url);" },
  logLevel: 'warning',
  plugins: [
    {
      name: 'stub-unused',
      setup(b) {
        b.onResolve({ filter: /\/gen\/index\.js$/ }, (a) => (a.importer.endsWith('/dist/config.js') ? { path: 'gen', namespace: 'stub' } : undefined));
        b.onResolve({ filter: /^undici$/ }, (a) => (a.importer.endsWith('/dist/config.js') ? { path: 'undici', namespace: 'stub' } : undefined));
        b.onLoad({ filter: /.*/, namespace: 'stub' }, (a) => ({ contents: stubs[a.path], loader: 'js' }));
        // `import http from 'node:http'` builds node:http's ESM facade, which reads a lazy export that
        // loads Node's bundled fetch (~20 ms per start); a CommonJS require does not.
        b.onResolve({ filter: /^(node:)?https?$/ }, (a) => ({ path: a.path.replace(/^node:/, ''), namespace: 'cjs-builtin' }));
        b.onLoad({ filter: /.*/, namespace: 'cjs-builtin' }, (a) => ({
          contents:
            `import { createRequire } from 'node:module'; const m = createRequire(import.meta.url)('node:${a.path}'); export default m;` +
            ' export const { Agent, request, get, globalAgent, createServer, Server, STATUS_CODES, METHODS, IncomingMessage, ClientRequest, OutgoingMessage, ServerResponse } = m;',
          loader: 'js',
        }));
      },
    },
  ],
});
