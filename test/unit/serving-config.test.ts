// src/api/serving/config.ts: the Serving ConfigMaps parsed with upstream's defaults; bad values fall
// back to the default with a warning; config-domain selection.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { CLUSTER_LOCAL_DOMAIN, domainForRoute, isClusterLocalRoute } from '../../src/api/serving/config-network.ts';
import { isQuantity } from '../../src/api/serving/config-reader.ts';
import { DEFAULT_SERVING_CONFIG, GC_DISABLED, parseServingConfig } from '../../src/api/serving/config.ts';

const H = 3_600_000;
const parse = (maps: Record<string, Record<string, string> | undefined>) => parseServingConfig(maps);
const one = (map: string, data: Record<string, string>) => parse({ [map]: data });

describe('parseServingConfig defaults', () => {
  it('gives upstream defaults when no map exists, without warnings', () => {
    const { config, warnings } = parse({});
    assert.deepEqual(warnings, []);
    assert.deepEqual(config, DEFAULT_SERVING_CONFIG);
  });

  it('empty maps give the same', () => {
    const empty = Object.fromEntries(['config-domain', 'config-network', 'config-autoscaler', 'config-defaults', 'config-deployment', 'config-gc'].map((n) => [n, {}]));
    const { config, warnings } = parse(empty);
    assert.deepEqual(warnings, []);
    assert.deepEqual(config, DEFAULT_SERVING_CONFIG);
  });

  it('has the documented default values', () => {
    const c = DEFAULT_SERVING_CONFIG;
    assert.deepEqual(c.domain.domains, { 'example.com': { selector: {} } });
    assert.equal(c.network.domainTemplate, '{{.Name}}.{{.Namespace}}.{{.Domain}}');
    assert.equal(c.network.tagTemplate, '{{.Tag}}-{{.Name}}');
    assert.equal(c.network.ingressClass, 'kourier.ingress.networking.knative.dev');
    assert.equal(c.network.defaultExternalScheme, 'http');
    assert.equal(c.network.autocreateClusterDomainClaims, false);
    assert.equal(c.network.httpProtocol, 'Enabled');
    assert.equal(c.network.certificateClass, 'cert-manager.certificate.networking.knative.dev');

    assert.equal(c.autoscaler.podAutoscalerClass, 'kpa.autoscaling.knative.dev');
    assert.equal(c.autoscaler.enableScaleToZero, true);
    assert.equal(c.autoscaler.containerConcurrencyTargetFraction, 0.7);
    assert.equal(c.autoscaler.containerConcurrencyTargetDefault, 100);
    assert.equal(c.autoscaler.rpsTargetDefault, 200);
    assert.equal(c.autoscaler.targetBurstCapacity, 211);
    assert.equal(c.autoscaler.stableWindowMs, 60_000);
    assert.equal(c.autoscaler.panicWindowPercentage, 10);
    assert.equal(c.autoscaler.panicThresholdPercentage, 200);
    assert.equal(c.autoscaler.maxScaleUpRate, 1000);
    assert.equal(c.autoscaler.maxScaleDownRate, 2);
    assert.equal(c.autoscaler.scaleToZeroGracePeriodMs, 30_000);
    assert.equal(c.autoscaler.scaleToZeroPodRetentionPeriodMs, 0);
    assert.equal(c.autoscaler.scaleDownDelayMs, 0);
    assert.equal(c.autoscaler.activatorCapacity, 100);
    assert.equal(c.autoscaler.initialScale, 1);
    assert.equal(c.autoscaler.allowZeroInitialScale, false);
    assert.equal(c.autoscaler.minScale, 0);
    assert.equal(c.autoscaler.maxScale, 0);
    assert.equal(c.autoscaler.maxScaleLimit, 0);

    assert.equal(c.defaults.revisionTimeoutSeconds, 300);
    assert.equal(c.defaults.maxRevisionTimeoutSeconds, 600);
    assert.equal(c.defaults.revisionResponseStartTimeoutSeconds, 300);
    assert.equal(c.defaults.revisionIdleTimeoutSeconds, 0);
    assert.equal(c.defaults.containerConcurrency, 0);
    assert.equal(c.defaults.containerConcurrencyMaxLimit, 1000);
    assert.equal(c.defaults.containerNameTemplate, 'user-container');
    assert.equal(c.defaults.initContainerNameTemplate, 'init-container');
    assert.equal(c.defaults.enableServiceLinks, false);
    assert.equal(c.defaults.revisionCPURequest, undefined, 'no resource defaults (upstream has them only in _example)');

    assert.equal(c.deployment.progressDeadlineMs, 600_000);
    assert.deepEqual(c.deployment.registriesSkippingTagResolving, ['kind.local', 'ko.local', 'dev.local']);
    assert.equal(c.deployment.digestResolutionTimeoutMs, 10_000);
    assert.equal(c.deployment.queueSidecarCPURequest, '25m');

    assert.equal(c.gc.retainSinceCreateTimeMs, 48 * H);
    assert.equal(c.gc.retainSinceLastActiveTimeMs, 15 * H);
    assert.equal(c.gc.minNonActiveRevisions, 20);
    assert.equal(c.gc.maxNonActiveRevisions, 1000);
  });

  it('DEFAULT_SERVING_CONFIG is frozen, and parsing returns fresh objects', () => {
    assert.throws(() => {
      (DEFAULT_SERVING_CONFIG.gc as { minNonActiveRevisions: number }).minNonActiveRevisions = 1;
    });
    const { config } = parse({});
    config.deployment.registriesSkippingTagResolving.push('x');
    assert.deepEqual(DEFAULT_SERVING_CONFIG.deployment.registriesSkippingTagResolving, ['kind.local', 'ko.local', 'dev.local']);
  });

  it('ignores the _example block everywhere', () => {
    const ex = { _example: 'stable-window: "1s"\nexample.org: |\n  selector: {a: b}\n' };
    const { config, warnings } = parse({ 'config-domain': ex, 'config-autoscaler': ex, 'config-gc': ex });
    assert.deepEqual(warnings, []);
    assert.deepEqual(config, DEFAULT_SERVING_CONFIG);
  });
});

