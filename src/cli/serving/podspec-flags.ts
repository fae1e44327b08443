// The configuration-edit flag family of `kn service create|update|apply` (upstream:
// pkg/flags/podspec.go + pkg/commands/service/configuration_edit_flags.go), as oclif flags.
//
// No flag here carries an oclif `default`: the builders in podspec.ts must know whether a flag
// was given at all (cobra's Changed), so an absent flag parses as `undefined` and the upstream
// default is applied by the builder. The default is shown in the help text instead, worded as
// upstream's help shows it.
import { Flags } from '@oclif/core';
import { bool, int, str, strArray } from '../flags.ts';

/** A pflag StringSlice flag: repeatable, and each value is also split on commas by the builder. */
const strSlice = (summary: string, o: { hidden?: boolean } = {}) =>
  Flags.string({ summary, multiple: true, multipleNonGreedy: true, helpValue: 'strings', ...o });

const PROBE_DESC =
  'Supported probe types are HTTGet, Exec and TCPSocket. Format: [http,https]:host:port:path, exec:cmd[,cmd,...], tcp:host:port.';
const PROBE_OPTS_DESC =
  'Common opts (comma separated, case insensitive): InitialDelaySeconds=<int_value>, FailureThreshold=<int_value>, ' +
  'SuccessThreshold=<int_value>, PeriodSeconds=<int_value>, TimeoutSeconds=<int_value>';
const UNSET = (what: string) => `To unset, specify the ${what} name followed by a "-" (e.g., name-).`;

/** Pod spec flags (upstream PodSpecFlags.AddFlags), shared by create, update, apply (and `kn container add`). */
export const podSpecFlags = {
  image: str('Image to run.'),
  'pull-policy': str('Image pull policy. Valid values (case insensitive): Always | Never | IfNotPresent'),
  'env-file': str('Path to a file containing environment variables (e.g. --env-file=/home/knative/service1/env).'),
  mount: strArray(
    'Mount a ConfigMap (prefix cm: or config-map:), a Secret (prefix secret: or sc:), an EmptyDir (prefix ed: or emptyDir:), ' +
      'a PersistentVolumeClaim (prefix pvc: or persistentVolumeClaim) or an existing Volume (without any prefix) on the specified directory. ' +
      'Example: --mount /mydir=cm:myconfigmap, --mount /mydir=secret:mysecret, --mount /mydir=emptyDir:myvol ' +
      'or --mount /mydir=myvolume. When a configmap or a secret is specified, a corresponding volume is ' +
      'automatically generated. You can mount a volume with readOnly config (true | false) also. ' +
      'Example: --mount /mydir=ed:ed1:readOnly=true. ' +
      'You can specify a volume subpath by following the volume name with slash separated path. ' +
      'Example: --mount /mydir=cm:myconfigmap/subpath/to/be/mounted. ' +
      'You can use this flag multiple times. ' +
      'For unmounting a directory, append "-", e.g. --mount /mydir-, which also removes any auto-generated volume.',
  ),
  volume: strArray(
    'Add a volume from a ConfigMap (prefix cm: or config-map:) a Secret (prefix secret: or sc:), ' +
      'an EmptyDir (prefix ed: or emptyDir:) or a PersistentVolumeClaim (prefix pvc: or persistentVolumeClaim). ' +
      'PersistentVolumeClaim only works if the feature gate is enabled in Knative Serving feature flags configuration. ' +
      'Example: --volume myvolume=cm:myconfigmap, --volume myvolume=secret:mysecret or --volume emptyDir:myvol:size=1Gi,type=Memory. ' +
      'You can use this flag multiple times. ' +
      'To unset a ConfigMap/Secret reference, append "-" to the name, e.g. --volume myvolume-.',
  ),
  cmd: strArray(
    'Specify command to be used as entrypoint instead of default one. ' +
      'Example: --cmd /app/start or --cmd sh --cmd /app/start.sh or --cmd /app/start --arg myArg to pass additional arguments.',
  ),
  arg: strArray('Add argument to the container command. Example: --arg myArg1 --arg --myArg2 --arg myArg3=3. You can use this flag multiple times.'),
  // Deprecated since 1.0, hidden.
  'extra-containers': str('Deprecated, use --containers instead.', { hidden: true }),
  containers: str(
    "Specify path to file including definition for additional containers, alternatively use '-' to read from stdin. " +
      'Example: --containers ./containers.yaml or --containers -.',
  ),
  'probe-liveness': str(`Add liveness probe to Service deployment. ${PROBE_DESC}`),
  'probe-liveness-opts': str(`Add common options to liveness probe. ${PROBE_OPTS_DESC}`),
  'probe-readiness': str(`Add readiness probe to Service deployment. ${PROBE_DESC}`),
  'probe-readiness-opts': str(`Add common options to readiness probe. ${PROBE_OPTS_DESC}`),
  limit: strSlice(
    "The resource requirement limits for this Service. For example, 'cpu=100m,memory=256Mi'. " +
      'You can use this flag multiple times. ' +
      "To unset a resource limit, append \"-\" to the resource name, e.g. '--limit memory-'.",
  ),
  request: strSlice(
    "The resource requirement requests for this Service. For example, 'cpu=100m,memory=256Mi'. " +
      'You can use this flag multiple times. ' +
      "To unset a resource request, append \"-\" to the resource name, e.g. '--request cpu-'.",
  ),
  port: str(
    "The port where application listens on, in the format 'NAME:PORT', where 'NAME' is optional. Examples: '--port h2c:8080' , '--port 8080'.",
    { char: 'p' },
  ),
  'service-account': str(
    'Service account name to set. An empty argument ("") clears the service account. The referenced service account must exist in the service\'s namespace.',
  ),
  'pull-secret': str(
    'Image pull secret to set. An empty argument ("") clears the pull secret. The referenced secret must exist in the service\'s namespace.',
  ),
  user: int('The user ID to run the container (e.g., 1001).'),
  'security-context': str(
    "Predefined security context for the service. Accepted values: 'none' for no security context " +
      "and 'strict' for dropping all capabilities, running as non-root, and no privilege escalation. (default \"none\")",
  ),
  'node-selector': strArray(
    'Add node selector to be set, you may provide this flag any number of times to set multiple node selectors, ' +
      'works if feature flag is enabled in Knative Serving feature flags configuration. Example: --node-selector Disktype="ssd". ' +
      'To unset, specify the key name followed by a "-", example: --node-selector Disktype- .',
  ),
  toleration: strSlice(
    'Add toleration to be set, works if the feature gate is enabled in Knative Serving feature flags configuration. Example: ' +
      '--tolerations Key="key1",Operator="Equal",Value="value1",Effect="NoSchedule"',
  ),
  'node-affinity': strSlice(
    'Add node affinity to be set - only works if the feature gate is enabled in Knative Serving feature flags configuration. ' +
      'When key, operator, values (whitespace separated) and weight are defined for a type, they will be appended in nodeSelectorTerms in case of Required clause, ' +
      'implying the terms will be ORed, and for Preferred clause, all of them will be added in preferredDuringSchedulingIgnoredDuringExecution. Example: ' +
      '--node-affinity Type="Required",Key="topology.kubernetes.io/zone",Operator="In",Values="antarctica-east1 antarctica-west1" or ' +
      '--node-affinity Type="Preferred",Key="topology.kubernetes.io/zone",Operator="In",Values="antarctica-east1",Weight="1"',
  ),
};

