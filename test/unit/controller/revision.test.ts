// Revision → Deployment + K8s Service + PodAutoscaler, and the Revision's status from them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { L } from '../../../src/api/serving/labels.ts';
import type { Revision } from '../../../src/api/serving/types.ts';
import { type Deployment, makeDeployment, makeK8sService, makePodAutoscaler } from '../../../src/controller/revision/resources.ts';
import { revisionReconciler } from '../../../src/controller/revision/index.ts';
import {
  assertConditions,
  config,
  deployment,
  FakeClient,
  makeEnv,
  rev,
  tableTest,
  withAnnotations,
  withConditions,
  withDeploymentStatus,
  withLabels,
  withPort,
} from './fixtures.ts';
import { reconcileKey } from '../../../src/controller/runtime/reconcile.ts';

const cfg = config('default', 'hello', withLabels({ [L.service]: 'hello' }));
const r1 = (...o: ((r: Revision) => void)[]) =>
  rev('default', cfg, 1, withLabels({ [L.service]: 'hello', [L.serviceUID]: 'svc-uid', [L.routingState]: 'active' }), withAnnotations({ 'serving.knative.dev/routes': 'hello', 'autoscaling.knative.dev/min-scale': '2' }), ...o);
const ownedDep = (r: Revision, ...o: ((d: Deployment) => void)[]) => {
  const d = makeDeployment(r);
  d.metadata.uid = 'dep-uid';
  for (const f of o) f(d);
  return d;
};
const available = withDeploymentStatus({
  replicas: 2,
  readyReplicas: 2,
  availableReplicas: 2,
  conditions: [
    { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
    { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
  ],
});

describe('makeDeployment / makeK8sService / makePodAutoscaler', () => {
  it('the Deployment: labels, selector, replicas, env, default probe, no queue-proxy', () => {
    const r = r1(withPort(9000));
    const d = makeDeployment(r);
    assert.equal(d.metadata.name, 'hello-00001-deployment');
    const want = {
      [L.configuration]: 'hello',
      [L.configurationGeneration]: '1',
      [L.configurationUID]: 'cfg-uid-hello',
      [L.service]: 'hello',
      [L.serviceUID]: 'svc-uid',
      [L.revision]: 'hello-00001',
      [L.revisionUID]: 'rev-uid-hello-00001',
      app: 'hello-00001',
    };
    assert.deepEqual(d.spec.template.metadata.labels, want);
    assert.match(d.metadata.labels?.[L.deploymentHash] ?? '', /^[0-9a-z]+$/);
    assert.deepEqual(d.spec.selector, { matchLabels: { [L.revisionUID]: 'rev-uid-hello-00001' } });
    assert.equal(d.spec.replicas, 2, 'min-scale 2 beats initial-scale 1');
    assert.equal(d.spec.progressDeadlineSeconds, 600);
    assert.equal(d.metadata.annotations?.['autoscaling.knative.dev/min-scale'], undefined);
    assert.equal(d.metadata.annotations?.['serving.knative.dev/routes'], undefined);
    const pod = d.spec.template.spec;
    assert.equal(pod.containers.length, 1, 'no queue-proxy sidecar');
    assert.equal(pod.enableServiceLinks, false);
    assert.equal(pod.terminationGracePeriodSeconds, 300);
    const c = pod.containers[0];
    assert.deepEqual(c?.ports, [{ name: 'user-port', containerPort: 9000 }]);
    assert.deepEqual(c?.env, [
      { name: 'PORT', value: '9000' },
      { name: 'K_REVISION', value: 'hello-00001' },
      { name: 'K_CONFIGURATION', value: 'hello' },
      { name: 'K_SERVICE', value: 'hello' },
    ]);
    assert.deepEqual(c?.readinessProbe, { tcpSocket: { port: 9000 }, periodSeconds: 1, successThreshold: 1 });
    assert.equal(d.spec.template.metadata.annotations?.['kubectl.kubernetes.io/default-container'], c?.name ?? '');
  });

  it('a user readiness probe is kept with the port filled in; 8080 by default; progress-deadline annotation', () => {
    const r = r1(withAnnotations({ 'serving.knative.dev/progress-deadline': '30s' }), (x) => {
      const c = x.spec.containers[0];
      if (c) c.readinessProbe = { httpGet: { path: '/ready' } as never, periodSeconds: 5 };
    });
    const d = makeDeployment(r);
    assert.deepEqual(d.spec.template.spec.containers[0]?.readinessProbe, { httpGet: { path: '/ready', port: 8080 }, periodSeconds: 5, successThreshold: 1 });
    assert.equal(d.spec.progressDeadlineSeconds, 30);
  });

  it('the K8s Service selects the pods on the user port; h2c on 81', () => {
    assert.deepEqual(makeK8sService(r1()).spec, { selector: { [L.revisionUID]: 'rev-uid-hello-00001' }, ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }] });
    assert.deepEqual(makeK8sService(r1(withPort(9000, 'h2c'))).spec.ports, [{ name: 'http2', port: 81, protocol: 'TCP', targetPort: 9000, appProtocol: 'kubernetes.io/h2c' }]);
  });

  it('the PodAutoscaler: scale target, reachability from routingState, class and metric defaults', () => {
    const pa = makePodAutoscaler(r1());
    assert.deepEqual(pa.spec, { containerConcurrency: 0, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'hello-00001-deployment' }, reachability: 'Reachable', protocolType: 'http1' });
    assert.equal(pa.metadata.annotations?.['autoscaling.knative.dev/class'], 'kpa.autoscaling.knative.dev');
    assert.equal(pa.metadata.annotations?.['autoscaling.knative.dev/metric'], 'concurrency');
    assert.equal(pa.metadata.annotations?.['autoscaling.knative.dev/min-scale'], '2');
  });
});

