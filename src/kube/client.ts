// The typed client: the only code in kn-ts that talks to a Kubernetes API server.
// Kubeconfig loading and authentication come from @kubernetes/client-node, except in a pod with no
// kubeconfig, where the service account's three files are all there is to read and the library is
// not loaded (config.ts inClusterConfig). Requests go over one keep-alive HTTPS agent so that every
// call (watches included) carries the same credentials, impersonation headers and --log-http tracing.
import type { KubeConfig } from '@kubernetes/client-node';
import type * as HttpNS from 'node:http';
import type * as HttpsNS from 'node:https';
import type * as TlsNS from 'node:tls';
import type * as ZlibNS from 'node:zlib';
import { createRequire } from 'node:module';
import type { KubeList, KubeObject, ResourceType } from '../api/meta.ts';
import { apiVersionOf } from '../api/meta.ts';
import { type ConnectionOptions, contextNamespace, type InClusterConfig, inClusterConfig, loadKubeConfig, TokenFile } from './config.ts';
import { errorFromResponse, KubeError, UnreachableError } from './errors.ts';
import { HttpLogger } from './log-http.ts';


// node:http is loaded with require, not import: building the ESM facade of node:http reads every
// export, and one of them is a lazy getter that loads Node's bundled fetch implementation (~20 ms
// on every CLI start). See docs/benchmarks.md.
const require = createRequire(import.meta.url);
const http = require('node:http') as typeof HttpNS;
const https = require('node:https') as typeof HttpsNS;

export type PatchType = 'merge' | 'json' | 'strategic' | 'apply';
const PATCH_CONTENT_TYPE: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

export interface ListOptions {
  namespace?: string; // undefined or '' = all namespaces (for namespaced kinds)
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
}

export interface WriteOptions {
  fieldManager?: string;
  dryRun?: boolean;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
export interface WatchEvent<T = KubeObject> {
  type: WatchEventType;
  object: T;
}

export interface WatchOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  timeoutSeconds?: number;
  allowWatchBookmarks?: boolean;
}

export interface Watcher {
  /** Resolves when the stream ends: undefined on a clean close, the error otherwise. */
  done: Promise<Error | undefined>;
  stop(): void;
}

export const FIELD_MANAGER = 'kn';

interface Transport {
  server: URL;
  agent: HttpNS.Agent;
  base: HttpsNS.RequestOptions;
  headers: Record<string, string | string[]>;
}

export class KubeClient {
  readonly namespace: string;
  private refreshedAt = 0;
  /** Called after every answered non-watch request (metrics): method, path, HTTP status, milliseconds. */
  onRequest: ((method: string, path: string, status: number, ms: number) => void) | undefined;

  /** The loaded kubeconfig; undefined in a pod reading its service account (the lean in-cluster path). */
  readonly kubeConfig: KubeConfig | undefined;
  private transport: Transport;
  private readonly opts: ConnectionOptions;
  private readonly log: HttpLogger | undefined;
  /** The in-cluster token file (the lean path), re-read when the kubelet rotates it. */
  private readonly token: TokenFile | undefined;

  private constructor(source: KubeConfig | InClusterConfig, transport: Transport, opts: ConnectionOptions, log?: HttpLogger) {
    this.transport = transport;
    this.opts = opts;
    this.log = log;
    if ('tokenFile' in source) {
      this.kubeConfig = undefined;
      this.token = new TokenFile(source.tokenFile);
      this.namespace = source.namespace;
    } else {
      this.kubeConfig = source;
      this.token = undefined;
      this.namespace = contextNamespace(source);
    }
  }

  static async connect(opts: ConnectionOptions = {}): Promise<KubeClient> {
    const log = opts.logHttp ? new HttpLogger(process.stderr) : undefined;
    const ic = inClusterConfig(opts);
    if (ic) {
      const c = new KubeClient(ic, inClusterTransport(ic, opts), opts, log);
      void c.refreshAuth(); // reads the token now: a missing token file fails here, not on the first request
      return c;
    }
    const kc = await loadKubeConfig(opts);
    const transport = await makeTransport(kc, opts);
    return new KubeClient(kc, transport, opts, log);
  }

