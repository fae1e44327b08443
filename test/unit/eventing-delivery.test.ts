// Delivery schedules (src/api/eventing/delivery.ts): ISO-8601 durations, upstream's runtime backoff
// (0-based: exponential delay·2^(k-1), linear delay·(k-1)), retryable answers, Retry-After, the
// dead-letter extensions, and the sink syntax of kn (src/api/eventing/sink.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deadLetterExtensions, deliveryErrors, parseIsoDuration, retryable, retryConfig, schedule, waitBefore } from '../../src/api/eventing/delivery.ts';
import { resolveDestination } from '../../src/api/eventing/destination.ts';
import { parseSink, sinkToString } from '../../src/api/eventing/sink.ts';

describe('ISO-8601 durations', () => {
  const rows: [string, number | undefined][] = [
    ['PT0.2S', 200],
    ['PT1S', 1000],
    ['PT10M', 600_000],
    ['PT1H30M', 5_400_000],
    ['P1D', 86_400_000],
    ['P1W', 604_800_000],
    ['PT0,5S', 500],
    ['-PT1S', -1000],
    ['1s', undefined],
    ['P', undefined],
    ['PT', undefined],
    ['', undefined],
    ['PT1', undefined],
  ];
  for (const [s, ms] of rows) it(`${JSON.stringify(s)} → ${ms}`, () => assert.equal(parseIsoDuration(s), ms));
});

describe('retry schedules', () => {
  it('exponential PT0.2S ×10 (the broker default): 0.2, 0.4 … 102.4 s', () =>
    assert.deepEqual(schedule(retryConfig({ retry: 10, backoffPolicy: 'exponential', backoffDelay: 'PT0.2S' })), [200, 400, 800, 1600, 3200, 6400, 12800, 25600, 51200, 102400]));
  it('linear PT1S ×4: the first retry is immediate', () => assert.deepEqual(schedule(retryConfig({ retry: 4, backoffPolicy: 'linear', backoffDelay: 'PT1S' })), [0, 1000, 2000, 3000]));
  it('no policy: retries do not wait', () => assert.deepEqual(schedule(retryConfig({ retry: 3, backoffDelay: 'PT1S' })), [0, 0, 0]));
  it('no delay: retries do not wait', () => assert.deepEqual(schedule(retryConfig({ retry: 2, backoffPolicy: 'exponential' })), [0, 0]));
  it('no delivery spec: one attempt', () => assert.deepEqual(schedule(retryConfig(undefined)), []));
  it('timeout per attempt', () => assert.equal(retryConfig({ timeout: 'PT2.5S' }).timeoutMs, 2500));
  it('Retry-After lifts the wait of a 429 up to retryAfterMax', () => {
    const c = retryConfig({ retry: 3, backoffPolicy: 'linear', backoffDelay: 'PT1S', retryAfterMax: 'PT5S' });
    assert.equal(waitBefore(c, 1, 429, '3'), 3000);
    assert.equal(waitBefore(c, 1, 503, '30'), 5000);
    assert.equal(waitBefore(c, 3, 503, '1'), 2000);
    assert.equal(waitBefore(c, 1, 500, '3'), 0);
  });
  it('Retry-After is ignored without retryAfterMax', () => assert.equal(waitBefore(retryConfig({ retry: 1 }), 1, 429, '9'), 0));
  it('retryable answers as upstream SelectiveRetry', () => {
    const yes = [0, -1, 404, 408, 409, 429, 500, 502, 503, 504];
    const no = [200, 202, 301, 400, 401, 403, 405, 413, 415, 422];
    for (const s of yes) assert.equal(retryable(s), true, String(s));
    for (const s of no) assert.equal(retryable(s), false, String(s));
  });
  it('validation of a DeliverySpec', () => {
    assert.deepEqual(deliveryErrors({ retry: -1, backoffPolicy: 'square' as 'linear', backoffDelay: '1s', timeout: 'PT0S' }), [
      'invalid value: -1: retry',
      'invalid value: square: backoffPolicy',
      'invalid value: 1s: backoffDelay',
      'invalid value: PT0S: timeout',
    ]);
    assert.deepEqual(deliveryErrors({ retry: 3, backoffPolicy: 'linear', backoffDelay: 'PT1S' }), []);
  });
});

describe('dead-letter extensions', () => {
  it('knativeerrordata is base64 of the body', () =>
    assert.deepEqual(deadLetterExtensions('http://sub/', 422, 'bad stuff'), { knativeerrordest: 'http://sub/', knativeerrorcode: 422, knativeerrordata: Buffer.from('bad stuff').toString('base64') }));
  it('knativeerrordata is cut to 1024 characters', () => assert.equal((deadLetterExtensions('x', 500, 'y'.repeat(5000)).knativeerrordata as string).length, 1024));
});