describe('revision reconciler', () => {
  tableTest(revisionReconciler, [
    {
      name: 'first reconcile creates Deployment, Service and PodAutoscaler; Deploying',
      objects: [r1()],
      key: 'default/hello-00001',
      wantCreates: ['Deployment/hello-00001-deployment', 'Service/hello-00001', 'PodAutoscaler/hello-00001'],
      wantStatus: (s) => {
        assertConditions(s, [
          ['ResourcesAvailable', 'Unknown', 'Deploying'],
          ['ContainerHealthy', 'Unknown', 'Deploying'],
          ['Ready', 'Unknown'],
        ]);
        // No digest resolution: the image as given.
        assert.deepEqual(s.containerStatuses, [{ imageDigest: 'ghcr.io/knative/helloworld-go:latest' }]);
      },
      check: ({ requeues }) => assert.deepEqual(requeues, []),
    },
    {
      name: 'pods ready and no autoscaler yet: Ready from the Deployment',
      objects: [r1(), ownedDep(r1(), available), makeK8sService(r1()), makePodAutoscaler(r1())],
      key: 'default/hello-00001',
      wantCreates: [],
      wantUpdates: [],
      wantStatus: (s) => {
        assertConditions(s, [['ResourcesAvailable', 'True'], ['ContainerHealthy', 'True'], ['Active', 'True'], ['Ready', 'True']]);
        assert.equal(s.actualReplicas, 2);
        assert.equal(s.desiredReplicas, 2);
        const active = (s.conditions as { type: string; severity?: string }[]).find((c) => c.type === 'Active');
        assert.equal(active?.severity, 'Info');
      },
    },
    {
      name: 'the PA reports (an autoscaler runs): its status wins',
      objects: [
        r1(),
        ownedDep(r1(), available),
        makeK8sService(r1()),
        (() => {
          const pa = makePodAutoscaler(r1());
          withConditions(['Active', 'False', 'NoTraffic', 'The target is not receiving traffic.'], ['Ready', 'False', 'NoTraffic', 'The target is not receiving traffic.'], ['ScaleTargetInitialized', 'True'])(pa);
          pa.status = { ...pa.status, serviceName: 'hello-00001', actualScale: 0, desiredScale: 0 };
          return pa;
        })(),
      ],
      key: 'default/hello-00001',
      wantStatus: (s) => {
        assertConditions(s, [['Active', 'False', 'NoTraffic'], ['Ready', 'True']]);
        assert.equal(s.actualReplicas, 0);
      },
    },
    {
      name: 'progress deadline exceeded: ResourcesAvailable False with the Deployment message',
      objects: [
        r1(),
        ownedDep(r1(), withDeploymentStatus({ replicas: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "x" has timed out progressing.' }] })),
        makeK8sService(r1()),
        makePodAutoscaler(r1()),
      ],
      key: 'default/hello-00001',
      wantStatus: (s) => assertConditions(s, [['ResourcesAvailable', 'False', 'ProgressDeadlineExceeded', 'ReplicaSet "x" has timed out progressing.'], ['Ready', 'False', 'ProgressDeadlineExceeded']]),
    },
    {
      name: 'a Deployment of that name we do not own: NotOwned and an error',
      objects: [r1(), deployment(r1(), (d) => (d.metadata.ownerReferences = []))],
      key: 'default/hello-00001',
      wantErr: true,
      wantStatus: (s) => assertConditions(s, [['ResourcesAvailable', 'False', 'NotOwned', 'There is an existing Deployment "hello-00001-deployment" that we do not own.']]),
    },
    {
      name: 'an out-of-date Deployment is updated, keeping replicas',
      objects: [r1(), ownedDep(r1(), (d) => ((d.metadata.labels ??= {})[L.deploymentHash] = 'old'), (d) => (d.spec.replicas = 7)), makeK8sService(r1()), makePodAutoscaler(r1())],
      key: 'default/hello-00001',
      wantUpdates: ['Deployment/hello-00001-deployment'],
      check: ({ client }) => assert.equal((client.updates()[0] as Deployment).spec.replicas, 7),
    },
  ]);

  it('a crashing container: ContainerHealthy False ExitCode<N>; an image that cannot be pulled after the deadline', async () => {
    const r = r1();
    const dep = ownedDep(r, withDeploymentStatus({ replicas: 1, availableReplicas: 0, conditions: [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated' }] }));
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'default', labels: { [L.revisionUID]: r.metadata.uid ?? '' } },
      status: { containerStatuses: [{ name: 'user-container', lastState: { terminated: { exitCode: 2, message: 'panic: no config' } }, state: { waiting: { reason: 'CrashLoopBackOff' } } }] },
    };
    const objects = [r, dep, makeK8sService(r), makePodAutoscaler(r)];
    const env = makeEnv(objects, { client: new FakeClient([...objects, pod]) });
    await reconcileKey(revisionReconciler, 'default/hello-00001', env.ctx);
    const s = env.client.statusUpdates().at(-1)?.status as Record<string, unknown>;
    assertConditions(s, [['ContainerHealthy', 'False', 'ExitCode2', 'Container failed with: panic: no config'], ['Ready', 'False', 'ExitCode2']]);
    assert.equal((env.client.updates().find((o) => o.kind === 'PodAutoscaler') as { spec: { reachability: string } } | undefined)?.spec.reachability, 'Unreachable');

    const timedOut = ownedDep(r, withDeploymentStatus({ replicas: 1, availableReplicas: 0, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'timed out' }] }));
    const pulling = { ...pod, status: { containerStatuses: [{ name: 'user-container', state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "nope"' } } }] } };
    const objects2 = [r, timedOut, makeK8sService(r), makePodAutoscaler(r)];
    const env2 = makeEnv(objects2, { client: new FakeClient([...objects2, pulling]) });
    await reconcileKey(revisionReconciler, 'default/hello-00001', env2.ctx);
    assertConditions(env2.client.statusUpdates().at(-1)?.status as Record<string, unknown>, [['ResourcesAvailable', 'False', 'ImagePullBackOff', 'Back-off pulling image "nope"']]);
  });

  it('while no pod is available it looks again later', async () => {
    const r = r1();
    const objects = [r, ownedDep(r, withDeploymentStatus({ replicas: 1, availableReplicas: 0 })), makeK8sService(r), makePodAutoscaler(r)];
    const env = makeEnv(objects);
    const out = await reconcileKey(revisionReconciler, 'default/hello-00001', env.ctx);
    assert.equal(out.requeueAfterMs, 10_000);
  });
});
