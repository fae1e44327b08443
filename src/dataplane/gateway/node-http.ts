// node:http, node:http2 and undici as the gateway loads them, for its memory (issue #9,
// docs/adr/0030-gateway-memory.md):
// - node:http through require, not import: the ESM facade of node:http reads every export, and one
//   of them is a lazy getter that loads Node's bundled undici (≈ 6 MiB of anonymous memory in every
//   gateway replica that never uses it). The same trick as src/kube/client.ts.
// - node:http2 and the undici package (≈ 4 and ≈ 6 MiB more) only on first use: they serve the
//   node:http path's upstreams (h2c, and what the raw-socket fast path hands over), which many
//   gateways never take.
import { createRequire } from 'node:module';
import type * as Http from 'node:http';
import type * as Http2 from 'node:http2';
import type * as Undici from 'undici';

const require = createRequire(import.meta.url);

export const http = require('node:http') as typeof Http;

let h2: typeof Http2 | undefined;
/** node:http2, loaded on the first call. */
export function http2(): typeof Http2 {
  return (h2 ??= require('node:http2') as typeof Http2);
}

let u: typeof Undici | undefined;
/** The undici package, loaded on the first call. */
export function undici(): typeof Undici {
  return (u ??= require('undici') as typeof Undici);
}