describe('sinks', () => {
  const rows: [string, unknown][] = [
    ['ksvc:hello', { ref: { kind: 'Service', name: 'hello', namespace: 'ns', apiVersion: 'serving.knative.dev/v1' } }],
    ['hello', { ref: { kind: 'Service', name: 'hello', namespace: 'ns', apiVersion: 'serving.knative.dev/v1' } }],
    ['ksvc:hello:other', { ref: { kind: 'Service', name: 'hello', namespace: 'other', apiVersion: 'serving.knative.dev/v1' } }],
    ['broker:default', { ref: { kind: 'Broker', name: 'default', namespace: 'ns', apiVersion: 'eventing.knative.dev/v1' } }],
    ['channel:pipe', { ref: { kind: 'Channel', name: 'pipe', namespace: 'ns', apiVersion: 'messaging.knative.dev/v1' } }],
    ['svc:receiver', { ref: { kind: 'Service', name: 'receiver', namespace: 'ns', apiVersion: 'v1' } }],
    ['special.eventing.dev/v1alpha1/channels:pipe', { ref: { kind: 'Channel', name: 'pipe', namespace: 'ns', apiVersion: 'special.eventing.dev/v1alpha1' } }],
    ['https://event.receiver.uri/path', { uri: 'https://event.receiver.uri/path' }],
  ];
  for (const [s, want] of rows)
    it(s, () => {
      const p = parseSink(s, 'ns');
      assert.deepEqual('uri' in p ? { uri: p.uri } : { ref: p.ref }, want);
    });
  it('unknown prefix', () => assert.throws(() => parseSink('foo:bar', 'ns'), /^Error: unsupported sink prefix: 'foo'$/));
  it('too many parts', () => assert.throws(() => parseSink('ksvc:a:b:c', 'ns'), /sink has invalid format: ksvc:a:b:c/));
  it('printed as kn prints it', () => {
    assert.equal(sinkToString({ ref: { kind: 'Service', name: 's', apiVersion: 'serving.knative.dev/v1' } }), 'ksvc:s');
    assert.equal(sinkToString({ ref: { kind: 'Broker', name: 'b', apiVersion: 'eventing.knative.dev/v1' } }), 'broker:b');
    assert.equal(sinkToString({ ref: { kind: 'Service', name: 's', apiVersion: 'v1' } }), 'svc:s');
    assert.equal(sinkToString({ uri: 'http://x/' }), 'http://x/');
  });
});

describe('destination resolution', () => {
  const ksvc = { metadata: { name: 'hello', namespace: 'ns' }, status: { address: { url: 'http://hello.ns.svc.cluster.local' } } };
  const lookup = (r: { kind: string; name: string }) => (r.kind === 'Service' && r.name === 'hello' ? ksvc : undefined);
  it('Knative Service: its address', () => assert.equal(resolveDestination({ ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'hello' } }, 'ns', lookup).url, 'http://hello.ns.svc.cluster.local'));
  it('Kubernetes Service: no status read', () => assert.equal(resolveDestination({ ref: { apiVersion: 'v1', kind: 'Service', name: 'x', namespace: 'o' } }, 'ns', lookup).url, 'http://x.o.svc.cluster.local'));
  it('ref plus a relative uri', () => assert.equal(resolveDestination({ ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'hello' }, uri: '/foo?a=1' }, 'ns', lookup).url, 'http://hello.ns.svc.cluster.local/foo?a=1'));
  it('a uri alone', () => assert.equal(resolveDestination({ uri: 'http://example.com/x' }, 'ns', lookup).url, 'http://example.com/x'));
  it('a missing ref', () => {
    const r = resolveDestination({ ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'nope' } }, 'ns', lookup);
    assert.equal(r.notFound, true);
    assert.match(r.error ?? '', /services\.serving\.knative\.dev "nope" not found/);
  });
  it('a relative uri alone is an error', () => assert.match(resolveDestination({ uri: '/x' }, 'ns', lookup).error ?? '', /not absolute/));
});

describe('kn event send / kn broker tail (pure parts)', async () => {
  const { buildEvent, proxyTarget, prettyEvent, tailPath } = await import('../../src/cli/eventing/event.ts');
  it('an event from flags, binary mode', () => {
    const { headers, body } = buildEvent({ type: 't', source: '/s', id: 'x', data: '{"a":1}', extension: ['myext=v w'] });
    assert.equal(headers['ce-id'], 'x');
    assert.equal(headers['ce-type'], 't');
    assert.equal(headers['ce-myext'], 'v%20w');
    assert.equal(headers['content-type'], 'application/json');
    assert.equal(body.toString(), '{"a":1}');
    assert.equal(buildEvent({ data: 'plain' }).headers['content-type'], 'text/plain');
    assert.throws(() => buildEvent({ data: 'a', 'data-file': 'f' }), /use only one of --data and --data-file/);
    assert.throws(() => buildEvent({ extension: ['id=1'] }), /use --id/);
  });
  it('service proxy paths', () => {
    assert.deepEqual(proxyTarget(parseSink('broker:default', 'ns')), { proxyPath: '/api/v1/namespaces/knative-eventing/services/broker-ingress:http/proxy/ns/default' });
    assert.deepEqual(proxyTarget(parseSink('svc:rcv:other', 'ns')), { proxyPath: '/api/v1/namespaces/other/services/rcv/proxy/' });
    assert.deepEqual(proxyTarget(parseSink('ksvc:hello', 'ns'), 'hello-00002'), { proxyPath: '/api/v1/namespaces/ns/services/hello-00002/proxy/' });
    assert.deepEqual(proxyTarget(parseSink('http://x.example/', 'ns')), { url: 'http://x.example/' });
    assert.throws(() => proxyTarget(parseSink('ksvc:hello', 'ns')), /has no ready revision/);
    assert.equal(tailPath('ns', 'default'), '/api/v1/namespaces/knative-eventing/services/broker-ingress:admin/proxy/tail/ns/default');
  });
  it('pretty-printed event', () =>
    assert.equal(
      prettyEvent({ specversion: '1.0', type: 't', source: '/s', id: '1', myext: 'v', data: { a: 1 } }),
      '☁️  cloudevents.Event\nContext Attributes,\n  specversion: 1.0\n  type: t\n  source: /s\n  id: 1\nExtensions,\n  myext: v\nData,\n  {\n    "a": 1\n  }\n',
    ));
});