const LABEL_PRECEDENCE = (what: string, flag: string) =>
  `${what}; you may provide this flag any number of times to set multiple ${flag}s. ${UNSET(flag)} This flag takes precedence over the "${flag}" flag.`;

/**
 * Every flag shared by `service create`, `update` and `apply` (upstream addSharedFlags + the
 * pod spec flags). The env, label and annotation flags, whose help differs between create and
 * update, are in createOnlyFlags / updateOnlyFlags.
 */
export const configurationEditFlags = {
  ...podSpecFlags,
  scale: str(
    'Set the Minimum and Maximum number of replicas. You can use this flag to set both to a single value, ' +
      'or set a range with min/max values, or set either min or max values without specifying the other. ' +
      'Example: --scale 5 (scale-min = 5, scale-max = 5) or --scale 1..5 (scale-min = 1, scale-max = 5) or --scale ' +
      '1.. (scale-min = 1, scale-max = unchanged) or --scale ..5 (scale-min = unchanged, scale-max = 5)',
  ),
  'scale-min': int('Minimum number of replicas.'),
  'scale-max': int('Maximum number of replicas.'),
  'scale-activation': int('Minimum non-zero value that a service should scale to.'),
  'scale-metric': str(
    'Set the name of the metric the PodAutoscaler should scale on. ' +
      'Example: --scale-metric rps (to scale on rps) or --scale-metric concurrency (to scale on concurrency). The default metric is concurrency.',
  ),
  // Deprecated since 1.0, hidden.
  'autoscale-window': str('Deprecated option, please use --scale-window', { hidden: true }),
  'scale-window': str(
    'Duration to look back for making auto-scaling decisions. The service is scaled to zero if no request was received in during that time. (eg: 10s)',
  ),
  'cluster-local': bool('Specify that the service be private. (--no-cluster-local will make the service publicly available)', { allowNo: true }),
  // Deprecated since 1.0, hidden.
  'concurrency-target': int('Deprecated, use --scale-target instead.', { hidden: true }),
  'scale-target': int(
    'Recommendation for what metric value the PodAutoscaler should attempt to maintain. ' +
      'Use with --scale-metric flag to configure the metric name for which the target value should be maintained. ' +
      'Default metric name is concurrency. The flag defaults to --concurrency-limit when given.',
  ),
  'concurrency-limit': int('Hard Limit of concurrent requests to be processed by a single replica.'),
  // Deprecated since 1.0, hidden.
  'concurrency-utilization': int('Deprecated, use --scale-utilization instead. (default 70)', { hidden: true }),
  'scale-utilization': int('Percentage of concurrent requests utilization before scaling up. (default 70)'),
  'label-service': strArray(LABEL_PRECEDENCE('Service label to set. name=value', 'label')),
  'label-revision': strArray(LABEL_PRECEDENCE('Revision label to set. name=value', 'label')),
  'revision-name': str(
    'The revision name to set. Must start with the service name and a dash as a prefix. ' +
      'Empty revision name will result in the server generating a name for the revision. ' +
      'Accepts golang templates, allowing {{.Service}} for the service name, ' +
      '{{.Generation}} for the generation, and {{.Random [n]}} for n random consonants ' +
      '(e.g. {{.Service}}-{{.Random 5}}-{{.Generation}})',
  ),
  'lock-to-digest': bool(
    'Keep the running image for the service constant when not explicitly specifying the image. ' +
      '(--no-lock-to-digest pulls the image tag afresh with each new revision)',
    { allowNo: true, helpDefault: true },
  ),
  'annotation-service': strArray(LABEL_PRECEDENCE('Service annotation to set. name=value', 'annotation')),
  'annotation-revision': strArray(LABEL_PRECEDENCE('Revision annotation to set. name=value', 'annotation')),
  'scale-init': int('Initial number of replicas with which a service starts. Can be 0 or a positive integer.'),
  timeout: int(
    'Duration in seconds that the request routing layer will wait for a request delivered to a container to begin replying (default 300)',
  ),
  profile: str(
    'The profile name must be defined in config.yaml or part of the built-in profile, e.g. Istio. Related annotations and labels will be added to the service.' +
      'To unset, specify the profile name followed by a "-" (e.g., name-).',
  ),
};

