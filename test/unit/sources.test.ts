// Sources: the cron grammar and time zones, the event each source sends, SinkBinding's mutation, the
// reconcilers' pure status functions as rows, kn's flag builders, and the ping adapter against a real
// HTTP receiver on 127.0.0.1 (headers, body, upstream's retries).
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { Cron } from 'croner';
import type { Lookup } from '../../src/api/eventing/destination.ts';
import type { KubeObject } from '../../src/api/meta.ts';
import { apiServerEvent, guessPlural, ownerMatches, selfLink } from '../../src/api/sources/apiserver.ts';
import { bindPodSpec, ceOverridesValue, selectorMatches } from '../../src/api/sources/binding.ts';
import { parseSchedule, pingDataErrors, pingEvent } from '../../src/api/sources/ping.ts';
import type { ApiServerSource, ContainerSource, PingSource, SinkBinding } from '../../src/api/sources/types.ts';
import { applyApiServerFlags, applyCeOverrides, applyPingFlags, parseResource, parseSubject, subjectToString } from '../../src/cli/sources/builders.ts';
import { adapterConfig, adapterName, makeAdapter } from '../../src/controller/sources/apiserver.ts';
import { containerSourceStatus, makeDeployment, makeSinkBinding } from '../../src/controller/sources/container.ts';
import { pingStatus } from '../../src/controller/sources/ping.ts';
import { boundSubject, sinkBindingStatus, subjectsOf } from '../../src/controller/sources/sinkbinding.ts';
import { PingScheduler } from '../../src/dataplane/adapters/ping.ts';

const now = () => new Date('2026-01-01T00:00:00Z');
const NS = 'default';
const ksvc: KubeObject = { metadata: { name: 'sink', namespace: NS }, status: { address: { url: 'http://sink.default.svc.cluster.local' } } };
const lookup: Lookup = (r) => (r.kind === 'Service' && r.name === 'sink' ? ksvc : undefined);
const SINK = { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'sink', namespace: NS } };
const cond = (s: { conditions?: { type: string; status: string; reason?: string }[] } | undefined) => Object.fromEntries((s?.conditions ?? []).map((c) => [c.type, c.reason ? `${c.status} ${c.reason}` : c.status]));
const ping = (spec: PingSource['spec']): PingSource => ({ apiVersion: 'sources.knative.dev/v1', kind: 'PingSource', metadata: { name: 'p', namespace: NS, generation: 1 }, spec });

describe('PingSource schedules (robfig/cron ParseStandard, CRON_TZ, timezone)', () => {
  const ok: [string | undefined, string | undefined, { pattern: string; timezone?: string }][] = [
    [undefined, undefined, { pattern: '* * * * *' }],
    ['*/2 * * * *', undefined, { pattern: '*/2 * * * *' }],
    ['0 9 * * MON-FRI', 'Europe/Berlin', { pattern: '0 9 * * MON-FRI', timezone: 'Europe/Berlin' }],
    ['CRON_TZ=Asia/Tokyo 30 6 * * *', undefined, { pattern: '30 6 * * *', timezone: 'Asia/Tokyo' }],
    ['@hourly', undefined, { pattern: '@hourly' }],
    ['@midnight', 'UTC', { pattern: '@daily', timezone: 'UTC' }],
  ];
  for (const [s, tz, want] of ok) it(`${s ?? '(empty)'} ${tz ?? ''} parses`, () => assert.deepEqual(parseSchedule(s, tz), want));
  const bad: [string, string | undefined, RegExp][] = [
    ['@every 1m', undefined, /invalid value: unsupported descriptor @every: spec\.schedule$/],
    ['0 * * * * *', undefined, /invalid value: expected exactly 5 fields, found 6: \[0 \* \* \* \* \*\]: spec\.schedule$/],
    ['61 * * * *', undefined, /end of range \(61\) above maximum \(59\)/],
    ['* * 0 * *', undefined, /beginning of range \(0\) below minimum \(1\)/],
    ['* * * * *', 'Mars/Olympus', /invalid value: provided bad location Mars\/Olympus.*: spec\.timezone$/],
    ['@fortnightly', undefined, /unrecognized descriptor/],
  ];
  for (const [s, tz, re] of bad) it(`${s} ${tz ?? ''} is refused with upstream's field error`, () => assert.throws(() => parseSchedule(s, tz), re));
  it('the timezone moves the tick: 09:00 in Asia/Tokyo is 00:00Z, in America/New_York (EST) 14:00Z', () => {
    const from = new Date('2026-01-05T12:00:00Z');
    const at = (tz: string) => new Cron(parseSchedule('0 9 * * *', tz).pattern, { paused: true, timezone: tz }).nextRun(from)?.toISOString();
    assert.equal(at('Asia/Tokyo'), '2026-01-06T00:00:00.000Z');
    assert.equal(at('America/New_York'), '2026-01-05T14:00:00.000Z');
  });
  it('daylight saving: 09:00 Europe/Berlin is 08:00Z in winter and 07:00Z in summer', () => {
    const at = (iso: string) => new Cron('0 9 * * *', { paused: true, timezone: 'Europe/Berlin' }).nextRun(new Date(iso))?.toISOString();
    assert.equal(at('2026-01-10T00:00:00Z'), '2026-01-10T08:00:00.000Z');
    assert.equal(at('2026-07-10T00:00:00Z'), '2026-07-10T07:00:00.000Z');
  });
});

