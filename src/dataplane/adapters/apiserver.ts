// `control-plane.js apiserver-adapter`: the receive adapter of one ApiServerSource (its own
// Deployment, under the source's ServiceAccount). One informer per resource × namespace; handlers
// are attached once the first list is in, so objects that exist before the adapter starts send
// nothing (upstream's Replace is a no-op) and only later adds, updates and deletes become events,
// in the mode's types, through the owner filter, in order, with the adapters' retries.
//
//   K_SINK            the resolved sink URL
//   K_SOURCE_CONFIG   JSON AdapterConfig (namespaces, resources with plural and label selector, owner, mode)
//   K_CE_OVERRIDES    JSON {"extensions":{...}} or ""
import { type AdapterConfig, apiServerEvent, apiServerUrl, groupVersion, ownerMatches, type Verb } from '../../api/sources/apiserver.ts';
import type { KubeObject } from '../../api/meta.ts';
import { KubeClient } from '../../kube/client.ts';
import { Informer } from '../../kube/informer.ts';
import { sendEvent } from './send.ts';

export interface ApiServerAdapterOptions {
  client: KubeClient;
  sink: string;
  config: AdapterConfig;
  extensions?: Record<string, string>;
  /** The event source (the API server URL). */
  source: string;
  log?: (msg: string, o?: object) => void;
}

export class ApiServerAdapter {
  private readonly informers: Informer[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  private readonly o: ApiServerAdapterOptions;
  sent = 0;
  constructor(o: ApiServerAdapterOptions) {
    this.o = o;
  }

  /** Starts every watch; resolves when each has its first list (the adapter is then ready). */
  async start(): Promise<void> {
    const { config } = this.o;
    const started: Promise<void>[] = [];
    for (const ns of config.namespaces) {
      for (const r of config.resources) {
        const { group, version } = groupVersion(r.apiVersion);
        const inf = new Informer(this.o.client, { group, version, kind: r.kind, plural: r.plural, namespaced: true }, { namespace: ns, ...(r.labelSelector ? { labelSelector: r.labelSelector } : {}) });
        this.informers.push(inf);
        const typed = (o: KubeObject): KubeObject => ({ ...o, apiVersion: o.apiVersion ?? r.apiVersion, kind: o.kind ?? r.kind });
        started.push(
          inf.start().then(() => {
            inf.on({
              add: (o) => this.emit('add', typed(o)),
              update: (a, b) => (a.metadata.resourceVersion !== b.metadata.resourceVersion ? this.emit('update', typed(b)) : undefined),
              delete: (o) => this.emit('delete', typed(o)),
            });
          }),
        );
      }
    }
    await Promise.all(started);
  }

  private emit(verb: Verb, obj: KubeObject): void {
    if (!ownerMatches(this.o.config.owner, obj)) return;
    const { attrs, data } = apiServerEvent(this.o.config.mode, verb, this.o.source, obj);
    for (const [k, v] of Object.entries(this.o.extensions ?? {})) attrs[k] = v;
    this.chain = this.chain.then(async () => {
      const r = await sendEvent(this.o.sink, attrs, data);
      this.sent++;
      if (r.status < 200 || r.status > 299) this.o.log?.('failed to send cloudevent', { type: attrs.type, subject: attrs.subject, status: r.status, attempts: r.attempts, err: r.error });
    });
  }

  /** Waits for the events queued so far. */
  async drain(): Promise<void> {
    await this.chain;
  }

  stop(): void {
    for (const i of this.informers) i.stop();
  }
}

export async function main(): Promise<void> {
  const log = (msg: string, o: object = {}) => process.stderr.write(`${JSON.stringify({ level: 'info', time: new Date().toISOString(), msg, ...o })}\n`);
  const sink = process.env.K_SINK;
  let config: AdapterConfig;
  let extensions: Record<string, string> | undefined;
  try {
    if (!sink) throw new Error('K_SINK is not set');
    config = JSON.parse(process.env.K_SOURCE_CONFIG ?? '') as AdapterConfig;
    const ce = process.env.K_CE_OVERRIDES;
    extensions = ce ? (JSON.parse(ce) as { extensions?: Record<string, string> }).extensions : undefined;
  } catch (e) {
    process.stderr.write(`Error: ${(e as Error).message}\n`);
    process.exit(2);
  }
  const client = await KubeClient.connect({ inCluster: true, userAgent: 'apiserversource-adapter' });
  const adapter = new ApiServerAdapter({ client, sink, config, ...(extensions ? { extensions } : {}), source: apiServerUrl(process.env, client.server), log });
  const stop = () => {
    adapter.stop();
    void adapter.drain().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  await adapter.start();
  log('apiserversource adapter started', { namespaces: config.namespaces, resources: config.resources.map((r) => `${r.kind}.${r.apiVersion}`), mode: config.mode });
}