const ENV_VALUE_FROM =
  'Add environment variable from a value of key in ConfigMap (prefix cm: or config-map:) or a Secret (prefix sc: or secret:). ' +
  'Example: --env-value-from NAME=cm:myconfigmap:key or --env-value-from NAME=secret:mysecret:key. You can use this flag multiple times.';
const ENV_FROM =
  'Add environment variables from a ConfigMap (prefix cm: or config-map:) or a Secret (prefix secret:). ' +
  'Example: --env-from cm:myconfigmap or --env-from secret:mysecret. You can use this flag multiple times.';
const ENV = 'Environment variable to set. NAME=value; you may provide this flag any number of times to set multiple environment variables.';
const ANN = 'Annotations to set for both Service and Revision. name=value; you may provide this flag any number of times to set multiple annotations.';
const LAB = 'Labels to set for both Service and Revision. name=value; you may provide this flag any number of times to set multiple labels.';

/** Flags only `service create` (and `apply`) have, plus create's wording of env/label/annotation. */
export const createOnlyFlags = {
  env: strArray(ENV, { char: 'e' }),
  'env-value-from': strArray(ENV_VALUE_FROM),
  'env-from': strArray(ENV_FROM),
  annotation: strArray(ANN, { char: 'a' }),
  label: strArray(LAB, { char: 'l' }),
  force: bool('Create service forcefully, replaces existing service if any.'),
  filename: str(
    'Create a service from file. The created service can be further modified by combining with other options. ' +
      'For example, -f /path/to/file --env NAME=value adds also an environment variable.',
    { char: 'f' },
  ),
};

/** update's wording of env/label/annotation (which mention the NAME- unset form). */
export const updateOnlyFlags = {
  env: strArray(`${ENV} To unset, specify the environment variable name followed by a "-" (e.g., NAME-).`, { char: 'e' }),
  'env-value-from': strArray(
    `${ENV_VALUE_FROM} To unset a value from a ConfigMap/Secret key reference, append "-" to the key, e.g. --env-value-from ENV-.`,
  ),
  'env-from': strArray(`${ENV_FROM} To unset a ConfigMap/Secret reference, append "-" to the name, e.g. --env-from cm:myconfigmap-.`),
  annotation: strArray(`${ANN} ${UNSET('annotation')}`, { char: 'a' }),
  label: strArray(`${LAB} ${UNSET('label')}`, { char: 'l' }),
};