describe('PingSource events (mtping makeEvent)', () => {
  it('type, source, no data and no datacontenttype by default', () => {
    assert.deepEqual(pingEvent(ping({ sink: SINK })), { attrs: { specversion: '1.0', type: 'dev.knative.sources.ping', source: '/apis/v1/namespaces/default/pingsources/p' }, data: undefined });
  });
  it('JSON data is re-marshalled compact with sorted top-level keys; contentType becomes datacontenttype', () => {
    const e = pingEvent(ping({ sink: SINK, contentType: 'application/json', data: '{ "z": 1, "a": {"y": 2, "b": 3} }' }));
    assert.equal(e.attrs.datacontenttype, 'application/json');
    assert.equal(e.data?.toString(), '{"a":{"y":2,"b":3},"z":1}');
  });
  it('dataBase64 is decoded; text data is sent as is; ceOverrides become extensions', () => {
    assert.equal(pingEvent(ping({ dataBase64: Buffer.from('hi\x00').toString('base64') })).data?.toString('latin1'), 'hi\x00');
    const e = pingEvent(ping({ data: 'hello', contentType: 'text/plain', ceOverrides: { extensions: { team: 'a' } } }));
    assert.equal(e.data?.toString(), 'hello');
    assert.equal(e.attrs.team, 'a');
  });
  it('data rules: both set, a JSON content type with a non-object, bad base64', () => {
    assert.deepEqual(pingDataErrors({ data: 'x', dataBase64: 'eA==' }), ['expected exactly one, got both: spec.data, spec.dataBase64']);
    assert.match(pingDataErrors({ data: '[1]', contentType: 'application/json' })[0]!, /spec\.data$/);
    assert.match(pingDataErrors({ dataBase64: 'not base64!' })[0]!, /spec\.dataBase64$/);
    assert.deepEqual(pingDataErrors({ data: '{"a":1}', contentType: 'application/json' }), []);
  });
});

