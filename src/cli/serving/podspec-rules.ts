// The whole Service that `kn service create|update|apply` is about to send, checked against what
// Kubernetes and Serving would refuse later (src/api/serving/podspec-validation.ts), so nothing
// is written that can never become ready. A problem is reported against the flag that set the
// field when one was given, else against the field path (values from -f files, --containers or
// the stored Service).
import { metadataProblems, podSpecProblems, type Problem } from '../../api/serving/podspec-validation.ts';
import type { Service } from '../../api/serving/types.ts';
import { UserError } from '../errors.ts';
import type { ConfigurationEditFlagValues } from './podspec-flags.ts';

/** Field path (after spec.template.spec. or the metadata prefix) → the flags that write it, in order of preference. */
const FLAGS: [RegExp, (keyof ConfigurationEditFlagValues)[]][] = [
  [/^spec\.template\.spec\.containers\[0\]\.resources\.requests/, ['request', 'limit']],
  [/^spec\.template\.spec\.containers\[0\]\.resources\.limits/, ['limit', 'request']],
  [/^spec\.template\.spec\.containers\[0\]\.securityContext\.runAsUser/, ['user']],
  [/^spec\.template\.spec\.containers\[0\]\.ports/, ['port']],
  [/^spec\.template\.spec\.containers\[0\]\.image/, ['image']],
  [/^spec\.template\.spec\.containers\[0\]\.env\[/, ['env', 'env-value-from', 'env-file']],
  [/^spec\.template\.spec\.containers\[0\]\.envFrom/, ['env-from']],
  [/^spec\.template\.spec\.containers\[0\]\.volumeMounts/, ['mount']],
  [/^spec\.template\.spec\.containers\[0\]\.livenessProbe\.(httpGet|tcpSocket|exec)/, ['probe-liveness']],
  [/^spec\.template\.spec\.containers\[0\]\.livenessProbe/, ['probe-liveness-opts', 'probe-liveness']],
  [/^spec\.template\.spec\.containers\[0\]\.readinessProbe\.(httpGet|tcpSocket|exec)/, ['probe-readiness']],
  [/^spec\.template\.spec\.containers\[0\]\.readinessProbe/, ['probe-readiness-opts', 'probe-readiness']],
  [/^spec\.template\.spec\.containers\[[1-9]\d*\]/, ['containers', 'extra-containers']],
  [/^spec\.template\.spec\.serviceAccountName/, ['service-account']],
  [/^spec\.template\.spec\.imagePullSecrets/, ['pull-secret']],
  [/^spec\.template\.spec\.volumes/, ['volume', 'mount']],
  [/^spec\.template\.spec\.nodeSelector/, ['node-selector']],
  [/^spec\.template\.spec\.tolerations/, ['toleration']],
  [/^spec\.template\.spec\.affinity/, ['node-affinity']],
  [/^spec\.template\.metadata\.labels/, ['label-revision', 'label']],
  [/^spec\.template\.metadata\.annotations/, ['annotation-revision', 'annotation']],
  [/^metadata\.labels/, ['label-service', 'label', 'cluster-local']],
  [/^metadata\.annotations/, ['annotation-service', 'annotation']],
];

/** The one-line message for a problem: against the flag that wrote the field, else the field. */
export function problemMessage(p: Problem, flags: ConfigurationEditFlagValues, source?: string): string {
  for (const [re, names] of FLAGS) {
    if (!re.test(p.path)) continue;
    const given = names.find((n) => flags[n] !== undefined);
    if (given) return `invalid --${given}: ${p.message}`;
    break;
  }
  return `invalid ${p.path}${source ? ` in ${source}` : ''}: ${p.message}`;
}

/** Throws a UserError for the first problem of the Service, if any. */
export function checkKubernetesRules(svc: Service, flags: ConfigurationEditFlagValues, source?: string): void {
  const problems = [
    ...metadataProblems(svc.metadata, 'metadata'),
    ...metadataProblems(svc.spec?.template?.metadata, 'spec.template.metadata'),
    ...podSpecProblems(svc.spec?.template?.spec, 'spec.template.spec'),
  ];
  if (problems.length) throw new UserError(problemMessage(problems[0]!, flags, source));
}
