// The admission webhooks, served by the controller (upstream runs them as its own Deployment,
// `webhook`): HTTPS on --webhook-port with the certificate from certs.ts; POST /defaulting answers
// AdmissionReviews (review.ts) with the defaults of src/api/serving/defaults.ts, POST
// /resource-validation with upstream's validation (src/api/serving/admission-validation.ts), both
// with the config-* ConfigMaps of the system namespace. It keeps the caBundle of the
// MutatingWebhookConfiguration and the ValidatingWebhookConfiguration equal to its CA (checked at
// start and every 30 s; a re-applied manifest has none). POST /sinkbindings binds a Job being
// created to the SinkBindings that select it (sinkbinding.ts), from an informer's cache of the
// SinkBindings of every namespace: no API request per admission.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type * as HttpsNS from 'node:https';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { KubeObject, ResourceType } from '../../api/meta.ts';
import { R } from '../../api/resources.ts';
import { defaultsFromConfigMaps } from '../../api/serving/defaults.ts';
import type { KubeClient } from '../../kube/client.ts';
import { KubeError } from '../../kube/errors.ts';
import { Informer, leanObject } from '../../kube/informer.ts';
import type { SinkBinding } from '../../api/sources/types.ts';
import type { Logger } from '../runtime/types.ts';

// node:https through require, not import (see runtime/manager.ts).
const https = createRequire(import.meta.url)('node:https') as typeof HttpsNS;
import { type CertBundle, ensureCertSecret } from './certs.ts';
import { type AdmissionReview, review, validationReview } from './review.ts';
import { jobBindingReview, SINKBINDING_PATH } from './sinkbinding.ts';

export const WEBHOOK_CONFIG = 'webhook.serving.knative.dev';
export const WEBHOOK_PATH = '/defaulting';
export const VALIDATION_CONFIG = 'validation.webhook.serving.knative.dev';
export const VALIDATION_PATH = '/resource-validation';
const MAX_BODY = 3 * 1024 * 1024;

export interface WebhookOptions {
  client: KubeClient;
  log: Logger;
  /** Namespace of the Service, the Secret and the config-* ConfigMaps. */
  namespace: string;
  port: number;
  host?: string;
  /** The webhook's Kubernetes Service (certificate DNS names): `webhook`. */
  serviceName?: string;
  secretName?: string;
  /** IP addresses the certificate also covers (tests reach the webhook on 127.0.0.1). */
  ips?: string[];
  /** The MutatingWebhookConfiguration whose caBundle this webhook keeps. */
  configName?: string;
  /** The ValidatingWebhookConfiguration whose caBundle this webhook keeps. */
  validationConfigName?: string;
  refreshMs?: number;
}

type WebhookConfiguration = KubeObject & { webhooks?: { name: string; clientConfig?: { caBundle?: string } }[] };

export class DefaultingWebhook {
  private server: HttpsNS.Server | undefined;
  private configs: Informer | undefined;
  private bindings: Informer<SinkBinding> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private bundle: CertBundle | undefined;
  private readonly o: WebhookOptions;

  constructor(o: WebhookOptions) {
    this.o = o;
  }

  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  private dnsNames(): string[] {
    const s = this.o.serviceName ?? 'webhook';
    const ns = this.o.namespace;
    return [`${s}.${ns}.svc`, `${s}.${ns}.svc.cluster.local`, `${s}.${ns}`, s];
  }

  private async certs(): Promise<CertBundle> {
    return ensureCertSecret(this.o.client, this.o.namespace, this.o.secretName ?? 'webhook-certs', this.dnsNames(), this.o.ips ?? []);
  }