describe('ApiServerSource events (adapter/apiserver/events)', () => {
  const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ns1', uid: 'u' }, data: { a: 'b' } } as KubeObject;
  it('Reference mode: ref types, self-link subject, extensions, the ObjectReference as data', () => {
    const e = apiServerEvent('Reference', 'add', 'https://10.96.0.1:443', cm);
    assert.deepEqual(e.attrs, {
      specversion: '1.0',
      type: 'dev.knative.apiserver.ref.add',
      source: 'https://10.96.0.1:443',
      subject: '/apis/v1/namespaces/ns1/configmaps/c',
      datacontenttype: 'application/json',
      kind: 'ConfigMap',
      apiversion: 'v1',
      name: 'c',
      namespace: 'ns1',
    });
    assert.equal(e.data.toString(), '{"kind":"ConfigMap","namespace":"ns1","name":"c","apiVersion":"v1"}');
  });
  it('Resource mode: resource types and the whole object', () => {
    const e = apiServerEvent('Resource', 'delete', 's', cm);
    assert.equal(e.attrs.type, 'dev.knative.apiserver.resource.delete');
    assert.deepEqual(JSON.parse(e.data.toString()), cm);
  });
  it('plural guesses and self links as upstream', () => {
    assert.deepEqual(['Pod', 'Ingress', 'Policy', 'Endpoints'].map(guessPlural), ['pods', 'ingresses', 'policies', 'endpoints']);
    assert.equal(selfLink('apps/v1', 'Deployment', 'x', 'd'), '/apis/apps/v1/namespaces/x/deployments/d');
    assert.equal(selfLink('serving.knative.dev', 'Service', 'x', 's'), '/apis/serving.knative.dev/versionUnknown/namespaces/x/services/s');
  });
  it('owner filter: a matching controller reference only', () => {
    const owned = (controller: boolean): KubeObject => ({ metadata: { name: 'p', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'r', uid: 'u', controller }] } });
    assert.equal(ownerMatches({ apiVersion: 'apps/v1', kind: 'ReplicaSet' }, owned(true)), true);
    assert.equal(ownerMatches({ kind: 'ReplicaSet' }, owned(false)), false);
    assert.equal(ownerMatches({ kind: 'Deployment' }, owned(true)), false);
    assert.equal(ownerMatches(undefined, owned(false)), true);
  });
});

describe('SinkBinding mutation (sinkbinding_lifecycle Do/Undo)', () => {
  const spec = { initContainers: [{ name: 'i', env: [{ name: 'K_SINK', value: 'old' }] }], containers: [{ name: 'c', image: 'x', env: [{ name: 'A', value: '1' }] }] };
  it('injects K_SINK and K_CE_OVERRIDES into every container and init container, replacing old values', () => {
    const out = bindPodSpec(spec, { sinkUri: 'http://s', ceOverrides: { extensions: { b: '2', a: '1' } } });
    assert.deepEqual(out.containers?.[0]?.env, [{ name: 'A', value: '1' }, { name: 'K_SINK', value: 'http://s' }, { name: 'K_CE_OVERRIDES', value: '{"extensions":{"a":"1","b":"2"}}' }]);
    assert.deepEqual(out.initContainers?.[0]?.env, [{ name: 'K_SINK', value: 'http://s' }, { name: 'K_CE_OVERRIDES', value: '' }].map((e, i) => (i === 1 ? { ...e, value: '{"extensions":{"a":"1","b":"2"}}' } : e)));
  });
  it('without ceOverrides, K_CE_OVERRIDES is written as the API server stores it (no value), so a bound subject read back is bound', () => {
    const out = bindPodSpec(spec, { sinkUri: 'http://s' });
    assert.deepEqual(out.containers?.[0]?.env, [{ name: 'A', value: '1' }, { name: 'K_SINK', value: 'http://s' }, { name: 'K_CE_OVERRIDES' }]);
    // What a Job admitted with the binding looks like when read back: "" is omitted (omitempty).
    const stored = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'n' }, spec: { template: { spec: JSON.parse(JSON.stringify(out)) as unknown } } } as KubeObject;
    assert.equal(boundSubject(stored, { sinkUri: 'http://s' }), undefined);
  });
  it('undo removes exactly what it injected', () => {
    const out = bindPodSpec(bindPodSpec(spec, { sinkUri: 'http://s' }), undefined);
    assert.deepEqual(out.containers?.[0]?.env, [{ name: 'A', value: '1' }]);
    assert.equal(out.initContainers?.[0]?.env, undefined);
    assert.equal(ceOverridesValue(undefined), '');
  });
  it('subjects by name or label selector; an already bound subject needs no write', () => {
    const dep = (name: string, labels: Record<string, string>): KubeObject => ({ metadata: { name, labels }, spec: { template: { spec: { containers: [{ name: 'c' }] } } } } as KubeObject);
    const all = [dep('a', { app: 'x' }), dep('b', { app: 'y' })];
    const b = (subject: SinkBinding['spec'] extends infer S ? (S extends { subject?: infer T } ? T : never) : never): SinkBinding => ({ metadata: { name: 'b', namespace: NS }, spec: { subject, sink: SINK } });
    assert.deepEqual(subjectsOf(b({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'b' }), all).map((o) => o.metadata.name), ['b']);
    assert.deepEqual(subjectsOf(b({ apiVersion: 'apps/v1', kind: 'Deployment', selector: { matchLabels: { app: 'x' } } }), all).map((o) => o.metadata.name), ['a']);
    const bound = boundSubject(all[0]!, { sinkUri: 'http://s' })!;
    assert.equal(boundSubject(bound, { sinkUri: 'http://s' }), undefined);
    assert.ok(boundSubject(bound, { sinkUri: 'http://t' }));
    assert.equal(selectorMatches({ matchExpressions: [{ key: 'app', operator: 'In', values: ['x', 'z'] }] }, { app: 'x' }), true);
    assert.equal(selectorMatches({ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, { app: 'x' }), false);
  });
});

