// A small stand-in for the Kubernetes API, over plain HTTP on 127.0.0.1, for the one thing the
// real kube-apiserver cannot be made to do: hand out resourceVersions that are not ordered numbers.
// Its versions are random tokens, as the API allows (clients may only compare them for equality):
// "rv-3fa9c1", or with {versions: 'unordered-numbers'} random decimals ("804113") that look
// comparable and are not in order, which trips any code that compares them as numbers. It keeps objects in memory and serves what the
// controller runtime uses: list, watch (from a version, with 410 once that version was
// compacted away, and ERROR events), get, create (409 AlreadyExists), update with optimistic
// concurrency (409 Conflict), the status subresource (generation bumps on spec changes), merge
// patch and delete. Nothing else of the API is modelled; use the real server for everything else.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeObject } from '../../src/api/meta.ts';

interface LogEntry {
  rv: string;
  collection: string;
  namespace: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  obj: KubeObject;
}

interface Stream {
  collection: string;
  namespace: string;
  res: http.ServerResponse;
}

/** Requests the fake served, for assertions: `GET /api/v1/configmaps?watch=true&…` etc. */
export interface Served {
  method: string;
  path: string;
  query: URLSearchParams;
  status: number;
}

export interface FakeApiServer {
  url: string;
  served: Served[];
  /** Objects by `collection/namespace/name` (collection: `configmaps` or `services.serving.knative.dev`). */
  get(collection: string, namespace: string, name: string): KubeObject | undefined;
  /** Writes as another client would (no precondition): a new version and a watch event (none to open watches with quiet: a lost event). */
  write(collection: string, obj: KubeObject, o?: { quiet?: boolean }): KubeObject;
  /** Ends every open watch stream cleanly, as a server-side timeout does. */
  endWatches(): void;
  /** Forgets every past version: a watch from one of them gets 410 Gone. */
  compact(): void;
  close(): Promise<void>;
}

export type VersionStyle = 'tokens' | 'unordered-numbers';

const tokenOf = (style: VersionStyle) => () => (style === 'tokens' ? `rv-${randomBytes(3).toString('hex')}` : String(100_000 + (randomBytes(3).readUIntBE(0, 3) % 900_000)));

