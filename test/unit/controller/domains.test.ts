// Host names from config-network templates, cluster-local hosts and config-domain lookup.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  clusterLocalHosts,
  DomainNameError,
  domainNameFromTemplate,
  fqdnErrors,
  hostnameFor,
  isClusterLocalLabel,
  renderTemplate,
  routeAddressURL,
  validateDomainTemplate,
  validateTagTemplate,
} from '../../../src/api/serving/domains.ts';
import { gcSettings } from '../../../src/controller/gc/settings.ts';
import { lookupDomain, routeSettings } from '../../../src/controller/networking/settings.ts';

describe('domain templates', () => {
  const cases: { name: string; tpl?: string; input: Parameters<typeof domainNameFromTemplate>[0]; want: string | RegExp }[] = [
    { name: 'default template', input: { name: 'hello', namespace: 'default', domain: 'example.com' }, want: 'hello.default.example.com' },
    {
      name: 'custom template with dashes',
      tpl: '{{.Name}}-{{.Namespace}}.{{.Domain}}',
      input: { name: 'hello', namespace: 'default', domain: '127.0.0.1.sslip.io' },
      want: 'hello-default.127.0.0.1.sslip.io',
    },
    {
      name: 'annotation in the template',
      tpl: '{{.Name}}.{{.Annotations.team}}.{{.Domain}}',
      input: { name: 'hello', namespace: 'default', domain: 'example.com', annotations: { team: 'blue' } },
      want: 'hello.blue.example.com',
    },
    {
      name: 'index form and whitespace',
      tpl: '{{ .Name }}.{{index .Annotations "team"}}.{{.Domain}}',
      input: { name: 'hello', namespace: 'default', domain: 'example.com', annotations: { team: 'red' } },
      want: 'hello.red.example.com',
    },
    {
      name: 'cluster-local always uses the default template',
      tpl: '{{.Name}}-{{.Namespace}}.{{.Domain}}',
      input: { name: 'hello', namespace: 'default', domain: 'svc.cluster.local' },
      want: 'hello.default.svc.cluster.local',
    },
    {
      name: 'a missing annotation is not a valid host',
      tpl: '{{.Name}}.{{.Annotations.team}}.{{.Domain}}',
      input: { name: 'hello', namespace: 'default', domain: 'example.com' },
      want: /invalid domain name "hello.<no value>.example.com"/,
    },
    {
      name: 'a label longer than 63 characters',
      input: { name: 'a'.repeat(60) + '-tag', namespace: 'default', domain: 'example.com' },
      want: /must be no more than 63 characters/,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      if (typeof c.want === 'string') assert.equal(domainNameFromTemplate(c.input, c.tpl), c.want);
      else assert.throws(() => domainNameFromTemplate(c.input, c.tpl), (e: Error) => e instanceof DomainNameError && (c.want as RegExp).test(e.message));
    });
  }

  it('tag template', () => {
    assert.equal(hostnameFor('hello', undefined), 'hello');
    assert.equal(hostnameFor('hello', 'candidate'), 'candidate-hello');
    assert.equal(hostnameFor('hello', 'candidate', '{{.Name}}-{{.Tag}}'), 'hello-candidate');
  });

  it('validates templates as config-network does', () => {
    assert.equal(validateDomainTemplate('{{.Name}}.{{.Namespace}}.{{.Domain}}'), undefined);
    // The check renders with no annotations: `.Annotations.x` prints Go's "<no value>", which is no
    // host name; `index` yields "" and passes (upstream behaves the same).
    assert.equal(validateDomainTemplate('{{.Name}}.{{.Annotations.x}}.{{.Domain}}'), 'parse "https://foo.<no value>.baz.com": invalid character " " in host name');
    assert.equal(validateDomainTemplate('{{.Name}}.{{index .Annotations "x"}}.{{.Domain}}'), undefined);
    assert.match(validateDomainTemplate('{{.Name}}.{{.Domain}}?a=b') ?? '', /url path: \/\?a=b$/);
    assert.equal(validateDomainTemplate('{{.Name}}.{{.Domain}}:8080'), undefined);
    assert.match(validateDomainTemplate('{{.Name}}.{{.Domain}}/path') ?? '', /url path: \/path/);
    assert.match(validateDomainTemplate('{{.Nope}}.{{.Domain}}') ?? '', /can't evaluate field Nope/);
    assert.match(validateDomainTemplate('{{.Name}') ?? '', /unclosed/);
    assert.equal(validateDomainTemplate(''), 'empty hostname');
    assert.equal(validateTagTemplate('{{.Tag}}-{{.Name}}'), undefined);
    assert.match(validateTagTemplate('{{.Tag}}-{{.Namespace}}') ?? '', /can't evaluate field Namespace/);
    assert.equal(renderTemplate('x{{.Tag}}y', { Tag: 't' }), 'xty');
  });

  it('FQDN validation', () => {
    assert.deepEqual(fqdnErrors('a.b'), []);
    assert.notDeepEqual(fqdnErrors('nodots'), []);
    assert.notDeepEqual(fqdnErrors('Upper.case'), []);
    assert.notDeepEqual(fqdnErrors(`${'a.'.repeat(127)}com`), []);
  });
});

describe('cluster-local hosts and visibility', () => {
  it('expanded hosts and the route address', () => {
    assert.deepEqual(clusterLocalHosts('hello', 'ns'), ['hello.ns', 'hello.ns.svc', 'hello.ns.svc.cluster.local']);
    assert.equal(routeAddressURL('hello', 'ns'), 'http://hello.ns.svc.cluster.local');
  });
  it('the visibility label', () => {
    assert.equal(isClusterLocalLabel({ 'networking.knative.dev/visibility': 'cluster-local' }), true);
    assert.equal(isClusterLocalLabel({ 'networking.knative.dev/visibility': 'public' }), false);
    assert.equal(isClusterLocalLabel(undefined), false);
  });
});

describe('config-domain lookup', () => {
  const data = {
    'example.com': '',
    'internal.example.com': 'selector:\n  app: secret\n',
    'prod.example.com': 'selector:\n  app: secret\n  env: prod\n',
    'a.example.com': 'selector:\n  app: ab\n',
    'b.example.com': 'selector:\n  app: ab\n',
    _example: 'ignored',
  };
  const cases: [string, Record<string, string>, string][] = [
    ['no labels: the default', {}, 'example.com'],
    ['one matching selector', { app: 'secret' }, 'internal.example.com'],
    ['the most specific wins', { app: 'secret', env: 'prod' }, 'prod.example.com'],
    ['ties go to the smallest name', { app: 'ab' }, 'a.example.com'],
    ['cluster-local label', { 'networking.knative.dev/visibility': 'cluster-local' }, 'svc.cluster.local'],
  ];
  for (const [name, labels, want] of cases) it(name, () => assert.equal(lookupDomain(data, labels), want));
  it('an explicit svc.cluster.local default makes every route cluster-local', () => {
    assert.equal(lookupDomain({ 'svc.cluster.local': '' }, {}), 'svc.cluster.local');
  });
});

describe('settings from the ConfigMaps', () => {
  it('defaults', () => {
    const s = routeSettings({});
    assert.equal(s.ingressClass, 'kourier.ingress.networking.knative.dev');
    assert.equal(s.domainTemplate, '{{.Name}}.{{.Namespace}}.{{.Domain}}');
    assert.equal(s.tagTemplate, '{{.Tag}}-{{.Name}}');
    assert.equal(s.defaultExternalScheme, 'http');
    assert.equal(s.httpProtocol, 'Enabled');
    assert.equal(s.tagHeaderBasedRouting, false);
    assert.equal(s.autocreateClusterDomainClaims, false);
  });
  it('values, and a bad template falls back to the default', () => {
    const s = routeSettings({
      'config-network': { 'ingress-class': 'x.ingress', 'domain-template': '{{.Nope}}', 'default-external-scheme': 'https', 'autocreate-cluster-domain-claims': 'true' },
      'config-features': { 'tag-header-based-routing': 'Enabled' },
    });
    assert.equal(s.ingressClass, 'x.ingress');
    assert.equal(s.domainTemplate, '{{.Name}}.{{.Namespace}}.{{.Domain}}');
    assert.equal(s.defaultExternalScheme, 'https');
    assert.equal(s.autocreateClusterDomainClaims, true);
    assert.equal(s.tagHeaderBasedRouting, true);
  });
  it('config-gc', () => {
    assert.deepEqual(gcSettings({}), {
      retainSinceCreateTimeMs: 48 * 3600_000,
      retainSinceLastActiveTimeMs: 15 * 3600_000,
      minNonActiveRevisions: 20,
      maxNonActiveRevisions: 1000,
    });
    assert.deepEqual(
      gcSettings({ 'config-gc': { 'retain-since-create-time': 'disabled', 'retain-since-last-active-time': '1m30s', 'min-non-active-revisions': '0', 'max-non-active-revisions': 'disabled' } }),
      { retainSinceCreateTimeMs: undefined, retainSinceLastActiveTimeMs: 90_000, minNonActiveRevisions: 0, maxNonActiveRevisions: undefined },
    );
  });
});