  static async fromKubeConfig(kc: KubeConfig, opts: ConnectionOptions = {}): Promise<KubeClient> {
    return new KubeClient(kc, await makeTransport(kc, opts), opts, opts.logHttp ? new HttpLogger(process.stderr) : undefined);
  }

  get server(): string {
    return this.transport.server.toString().replace(/\/$/, '');
  }

  /** The URL path of a collection or of one object. */
  path(r: ResourceType, namespace?: string, name?: string, sub?: string): string {
    const prefix = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
    const ns = r.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
    const n = name !== undefined ? `/${encodeURIComponent(name)}` : '';
    return `${prefix}${ns}/${r.plural}${n}${sub ? `/${sub}` : ''}`;
  }

  /**
   * The path of one named object. An empty name would address the whole collection (a DELETE
   * there deletes every object): that is a programming error, refused before any request.
   */
  private objectPath(method: string, r: ResourceType, namespace: string | undefined, name: string | undefined, sub?: string): string {
    if (!name) throw new EmptyNameError(method, r.plural);
    return this.path(r, namespace, name, sub);
  }

  async get<T extends KubeObject>(r: ResourceType, name: string, namespace?: string): Promise<T> {
    return this.request<T>('GET', this.objectPath('GET', r, namespace, name));
  }

  /** get, with undefined for NotFound. */
  async find<T extends KubeObject>(r: ResourceType, name: string, namespace?: string): Promise<T | undefined> {
    try {
      return await this.get<T>(r, name, namespace);
    } catch (e) {
      if (e instanceof KubeError && e.code === 404) return undefined;
      throw e;
    }
  }

  async list<T extends KubeObject>(r: ResourceType, o: ListOptions = {}): Promise<KubeList<T>> {
    const q = query({
      labelSelector: o.labelSelector,
      fieldSelector: o.fieldSelector,
      limit: o.limit,
      continue: o.continue,
      resourceVersion: o.resourceVersion,
    });
    return this.request<KubeList<T>>('GET', this.path(r, o.namespace) + q);
  }

  /** Lists every page. */
  async listAll<T extends KubeObject>(r: ResourceType, o: ListOptions = {}): Promise<KubeList<T>> {
    const first = await this.list<T>(r, { limit: 500, ...o });
    let cont = first.metadata?.continue;
    while (cont) {
      const next = await this.list<T>(r, { limit: 500, ...o, continue: cont });
      first.items.push(...next.items);
      cont = next.metadata?.continue;
      if (first.metadata) first.metadata.resourceVersion = next.metadata?.resourceVersion;
    }
    if (first.metadata) delete first.metadata.continue;
    return first;
  }

  async create<T extends KubeObject>(r: ResourceType, obj: T, o: WriteOptions = {}): Promise<T> {
    const ns = obj.metadata.namespace ?? this.namespace;
    return this.request<T>('POST', this.path(r, ns) + writeQuery(o), withGVK(r, obj));
  }

  async replace<T extends KubeObject>(r: ResourceType, obj: T, o: WriteOptions = {}): Promise<T> {
    const ns = obj.metadata.namespace ?? this.namespace;
    return this.request<T>('PUT', this.objectPath('PUT', r, ns, obj.metadata.name) + writeQuery(o), withGVK(r, obj));
  }

  async replaceStatus<T extends KubeObject>(r: ResourceType, obj: T, o: WriteOptions = {}): Promise<T> {
    const ns = obj.metadata.namespace ?? this.namespace;
    return this.request<T>('PUT', this.objectPath('PUT', r, ns, obj.metadata.name, 'status') + writeQuery(o), withGVK(r, obj));
  }

  async patch<T extends KubeObject>(
    r: ResourceType,
    name: string,
    namespace: string | undefined,
    body: unknown,
    type: PatchType = 'merge',
    o: WriteOptions & { force?: boolean; subresource?: string } = {},
  ): Promise<T> {
    const q = query({ fieldManager: o.fieldManager ?? (type === 'apply' ? FIELD_MANAGER : undefined), force: o.force, dryRun: o.dryRun ? 'All' : undefined });
    return this.request<T>('PATCH', this.objectPath('PATCH', r, namespace, name, o.subresource) + q, body, PATCH_CONTENT_TYPE[type]);
  }