/** Convenience bundles: what `service create` / `service update` spread into their flags. */
export const serviceCreateEditFlags = { ...configurationEditFlags, ...createOnlyFlags };
export const serviceUpdateEditFlags = { ...configurationEditFlags, ...updateOnlyFlags };

/** The parsed values (undefined = flag not given). */
export interface ConfigurationEditFlagValues {
  image?: string;
  'pull-policy'?: string;
  env?: string[];
  'env-value-from'?: string[];
  'env-from'?: string[];
  'env-file'?: string;
  mount?: string[];
  volume?: string[];
  cmd?: string[];
  arg?: string[];
  'extra-containers'?: string;
  containers?: string;
  'probe-liveness'?: string;
  'probe-liveness-opts'?: string;
  'probe-readiness'?: string;
  'probe-readiness-opts'?: string;
  limit?: string[];
  request?: string[];
  port?: string;
  'service-account'?: string;
  'pull-secret'?: string;
  user?: number;
  'security-context'?: string;
  'node-selector'?: string[];
  toleration?: string[];
  'node-affinity'?: string[];
  scale?: string;
  'scale-min'?: number;
  'scale-max'?: number;
  'scale-activation'?: number;
  'scale-metric'?: string;
  'autoscale-window'?: string;
  'scale-window'?: string;
  'cluster-local'?: boolean;
  'concurrency-target'?: number;
  'scale-target'?: number;
  'concurrency-limit'?: number;
  'concurrency-utilization'?: number;
  'scale-utilization'?: number;
  label?: string[];
  'label-service'?: string[];
  'label-revision'?: string[];
  annotation?: string[];
  'annotation-service'?: string[];
  'annotation-revision'?: string[];
  'revision-name'?: string;
  'lock-to-digest'?: boolean;
  'scale-init'?: number;
  timeout?: number;
  profile?: string;
  // create/apply only
  force?: boolean;
  filename?: string;
}

/**
 * Flags that make a new revision (upstream markFlagMakesRevision). As upstream: --lock-to-digest,
 * --pull-policy, --cluster-local, --extra-containers and --probe-readiness-opts are not in it.
 */
export const REVISION_FLAGS: readonly (keyof ConfigurationEditFlagValues)[] = [
  'image', 'env-file', 'mount', 'volume', 'cmd', 'arg', 'containers', 'probe-liveness', 'probe-liveness-opts',
  'probe-readiness', 'limit', 'request', 'port', 'service-account', 'pull-secret', 'user',
  'security-context', 'node-selector', 'toleration', 'node-affinity', 'env', 'env-value-from', 'env-from',
  'scale', 'scale-min', 'scale-max', 'scale-activation', 'scale-metric', 'autoscale-window', 'scale-window',
  'concurrency-target', 'scale-target', 'concurrency-limit', 'concurrency-utilization', 'scale-utilization',
  'label-service', 'label-revision', 'revision-name', 'annotation-service', 'annotation-revision', 'scale-init',
  'timeout', 'profile', 'annotation', 'label', 'filename',
];

/**
 * Reads what the pure builder needs from disk or stdin: the --env-file contents and the decoded
 * --containers (or --extra-containers) file, `-` meaning stdin. Errors read as upstream's
 * (`Invalid --env-file: open X: no such file or directory`).
 */
export async function loadEditInputs(
  flags: Pick<ConfigurationEditFlagValues, 'env-file' | 'containers' | 'extra-containers'>,
): Promise<{ envFileContents?: string; containersSpec?: unknown }> {
  const { readFile } = await import('node:fs/promises');
  const { UserError } = await import('../errors.ts');
  const open = async (path: string): Promise<string> => {
    try {
      return await readFile(path, 'utf8');
    } catch (e) {
      const code = (e as { code?: string }).code;
      const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : String((e as Error).message);
      throw new UserError(`open ${path}: ${why}`);
    }
  };
  const out: { envFileContents?: string; containersSpec?: unknown } = {};
  if (flags['env-file']) {
    try {
      out.envFileContents = await open(flags['env-file']);
    } catch (e) {
      throw new UserError(`Invalid --env-file: ${(e as Error).message}`);
    }
    const { textFileProblem } = await import('../files.ts');
    const notText = textFileProblem(out.envFileContents);
    if (notText) throw new UserError(`Invalid --env-file: ${flags['env-file']} ${notText}; give a file of NAME=value lines`);
  }
  const file = flags.containers ?? flags['extra-containers'];
  if (file !== undefined) {
    let text: string;
    if (file === '-') {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      text = Buffer.concat(chunks).toString('utf8');
    } else text = await open(file);
    const { parseContainersFile } = await import('./containers-file.ts');
    out.containersSpec = parseContainersFile(text, file);
  }
  return out;
}