  async start(): Promise<void> {
    const { o } = this;
    this.configs = new Informer(o.client, R.ConfigMap, { namespace: o.namespace });
    const synced = this.configs.start();
    // Not awaited: until the first list (or while the SinkBinding CRD is not installed) no Job is
    // bound at admission, which failurePolicy Ignore makes the same as the webhook being down.
    this.bindings = new Informer<SinkBinding>(o.client, R.SinkBinding, { transform: leanObject({ dropLastApplied: true }) });
    void this.bindings.start().catch(() => undefined);
    this.bundle = await this.certs();
    const server = https.createServer({ cert: this.bundle.serverCert, key: this.bundle.serverKey }, (req, res) => this.handle(req, res));
    server.keepAliveTimeout = 65_000;
    this.server = server;
    await new Promise<void>((res, rej) => {
      server.once('error', rej);
      server.listen(o.port, o.host ?? '0.0.0.0', () => res());
    });
    await synced;
    await this.syncCABundle();
    this.timer = setInterval(() => void this.refresh(), o.refreshMs ?? 30_000);
    this.timer.unref();
    o.log.info({ port: this.port, path: WEBHOOK_PATH }, 'defaulting webhook serving');
  }

  /** Re-reads the Secret (another replica may have renewed it) and re-checks the caBundle. */
  private async refresh(): Promise<void> {
    try {
      const b = await this.certs();
      if (b.serverCert !== this.bundle?.serverCert) {
        this.server?.setSecureContext({ cert: b.serverCert, key: b.serverKey });
        this.bundle = b;
      }
      await this.syncCABundle();
    } catch (e) {
      this.o.log.warn({ err: String((e as Error)?.message ?? e) }, 'webhook: could not refresh the certificate or the caBundle; retrying');
    }
  }

  /** Sets caBundle on every webhook of both configurations; a missing configuration is left for the next check. */
  private async syncCABundle(): Promise<void> {
    await this.syncOne(R.MutatingWebhookConfiguration, this.o.configName ?? WEBHOOK_CONFIG);
    await this.syncOne(R.ValidatingWebhookConfiguration, this.o.validationConfigName ?? VALIDATION_CONFIG);
  }

  private async syncOne(type: ResourceType, name: string): Promise<void> {
    const ca = Buffer.from(this.bundle?.caCert ?? '').toString('base64');
    let cfg: WebhookConfiguration | undefined;
    try {
      cfg = await this.o.client.find<WebhookConfiguration>(type, name);
    } catch (e) {
      if (e instanceof KubeError && e.code === 403) return;
      throw e;
    }
    const stale = (cfg?.webhooks ?? []).filter((w) => w.clientConfig?.caBundle !== ca);
    if (!cfg || !stale.length) return;
    const webhooks = stale.map((w) => ({ name: w.name, clientConfig: { caBundle: ca } }));
    await this.o.client.patch(type, name, undefined, { webhooks }, 'strategic');
    this.o.log.info({ configuration: name, webhooks: webhooks.length }, 'webhook: caBundle updated');
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const reply = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'POST' || (path !== WEBHOOK_PATH && path !== VALIDATION_PATH && path !== SINKBINDING_PATH)) {
      reply(404, { message: `only POST ${WEBHOOK_PATH}, POST ${VALIDATION_PATH} and POST ${SINKBINDING_PATH} are served here` });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      let body: AdmissionReview;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as AdmissionReview;
      } catch {
        reply(400, { message: 'the body is not JSON: expected an admission.k8s.io/v1 AdmissionReview' });
        return;
      }
      if (path === SINKBINDING_PATH) {
        reply(200, jobBindingReview(body, (ns) => this.bindings?.list(ns) ?? []));
        return;
      }
      const maps: Record<string, Record<string, string> | undefined> = {};
      for (const cm of this.configs?.list() ?? []) maps[cm.metadata.name ?? ''] = ((cm as KubeObject & { data?: Record<string, string> }).data ?? {});
      const d = defaultsFromConfigMaps(maps);
      reply(200, path === VALIDATION_PATH ? validationReview(body, d) : review(body, d));
    });
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.configs?.stop();
    this.bindings?.stop();
    const s = this.server;
    if (!s) return;
    await new Promise<void>((res) => {
      s.close(() => res());
      s.closeAllConnections();
    });
  }
}
