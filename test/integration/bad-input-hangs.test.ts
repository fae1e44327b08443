// Specs that kn used to let through and Kubernetes refuses only when the Deployment is made (issue
// 13: the Revision stayed Unknown and kn waited out --wait-timeout, leaving the Service behind).
// Each is now refused before anything is written. The cases wait (no --no-wait) with a short
// --wait-timeout, so a case that is not refused shows as a timeout and a created Service.
import type { KubeObject } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import { badInputSuite, type BadCase } from '../harness/bad-input.ts';

const IMG = 'ghcr.io/knative/helloworld-go:latest';
const cases: BadCase[] = [];
let n = 0;
const create = (flags: string[], want: string | RegExp) =>
  cases.push({ class: 'hangs', args: ['service', 'create', `hang-${n++}`, '--image', IMG, ...flags, '-n', 'NS', '--wait-timeout', '3'], want });
const update = (flags: string[], want: string | RegExp) =>
  cases.push({ class: 'hangs', args: ['service', 'update', 'existing', ...flags, '-n', 'NS', '--wait-timeout', '3'], want });

// Resources
create(['--request', 'cpu=-1'], 'invalid --request: the cpu request "-1" must be greater than or equal to 0');
create(['--request', 'memory=-64Mi'], 'invalid --request: the memory request "-64Mi" must be greater than or equal to 0');
create(['--limit', 'cpu=-100m'], 'invalid --limit: the cpu limit "-100m" must be greater than or equal to 0');
create(['--request', 'cpu=2', '--limit', 'cpu=1'], 'invalid --request: the cpu request "2" must be less than or equal to the cpu limit "1"');
create(['--request', 'memory=1Gi', '--limit', 'memory=512Mi'], 'the memory request "1Gi" must be less than or equal to the memory limit "512Mi"');
create(['--request', 'cpu=1001m', '--limit', 'cpu=1'], 'must be less than or equal to the cpu limit');
create(['--request', 'gpu=1'], 'invalid --request: the resource name "gpu" is not valid');
create(['--limit', 'Memory=1Gi'], 'invalid --limit: the resource name "Memory" is not valid');
create(['--request', 'cpu=lots'], 'quantities must match the regular expression');
create(['--request', 'cpu=1.5.5'], /quantit/);
// Security context ids
create(['--user', '-1'], 'invalid --user: the user ID -1 must be between 0 and 2147483647');
create(['--user', '-1000'], 'invalid --user: the user ID -1000');
create(['--user', '3000000000'], 'invalid --user: the user ID 3000000000 must be between 0 and 2147483647');
// Names of referenced objects
create(['--service-account', 'Bad_SA'], 'invalid --service-account: the service account name "Bad_SA" is not valid');
create(['--service-account', 'sa with space'], 'invalid --service-account');
create(['--service-account', '-sa'], 'invalid --service-account');
create(['--pull-secret', 'Bad_Secret'], 'invalid --pull-secret: the pull secret name "Bad_Secret" is not valid');
create(['--mount', '/a=cm:'], 'invalid --mount: the config map name "" is not valid: must not be empty');
create(['--mount', '/a=cm:Bad_CM'], 'invalid --mount: the config map name "Bad_CM" is not valid');
create(['--mount', '/a=secret:Bad_Secret'], 'invalid --mount: the secret name "Bad_Secret" is not valid');
create(['--mount', '/a=pvc:Bad_Claim'], 'invalid --mount: the claim name "Bad_Claim" is not valid');
create(['--mount', 'relative=cm:x'], 'invalid --mount: the mount path "relative" must be an absolute path');
create(['--mount', '/a=cm:x/../../etc'], "must be a relative path without '..'");
create(['--volume', 'Bad_Vol=cm:x', '--mount', '/a=Bad_Vol'], 'invalid --volume: the volume name "Bad_Vol" is not valid');
create(['--volume', 'v=cm:Bad_CM', '--mount', '/a=v'], 'invalid --volume: the config map name "Bad_CM" is not valid');
create(['--env-from', 'cm:Bad_CM'], 'invalid --env-from: the config map name "Bad_CM" is not valid');
create(['--env-from', 'secret:bad secret'], 'invalid --env-from: the secret name "bad secret" is not valid');
create(['--env-value-from', 'A=cm:Bad_CM:key'], 'invalid --env-value-from: the config map name "Bad_CM" is not valid');
create(['--env-value-from', 'A=secret:s:bad key'], 'invalid --env-value-from: the secret key "bad key" is not valid');
// Ports and probes
create(['--port', '0'], 'invalid --port 0: the port must be between 1 and 65535');
create(['--port', '99999'], 'expected 0 <= 99999 <= 65535');
create(['--probe-readiness', 'tcp::99999'], 'invalid --probe-readiness: the probe port 99999 must be between 1 and 65535');
create(['--probe-liveness', 'http::70000:/healthz'], 'invalid --probe-liveness: the probe port 70000');
create(['--probe-liveness', 'tcp::-5'], 'invalid --probe-liveness: the probe port -5');
create(['--probe-liveness', 'http::Bad_Port:/'], 'invalid --probe-liveness: the probe port "Bad_Port" is neither a number');
create(['--probe-readiness-opts', 'PeriodSeconds=-1'], 'invalid --probe-readiness-opts: periodSeconds -1 must be 0 or greater');
create(['--probe-readiness-opts', 'TimeoutSeconds=-3'], 'invalid --probe-readiness-opts: timeoutSeconds -3 must be 0 or greater');
create(['--probe-liveness-opts', 'FailureThreshold=-1'], 'invalid --probe-liveness-opts: failureThreshold -1 must be 0 or greater');
create(['--probe-liveness-opts', 'InitialDelaySeconds=-10'], 'invalid --probe-liveness-opts: initialDelaySeconds -10');
create(['--probe-liveness-opts', 'SuccessThreshold=3'], 'invalid --probe-liveness-opts: successThreshold 3 must be 1 for a liveness probe');
// Environment variable names
create(['--env', 'ÄRGER=1'], 'invalid --env: the environment variable name "ÄRGER" is not valid');
create(['--env', 'naïve=1'], 'invalid --env: the environment variable name "naïve" is not valid');
create(['--env', 'TAB\tNAME=1'], 'invalid --env: the environment variable name');
create(['--env-value-from', 'ÜBER=cm:x:y'], 'invalid --env-value-from: the environment variable name "ÜBER" is not valid');
// Scheduling
create(['--node-selector', 'bad key=x'], 'invalid --node-selector: the node selector key "bad key" is not valid');
create(['--node-selector', 'disk=not valid'], 'invalid --node-selector: the node selector value "not valid" of "disk" is not valid');
create(['--node-selector', 'a/b/c=x'], 'invalid --node-selector: the node selector key "a/b/c" is not valid');
create(['--toleration', 'Key=bad key,Operator=Exists'], 'invalid --toleration: the toleration key "bad key" is not valid');
create(['--toleration', 'Operator=Equal,Value=x'], 'invalid --toleration: a toleration without a key must have Operator=Exists');
create(['--toleration', 'Key=k,Operator=Exists,Value=v'], 'invalid --toleration: a toleration with Operator=Exists must not have a value');
create(['--node-affinity', 'Type=Required,Key=zone,Operator=In'], 'invalid --node-affinity: the node affinity operator In needs at least one value');
create(['--node-affinity', 'Type=Required,Key=bad key,Operator=Exists'], 'invalid --node-affinity: the node affinity key "bad key" is not valid');
create(['--node-affinity', 'Type=Preferred,Key=zone,Operator=In,Values=a,Weight=500'], 'invalid --node-affinity: the node affinity weight 500 must be between 1 and 100');
create(['--node-affinity', 'Type=Required,Operator=Exists'], 'invalid --node-affinity: the node affinity key "" is not valid');
// Labels and annotations the API server would refuse on the Deployment
create(['--label-revision', 'bad key=x'], 'invalid --label-revision: the label key "bad key" is not valid');
create(['--label', 'app=not valid'], 'invalid --label: the value "not valid" of label "app" is not valid');
create(['--annotation-revision', 'bad key=x'], 'invalid --annotation-revision: the annotation key "bad key" is not valid');
// The same through update (the existing Service must stay as it was)
update(['--request', 'cpu=-1'], 'invalid --request: the cpu request "-1" must be greater than or equal to 0');
update(['--limit', 'cpu=100m'], 'invalid --limit: the cpu request "500m" must be less than or equal to the cpu limit "100m"');
update(['--user', '-1'], 'invalid --user: the user ID -1');
update(['--service-account', 'Bad_SA'], 'invalid --service-account');
update(['--mount', '/b=cm:'], 'invalid --mount: the config map name "" is not valid: must not be empty');
update(['--probe-readiness', 'tcp::99999'], 'invalid --probe-readiness: the probe port 99999');
update(['--probe-readiness-opts', 'PeriodSeconds=-1'], 'invalid --probe-readiness-opts: periodSeconds -1');
update(['--env', 'ÄRGER=1'], 'invalid --env: the environment variable name "ÄRGER" is not valid');
update(['--node-selector', 'bad key=x'], 'invalid --node-selector');
update(['--image', 'Bad/Image'], 'invalid --image: the image "Bad/Image" is not a valid image reference');

badInputSuite('bad input: what Kubernetes refuses later is refused before sending', cases, {
  setup: async (c: KubeClient, ns: string) => {
    await c.create(R.Service, {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: { name: 'existing', namespace: ns },
      spec: { template: { spec: { containers: [{ image: IMG, resources: { requests: { cpu: '500m' } } }] } } },
    } as KubeObject);
  },
});