describe('the shipped manifests/300-config-*.yaml', () => {
  for (const name of ['domain', 'network', 'autoscaler', 'defaults', 'deployment', 'gc']) {
    it(`config-${name} parses without warnings, and its _example lists the defaults`, () => {
      const text = readFileSync(join(import.meta.dirname, '../../manifests', `300-config-${name}.yaml`), 'utf8');
      const [doc] = parseAllDocuments(text);
      const cm = doc?.toJSON() as { metadata: { name: string; namespace: string }; data: Record<string, string> };
      assert.equal(cm.metadata.name, `config-${name}`);
      assert.equal(cm.metadata.namespace, 'knative-serving');
      const { config, warnings } = parse({ [cm.metadata.name]: cm.data });
      assert.deepEqual(warnings, []);
      assert.deepEqual(config, DEFAULT_SERVING_CONFIG);
      // Uncommenting every key of _example as-is must still parse cleanly (domain lists selectors).
      if (name !== 'domain') {
        const example = cm.data._example ?? '';
        const keys: Record<string, string> = {};
        for (const line of example.split('\n')) {
          const m = /^([a-z][a-z0-9.-]*): "(.*)"/.exec(line);
          if (m) keys[m[1] as string] = m[2] as string;
        }
        assert.ok(Object.keys(keys).length >= 4, `config-${name} _example lists its keys`);
        const parsed = parse({ [cm.metadata.name]: keys });
        assert.deepEqual(parsed.warnings, []);
      }
    });
  }
});