/** `/api/v1/namespaces/ns/configmaps/x/status` → collection `configmaps`, namespace, name, sub. */
function parse(path: string): { collection: string; namespace: string; name?: string; sub?: string } | undefined {
  const m = /^\/(?:api\/v1|apis\/([^/]+)\/[^/]+)(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?(?:\/([^/]+))?$/.exec(path);
  if (!m) return undefined;
  const [, group, namespace, plural, name, sub] = m;
  return { collection: group ? `${plural}.${group}` : (plural ?? ''), namespace: namespace ?? '', ...(name ? { name } : {}), ...(sub ? { sub } : {}) };
}

const status = (code: number, reason: string, message: string) => ({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message });

export async function startFakeApiServer(o: { versions?: VersionStyle } = {}): Promise<FakeApiServer> {
  const rvToken = tokenOf(o.versions ?? 'tokens');
  const store = new Map<string, KubeObject>();
  let log: LogEntry[] = [];
  let origin = rvToken(); // the version of an empty history
  const streams = new Set<Stream>();
  const served: Served[] = [];
  let uid = 0;
  const keyOf = (c: string, ns: string, name: string) => `${c}/${ns}/${name}`;
  const currentRv = () => log.at(-1)?.rv ?? origin;

  const send = (s: Stream, e: { type: string; object: unknown }) => s.res.write(`${JSON.stringify(e)}\n`);
  const record = (collection: string, type: LogEntry['type'], obj: KubeObject, quiet = false): KubeObject => {
    let rv = rvToken();
    while (log.some((l) => l.rv === rv) || rv === origin) rv = rvToken();
    obj.metadata.resourceVersion = rv;
    const ns = obj.metadata.namespace ?? '';
    const entry: LogEntry = { rv, collection, namespace: ns, type, obj: structuredClone(obj) };
    log.push(entry);
    if (!quiet) for (const s of streams) if (s.collection === collection && (!s.namespace || s.namespace === ns)) send(s, { type, object: entry.obj });
    return obj;
  };
  const put = (collection: string, obj: KubeObject, type: LogEntry['type'], quiet = false): KubeObject => {
    const out = record(collection, type, obj, quiet);
    store.set(keyOf(collection, obj.metadata.namespace ?? '', obj.metadata.name ?? ''), structuredClone(out));
    return out;
  };

  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const method = req.method ?? 'GET';
      const reply = (code: number, obj: unknown) => {
        served.push({ method, path: url.pathname, query: url.searchParams, status: code });
        res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(obj));
      };
      const p = parse(url.pathname);
      if (!p) return reply(404, status(404, 'NotFound', `no such path ${url.pathname}`));
      const { collection, namespace, name, sub } = p;
      const k = keyOf(collection, namespace, name ?? '');
      const cur = name ? store.get(k) : undefined;
      const input = body ? (JSON.parse(body) as KubeObject) : undefined;

      if (method === 'GET' && !name && url.searchParams.get('watch') === 'true') {
        served.push({ method, path: url.pathname, query: url.searchParams, status: 200 });
        res.writeHead(200, { 'content-type': 'application/json' });
        const s: Stream = { collection, namespace, res };
        const from = url.searchParams.get('resourceVersion') ?? '';
        const at = from === origin ? -1 : log.findIndex((l) => l.rv === from);
        if (from && from !== origin && at < 0) {
          send(s, { type: 'ERROR', object: status(410, 'Expired', `too old resource version: ${from}`) });
          return res.end();
        }
        for (const l of log.slice(at + 1)) if (l.collection === collection && (!namespace || l.namespace === namespace)) send(s, { type: l.type, object: l.obj });
        streams.add(s);
        res.on('close', () => streams.delete(s));
        return;
      }
      if (method === 'GET' && !name) {
        const items = [...store.entries()].filter(([key, o]) => key.startsWith(`${collection}/`) && (!namespace || o.metadata.namespace === namespace)).map(([, o]) => o);
        return reply(200, { kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: currentRv() }, items });
      }
      if (method === 'GET') return cur ? reply(200, cur) : reply(404, status(404, 'NotFound', `${collection} "${name}" not found`));
      if (method === 'POST') {
        const o = input!;
        if (collection === 'events') return reply(201, o); // events are accepted and dropped
        const nk = keyOf(collection, o.metadata.namespace ?? namespace, o.metadata.name ?? '');
        if (store.has(nk)) return reply(409, status(409, 'AlreadyExists', `${collection} "${o.metadata.name}" already exists`));
        o.metadata = { ...o.metadata, namespace: o.metadata.namespace ?? namespace, uid: `uid-${++uid}`, generation: 1, creationTimestamp: new Date().toISOString() };
        return reply(201, put(collection, o, 'ADDED'));
      }
      if (!cur) return reply(404, status(404, 'NotFound', `${collection} "${name}" not found`));
      if (method === 'DELETE') {
        store.delete(k);
        record(collection, 'DELETED', structuredClone(cur));
        return reply(200, status(200, '', 'deleted'));
      }
      if (method === 'PUT') {
        const o = input!;
        if (o.metadata.resourceVersion && o.metadata.resourceVersion !== cur.metadata.resourceVersion) {
          return reply(409, status(409, 'Conflict', `Operation cannot be fulfilled on ${collection} "${name}": the object has been modified; please apply your changes to the latest version and try again`));
        }
        const next = structuredClone(cur) as KubeObject & { spec?: unknown; status?: unknown };
        if (sub === 'status') next.status = (o as { status?: unknown }).status;
        else {
          const spec = (o as { spec?: unknown }).spec;
          if (JSON.stringify(spec) !== JSON.stringify(next.spec)) next.metadata.generation = (next.metadata.generation ?? 1) + 1;
          Object.assign(next, { ...o, status: next.status, metadata: { ...o.metadata, uid: cur.metadata.uid, generation: next.metadata.generation } });
        }
        if (JSON.stringify(next) === JSON.stringify(cur)) return reply(200, cur); // no change: same version, no event
        return reply(200, put(collection, next, 'MODIFIED'));
      }
      if (method === 'PATCH') {
        const patch = (input ?? {}) as Record<string, unknown>;
        const next = structuredClone(cur) as unknown as Record<string, unknown>;
        for (const [f, v] of Object.entries(patch)) next[f] = f === 'metadata' ? { ...(next.metadata as object), ...(v as object) } : v;
        return reply(200, put(collection, next as unknown as KubeObject, 'MODIFIED'));
      }
      return reply(405, status(405, 'MethodNotAllowed', method));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    served,
    get: (c, ns, name) => store.get(keyOf(c, ns, name)),
    write: (c, obj, o = {}) => {
      const cur = store.get(keyOf(c, obj.metadata.namespace ?? '', obj.metadata.name ?? ''));
      const next = structuredClone(obj) as KubeObject & { spec?: unknown };
      if (!cur) {
        next.metadata = { ...next.metadata, uid: `uid-${++uid}`, generation: 1 };
        return put(c, next, 'ADDED', o.quiet);
      }
      const gen = JSON.stringify(next.spec) !== JSON.stringify((cur as { spec?: unknown }).spec) ? (cur.metadata.generation ?? 1) + 1 : cur.metadata.generation;
      next.metadata = { ...cur.metadata, ...next.metadata, generation: gen };
      (next as { status?: unknown }).status = (cur as { status?: unknown }).status;
      return put(c, next, 'MODIFIED', o.quiet);
    },
    endWatches: () => {
      for (const s of streams) s.res.end();
      streams.clear();
    },
    compact: () => {
      log = [];
      origin = rvToken();
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of streams) s.res.destroy();
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