  /** Server-side apply with a field manager. */
  async apply<T extends KubeObject>(r: ResourceType, obj: T, o: WriteOptions & { force?: boolean; subresource?: string } = {}): Promise<T> {
    const ns = r.namespaced ? (obj.metadata.namespace ?? this.namespace) : undefined;
    return this.patch<T>(r, obj.metadata.name ?? '', ns, withGVK(r, obj), 'apply', { force: true, ...o });
  }

  async delete(
    r: ResourceType,
    name: string,
    namespace?: string,
    o: { propagationPolicy?: 'Foreground' | 'Background' | 'Orphan'; dryRun?: boolean } = {},
  ): Promise<void> {
    const body = o.propagationPolicy ? { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: o.propagationPolicy } : undefined;
    await this.request('DELETE', this.objectPath('DELETE', r, namespace, name) + query({ dryRun: o.dryRun ? 'All' : undefined }), body);
  }

  /** GET an arbitrary path (discovery, /version, /readyz). */
  async raw<T = unknown>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> {
    return this.request<T>(method, path, body, contentType);
  }

  /** Opens a watch stream. Each event is handed to onEvent in order; ERROR events arrive as such. */
  watch<T extends KubeObject>(r: ResourceType, o: WatchOptions, onEvent: (e: WatchEvent<T>) => void): Watcher {
    const q = query({
      watch: 'true',
      labelSelector: o.labelSelector,
      fieldSelector: o.fieldSelector,
      resourceVersion: o.resourceVersion,
      timeoutSeconds: o.timeoutSeconds,
      allowWatchBookmarks: o.allowWatchBookmarks ? 'true' : undefined,
    });
    const path = this.path(r, o.namespace) + q;
    let req: HttpNS.ClientRequest | undefined;
    let stopped = false;
    const done = (async (): Promise<Error | undefined> => {
      await this.refreshAuth();
      return new Promise<Error | undefined>((resolve) => {
        const t = this.transport;
        const url = new URL(path, t.server);
        const mod = url.protocol === 'https:' ? https : http;
        this.log?.request('GET', url.toString(), t.headers);
        req = mod.request(url, { ...t.base, method: 'GET', agent: t.agent, headers: { ...t.headers, Accept: 'application/json' } }, (res) => {
          this.log?.response(res.statusCode ?? 0, url.toString(), res.headers, '<watch stream>');
          if ((res.statusCode ?? 0) >= 300) {
            let b = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (b += c));
            res.on('end', () => resolve(errorFromResponse(res.statusCode ?? 0, b, `watch ${r.plural}`)));
            res.on('error', (e) => resolve(e));
            return;
          }
          // One JSON object per line. Split here rather than with node:readline, which loads its
          // interface, history and key handling (≈ 0.7 MiB of RSS in every process that watches).
          const handle = (line: string) => {
            if (!line.trim()) return;
            try {
              onEvent(JSON.parse(line) as WatchEvent<T>);
            } catch (e) {
              req?.destroy(e as Error);
            }
          };
          let rest = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            const text = rest + chunk;
            let start = 0;
            for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
              handle(text.slice(start, nl));
              start = nl + 1;
              if (req?.destroyed) return;
            }
            rest = text.slice(start);
          });
          res.on('end', () => {
            handle(rest);
            rest = '';
            resolve(undefined);
          });
          res.on('error', (e) => resolve(stopped ? undefined : e));
          res.on('aborted', () => resolve(stopped ? undefined : new Error('watch stream aborted')));
        });
        req.on('error', (e) => resolve(stopped ? undefined : wrapNetError(this.server, e)));
        req.end();
      });
    })();
    return {
      done,
      stop: () => {
        stopped = true;
        req?.destroy();
      },
    };
  }

  /**
   * Re-reads rotating credentials: the in-cluster token file when it changed (looked at at most
   * once a second), else the kubeconfig's (service-account tokens, exec plugins) at most once a
   * minute.
   */
  private refreshAuth(): Promise<void> | undefined {
    if (this.token) {
      const bearer = `Bearer ${this.token.get()}`;
      const t = this.transport;
      if (t.headers.Authorization !== bearer) this.transport = { ...t, headers: { ...t.headers, Authorization: bearer } };
      return undefined;
    }
    const now = Date.now();
    if (now - this.refreshedAt < 60_000) return undefined;
    const first = this.refreshedAt === 0;
    this.refreshedAt = now;
    if (first || !this.kubeConfig) return undefined;
    return makeTransport(this.kubeConfig, this.opts, this.transport.agent).then((t) => {
      this.transport = t;
    });
  }

  private async request<T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    await this.refreshAuth();
    const t = this.transport;
    const url = new URL(path, t.server);
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const headers: Record<string, string | string[] | number> = { ...t.headers, Accept: 'application/json' };
    // As Go's client: the API server compresses large responses (lists over 128 KiB). A list of 500
    // Services shrinks ~20×, which costs the server little and saves the client receiving and
    // decrypting it (docs/adr/0010-cli-listing.md).
    headers['Accept-Encoding'] = 'gzip';
    if (payload !== undefined) {
      headers['Content-Type'] = contentType;
      headers['Content-Length'] = Buffer.byteLength(payload);
    }
    this.log?.request(method, url.toString(), headers, payload);
    const mod = url.protocol === 'https:' ? https : http;
    const send = () =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = mod.request(url, { ...t.base, method, agent: t.agent, headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            let buf = Buffer.concat(chunks);
            if (res.headers['content-encoding'] === 'gzip') {
              try {
                buf = (require('node:zlib') as typeof ZlibNS).gunzipSync(buf);
              } catch (e) {
                reject(e as Error);
                return;
              }
            }
            const text = buf.toString('utf8');
            this.log?.response(res.statusCode ?? 0, url.toString(), res.headers, text);
            resolve({ status: res.statusCode ?? 0, text });
          });
          res.on('error', reject);
        });
        req.on('error', (e) => {
          // A keep-alive socket the server closed meanwhile (say, it restarted): send once more
          // on a new connection. Node flags exactly this case with reusedSocket.
          (e as { reused?: boolean }).reused = req.reusedSocket;
          reject(e);
        });
        if (payload !== undefined) req.write(payload);
        req.end();
      });
    let resp: { status: number; text: string };
    const t0 = this.onRequest ? performance.now() : 0;
    try {
      resp = await send();
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (!((e as { reused?: boolean }).reused && (code === 'ECONNRESET' || code === 'EPIPE'))) throw wrapNetError(this.server, e as Error);
      try {
        resp = await send();
      } catch (e2) {
        throw wrapNetError(this.server, e2 as Error);
      }
    }
    // client-go's rule: 429 (with Retry-After, as a CRD's storage initialising answers) is retried.
    for (let tries = 0; resp.status === 429 && tries < 10; tries++) {
      const after = Number(/"retryAfterSeconds":\s*(\d+)/.exec(resp.text)?.[1] ?? 1);
      await new Promise((r) => setTimeout(r, Math.min(after, 5) * 1000));
      resp = await send().catch((e: Error) => {
        throw wrapNetError(this.server, e);
      });
    }
    const { status, text } = resp;
    this.onRequest?.(method, path, status, performance.now() - t0);
    if (status >= 300) throw errorFromResponse(status, text, `${method} ${path}`);
    if (!text) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      return text as T;
    }
  }

  /** Closes idle keep-alive sockets so a CLI process can exit at once. */
  /**
   * A request through the API server whose answer is handed over as a stream (the service proxy:
   * `kn event send` posts a CloudEvent with its own headers, `kn broker tail` reads NDJSON live).
   * Resolves with the response once its head arrives; the caller reads or destroys it.
   */
  async stream(method: string, path: string, o: { headers?: Record<string, string>; body?: Buffer | string } = {}): Promise<HttpNS.IncomingMessage> {
    await this.refreshAuth();
    const t = this.transport;
    const url = new URL(path, t.server);
    const mod = url.protocol === 'https:' ? https : http;
    const headers: Record<string, string | string[] | number> = { ...t.headers, ...(o.headers ?? {}) };
    if (o.body !== undefined) headers['Content-Length'] = Buffer.byteLength(o.body);
    this.log?.request(method, url.toString(), headers, o.body === undefined ? undefined : String(o.body));
    return new Promise((resolve, reject) => {
      const req = mod.request(url, { ...t.base, method, agent: t.agent, headers }, (res) => {
        this.log?.response(res.statusCode ?? 0, url.toString(), res.headers, '<stream>');
        resolve(res);
      });
      req.on('error', (e) => reject(wrapNetError(this.server, e)));
      if (o.body !== undefined) req.write(o.body);
      req.end();
    });
  }

  close(): void {
    this.transport.agent.destroy();
  }
}