describe('config-domain and domainForRoute', () => {
  it('uses the default entry for every route', () => {
    const { config } = one('config-domain', { '127.0.0.1.sslip.io': '' });
    assert.deepEqual(config.domain.domains, { '127.0.0.1.sslip.io': { selector: {} } });
    assert.equal(domainForRoute(config, {}), '127.0.0.1.sslip.io');
    assert.equal(domainForRoute(config, { app: 'x' }), '127.0.0.1.sslip.io');
  });

  it('adds example.com as the default when every entry has a selector', () => {
    const { config, warnings } = one('config-domain', { 'internal.example.org': 'selector:\n  app: secret\n' });
    assert.deepEqual(warnings, []);
    assert.equal(domainForRoute(config, { app: 'secret' }), 'internal.example.org');
    assert.equal(domainForRoute(config, { app: 'other' }), 'example.com');
    assert.equal(domainForRoute(DEFAULT_SERVING_CONFIG, {}), 'example.com');
  });

  it('picks the most specific selector, and the smallest domain among equals', () => {
    const { config } = one('config-domain', {
      'default.dev': '',
      'a.dev': 'selector:\n  team: a\n',
      'b.dev': 'selector:\n  team: a\n',
      'a-prod.dev': 'selector:\n  team: a\n  env: prod\n',
    });
    assert.equal(domainForRoute(config, {}), 'default.dev');
    assert.equal(domainForRoute(config, { team: 'a' }), 'a.dev');
    assert.equal(domainForRoute(config, { team: 'a', env: 'prod' }), 'a-prod.dev');
    assert.equal(domainForRoute(config, { team: 'a', env: 'dev' }), 'a.dev');
  });

  it('gives svc.cluster.local to cluster-local routes', () => {
    const { config } = one('config-domain', { 'example.org': '' });
    const labels = { 'networking.knative.dev/visibility': 'cluster-local' };
    assert.equal(domainForRoute(config, labels), CLUSTER_LOCAL_DOMAIN);
    assert.equal(isClusterLocalRoute(config, labels), true);
    assert.equal(isClusterLocalRoute(config, {}), false);
  });

  it('makes every route cluster-local when svc.cluster.local is the default', () => {
    const { config } = one('config-domain', { 'svc.cluster.local': '' });
    assert.equal(isClusterLocalRoute(config, {}), true);
  });

  it('warns about a selector that is not YAML or not a map, and skips it', () => {
    const { config, warnings } = one('config-domain', { 'ok.dev': '', 'bad.dev': 'selector: [a, b]', 'worse.dev': 'selector: {a: [' });
    assert.deepEqual(Object.keys(config.domain.domains), ['ok.dev']);
    assert.equal(warnings.length, 2);
    assert.match(warnings.join('\n'), /config-domain: invalid selector for bad\.dev/);
    assert.match(warnings.join('\n'), /config-domain: invalid selector for worse\.dev/);
  });
});

describe('config-network', () => {
  it('reads every key, legacy spellings included', () => {
    const { config, warnings } = one('config-network', {
      'ingress.class': 'istio.ingress.networking.knative.dev',
      'domain-template': '{{.Name}}-{{.Namespace}}.{{.Domain}}',
      'tag-template': '{{.Name}}-{{.Tag}}',
      'default-external-scheme': 'HTTPS',
      'autocreate-cluster-domain-claims': 'true',
      'http-protocol': 'redirected',
      'rollout-duration': '120',
      'auto-tls': 'Enabled',
      'internal-encryption': 'true',
      'mesh-compatibility-mode': 'disabled',
    });
    assert.deepEqual(warnings, []);
    assert.equal(config.network.ingressClass, 'istio.ingress.networking.knative.dev');
    assert.equal(config.network.domainTemplate, '{{.Name}}-{{.Namespace}}.{{.Domain}}');
    assert.equal(config.network.tagTemplate, '{{.Name}}-{{.Tag}}');
    assert.equal(config.network.defaultExternalScheme, 'https');
    assert.equal(config.network.autocreateClusterDomainClaims, true);
    assert.equal(config.network.httpProtocol, 'Redirected');
    assert.equal(config.network.rolloutDurationSeconds, 120);
    assert.equal(config.network.externalDomainTLS, 'Enabled');
    assert.equal(config.network.systemInternalTLS, 'Enabled');
    assert.equal(config.network.meshCompatibilityMode, 'disabled');
  });

  it('prefers the new key over the legacy one', () => {
    const { config } = one('config-network', { 'ingress-class': 'new.class', 'ingress.class': 'old.class' });
    assert.equal(config.network.ingressClass, 'new.class');
  });

  it('falls back to defaults with a warning for bad values', () => {
    const { config, warnings } = one('config-network', {
      'domain-template': '{{.Name}}.{{.Domain}}/path',
      'tag-template': '{{.Nope}}',
      'default-external-scheme': 'ftp',
      'autocreate-cluster-domain-claims': 'yes',
      'rollout-duration': '-1',
      'http-protocol': 'sometimes',
    });
    assert.deepEqual(config.network, DEFAULT_SERVING_CONFIG.network);
    assert.equal(warnings.length, 6);
    assert.match(warnings[0] ?? '', /^config-network: invalid value "\{\{\.Name\}\}\.\{\{\.Domain\}\}\/path" for domain-template: domain template has url path: \/path; using the default$/);
    assert.ok(warnings.some((w) => w.includes("tag-template: template \"{{.Nope}}\": can't evaluate field Nope")));
    assert.ok(warnings.some((w) => w.includes('default-external-scheme')));
  });

  it('checks domain-template as upstream: it must render to a host name; {{.Name}} is not required', () => {
    assert.equal(one('config-network', { 'domain-template': '{{.Namespace}}.{{.Domain}}' }).warnings.length, 0);
    assert.equal(one('config-network', { 'domain-template': '{{.Name}}.{{index .Annotations "team"}}.{{.Domain}}' }).warnings.length, 0);
    assert.match(one('config-network', { 'domain-template': '{{.Name | upper}}' }).warnings[0] ?? '', /unsupported action/);
  });
});

