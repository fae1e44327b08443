// Pure parts of the quickstart and invariants of the manifests it applies (no API server needed:
// `node --test test/quickstart/unit.test.ts`).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import type { KubeObject } from '../../src/api/meta.ts';
import { deploymentAvailable, explainNotAvailable } from '../../src/quickstart/apply.ts';
import { componentOf, installPlan, loadManifests, withDomain, withImage, withQuickstartNetwork } from '../../src/quickstart/manifests.ts';
import { components, ingressService, kindConfig, kindNodeImage, minikubeKubernetesVersion, parseVersion, versionBelow } from '../../src/quickstart/options.ts';
import { shellLine } from '../../src/quickstart/runner.ts';
import { engineState, lastLine, parseKindClusters, parseMinikubeProfiles } from '../../src/quickstart/tools.ts';
import { REPO } from '../harness/env.ts';

const VERSION = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
const objects = loadManifests(join(REPO, 'manifests'));
const find = (kind: string, name: string) => objects.find((m) => m.object.kind === kind && m.object.metadata.name === name)?.object;

describe('options', () => {
  it('--kubernetes-version selects the kind node image as upstream does', () => {
    assert.equal(kindNodeImage(), 'kindest/node:v1.34.0');
    assert.equal(kindNodeImage('1.33.1'), 'kindest/node:v1.33.1');
    assert.equal(kindNodeImage('v1.33.1'), 'kindest/node:v1.33.1');
    assert.equal(kindNodeImage('my.registry/node:v1.35.0@sha256:ab'), 'my.registry/node:v1.35.0@sha256:ab');
    assert.equal(minikubeKubernetesVersion('1.33.1'), 'v1.33.1');
  });

  it('neither --install flag means both', () => {
    assert.deepEqual(components({ installServing: false, installEventing: false }), { serving: true, eventing: true });
    assert.deepEqual(components({ installServing: true, installEventing: false }), { serving: true, eventing: false });
  });

  it('the kind config publishes node port 31080 on 127.0.0.1:<port> only', () => {
    const c = parse(kindConfig({ port: 8080 })) as { nodes: { role: string; extraPortMappings: object[]; extraMounts?: object[] }[] };
    assert.deepEqual(c.nodes, [{ role: 'control-plane', extraPortMappings: [{ containerPort: 31080, hostPort: 8080, listenAddress: '127.0.0.1', protocol: 'TCP' }] }]);
    const m = parse(kindConfig({ port: 80, extraMountHostPath: '/h p', extraMountContainerPath: '/c' })) as typeof c;
    assert.deepEqual(m.nodes[0]!.extraMounts, [{ hostPath: '/h p', containerPath: '/c' }]);
  });

  it('tool versions', () => {
    assert.deepEqual(parseVersion('kind v0.29.0 go1.24 linux/amd64'), [0, 29]);
    assert.deepEqual(parseVersion('v1.37.0'), [1, 37]);
    assert.equal(versionBelow([0, 29], [0, 30]), true);
    assert.equal(versionBelow([0, 30], [0, 30]), false);
    assert.equal(versionBelow([1, 0], [0, 30]), false);
  });

  it('tool output parsing', () => {
    assert.deepEqual(parseKindClusters('knative\nother\n'), ['knative', 'other']);
    assert.deepEqual(parseKindClusters('No kind clusters found.\n'), []);
    assert.deepEqual(parseMinikubeProfiles('{"invalid":[{"Name":"old"}],"valid":[{"Name":"knative"}]}'), { valid: ['knative'], invalid: ['old'] });
    assert.deepEqual(parseMinikubeProfiles('not json'), { valid: [], invalid: [] });
    assert.equal(lastLine({ stdout: 'Creating cluster', stderr: ' ✗ Preparing nodes\nERROR: failed to create cluster: boom\nStack trace...' }), 'failed to create cluster: boom');
    assert.equal(lastLine({ stdout: '', stderr: 'permission denied\n' }), 'permission denied');
    assert.equal(shellLine('docker', ['version', '--format', '{{json .}}']), "docker version --format '{{json .}}'");
  });

  it('a Go crash dump or template error is never the line quoted to the user', () => {
    const panic = [
      'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
      'panic: reflect: indirection through nil pointer to embedded struct [recovered]',
      '\tpanic: reflect: indirection through nil pointer to embedded struct',
      '',
      'goroutine 1 [running]:',
      'text/template.errRecover(0xc0007972e8)',
      '\t/usr/local/go/src/text/template/exec.go:169 +0x1c5',
      'reflect.Value.FieldByIndex(0x10edd5720, 0xc000a10100, 0x99)',
      'text/template.(*state).evalField(0xc000797258, 0x10edd5720)',
      'main.main()',
      'created by os/signal.Notify.func1.1',
      'exit status 2',
    ].join('\n');
    assert.equal(lastLine({ stdout: '', stderr: panic }), 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?');
    assert.equal(lastLine({ stdout: '', stderr: 'template: :1:2: executing "" at <.ServerVersion>: can\'t evaluate field ServerVersion in type types.Info' }), 'no readable message (only a Go template error or crash dump, not shown)');
    assert.equal(lastLine({ stdout: '', stderr: '' }), 'no output');
  });

  it('the Docker engine probe', () => {
    const client = '{"Client":{"Version":"20.10.24+dfsg1"},"Server":null}';
    assert.deepEqual(engineState({ exitCode: 0, stdout: '{"Client":{},"Server":{"Version":"27.3.1"}}', stderr: '' }), { ok: true, version: '27.3.1' });
    assert.deepEqual(engineState({ exitCode: 0, stdout: 'not json', stderr: '' }), { ok: true, version: 'unknown version' });
    const down = engineState({ exitCode: 1, stdout: client, stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?' });
    assert.equal(down.ok, false);
    assert.match(!down.ok ? down.problem : '', /^the Docker engine is not running \(docker: Cannot connect/);
    const denied = engineState({ exitCode: 1, stdout: client, stderr: 'Got permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock' });
    assert.match(!denied.ok ? denied.fix : '', /usermod -aG docker/);
    const odd = engineState({ exitCode: 2, stdout: '', stderr: 'template: :1: function "json" not defined\nunknown flag: --format' });
    assert.equal(!odd.ok ? odd.problem : '', "the Docker engine does not answer ('docker version' exited with 2: unknown flag: --format)");
  });
});

describe('install plan', () => {
  it('puts CRDs and namespaces first and waits for every Deployment', () => {
    const p = installPlan({ objects, image: 'img:1', domain: 'example.com', serving: true, eventing: true, extra: [ingressService('NodePort')] });
    assert.ok(p.crds.length > 0 && p.crds.every((m) => m.object.kind === 'CustomResourceDefinition'));
    assert.deepEqual(p.namespaces.map((m) => m.object.metadata.name).sort(), ['knative-eventing', 'knative-serving', 'kourier-system']);
    assert.deepEqual(p.deployments.map((m) => `${m.object.metadata.namespace}/${m.object.metadata.name}`).sort(), ['knative-eventing/mt-broker-ingress', 'knative-serving/controller', 'kourier-system/3scale-kourier-gateway']);
    for (const d of p.deployments) {
      const spec = d.object.spec as { template: { spec: { containers: { image: string }[] } } };
      assert.equal(spec.template.spec.containers[0]!.image, 'img:1');
    }
    const cd = p.rest.find((m) => m.object.metadata.name === 'config-domain')!.object;
    assert.equal((cd.data as Record<string, string>)['example.com'], '');
    assert.ok(p.rest.some((m) => m.object.metadata.name === 'kourier-ingress'));
  });

  it('--install-eventing alone leaves Serving out (but keeps the namespaces)', () => {
    const p = installPlan({ objects, image: 'i', domain: 'd', serving: false, eventing: true, extra: [ingressService('NodePort')] });
    assert.equal(p.namespaces.length, 3);
    assert.ok(p.crds.every((m) => componentOf(m.object) === 'eventing'));
    assert.ok(!p.rest.some((m) => m.object.metadata.name === 'kourier-ingress' || m.object.metadata.name === 'config-domain'));
    assert.deepEqual(p.deployments.filter((m) => m.object.metadata.namespace !== 'knative-eventing'), []);
  });

  it('config-network gets autocreate-cluster-domain-claims "true" and keeps the rest; manifests/ keeps upstream\'s default', () => {
    const shipped = find('ConfigMap', 'config-network')!;
    assert.equal((shipped.data as Record<string, string>)['autocreate-cluster-domain-claims'], undefined, 'manifests/ leaves it to the default, false');
    const [out] = withQuickstartNetwork([{ source: 'x', object: shipped }]);
    const data = out!.object.data as Record<string, string>;
    assert.equal(data['autocreate-cluster-domain-claims'], 'true');
    assert.equal(data['ingress-class'], (shipped.data as Record<string, string>)['ingress-class']);
    assert.equal(data._example, (shipped.data as Record<string, string>)._example);
  });

  it('the domain replaces other domains in config-domain and keeps _example', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config-domain', namespace: 'knative-serving' }, data: { _example: 'docs', 'old.example': '' } };
    const out = withDomain([{ source: 'x', object: cm }], 'new.example');
    assert.deepEqual(out[0]!.object.data, { _example: 'docs', 'new.example': '' });
    assert.equal(withDomain([], 'a.b')[0]!.source, '(generated)');
  });

  it('withImage touches only containers running the control-plane image', () => {
    const d: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'x' },
      spec: { template: { spec: { containers: [{ image: `dev.local/kn-ts/control-plane:${VERSION}` }, { image: 'busybox' }] } } },
    };
    const out = withImage(d, 'ghcr.io/x/y:1') as unknown as { spec: { template: { spec: { containers: { image: string }[] } } } };
    assert.deepEqual(out.spec.template.spec.containers.map((c) => c.image), ['ghcr.io/x/y:1', 'busybox']);
    assert.equal((d.spec as typeof out.spec).template.spec.containers[0]!.image, `dev.local/kn-ts/control-plane:${VERSION}`, 'the input is not changed');
  });
});

describe('why a Deployment is not Available', () => {
  const dep = (status: object, generation = 1): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'controller', namespace: 'knative-serving', generation },
    spec: { replicas: 1 },
    status,
  });
  const pod = (status: object): KubeObject => ({ metadata: { name: 'controller-abc', namespace: 'knative-serving' }, status });

  it('Available only for the current generation', () => {
    const ok = { observedGeneration: 2, conditions: [{ type: 'Available', status: 'True' }] };
    assert.equal(deploymentAvailable(dep(ok, 2)), true);
    assert.equal(deploymentAvailable(dep(ok, 3)), false);
    assert.equal(deploymentAvailable(dep({ observedGeneration: 1, conditions: [{ type: 'Available', status: 'False' }] })), false);
  });

  it('names an image that is not on the node and how to load it', () => {
    const why = explainNotAvailable(
      dep({}),
      [pod({ containerStatuses: [{ name: 'controller', state: { waiting: { reason: 'ErrImageNeverPull', message: 'Container image "dev.local/kn-ts/control-plane:0.1.0" is not present' } } }] })],
      [],
      'dev.local/kn-ts/control-plane:0.1.0',
    );
    assert.match(why, /^pod controller-abc: container controller is ErrImageNeverPull \(Container image .* is not present\); the image dev\.local\/kn-ts\/control-plane:0\.1\.0 is not on the node: load it with 'kind load docker-image/);
  });

  it('crash loops point at the logs', () => {
    const why = explainNotAvailable(
      dep({}),
      [pod({ containerStatuses: [{ name: 'controller', state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s' } }, lastState: { terminated: { exitCode: 1 } } }] })],
      [],
    );
    assert.equal(why, "pod controller-abc: container controller is CrashLoopBackOff (back-off 10s), last exit code 1; see 'kubectl logs -n knative-serving controller-abc -c controller --previous'");
  });

  it('unschedulable pods, failing conditions, warning events, nothing at all', () => {
    assert.equal(
      explainNotAvailable(dep({}), [pod({ conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available: 1 Insufficient cpu.' }] })], []),
      'pod controller-abc is not scheduled: 0/1 nodes are available: 1 Insufficient cpu.',
    );
    assert.equal(
      explainNotAvailable(dep({ conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'pods "x" is forbidden: exceeded quota' }] }), [], []),
      'ReplicaFailure FailedCreate: pods "x" is forbidden: exceeded quota',
    );
    assert.equal(
      explainNotAvailable(dep({}), [], [{ metadata: { name: 'e' }, type: 'Warning', reason: 'FailedMount', message: 'secret not found', involvedObject: { kind: 'Pod', name: 'controller-abc' } }]),
      'Pod controller-abc: FailedMount: secret not found',
    );
    assert.equal(explainNotAvailable(dep({}), [], []), "no pods were created yet (0 of 1 available); check 'kubectl get events -n knative-serving'");
    assert.equal(explainNotAvailable(undefined, [], []), 'it does not exist');
  });
});

describe('manifests/', () => {
  it('the control-plane image tag is the package version', () => {
    for (const name of ['controller', '3scale-kourier-gateway']) {
      const d = find('Deployment', name)!;
      const c = (d.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]!;
      assert.equal(c.image, `dev.local/kn-ts/control-plane:${VERSION}`);
    }
  });

  it('every control-plane container is locked down', () => {
    for (const name of ['controller', '3scale-kourier-gateway']) {
      const d = find('Deployment', name)!;
      const pod = (d.spec as { template: { spec: Record<string, unknown> } }).template.spec as {
        serviceAccountName: string;
        securityContext: { runAsNonRoot: boolean; seccompProfile: { type: string } };
        containers: { securityContext: Record<string, unknown>; resources: { requests: object; limits: object }; livenessProbe: unknown; readinessProbe: unknown; env: { name: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[] }[];
      };
      assert.equal(pod.securityContext.runAsNonRoot, true);
      assert.equal(pod.securityContext.seccompProfile.type, 'RuntimeDefault');
      for (const c of pod.containers) {
        assert.deepEqual(
          { ro: c.securityContext.readOnlyRootFilesystem, nonRoot: c.securityContext.runAsNonRoot, esc: c.securityContext.allowPrivilegeEscalation, caps: c.securityContext.capabilities },
          { ro: true, nonRoot: true, esc: false, caps: { drop: ['ALL'] } },
        );
        assert.ok(c.resources.requests && c.resources.limits && c.livenessProbe && c.readinessProbe);
        assert.equal(c.env.find((e) => e.name === 'POD_NAME')?.valueFrom?.fieldRef?.fieldPath, 'metadata.name');
        assert.equal(c.env.find((e) => e.name === 'POD_NAMESPACE')?.valueFrom?.fieldRef?.fieldPath, 'metadata.namespace');
      }
    }
    const ctrl = find('Deployment', 'controller')!.spec as { replicas: number; template: { spec: { serviceAccountName: string; containers: { args: string[]; readinessProbe: { httpGet: { path: string; port: number } }; livenessProbe: { httpGet: { path: string; port: number } } }[] } } };
    assert.equal(ctrl.replicas, 1);
    assert.equal(ctrl.template.spec.serviceAccountName, 'controller');
    assert.deepEqual(ctrl.template.spec.containers[0]!.args, ['controller']);
    assert.deepEqual(ctrl.template.spec.containers[0]!.readinessProbe.httpGet, { path: '/readyz', port: 9090 });
    assert.deepEqual(ctrl.template.spec.containers[0]!.livenessProbe.httpGet, { path: '/healthz', port: 9090 });
    const gw = find('Deployment', '3scale-kourier-gateway')!.spec as { replicas: number; template: { spec: { serviceAccountName: string; containers: { args: string[]; ports: { containerPort: number }[] }[] } } };
    assert.equal(gw.replicas, 2);
    assert.equal(gw.template.spec.serviceAccountName, 'gateway');
    assert.deepEqual(gw.template.spec.containers[0]!.args, ['gateway']);
    assert.deepEqual(gw.template.spec.containers[0]!.ports.map((p) => p.containerPort), [8080, 8081, 9000]);
    assert.deepEqual((find('PodDisruptionBudget', '3scale-kourier-gateway')!.spec as { minAvailable: number }).minAvailable, 1);
  });

  it('RBAC has no wildcards and binds no built-in superuser role', () => {
    for (const m of objects) {
      const o = m.object;
      if (o.kind === 'ClusterRole' || o.kind === 'Role') {
        for (const r of (o.rules as { apiGroups: string[]; resources: string[]; verbs: string[] }[]) ?? []) {
          assert.ok(![...r.apiGroups, ...r.resources, ...r.verbs].includes('*'), `${o.kind} ${o.metadata.name}: ${JSON.stringify(r)}`);
        }
      }
      if (o.kind === 'ClusterRoleBinding' || o.kind === 'RoleBinding') {
        assert.ok(!['cluster-admin', 'admin', 'edit'].includes((o.roleRef as { name: string }).name), `${o.kind} ${o.metadata.name}`);
      }
    }
  });
});