/** A request for one object with an empty name: refused, never sent as a collection request. */
export class EmptyNameError extends Error {
  override name = 'EmptyNameError';
  constructor(method: string, plural: string) {
    super(`internal error: refused to ${method} ${plural} with an empty name (that would address every object of the kind); please report this`);
  }
}

function wrapNetError(server: string, e: Error): Error {
  const code = (e as { code?: string }).code;
  if (code && /^(ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|ECONNRESET)$/.test(code)) {
    return new UnreachableError(server, e);
  }
  return e;
}

/** Identity headers from the flags (impersonation) and the user agent. */
function identityHeaders(headers: Record<string, string | string[]>, opts: ConnectionOptions): Record<string, string | string[]> {
  if (opts.as) headers['Impersonate-User'] = opts.as;
  if (opts.asGroups?.length) headers['Impersonate-Group'] = opts.asGroups;
  if (opts.asUid) headers['Impersonate-Uid'] = opts.asUid;
  headers['User-Agent'] = opts.userAgent ?? 'kn-ts';
  return headers;
}

/** The lean in-cluster transport: the service account's CA; the token is set by refreshAuth. */
function inClusterTransport(ic: InClusterConfig, opts: ConnectionOptions): Transport {
  const server = new URL(ic.server);
  const isTls = server.protocol === 'https:';
  // One TLS context (the CA parsed once) for every connection, rather than one per connection.
  const secureContext = isTls ? (require('node:tls') as typeof TlsNS).createSecureContext({ ca: ic.ca }) : undefined;
  return {
    server,
    agent: isTls ? new https.Agent({ keepAlive: true, maxSockets: 64, secureContext }) : new http.Agent({ keepAlive: true, maxSockets: 64 }),
    // https.request passes secureContext on to tls.connect; its RequestOptions type does not list it.
    base: (isTls ? { secureContext } : {}) as HttpsNS.RequestOptions,
    headers: identityHeaders({}, opts),
  };
}