describe('config-autoscaler', () => {
  it('reads every key', () => {
    const { config, warnings } = one('config-autoscaler', {
      'pod-autoscaler-class': 'hpa.autoscaling.knative.dev',
      'enable-scale-to-zero': 'false',
      'container-concurrency-target-percentage': '80',
      'container-concurrency-target-default': '50',
      'requests-per-second-target-default': '150.5',
      'target-burst-capacity': '-1',
      'stable-window': '2m',
      'panic-window-percentage': '20.0',
      'panic-threshold-percentage': '300.0',
      'max-scale-up-rate': '10',
      'max-scale-down-rate': '4.0',
      'scale-to-zero-grace-period': '1m',
      'scale-to-zero-pod-retention-period': '1m30s',
      'scale-down-delay': '15m',
      'activator-capacity': '50',
      'allow-zero-initial-scale': 'true',
      'initial-scale': '0',
      'min-scale': '1',
      'max-scale': '5',
      'max-scale-limit': '10',
    });
    assert.deepEqual(warnings, []);
    assert.deepEqual(config.autoscaler, {
      podAutoscalerClass: 'hpa.autoscaling.knative.dev',
      enableScaleToZero: false,
      containerConcurrencyTargetFraction: 0.8,
      containerConcurrencyTargetDefault: 50,
      rpsTargetDefault: 150.5,
      targetBurstCapacity: -1,
      stableWindowMs: 120_000,
      panicWindowPercentage: 20,
      panicThresholdPercentage: 300,
      maxScaleUpRate: 10,
      maxScaleDownRate: 4,
      scaleToZeroGracePeriodMs: 60_000,
      scaleToZeroPodRetentionPeriodMs: 90_000,
      scaleDownDelayMs: 900_000,
      activatorCapacity: 50,
      initialScale: 0,
      allowZeroInitialScale: true,
      minScale: 1,
      maxScale: 5,
      maxScaleLimit: 10,
    });
  });

  it('takes a target percentage of at most 1 as a fraction', () => {
    assert.equal(one('config-autoscaler', { 'container-concurrency-target-percentage': '0.5' }).config.autoscaler.containerConcurrencyTargetFraction, 0.5);
  });

  const bad: [string, string, RegExp][] = [
    ['stable-window', '5s', /stable-window = 5s, must be in \[6s; 1h0m0s\] range/],
    ['stable-window', '2h', /stable-window = 2h0m0s, must be in \[6s; 1h0m0s\] range/],
    ['stable-window', '10.5s', /stable-window = 10\.5s, must be specified with at most second precision/],
    ['stable-window', '60', /cannot be parsed/],
    ['container-concurrency-target-percentage', '0', /container-concurrency-target-percentage = 0\.000000 is outside of valid range of \(0, 100\]/],
    ['container-concurrency-target-percentage', '150', /= 1\.500000 is outside of valid range/],
    ['target-burst-capacity', '-2', /target-burst-capacity must be either non-negative or -1 \(for unlimited\), was: -2\.000000/],
    ['panic-window-percentage', '0', /panic-window-percentage = 0, must be in \[1, 100\] interval/],
    ['panic-threshold-percentage', '100', /must be in \[110, 1000\] interval/],
    ['max-scale-up-rate', '1', /max-scale-up-rate = 1, must be greater than 1\.0/],
    ['max-scale-down-rate', '0.5', /max-scale-down-rate = 0\.5, must be greater than 1\.0/],
    ['scale-to-zero-grace-period', '0s', /scale-to-zero-grace-period must be positive, was: 0s/],
    ['scale-down-delay', '1.5s', /scale-down-delay = 1\.5s, must be specified with at most second precision/],
    ['activator-capacity', '0.5', /activator-capacity = 0\.5, must be at least 1/],
    ['initial-scale', '0', /initial-scale = 0, must be at least 0 \(or at least 1 when allow-zero-initial-scale is false\)/],
    ['initial-scale', '-1', /initial-scale = -1, must be at least 0/],
    ['min-scale', 'one', /cannot be parsed/],
    ['enable-scale-to-zero', 'maybe', /cannot be parsed/],
    ['requests-per-second-target-default', '0', /requests-per-second-target-default must be at least 0\.01, was: 0/],
  ];
  for (const [key, value, why] of bad) {
    it(`${key}: "${value}" → default and a warning`, () => {
      const { config, warnings } = one('config-autoscaler', { [key]: value });
      assert.deepEqual(config.autoscaler, DEFAULT_SERVING_CONFIG.autoscaler);
      assert.equal(warnings.length, 1, warnings.join('\n'));
      assert.ok(warnings[0]?.startsWith(`config-autoscaler: invalid value "${value}" for ${key}: `), warnings[0]);
      assert.match(warnings[0] ?? '', why);
    });
  }

  it('rejects min-scale above max-scale', () => {
    const { config, warnings } = one('config-autoscaler', { 'min-scale': '5', 'max-scale': '2' });
    assert.equal(config.autoscaler.minScale, 0);
    assert.equal(config.autoscaler.maxScale, 0);
    assert.match(warnings[0] ?? '', /min-scale \(5\) must be less than max-scale \(2\)/);
  });

  it('caps max-scale at max-scale-limit', () => {
    assert.equal(one('config-autoscaler', { 'max-scale-limit': '10' }).config.autoscaler.maxScale, 10);
    const { config, warnings } = one('config-autoscaler', { 'max-scale-limit': '10', 'max-scale': '20' });
    assert.equal(config.autoscaler.maxScale, 10);
    assert.equal(warnings.length, 1);
  });

  it('checks the concurrency target product', () => {
    const { config, warnings } = one('config-autoscaler', { 'container-concurrency-target-percentage': '1', 'container-concurrency-target-default': '0.001' });
    assert.equal(config.autoscaler.containerConcurrencyTargetDefault, 100);
    assert.match(warnings[0] ?? '', /yield target concurrency of 0\.001, can't be less than 0\.01/);
  });
});

describe('config-defaults', () => {
  it('reads every key', () => {
    const { config, warnings } = one('config-defaults', {
      'revision-timeout-seconds': '120',
      'max-revision-timeout-seconds': '3600',
      'revision-response-start-timeout-seconds': '60',
      'revision-idle-timeout-seconds': '30',
      'revision-cpu-request': '400m',
      'revision-memory-request': '100M',
      'revision-ephemeral-storage-request': '500M',
      'revision-cpu-limit': '1000m',
      'revision-memory-limit': '200Mi',
      'revision-ephemeral-storage-limit': '750M',
      'container-name-template': '{{.Name}}',
      'init-container-name-template': 'init',
      'container-concurrency': '10',
      'container-concurrency-max-limit': '100',
      'allow-container-concurrency-zero': 'false',
      'enable-service-links': 'true',
    });
    assert.deepEqual(warnings, []);
    assert.deepEqual(config.defaults, {
      revisionTimeoutSeconds: 120,
      maxRevisionTimeoutSeconds: 3600,
      revisionResponseStartTimeoutSeconds: 60,
      revisionIdleTimeoutSeconds: 30,
      revisionCPURequest: '400m',
      revisionMemoryRequest: '100M',
      revisionEphemeralStorageRequest: '500M',
      revisionCPULimit: '1000m',
      revisionMemoryLimit: '200Mi',
      revisionEphemeralStorageLimit: '750M',
      containerNameTemplate: '{{.Name}}',
      initContainerNameTemplate: 'init',
      containerConcurrency: 10,
      containerConcurrencyMaxLimit: 100,
      allowContainerConcurrencyZero: false,
      enableServiceLinks: true,
    });
  });

  it('defaults the response-start timeout to the revision timeout', () => {
    assert.equal(one('config-defaults', { 'revision-timeout-seconds': '100' }).config.defaults.revisionResponseStartTimeoutSeconds, 100);
  });

  it('rejects a revision timeout above the maximum', () => {
    const { config, warnings } = one('config-defaults', { 'revision-timeout-seconds': '900' });
    assert.equal(config.defaults.revisionTimeoutSeconds, 300);
    assert.equal(config.defaults.maxRevisionTimeoutSeconds, 600);
    assert.match(warnings[0] ?? '', /revision-timeout-seconds \(900\) must be less than or equal to max-revision-timeout-seconds \(600\)/);
  });

  it('rejects response-start and idle timeouts above the revision timeout', () => {
    const { config, warnings } = one('config-defaults', { 'revision-response-start-timeout-seconds': '301', 'revision-idle-timeout-seconds': '400' });
    assert.equal(config.defaults.revisionResponseStartTimeoutSeconds, 300);
    assert.equal(config.defaults.revisionIdleTimeoutSeconds, 0);
    assert.equal(warnings.length, 2);
  });

  it('rejects bad quantities, numbers and concurrency', () => {
    const { config, warnings } = one('config-defaults', {
      'revision-cpu-request': 'lots',
      'revision-timeout-seconds': '5m',
      'container-concurrency': '2000',
    });
    assert.equal(config.defaults.revisionCPURequest, undefined);
    assert.equal(config.defaults.revisionTimeoutSeconds, 300);
    assert.equal(config.defaults.containerConcurrency, 0);
    assert.equal(warnings.length, 3);
    assert.match(warnings.join('\n'), /revision-cpu-request: not a resource quantity/);
    assert.match(warnings.join('\n'), /container-concurrency: must be between 0 and 1000/);
  });

  it('requires container-concurrency ≥ 1 when zero is not allowed', () => {
    const { config, warnings } = one('config-defaults', { 'allow-container-concurrency-zero': 'false', 'container-concurrency': '0' });
    assert.equal(config.defaults.containerConcurrency, 1);
    assert.equal(warnings.length, 1);
  });

  it('knows resource quantities', () => {
    for (const q of ['400m', '100M', '1Gi', '0.5', '1e3', '2', '750Mi']) assert.ok(isQuantity(q), q);
    for (const q of ['lots', '1GB', '', 'm', '1.2.3']) assert.ok(!isQuantity(q), q);
  });
});

describe('config-deployment', () => {
  it('reads every key', () => {
    const { config, warnings } = one('config-deployment', {
      'queue-sidecar-image': 'ghcr.io/example/queue:1',
      'registries-skipping-tag-resolving': 'kind.local, registry.local ,',
      'digest-resolution-timeout': '20s',
      'progress-deadline': '10m',
      'queue-sidecar-cpu-request': '50m',
      'queue-sidecar-memory-limit': '800Mi',
      'queue-sidecar-token-audiences': 'a,b',
      'runtime-class-name': 'gvisor: {}',
      'pod-is-always-schedulable': 'true',
    });
    assert.deepEqual(warnings, []);
    assert.equal(config.deployment.queueSidecarImage, 'ghcr.io/example/queue:1');
    assert.deepEqual(config.deployment.registriesSkippingTagResolving, ['kind.local', 'registry.local']);
    assert.equal(config.deployment.digestResolutionTimeoutMs, 20_000);
    assert.equal(config.deployment.progressDeadlineMs, 600_000);
    assert.equal(config.deployment.queueSidecarCPURequest, '50m');
    assert.equal(config.deployment.queueSidecarMemoryLimit, '800Mi');
    assert.deepEqual(config.deployment.queueSidecarTokenAudiences, ['a', 'b']);
    assert.equal(config.deployment.runtimeClassName, 'gvisor: {}');
    assert.equal(config.deployment.podIsAlwaysSchedulable, true);
  });

  it('an empty registries list turns tag resolution skipping off', () => {
    assert.deepEqual(one('config-deployment', { 'registries-skipping-tag-resolving': '' }).config.deployment.registriesSkippingTagResolving, []);
  });

  for (const v of ['0s', '90.5s', 'soon', '-1m']) {
    it(`progress-deadline "${v}" → 600s and a warning`, () => {
      const { config, warnings } = one('config-deployment', { 'progress-deadline': v });
      assert.equal(config.deployment.progressDeadlineMs, 600_000);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0] ?? '', /^config-deployment: invalid value .* for progress-deadline/);
    });
  }
});

