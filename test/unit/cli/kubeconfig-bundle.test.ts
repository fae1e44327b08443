// The slim KubeConfig bundle (scripts/bundle-vendor.mjs) against @kubernetes/client-node itself:
// the libraries it loads only on first use (proxy agents, jsonpath for the gcp/azure providers,
// openid-client) must behave as in the package. Builds the bundle into a temporary folder.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { KubeConfig } from '@kubernetes/client-node';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
type KC = typeof KubeConfig;

const mk = (K: KC, cluster: object, user: object): KubeConfig => {
  const kc = new K();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:6443', ...cluster }],
    users: [{ name: 'u', ...user }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kc;
};

/** What applyToHTTPSOptions makes of a few kubeconfigs that need the lazily loaded libraries. */
async function observe(K: KC, dir: string): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const cluster of [
    { proxyUrl: 'http://127.0.0.1:3128' },
    { server: 'http://127.0.0.1:6443', proxyUrl: 'http://127.0.0.1:3128' },
    { proxyUrl: 'socks5://127.0.0.1:1080' },
  ]) {
    const o: { headers: object; agent?: { proxy?: URL; shouldLookup?: boolean; addRequest?: unknown } } = { headers: {} };
    await mk(K, cluster, { token: 't' }).applyToHTTPSOptions(o as never);
    out.push([o.agent?.proxy?.href, o.agent?.shouldLookup, typeof o.agent?.addRequest]);
  }
  // gcp auth provider: an expired token is refreshed by a command whose JSON is read with jsonpath.
  const cmd = join(dir, 'token.sh');
  writeFileSync(cmd, `#!/bin/sh\necho '{"t":{"v":"T0K"},"exp":"2099-01-01T00:00:00Z"}'\n`);
  chmodSync(cmd, 0o755);
  const gcp = { authProvider: { name: 'gcp', config: { 'cmd-path': cmd, 'token-key': '{.t.v}', 'expiry-key': '{.exp}' } } };
  const g: { headers: Record<string, string> } = { headers: {} };
  await mk(K, {}, gcp).applyToHTTPSOptions(g as never);
  out.push(g.headers.Authorization);
  // oidc: an expired id-token makes the provider call openid-client's discovery, which refuses a
  // string issuer: the same error proves the same code ran.
  const b64 = (x: object) => Buffer.from(JSON.stringify(x)).toString('base64url');
  const idToken = `${b64({ alg: 'none' })}.${b64({ exp: 1, iss: 'http://127.0.0.1:9' })}.x`;
  const oidc = { authProvider: { name: 'oidc', config: { 'id-token': idToken, 'refresh-token': 'r', 'client-id': 'c', 'idp-issuer-url': 'http://127.0.0.1:9' } } };
  try {
    await mk(K, {}, oidc).applyToHTTPSOptions({ headers: {} } as never);
    out.push('no error');
  } catch (e) {
    out.push([(e as Error).name, (e as { code?: string }).code]);
  }
  return out;
}

describe('the KubeConfig bundle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kn-vendor-'));
  let Bundled: KC;
  before(async () => {
    execFileSync(process.execPath, [join(root, 'scripts/bundle-vendor.mjs')], { env: { ...process.env, KN_TS_VENDOR_OUT: dir }, stdio: 'inherit' });
    Bundled = ((await import(pathToFileURL(join(dir, 'kubeconfig.js')).href)) as { KubeConfig: KC }).KubeConfig;
  });

  it('keeps proxy, openid-client and jsonpath code out of the file every start loads', async () => {
    assert.ok(existsSync(join(dir, 'kubeconfig-lazy', 'openid-client.cjs')));
    const { readFileSync } = await import('node:fs');
    const main = readFileSync(join(dir, 'kubeconfig.js'), 'utf8');
    assert.ok(main.length < 120_000, `kubeconfig.js is ${main.length} bytes`);
    assert.ok(!main.includes('Proxy connection timed out'), 'socks is in kubeconfig.js');
    assert.ok(!main.includes('unsupported EcKeyAlgorithm namedCurve'), 'openid-client is in kubeconfig.js');
  });

  it('behaves as the package for proxy-url, gcp (jsonpath) and oidc kubeconfigs', async () => {
    const { KubeConfig: Package } = await import('@kubernetes/client-node');
    const want = await observe(Package, dir);
    assert.equal(want[3], 'Bearer T0K');
    assert.deepEqual(await observe(Bundled, dir), want);
  });
});