async function makeTransport(kc: KubeConfig, opts: ConnectionOptions, agent?: HttpNS.Agent): Promise<Transport> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('no current cluster in the kubeconfig');
  const base: HttpsNS.RequestOptions = { headers: {} };
  await kc.applyToHTTPSOptions(base);
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(base.headers ?? {})) if (v !== undefined) headers[k] = Array.isArray(v) ? v.map(String) : String(v);
  delete base.headers;
  identityHeaders(headers, opts);
  const server = new URL(cluster.server);
  const isTls = server.protocol === 'https:';
  const tls = { ca: base.ca, cert: base.cert, key: base.key, rejectUnauthorized: base.rejectUnauthorized, servername: base.servername };
  return {
    server,
    agent: agent ?? (isTls ? new https.Agent({ keepAlive: true, maxSockets: 64, ...tls }) : new http.Agent({ keepAlive: true, maxSockets: 64 })),
    base: isTls ? tls : {},
    headers,
  };
}

function query(q: Record<string, string | number | boolean | undefined>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') parts.push(`${k}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

function writeQuery(o: WriteOptions): string {
  return query({ fieldManager: o.fieldManager, dryRun: o.dryRun ? 'All' : undefined });
}

function withGVK<T extends KubeObject>(r: ResourceType, obj: T): T {
  return { ...obj, apiVersion: obj.apiVersion ?? apiVersionOf(r), kind: obj.kind ?? r.kind };
}