describe('config-gc', () => {
  it('reads every key, "disabled" included', () => {
    const { config, warnings } = one('config-gc', {
      'retain-since-create-time': 'disabled',
      'retain-since-last-active-time': '1h30m',
      'min-non-active-revisions': '2',
      'max-non-active-revisions': 'disabled',
    });
    assert.deepEqual(warnings, []);
    assert.deepEqual(config.gc, {
      retainSinceCreateTimeMs: GC_DISABLED,
      retainSinceLastActiveTimeMs: 1.5 * H,
      minNonActiveRevisions: 2,
      maxNonActiveRevisions: GC_DISABLED,
    });
  });

  it('accepts "Disabled" in any case', () => {
    assert.equal(one('config-gc', { 'retain-since-last-active-time': 'Disabled' }).config.gc.retainSinceLastActiveTimeMs, GC_DISABLED);
  });

  it('falls back to defaults with a warning for bad values', () => {
    const { config, warnings } = one('config-gc', {
      'retain-since-create-time': '2d',
      'retain-since-last-active-time': '-1h',
      'min-non-active-revisions': '-3',
      'max-non-active-revisions': 'many',
    });
    assert.deepEqual(config.gc, DEFAULT_SERVING_CONFIG.gc);
    assert.equal(warnings.length, 4);
    for (const k of ['retain-since-create-time', 'retain-since-last-active-time', 'min-non-active-revisions', 'max-non-active-revisions']) {
      assert.ok(warnings.some((w) => w.startsWith('config-gc: invalid value') && w.includes(` for ${k}: `)), k);
    }
  });

  it('rejects min above max', () => {
    const { config, warnings } = one('config-gc', { 'min-non-active-revisions': '50', 'max-non-active-revisions': '10' });
    assert.equal(config.gc.minNonActiveRevisions, 20);
    assert.equal(config.gc.maxNonActiveRevisions, 1000);
    assert.match(warnings[0] ?? '', /min-non-active-revisions \(50\) must be less than or equal to max-non-active-revisions \(10\)/);
  });
});

describe('one bad map does not spoil the others', () => {
  it('parses the good maps and warns about the bad keys only', () => {
    const { config, warnings } = parse({
      'config-domain': { 'kn.example.dev': '' },
      'config-gc': { 'min-non-active-revisions': 'x' },
      'config-autoscaler': { 'initial-scale': '3' },
      'config-network': undefined,
    });
    assert.equal(domainForRoute(config, {}), 'kn.example.dev');
    assert.equal(config.autoscaler.initialScale, 3);
    assert.equal(config.gc.minNonActiveRevisions, 20);
    assert.equal(warnings.length, 1);
  });
});
