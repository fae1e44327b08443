// kn-ts's admission webhooks for the test tiers: the Mutating (and Validating) WebhookConfiguration of
// manifests/420-webhook.yaml pointed by URL at 127.0.0.1 (the test API server cannot reach a
// cluster Service), and the controller's webhook in this process, serving a certificate that also
// covers 127.0.0.1 and filling in the configuration's caBundle itself.
import type { KubeObject } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import { startWebhook } from '../../src/controller/main.ts';
import type { DefaultingWebhook } from '../../src/controller/webhook/server.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import { freePort } from './cluster.ts';
import { loadManifest } from './crds.ts';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** The manifest's MutatingWebhookConfiguration (or ValidatingWebhookConfiguration), calling `base` + each webhook's path instead of the Service. */
export function webhookConfigAt(base: string, failurePolicy?: 'Ignore' | 'Fail', kind = 'MutatingWebhookConfiguration'): KubeObject {
  const [o] = loadManifest('manifests/420-webhook.yaml').filter((x) => x.kind === kind);
  if (!o) throw new Error(`manifests/420-webhook.yaml has no ${kind}`);
  for (const w of (o as unknown as { webhooks: { clientConfig: { service?: { path?: string } }; failurePolicy?: string }[] }).webhooks) {
    w.clientConfig = { url: `${base}${w.clientConfig.service?.path ?? ''}` } as typeof w.clientConfig;
    if (failurePolicy) w.failurePolicy = failurePolicy;
  }
  return o;
}

/**
 * Configures the webhook by URL on a free loopback port and starts it there. The validating half
 * (validation.webhook.serving.knative.dev) only with `validation: true`: tests that create invalid
 * objects on purpose, to see what the reconcilers make of them, run without it.
 */
export async function startTestWebhook(c: KubeClient, port?: number, o: { validation?: boolean } = {}): Promise<DefaultingWebhook> {
  const p = port ?? (await freePort());
  await c.create(R.MutatingWebhookConfiguration, webhookConfigAt(`https://127.0.0.1:${p}`));
  if (o.validation) await c.create(R.ValidatingWebhookConfiguration, webhookConfigAt(`https://127.0.0.1:${p}`, undefined, 'ValidatingWebhookConfiguration'));
  return startWebhook({ namespace: 'knative-serving', webhookPort: p, webhookHost: '127.0.0.1', webhookIPs: ['127.0.0.1'] }, c, quiet);
}