describe('reconcile rows', () => {
  it('PingSource: sink resolved and schedule valid → Ready, ceAttributes', () => {
    const { status, valid } = pingStatus(ping({ sink: SINK, schedule: '*/5 * * * *' }), { lookup, now });
    assert.equal(valid, true);
    assert.deepEqual(cond(status), { Deployed: 'True', OIDCIdentityCreated: 'True authentication-oidc feature disabled', Ready: 'True', SinkProvided: 'True' });
    assert.equal(status.sinkUri, 'http://sink.default.svc.cluster.local');
    assert.deepEqual(status.ceAttributes, [{ type: 'dev.knative.sources.ping', source: '/apis/v1/namespaces/default/pingsources/p' }]);
  });
  it('PingSource: a missing sink → SinkProvided False NotFound, not scheduled', () => {
    const { status, valid } = pingStatus(ping({ sink: { ref: { ...SINK.ref, name: 'gone' } } }), { lookup, now });
    assert.equal(valid, false);
    assert.equal(cond(status).SinkProvided, 'False NotFound');
    assert.equal(cond(status).Ready, 'False NotFound');
  });
  it('PingSource: a schedule CEL let through but cron refuses → Deployed False InvalidSpec', () => {
    const { status, valid } = pingStatus(ping({ sink: SINK, schedule: '99 * * * *' }), { lookup, now });
    assert.equal(valid, false);
    assert.equal(cond(status).Deployed, 'False InvalidSpec');
  });
  it('SinkBinding: sink resolution and the OIDC/trust conditions', () => {
    const { status } = sinkBindingStatus({ metadata: { name: 'b', namespace: NS }, spec: { sink: SINK, subject: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd' } } }, { lookup, now });
    assert.equal(status.sinkUri, 'http://sink.default.svc.cluster.local');
    assert.equal(cond(status).SinkProvided, 'True');
    assert.equal(cond(status).SinkBindingAvailable, 'Unknown');
  });
  const cs: ContainerSource = { apiVersion: 'sources.knative.dev/v1', kind: 'ContainerSource', metadata: { name: 'c', namespace: NS, uid: 'uid-1' }, spec: { sink: SINK, ceOverrides: { extensions: { x: 'y' } }, template: { metadata: { labels: { app: 'c' } }, spec: { containers: [{ name: 'main', image: 'img' }] } } } };
  it('ContainerSource: a SinkBinding on its Deployment; the Deployment is written bound once the binding has a URI', () => {
    const b = makeSinkBinding(cs);
    assert.equal(b.metadata.name, 'c-sinkbinding');
    assert.deepEqual(b.spec?.subject, { apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS, name: 'c-deployment' });
    assert.deepEqual(makeDeployment(cs, b).spec?.template?.spec?.containers, cs.spec?.template?.spec?.containers);
    const d = makeDeployment(cs, { ...b, status: { sinkUri: 'http://s' } });
    assert.deepEqual((d.spec?.template?.spec?.containers as { env: unknown }[])[0]!.env, [{ name: 'K_SINK', value: 'http://s' }, { name: 'K_CE_OVERRIDES', value: '{"extensions":{"x":"y"}}' }]);
    const st = containerSourceStatus(cs, { ...b, status: { sinkUri: 'http://s', conditions: [{ type: 'Ready', status: 'True' }] } }, { metadata: { name: 'c-deployment' }, status: { conditions: [{ type: 'Available', status: 'True' }] } }, now);
    assert.deepEqual(cond(st), { Ready: 'True', ReceiveAdapterReady: 'True', SinkBindingReady: 'True' });
    assert.equal(st.sinkUri, 'http://s');
    assert.equal(cond(containerSourceStatus(cs, undefined, undefined, now)).ReceiveAdapterReady, 'Unknown DeploymentUnavailable');
  });
  it('ApiServerSource: the adapter Deployment runs the kn-ts image under the source\'s ServiceAccount', () => {
    const a: ApiServerSource = { apiVersion: 'sources.knative.dev/v1', kind: 'ApiServerSource', metadata: { name: 'a', namespace: NS, uid: '1234' }, spec: { sink: SINK, serviceAccountName: 'watcher', mode: 'Resource', resources: [{ apiVersion: 'v1', kind: 'ConfigMap', selector: { matchLabels: { x: 'y' } } }] } };
    const d = makeAdapter(a, { image: 'img:1', sinkUri: 'http://s', namespaces: [NS] });
    assert.equal(d.metadata.name, adapterName(a));
    assert.equal(d.metadata.name, 'apiserversource-a-1234');
    const pod = d.spec?.template?.spec as { serviceAccountName: string; containers: { image: string; args: string[]; env: { name: string; value: string }[] }[] };
    assert.equal(pod.serviceAccountName, 'watcher');
    assert.equal(pod.containers[0]!.image, 'img:1');
    assert.deepEqual(pod.containers[0]!.args, ['apiserver-adapter']);
    assert.deepEqual(JSON.parse(pod.containers[0]!.env.find((e) => e.name === 'K_SOURCE_CONFIG')!.value), adapterConfig(a, [NS]));
    assert.deepEqual(adapterConfig(a, [NS]).resources, [{ apiVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps', labelSelector: 'x=y' }]);
  });
});

describe('kn source flag builders', () => {
  it('--data: base64-looking data goes to dataBase64 unless --encoding says text; a bad encoding is refused', () => {
    assert.equal(applyPingFlags(ping({}), { data: 'aGVsbG8=' }, NS).spec?.dataBase64, 'aGVsbG8=');
    assert.equal(applyPingFlags(ping({}), { data: 'aGVsbG8=', encoding: 'text' }, NS).spec?.data, 'aGVsbG8=');
    assert.equal(applyPingFlags(ping({}), { data: '{"a":1}' }, NS).spec?.data, '{"a":1}');
    assert.throws(() => applyPingFlags(ping({}), { data: 'x', encoding: 'hex' }, NS), /^Error: invalid value: hex\. Accepted values are: text\|base64$/);
  });
  it('--ce-override sets and unsets', () => {
    assert.deepEqual(applyCeOverrides({ extensions: { a: '1', b: '2' } }, ['c=3', 'a-']), { extensions: { b: '2', c: '3' } });
    assert.equal(applyCeOverrides({ extensions: { a: '1' } }, ['a-']), undefined);
    assert.throws(() => applyCeOverrides(undefined, ['novalue']), /Invalid --ce-override/);
  });
  it('--resource and --mode', () => {
    assert.deepEqual(parseResource('Event:v1:key1=value1,k2=v2'), { kind: 'Event', apiVersion: 'v1', selector: { matchLabels: { key1: 'value1', k2: 'v2' } } });
    assert.throws(() => parseResource('Event'), /expected: <kind:apiVersion\[:label1=val1,label2=val2,\.\.\]>/);
    const a = applyApiServerFlags({ metadata: { name: 'a' } }, { resource: ['Event:v1'], sink: 'http://x.example' }, NS, true);
    assert.equal(a.spec?.mode, 'Reference');
    assert.throws(() => applyApiServerFlags({ metadata: { name: 'a' } }, { mode: 'Full' }, NS, true), /mode Full not supported/);
  });
  it('--subject by name or selector', () => {
    assert.deepEqual(parseSubject('Deployment:apps/v1:myapp', NS), { kind: 'Deployment', apiVersion: 'apps/v1', name: 'myapp', namespace: NS });
    const s = parseSubject('Job:batch/v1:app=x,tier=y', NS);
    assert.deepEqual(s.selector, { matchLabels: { app: 'x', tier: 'y' } });
    assert.equal(subjectToString(s), 'Job:batch/v1:app=x,tier=y');
    assert.throws(() => parseSubject('Deployment:myapp', NS), /not in format kind:api\/version:nameOrSelector/);
  });
});

describe('the ping adapter against a real receiver on 127.0.0.1', () => {
  async function receiver(answers: number[]): Promise<{ url: string; got: { headers: IncomingMessage['headers']; body: string }[]; close(): void }> {
    const got: { headers: IncomingMessage['headers']; body: string }[] = [];
    const srv = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        got.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
        res.writeHead(answers.shift() ?? 202).end();
      });
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/`, got, close: () => srv.close() };
  }
  const logs: string[] = [];
  const log = { info: () => undefined, warn: () => undefined, error: (_o: object, m: string) => void logs.push(m) };
  // The tests fire ticks themselves: a schedule whose own tick never comes during a test (the
  // default, every minute, added a send when a minute began mid-test).
  const YEARLY = '0 0 1 1 *';

  it('one tick: binary CloudEvent with a UUID id, time, type, source, data and content type', async () => {
    const r = await receiver([]);
    const src = { ...ping({ schedule: YEARLY, data: '{"msg":"hi"}', contentType: 'application/json', sink: { uri: r.url } }), status: { sinkUri: r.url } };
    const s = new PingScheduler({ log, jitterMs: 0, lookup: () => src });
    s.ensure(src);
    assert.equal(s.size, 1);
    await s.fire(NS, 'p');
    s.stopAll();
    r.close();
    assert.equal(r.got.length, 1);
    const h = r.got[0]!.headers;
    assert.equal(h['ce-type'], 'dev.knative.sources.ping');
    assert.equal(h['ce-source'], '/apis/v1/namespaces/default/pingsources/p');
    assert.equal(h['ce-specversion'], '1.0');
    assert.match(String(h['ce-id']), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.ok(!Number.isNaN(Date.parse(String(h['ce-time']))));
    assert.equal(h['content-type'], 'application/json');
    assert.equal(r.got[0]!.body, '{"msg":"hi"}');
  });
  it('retries as sdk-go: 503 and 429 are retried with the same id; a 400 is not; 5 retries at most', async () => {
    const r = await receiver([503, 429, 202, 400, 503, 503, 503, 503, 503, 503]);
    const src = { ...ping({ schedule: YEARLY, sink: { uri: r.url } }), status: { sinkUri: r.url } };
    const sent: number[] = [];
    const s = new PingScheduler({ log, jitterMs: 0, lookup: () => src, onSent: (_k, res) => sent.push(res.attempts) });
    s.ensure(src);
    await s.fire(NS, 'p');
    await s.fire(NS, 'p');
    await s.fire(NS, 'p');
    s.stopAll();
    r.close();
    assert.deepEqual(sent, [3, 1, 6]);
    assert.equal(new Set(r.got.slice(0, 3).map((g) => g.headers['ce-id'])).size, 1);
    assert.ok(logs.some((m) => /event is lost/.test(m)));
  });
  it('a source gone from the cache is unscheduled at its next tick', async () => {
    let cur: PingSource | undefined = { ...ping({ schedule: YEARLY, sink: { uri: 'http://127.0.0.1:9/' } }), status: { sinkUri: 'http://127.0.0.1:9/' } };
    const s = new PingScheduler({ log, jitterMs: 0, lookup: () => cur });
    s.ensure(cur);
    cur = undefined;
    await s.fire(NS, 'p');
    assert.equal(s.size, 0);
  });
});
