// The data-plane feed for tests (ADR 0031): a started manager's feed on 127.0.0.1, and the token a
// broker reads it with: a real TokenRequest for the broker's service account (knative-eventing/
// broker, created if missing) with the feed's audience, written to a file as the kubelet would.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FEED_AUDIENCE } from '../../src/api/eventing/feed.ts';
import { R } from '../../src/api/resources.ts';
import type { FeedServer } from '../../src/controller/feed/server.ts';
import { startFeed } from '../../src/controller/main.ts';
import { silentLogger } from '../../src/controller/runtime/log.ts';
import type { Manager } from '../../src/controller/runtime/manager.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import { KubeError } from '../../src/kube/errors.ts';

/** A token of `namespace/name` for `audience`, in a new file. */
export async function tokenFile(c: KubeClient, namespace = 'knative-eventing', name = 'broker', audience = FEED_AUDIENCE): Promise<{ file: string; remove(): void }> {
  await c.create(R.ServiceAccount, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } }).catch((e: unknown) => {
    if (!(e instanceof KubeError && e.alreadyExists)) throw e;
  });
  const tr = await c.raw<{ status: { token: string } }>('POST', `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: { audiences: [audience], expirationSeconds: 3600 },
  });
  const dir = mkdtempSync(join(tmpdir(), 'kn-ts-feed-token-'));
  const file = join(dir, 'token');
  writeFileSync(file, tr.status.token);
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The manager's feed and the broker arguments that read it. */
export async function feedFor(mgr: Manager, c: KubeClient): Promise<{ server: FeedServer; url: string; args: string[]; stop(): Promise<void> }> {
  const f = await startFeed(mgr, c, { port: 0, host: '127.0.0.1' }, silentLogger());
  if (!f) throw new Error('the manager reconciles neither Brokers nor InMemoryChannels: no feed');
  const token = await tokenFile(c);
  const url = `http://127.0.0.1:${f.port}`;
  return {
    server: f.server,
    url,
    args: ['--feed', url, '--feed-token', token.file],
    async stop() {
      await f.server.stop();
      token.remove();
    },
  };
}
