// Invocations that used to fail after changing something (issue 13): --scale 5..1 and min > max,
// bad scheduling flags, --tag/--traffic naming a revision that does not exist, an import with an
// invalid revision, a replace with bad flags. Each must now fail before the first write.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import { badInputSuite, type BadCase } from '../harness/bad-input.ts';
import { installServingCRDs } from '../harness/crds.ts';
import { freshNamespace, kube } from '../harness/env.ts';

const IMG = 'ghcr.io/knative/helloworld-go:latest';
const dir = mkdtempSync(join(tmpdir(), 'kn-bad-half-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const exportOf = (svcName: string, revisions: string) =>
  `apiVersion: client.knative.dev/v1alpha1
kind: Export
spec:
  service:
    apiVersion: serving.knative.dev/v1
    kind: Service
    metadata:
      name: ${svcName}
    spec:
      template:
        metadata:
          name: ${svcName}-00002
        spec:
          containers:
          - image: ${IMG}
  revisions:
${revisions}`;
const rev = (name: string, extra = '') => `  - apiVersion: serving.knative.dev/v1
    kind: Revision
    metadata:
      name: ${name}
    spec:
      containers:
      - image: ${IMG}
${extra}`;

const cases: BadCase[] = [];
let n = 0;
const c = (args: string[], want: string | RegExp) => cases.push({ class: 'half-done', args: [...args, '-n', 'NS'], want, timeoutMs: 20_000 });
const create = (flags: string[], want: string | RegExp) => c(['service', 'create', `half-${n++}`, '--image', IMG, ...flags, '--wait-timeout', '3'], want);
const update = (flags: string[], want: string | RegExp) => c(['service', 'update', 'existing', ...flags, '--wait-timeout', '3'], want);

// Scale bounds
create(['--scale', '5..1'], 'invalid --scale 5..1: the minimum 5 is greater than the maximum 1');
create(['--scale', '10..2'], 'invalid --scale 10..2');
create(['--scale', '1..2..3'], "invalid --scale 1..2..3: too many '..'");
create(['--scale', '..'], 'invalid --scale ..: no bound given');
create(['--scale-min', '5', '--scale-max', '1'], '--scale-min 5 is greater than --scale-max 1');
create(['-a', 'autoscaling.knative.dev/min-scale=5', '--scale-max', '2'], 'max-scale=2 is less than min-scale=5');
create(['--scale-activation', '5', '--scale-max', '2'], 'max-scale=2 is less than activation-scale=5');
create(['--scale-activation', '2', '--scale-min', '5'], 'min-scale=5 is greater than activation-scale=2');
update(['--scale', '5..1'], 'invalid --scale 5..1');
update(['--scale-min', '5'], 'max-scale=2 is less than min-scale=5');
update(['--scale-activation', '9'], 'max-scale=2 is less than activation-scale=9');
update(['--scale-max', '1', '--scale-min', '3'], '--scale-min 3 is greater than --scale-max 1');
// Scheduling
create(['--node-selector', 'bad key=ssd'], 'invalid --node-selector');
create(['--toleration', 'Key=k,Effect=Sometimes'], 'Invalid --toleration: unknown Effect "Sometimes"');
create(['--toleration', 'Key=k,Operator=Maybe'], 'Invalid --toleration: unknown Operator "Maybe"');
create(['--toleration', 'Kee=k'], 'Invalid --toleration: unknown field "Kee"');
create(['--node-affinity', 'Type=Required,Key=k,Operator=Near,Values=a'], 'Invalid --node-affinity: unknown Operator "Near"');
create(['--node-affinity', 'Type=Required,Kei=k,Operator=Exists'], 'Invalid --node-affinity: unknown field "Kei"');
update(['--toleration', 'Key=k,Effect=Sometimes'], 'Invalid --toleration: unknown Effect "Sometimes"');
update(['--node-affinity', 'Type=Preferred,Key=k,Operator=In,Values=a,Weight=0'], 'the node affinity weight 0 must be between 1 and 100');
// Traffic naming revisions that do not exist
create(['--tag', 'nosuchrev=t'], "the revision or tag 'nosuchrev' given in --tag does not exist in service 'half-");
create(['--tag', '@latest=cur,nosuchrev=old'], "the revision or tag 'nosuchrev' given in --tag does not exist");
create(['--tag', 'half-99-00001=old'], "given in --tag does not exist");
create(['--tag', '@latest=Bad_Tag'], "invalid tag 'Bad_Tag' in --tag");
update(['--traffic', 'nosuchrev=100'], "the revision or tag 'nosuchrev' given in --traffic does not exist in service 'existing'");
update(['--traffic', 'existing-00001=50,nosuchrev=50'], "the revision or tag 'nosuchrev' given in --traffic does not exist");
update(['--traffic', '@latest=50,typo=50'], "the revision or tag 'typo' given in --traffic does not exist");
update(['--tag', 'nosuchrev=x'], "the revision or tag 'nosuchrev' given in --tag does not exist");
update(['--tag', 'existing-00001=Bad_Tag'], "invalid tag 'Bad_Tag' in --tag");
update(['--tag', 'existing-00001=a', '--traffic', 'a=50,nosuchrev=50'], "the revision or tag 'nosuchrev' given in --traffic does not exist");
// Import: the whole export is checked first
c(['service', 'import', file('bad-rev-name.yaml', exportOf('imp1', rev('Bad_Name')))], 'has the invalid name "Bad_Name"');
c(['service', 'import', file('foreign-rev.yaml', exportOf('imp2', rev('other-00001')))], 'does not belong to the service: its name must start with "imp2-"');
c(['service', 'import', file('neg-cpu.yaml', exportOf('imp3', rev('imp3-00001', '        resources:\n          requests:\n            cpu: "-1"\n')))], 'invalid revision imp3-00001');
c(['service', 'import', file('no-image.yaml', exportOf('imp4', `  - apiVersion: serving.knative.dev/v1\n    kind: Revision\n    metadata:\n      name: imp4-00001\n    spec:\n      containers:\n      - name: x\n`))], 'invalid revision imp4-00001');
c(['service', 'import', file('deploy-rev.yaml', exportOf('imp5', rev('imp5-00001').replace('kind: Revision', 'kind: Deployment')))], 'is a Deployment, not a Revision');
c(['service', 'import', file('bad-env.yaml', exportOf('imp6', rev('imp6-00001', '        env:\n        - name: "ÄRGER"\n          value: x\n')))], 'invalid revision imp6-00001');
c(['service', 'import', file('bad-svc-image.yaml', exportOf('imp7', rev('imp7-00001')).replace(`          - image: ${IMG}\n  revisions`, '          - image: "bad image!!"\n  revisions'))], 'invalid service');
c(['service', 'import', file('bad-scale.yaml', exportOf('imp8', rev('imp8-00001', '').replace('    metadata:\n      name: imp8-00001', '    metadata:\n      name: imp8-00001\n      annotations:\n        autoscaling.knative.dev/min-scale: "5"\n        autoscaling.knative.dev/max-scale: "1"')))], 'max-scale=1 is less than min-scale=5');
c(['service', 'import', file('bad-svc-name.yaml', exportOf('Imp9', rev('Imp9-00001')))], 'invalid service name "Imp9"');
// --force replace and apply with bad flags leave the existing Service as it was
c(['service', 'create', 'existing', '--image', IMG, '--force', '--request', 'cpu=-1', '--no-wait'], 'invalid --request');
c(['service', 'create', 'existing', '--image', IMG, '--force', '--scale', '3..1', '--no-wait'], 'invalid --scale 3..1');
c(['service', 'apply', 'existing', '--image', IMG, '--user', '-5', '--no-wait'], 'invalid --user: the user ID -5');
c(['service', 'apply', 'existing', '--image', IMG, '--scale-min', '4', '--scale-max', '2', '--no-wait'], '--scale-min 4 is greater than --scale-max 2');

badInputSuite('bad input: nothing half-done', cases, {
  setup: async (client: KubeClient, ns: string) => {
    const created = await client.create<KubeObject>(R.Service, {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: { name: 'existing', namespace: ns },
      spec: {
        template: { metadata: { annotations: { 'autoscaling.knative.dev/max-scale': '2' } }, spec: { containers: [{ image: IMG }] } },
      },
    } as KubeObject);
    await client.create(R.Revision, {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Revision',
      metadata: { name: 'existing-00001', namespace: ns, labels: { 'serving.knative.dev/service': 'existing' } },
      spec: { containers: [{ image: IMG }] },
    } as KubeObject);
    await client.replaceStatus(R.Service, {
      ...created,
      status: { observedGeneration: 1, latestReadyRevisionName: 'existing-00001', latestCreatedRevisionName: 'existing-00001', traffic: [{ revisionName: 'existing-00001', latestRevision: true, percent: 100 }] },
    } as KubeObject);
  },
});

// The same autoscaling rules hold for YAML sent with kubectl (CEL rules in the CRD, scripts/gen-crds.mjs).
describe('kubectl YAML gets the autoscaling rules kn checks', () => {
  it('min-scale > max-scale and an unknown KPA metric are refused by the API server', async () => {
    const client = await kube();
    await installServingCRDs(client);
    const ns = await freshNamespace('cel', client);
    const svc = (name: string, annotations: Record<string, string>) =>
      ({
        apiVersion: 'serving.knative.dev/v1',
        kind: 'Service',
        metadata: { name, namespace: ns },
        spec: { template: { metadata: { annotations }, spec: { containers: [{ image: IMG }] } } },
      }) as KubeObject;
    await assert.rejects(
      client.create(R.Service, svc('minmax', { 'autoscaling.knative.dev/min-scale': '5', 'autoscaling.knative.dev/max-scale': '1' })),
      /max-scale=1 is less than min-scale=5/,
    );
    await assert.rejects(client.create(R.Service, svc('metric', { 'autoscaling.knative.dev/metric': 'bogus' })), /invalid value: bogus: autoscaling.knative.dev\/metric/);
    // Valid combinations pass: unlimited max, an HPA metric with the HPA class.
    await client.create(R.Service, svc('ok1', { 'autoscaling.knative.dev/min-scale': '5', 'autoscaling.knative.dev/max-scale': '0' }));
    await client.create(R.Service, svc('ok2', { 'autoscaling.knative.dev/class': 'hpa.autoscaling.knative.dev', 'autoscaling.knative.dev/metric': 'cpu' }));
    assert.equal((await client.list(R.Service, { namespace: ns })).items.length, 2);
  });
});
