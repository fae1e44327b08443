// Generates manifests/10x-crd-*.yaml from one set of schema builders, so the pod-spec schema of
// Service, Configuration and Revision stays the same in all three. Run: node scripts/gen-crds.mjs
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const YAML = require('yaml');
const outDir = process.argv[2] ?? new URL('../manifests', import.meta.url).pathname;

// ---------- schema helpers ----------
const d = (s, description) => (description ? { description, ...s } : s);
const str = (desc, extra = {}) => d({ type: 'string', ...extra }, desc);
const i32 = (desc, extra = {}) => d({ type: 'integer', format: 'int32', ...extra }, desc);
const i64 = (desc, extra = {}) => d({ type: 'integer', format: 'int64', ...extra }, desc);
const bool = (desc) => d({ type: 'boolean' }, desc);
const ios = (desc) => d({ 'x-kubernetes-int-or-string': true }, desc);
const quantity = (desc) => d({ anyOf: [{ type: 'integer' }, { type: 'string' }], 'x-kubernetes-int-or-string': true }, desc);
const obj = (properties, o = {}) => {
  const s = { type: 'object' };
  if (o.description) s.description = o.description;
  if (o.required?.length) s.required = o.required;
  s.properties = properties;
  if (o.rules) s['x-kubernetes-validations'] = o.rules;
  if (o.mapType) s['x-kubernetes-map-type'] = o.mapType;
  if (o.open) s['x-kubernetes-preserve-unknown-fields'] = true;
  return s;
};
const arr = (items, o = {}) => {
  const s = { type: 'array' };
  if (o.description) s.description = o.description;
  if (o.maxItems !== undefined) s.maxItems = o.maxItems;
  s.items = items;
  if (o.listType) s['x-kubernetes-list-type'] = o.listType;
  if (o.keys) s['x-kubernetes-list-map-keys'] = o.keys;
  if (o.rules) s['x-kubernetes-validations'] = o.rules;
  return s;
};
const strmap = (desc) => d({ type: 'object', additionalProperties: { type: 'string' } }, desc);
const strs = (desc) => arr({ type: 'string' }, { description: desc, listType: 'atomic' });
// Open object: structure left to the API server's pruning-free storage. Used only where noted.
const open = (desc) => d({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, desc);
// Structured, but keeping unknown fields, where upstream's schema is open (feature-flagged fields).
const keep = (schema) => ({ ...schema, 'x-kubernetes-preserve-unknown-fields': true });
const rule = (r, message, extra = {}) => ({ rule: r, ...(message.startsWith('=') ? { messageExpression: message.slice(1) } : { message }), ...extra });

const DNS1035 = '^[a-z]([-a-z0-9]*[a-z0-9])?$';
const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

// ---------- core/v1 pieces used by the Revision pod spec ----------
const localRef = (what) =>
  obj({ name: str(`Name of the ${what}.`), optional: bool(`Whether the ${what} must exist.`) }, { mapType: 'atomic' });
const keyRef = (what) =>
  obj({ key: str('The key to select.'), name: str(`Name of the ${what}.`), optional: bool(`Whether the ${what} or its key must exist.`) }, { required: ['key'], mapType: 'atomic' });
const fieldRef = obj({ apiVersion: str(), fieldPath: str('Path of the field to select.') }, { required: ['fieldPath'], mapType: 'atomic' });
const resourceFieldRef = obj({ containerName: str(), divisor: quantity(), resource: str('Required: resource to select.') }, { required: ['resource'], mapType: 'atomic' });
const keyToPath = arr(obj({ key: str(), mode: i32(), path: str() }, { required: ['key', 'path'] }), { listType: 'atomic' });

const envVar = obj(
  {
    name: str('Name of the environment variable.'),
    value: str(),
    valueFrom: obj({
      configMapKeyRef: keyRef('ConfigMap'),
      fieldRef: keep(d(fieldRef, 'Behind the feature flag kubernetes.podspec-fieldref upstream.')),
      resourceFieldRef: keep(d(resourceFieldRef, 'Behind the feature flag kubernetes.podspec-fieldref upstream.')),
      secretKeyRef: keyRef('Secret'),
    }),
  },
  { required: ['name'] },
);
const envFrom = obj({ configMapRef: localRef('ConfigMap'), prefix: str(), secretRef: localRef('Secret') });

const probe = (desc) =>
  obj(
    {
      exec: obj({ command: strs() }),
      failureThreshold: i32(),
      grpc: obj({ port: i32(), service: str() }),
      httpGet: obj({
        host: str(),
        httpHeaders: arr(obj({ name: str(), value: str() }, { required: ['name', 'value'] }), { listType: 'atomic' }),
        path: str(),
        port: ios('Port to probe; Knative fills in the serving port when it is left out.'),
        scheme: str(),
      }),
      initialDelaySeconds: i32(),
      periodSeconds: i32('0 selects Knative\'s aggressive readiness probing.'),
      successThreshold: i32(),
      tcpSocket: obj({ host: str(), port: ios() }),
      timeoutSeconds: i32(),
    },
    { description: desc },
  );

const resources = obj({
  limits: d({ type: 'object', additionalProperties: quantity() }, 'Limits describes the maximum amount of compute resources allowed.'),
  requests: d({ type: 'object', additionalProperties: quantity() }, 'Requests describes the minimum amount of compute resources required.'),
});

const seccomp = obj({ localhostProfile: str(), type: str() }, { required: ['type'] });
// The fields Knative's container security-context mask allows.
const containerSecurityContext = obj({
  allowPrivilegeEscalation: bool(),
  capabilities: obj({ add: strs(), drop: strs() }),
  privileged: bool(),
  readOnlyRootFilesystem: bool(),
  runAsGroup: i64(),
  runAsNonRoot: bool(),
  runAsUser: i64(),
  seccompProfile: seccomp,
});

const RESERVED_PORTS = [8012, 8013, 8022, 9090, 9091, 8008];
const containerPort = obj(
  {
    containerPort: i32('Number of port to expose on the container\'s IP address.', {
      'x-kubernetes-validations': [
        rule(`!(self in [${RESERVED_PORTS.join(', ')}])`, "='%d is a reserved port'.format([self])"),
        rule('self >= 0 && self <= 65535', "='expected 0 <= %d <= 65535'.format([self])"),
      ],
    }),
    name: str('Port name: empty, h2c or http1.', {
      'x-kubernetes-validations': [rule("self in ['', 'h2c', 'http1']", "='Port name %s is not allowed. Name must be empty, or one of: \\'h2c\\', \\'http1\\''.format([self])")],
    }),
    protocol: str('TCP (the default) is the only protocol allowed.', {
      'x-kubernetes-validations': [rule("self in ['', 'TCP']", "='Protocol %s is not allowed'.format([self])")],
    }),
  },
);

const volumeMount = obj(
  {
    mountPath: str('Path within the container at which the volume should be mounted.', {
      'x-kubernetes-validations': [
        rule("!(self in ['/', '/dev', '/dev/log'])", "='\"%s\" is a reserved path'.format([self])"),
        rule("self.startsWith('/')", 'must be an absolute path'),
      ],
    }),
    mountPropagation: str(),
    name: str('This must match the Name of a Volume.'),
    readOnly: bool(),
    subPath: str(),
  },
  { required: ['mountPath', 'name'] },
);

const container = (desc) =>
  obj(
    {
      args: strs('Arguments to the entrypoint.'),
      command: strs('Entrypoint array. Not executed within a shell.'),
      env: arr(envVar, { description: 'List of environment variables to set in the container.', listType: 'atomic' }),
      envFrom: arr(envFrom, { description: 'Sources to populate environment variables in the container.', listType: 'atomic' }),
      image: str('Container image name.'),
      imagePullPolicy: str(),
      livenessProbe: probe('Periodic probe of container liveness.'),
      name: str('Name of the container; defaulted from config-defaults container-name-template.', {
        'x-kubernetes-validations': [rule("self != 'queue-proxy'", '"queue-proxy" is a reserved container name')],
      }),
      ports: arr(containerPort, { maxItems: 100, description: 'The serving port; at most one port across all containers.', listType: 'atomic' }),
      readinessProbe: probe('Periodic probe of container service readiness.'),
      resources,
      securityContext: containerSecurityContext,
      startupProbe: probe('StartupProbe indicates that the Pod has successfully initialized.'),
      terminationMessagePath: str(),
      terminationMessagePolicy: str(),
      volumeMounts: arr(volumeMount, { maxItems: 100, description: 'Pod volumes to mount into the container\'s filesystem.', listType: 'atomic' }),
      workingDir: str(),
    },
    { description: desc, required: ['image'] },
  );

const secretProjection = obj({ items: keyToPath, name: str(), optional: bool() });
const configMapProjection = obj({ items: keyToPath, name: str(), optional: bool() });
const downwardAPIItems = arr(
  obj({ fieldRef, mode: i32(), path: str(), resourceFieldRef }, { required: ['path'] }),
  { listType: 'atomic' },
);
const volume = obj(
  {
    name: str('Name of the volume. Must be a DNS_LABEL and unique within the pod.'),
    configMap: obj({ defaultMode: i32(), items: keyToPath, name: str(), optional: bool() }),
    csi: open('Behind the feature flag kubernetes.podspec-csi upstream; structure left open here.'),
    emptyDir: keep(obj({ medium: str(), sizeLimit: quantity() })),
    ephemeral: open('Behind the feature flag kubernetes.podspec-ephemeral upstream; structure left open here.'),
    hostPath: keep(obj({ path: str(), type: str() }, { required: ['path'] })),
    image: keep(obj({ pullPolicy: str(), reference: str() })),
    persistentVolumeClaim: keep(obj({ claimName: str(), readOnly: bool() }, { required: ['claimName'] })),
    projected: obj({
      defaultMode: i32(),
      sources: arr(
        obj({
          configMap: configMapProjection,
          downwardAPI: obj({ items: downwardAPIItems }),
          secret: secretProjection,
          serviceAccountToken: obj({ audience: str(), expirationSeconds: i64(), path: str() }, { required: ['path'] }),
        }),
        { listType: 'atomic' },
      ),
    }),
    secret: obj({ defaultMode: i32(), items: keyToPath, optional: bool(), secretName: str() }),
  },
  { required: ['name'] },
);

const podSecurityContext = obj({
  appArmorProfile: obj({ localhostProfile: str(), type: str() }, { required: ['type'] }),
  fsGroup: i64(),
  fsGroupChangePolicy: str(),
  runAsGroup: i64(),
  runAsNonRoot: bool(),
  runAsUser: i64(),
  seLinuxChangePolicy: str(),
  seLinuxOptions: obj({ level: str(), role: str(), type: str(), user: str() }),
  seccompProfile: seccomp,
  supplementalGroups: arr({ type: 'integer', format: 'int64' }, { listType: 'atomic' }),
  supplementalGroupsPolicy: str(),
  sysctls: arr(obj({ name: str(), value: str() }, { required: ['name', 'value'] }), { listType: 'atomic' }),
  windowsOptions: obj({ gmsaCredentialSpec: str(), gmsaCredentialSpecName: str(), hostProcess: bool(), runAsUserName: str() }),
});

const revisionSpec = (desc) =>
  obj(
    {
      affinity: open('Behind the feature flag kubernetes.podspec-affinity; open as upstream.'),
      automountServiceAccountToken: bool('Only false is allowed.'),
      containerConcurrency: i64('Maximum in-flight requests per container; 0 means unlimited.', {
        'x-kubernetes-validations': [rule('self >= 0', "='expected 0 <= %d <= 1000'.format([self])")],
      }),
      containers: arr(container('A single application container.'), { maxItems: 100, description: 'The containers of the revision; exactly one serves traffic.', listType: 'atomic' }),
      dnsConfig: keep(obj({
        nameservers: strs(),
        options: arr(obj({ name: str(), value: str() }), { listType: 'atomic' }),
        searches: strs(),
      })),
      dnsPolicy: str(),
      enableServiceLinks: bool('Defaults to config-defaults enable-service-links (false).'),
      hostAliases: arr(keep(obj({ hostnames: strs(), ip: str() }, { required: ['ip'] })), { listType: 'atomic' }),
      hostIPC: bool(),
      hostNetwork: bool(),
      hostPID: bool(),
      idleTimeoutSeconds: i64('Maximum duration in seconds a request may stay open without bytes from the app.', {
        'x-kubernetes-validations': [rule('self >= 0', "='expected 0 <= %d <= 600'.format([self])")],
      }),
      imagePullSecrets: arr(obj({ name: str() }, { mapType: 'atomic' }), { listType: 'atomic' }),
      initContainers: arr(keep(container('An init container (feature kubernetes.podspec-init-containers).')), { maxItems: 100, listType: 'atomic' }),
      nodeSelector: strmap('Behind the feature flag kubernetes.podspec-nodeselector.'),
      priorityClassName: str(),
      responseStartTimeoutSeconds: i64('Maximum duration in seconds until the first response byte.', {
        'x-kubernetes-validations': [rule('self >= 0', "='expected 0 <= %d <= 600'.format([self])")],
      }),
      runtimeClassName: str(),
      schedulerName: str(),
      securityContext: keep(podSecurityContext),
      serviceAccountName: str('Name of the ServiceAccount to run the revision\'s pods as.'),
      shareProcessNamespace: bool(),
      timeoutSeconds: i64('Maximum duration in seconds a request may take; default from config-defaults revision-timeout-seconds.', {
        'x-kubernetes-validations': [rule('self >= 0', "='expected 0 <= %d <= 600'.format([self])")],
      }),
      tolerations: arr(keep(obj({ effect: str(), key: str(), operator: str(), tolerationSeconds: i64(), value: str() })), { listType: 'atomic' }),
      topologySpreadConstraints: arr(open('Behind the feature flag kubernetes.podspec-topologyspreadconstraints; open here.'), { listType: 'atomic' }),
      volumes: arr(volume, { description: 'Volumes that containers may mount.', listType: 'map', keys: ['name'] }),
    },
    {
      description: desc,
      required: ['containers'],
      rules: [
        rule("self.containers.map(c, has(c.ports) ? size(c.ports) : 0).sum() <= 1", 'more than one container port is set', { fieldPath: '.containers' }),
        rule(
          "size(self.containers) <= 1 || self.containers.exists(c, has(c.ports) && size(c.ports) > 0)",
          'missing field(s): ports (with more than one container, exactly one must set ports)',
          { fieldPath: '.containers' },
        ),
      ],
    },
  );

const templateMeta = obj(
  {
    annotations: strmap(),
    finalizers: strs(),
    labels: strmap(),
    name: str('The revision name (BYO). Must start with the parent name followed by a dash.', {
      maxLength: 63,
      'x-kubernetes-validations': [rule(`self.matches('${DNS1035}')`, DNS1035_MSG)],
    }),
    namespace: str(),
  },
  {
    open: true,
    // Serving's admission checks of the autoscaling annotations that need more than one of them
    // (autoscaling.ValidateAnnotations), so kubectl YAML gets them as kn does. The values are
    // bounded (size() < 12) before int(), which keeps the rules cheap and free of runtime errors.
    rules: [
      rule(
        "!has(self.annotations) || !('autoscaling.knative.dev/min-scale' in self.annotations) || !('autoscaling.knative.dev/max-scale' in self.annotations) || " +
          "!(size(self.annotations['autoscaling.knative.dev/min-scale']) < 10 && self.annotations['autoscaling.knative.dev/min-scale'].matches('^[0-9]+$')) || " +
          "!(size(self.annotations['autoscaling.knative.dev/max-scale']) < 10 && self.annotations['autoscaling.knative.dev/max-scale'].matches('^[0-9]+$')) || " +
          "int(self.annotations['autoscaling.knative.dev/max-scale']) == 0 || " +
          "int(self.annotations['autoscaling.knative.dev/min-scale']) <= int(self.annotations['autoscaling.knative.dev/max-scale'])",
        "='max-scale=%s is less than min-scale=%s: autoscaling.knative.dev/max-scale, autoscaling.knative.dev/min-scale'.format([self.annotations['autoscaling.knative.dev/max-scale'], self.annotations['autoscaling.knative.dev/min-scale']])",
        { fieldPath: '.annotations' },
      ),
      rule(
        "!has(self.annotations) || !('autoscaling.knative.dev/metric' in self.annotations) || " +
          "(('autoscaling.knative.dev/class' in self.annotations) && self.annotations['autoscaling.knative.dev/class'] != 'kpa.autoscaling.knative.dev') || " +
          "self.annotations['autoscaling.knative.dev/metric'] in ['concurrency', 'rps']",
        "='invalid value: %s: autoscaling.knative.dev/metric'.format([self.annotations['autoscaling.knative.dev/metric']])",
        { fieldPath: '.annotations' },
      ),
    ],
  },
);
const revisionTemplate = (parentRules = []) =>
  obj(
    {
      metadata: templateMeta,
      spec: revisionSpec('RevisionSpec: a Kubernetes PodSpec (restricted as upstream) plus Knative fields.'),
    },
    { description: 'Template holds the latest specification for the Revision to be stamped out.', rules: parentRules },
  );

// ---------- traffic ----------
// The static part of upstream's defaulting, from the one source of the default values.
const { SCHEMA_DEFAULTS: TRAFFIC_DEFAULTS } = await import('../src/api/serving/defaults.ts');
const nonEmpty = (f) => `(has(self.${f}) && self.${f} != '')`;
const trafficTarget = (ctx) => {
  const rules = [];
  if (ctx === 'service') {
    rules.push(rule(`!${nonEmpty('configurationName')}`, 'must not set the field(s): configurationName', { fieldPath: '.configurationName' }));
  } else if (ctx === 'route') {
    rules.push(rule(`!(${nonEmpty('revisionName')} && ${nonEmpty('configurationName')})`, 'expected exactly one, got both: revisionName, configurationName'));
    rules.push(rule(`${nonEmpty('revisionName')} || ${nonEmpty('configurationName')}`, 'expected exactly one, got neither: revisionName, configurationName'));
  }
  if (ctx !== 'status') {
    rules.push(
      rule(
        `!has(self.latestRevision) || self.latestRevision != ${nonEmpty('revisionName')}`,
        "='may not set revisionName \"%s\" when latestRevision is %s'.format([has(self.revisionName) ? self.revisionName : '', self.latestRevision])",
        { fieldPath: '.latestRevision' },
      ),
    );
    rules.push(rule('!has(self.url)', 'must not set the field(s): url', { fieldPath: '.url' }));
  }
  return obj(
    {
      configurationName: str('Configuration whose latest ready revision receives this portion of traffic; mutually exclusive with revisionName.', { maxLength: 253 }),
      latestRevision: bool('Must be true exactly when revisionName is empty.'),
      percent: i64('Percent of traffic for this target (0-100); the percents of all targets sum to 100.', {
        'x-kubernetes-validations': ctx === 'status' ? undefined : [rule('self >= 0 && self <= 100', "='expected 0 <= %d <= 100'.format([self])")],
        // Defaulting (ADR 0016): upstream's webhook writes percent 0 when it is left out.
        ...(ctx === 'status' ? {} : { default: TRAFFIC_DEFAULTS.percent }),
      }),
      revisionName: str('A specific revision to send this portion of traffic to; mutually exclusive with configurationName.', { maxLength: 253 }),
      tag: str('Exposes a dedicated URL for this target; a DNS-1035 label, unique in the list.', {
        maxLength: 63,
        'x-kubernetes-validations': ctx === 'status' ? undefined : [rule(`self == '' || self.matches('${DNS1035}')`, DNS1035_MSG)],
      }),
      url: str('Status only: the URL of a tagged target.'),
    },
    { description: 'TrafficTarget holds a single entry of the routing table.', rules: rules.length ? rules : undefined },
  );
};
const clean = (o) => JSON.parse(JSON.stringify(o));
const PCT = "self.map(t, has(t.percent) ? t.percent : 0).sum()";
const specTraffic = (ctx) => {
  const a = arr(trafficTarget(ctx), {
    description: 'Traffic specifies how to distribute traffic over a collection of revisions and configurations.',
    maxItems: 100,
    listType: 'atomic',
    rules: [
      rule(`size(self) == 0 || ${PCT} == 100`, `='Traffic targets sum to %d, want 100'.format([${PCT}])`),
      rule("self.all(a, !has(a.tag) || a.tag == '' || self.exists_one(b, has(b.tag) && b.tag == a.tag))", 'expected exactly one, got both: traffic targets must have unique tags'),
    ],
  });
  // Defaulting (ADR 0016): a Service without traffic sends 100% to its latest revision, as the
  // webhook does, so this holds even while no webhook answers (failurePolicy Ignore).
  return ctx === 'service' ? { ...a, default: TRAFFIC_DEFAULTS.serviceTraffic } : a;
};
const statusTraffic = arr(trafficTarget('status'), { description: 'The traffic distribution in effect; entries always name a revision.', listType: 'atomic' });

// ---------- status ----------
const condition = obj(
  {
    lastTransitionTime: str('The last time the condition transitioned from one status to another.'),
    message: str('A human readable message indicating details about the transition.'),
    reason: str("The reason for the condition's last transition."),
    severity: str('Severity with which to treat failures of this type of condition; empty means Error.'),
    status: str('Status of the condition, one of True, False, Unknown.'),
    type: str('Type of condition.'),
  },
  { required: ['status', 'type'] },
);
const duckStatus = (extra, desc) =>
  obj(
    {
      annotations: strmap('Additional status fields for the resource.'),
      conditions: arr(condition, { description: 'The latest available observations of the resource\'s state.' }),
      observedGeneration: i64('The generation last processed by the controller.'),
      ...extra,
    },
    { description: desc },
  );
const addressable = obj({ CACerts: str(), audience: str(), name: str(), url: str() });

// ---------- CRD assembly ----------
const READY = [
  { name: 'Ready', type: 'string', jsonPath: ".status.conditions[?(@.type=='Ready')].status" },
  { name: 'Reason', type: 'string', jsonPath: ".status.conditions[?(@.type=='Ready')].reason" },
];
const ROOT_PROPS = { apiVersion: str('APIVersion defines the versioned schema of this representation of an object.'), kind: str('Kind is a string value representing the REST resource this object represents.'), metadata: { type: 'object' } };

function crd({ group, version, kind, plural, shortNames, categories, scope = 'Namespaced', labels, columns, spec, status, description, rootRules, specRequired = false, metadata }) {
  const schema = {
    description,
    type: 'object',
    ...(specRequired ? { required: ['spec'] } : {}),
    properties: { ...ROOT_PROPS, ...(metadata ? { metadata } : {}), spec, status },
    ...(rootRules ? { 'x-kubernetes-validations': rootRules } : {}),
  };
  const v = { name: version, served: true, storage: true, subresources: { status: {} } };
  if (columns) v.additionalPrinterColumns = columns;
  v.schema = { openAPIV3Schema: clean(schema) };
  const names = { kind, plural, singular: kind.toLowerCase(), categories };
  if (shortNames) names.shortNames = shortNames;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}`, labels },
    spec: { group, names, scope, versions: [v] },
  };
}

const baseLabels = (extra = {}) => ({
  'app.kubernetes.io/name': 'knative-serving',
  'app.kubernetes.io/version': 'devel',
  'serving.knative.dev/release': 'devel',
  'knative.dev/crd-install': 'true',
  ...extra,
});
const SERVING = ['all', 'knative', 'serving'];
// metadata.name must be a DNS-1035 label (CRD schemas may constrain metadata.name and nothing else of metadata).
const DNS1035_NAME = { type: 'object', properties: { name: { type: 'string', 'x-kubernetes-validations': [rule(`size(self) <= 63 && self.matches('${DNS1035}')`, DNS1035_MSG)] } } };
// A BYO revision name starts with the parent's name and a dash.
const PREFIX_RULE = rule(
  "!has(self.metadata.name) || !has(self.spec) || !has(self.spec.template) || !has(self.spec.template.metadata) || !has(self.spec.template.metadata.name) || self.spec.template.metadata.name == '' || self.spec.template.metadata.name.startsWith(self.metadata.name + '-')",
  "='\"%s\" must have prefix \"%s-\"'.format([self.spec.template.metadata.name, self.metadata.name])",
  { fieldPath: '.spec.template.metadata.name' },
);
// A template with a BYO name may only change together with its name.
const BYO_RULE = rule(
  '!has(oldSelf.metadata) || !has(oldSelf.metadata.name) || oldSelf.metadata.name == \'\' || !has(self.metadata) || !has(self.metadata.name) || self.metadata.name != oldSelf.metadata.name || self == oldSelf',
  'Saw the following changes without a name change (-old +new): spec.template',
);

const configurationStatusFields = {
  latestCreatedRevisionName: str('The name of the last revision stamped out from this Configuration.'),
  latestReadyRevisionName: str('The name of the latest revision whose Ready condition became True.'),
};
const routeStatusFields = {
  address: addressable,
  traffic: statusTraffic,
  url: str('The URL that distributes traffic over the traffic targets.'),
};

const service = crd({
  group: 'serving.knative.dev', version: 'v1', kind: 'Service', plural: 'services', shortNames: ['kservice', 'ksvc'], categories: SERVING,
  labels: baseLabels({ 'duck.knative.dev/addressable': 'true', 'duck.knative.dev/podspecable': 'true' }),
  description: 'Service manages a Route and a Configuration of the same name: the top-level object of Knative Serving.',
  columns: [
    { name: 'URL', type: 'string', jsonPath: '.status.url' },
    { name: 'LatestCreated', type: 'string', jsonPath: '.status.latestCreatedRevisionName' },
    { name: 'LatestReady', type: 'string', jsonPath: '.status.latestReadyRevisionName' },
    ...READY,
  ],
  spec: obj({ template: revisionTemplate([BYO_RULE]), traffic: specTraffic('service') }, { description: 'ServiceSpec: the union of a ConfigurationSpec (template) and a RouteSpec (traffic).' }),
  status: duckStatus({ ...configurationStatusFields, ...routeStatusFields }, 'The observed state of the Service.'),
  metadata: DNS1035_NAME,
  rootRules: [PREFIX_RULE],
});
const configuration = crd({
  group: 'serving.knative.dev', version: 'v1', kind: 'Configuration', plural: 'configurations', shortNames: ['config', 'cfg'], categories: SERVING,
  labels: baseLabels({ 'duck.knative.dev/podspecable': 'true' }),
  description: 'Configuration is the floating HEAD of a linear history of Revisions.',
  columns: [
    { name: 'LatestCreated', type: 'string', jsonPath: '.status.latestCreatedRevisionName' },
    { name: 'LatestReady', type: 'string', jsonPath: '.status.latestReadyRevisionName' },
    ...READY,
  ],
  spec: obj({ template: revisionTemplate([BYO_RULE]) }, { description: 'ConfigurationSpec holds the desired state of the Configuration.' }),
  status: duckStatus(configurationStatusFields, 'The observed state of the Configuration.'),
  metadata: DNS1035_NAME,
  rootRules: [PREFIX_RULE],
});
const containerStatuses = arr(obj({ imageDigest: str(), name: str() }), { listType: 'atomic' });
const revision = crd({
  group: 'serving.knative.dev', version: 'v1', kind: 'Revision', plural: 'revisions', shortNames: ['rev'], categories: SERVING,
  labels: baseLabels(),
  description: 'Revision is an immutable snapshot of code and configuration.',
  columns: [
    { name: 'Config Name', type: 'string', jsonPath: ".metadata.labels['serving\\.knative\\.dev/configuration']" },
    { name: 'Generation', type: 'string', jsonPath: ".metadata.labels['serving\\.knative\\.dev/configurationGeneration']" },
    ...READY,
    { name: 'Actual Replicas', type: 'integer', jsonPath: '.status.actualReplicas' },
    { name: 'Desired Replicas', type: 'integer', jsonPath: '.status.desiredReplicas' },
  ],
  spec: (() => {
    const s = revisionSpec('RevisionSpec holds the desired state of the Revision.');
    s['x-kubernetes-validations'].push(rule('self == oldSelf', 'Immutable fields changed (-old +new): spec'));
    return s;
  })(),
  status: duckStatus(
    {
      actualReplicas: i32('The number of ready pods.'),
      containerStatuses,
      desiredReplicas: i32('The number of pods the autoscaler wants.'),
      initContainerStatuses: containerStatuses,
      logUrl: str('A URL to the revision\'s logs.'),
    },
    'The observed state of the Revision.',
  ),
  metadata: DNS1035_NAME,
});
const route = crd({
  group: 'serving.knative.dev', version: 'v1', kind: 'Route', plural: 'routes', shortNames: ['rt'], categories: SERVING,
  labels: baseLabels({ 'duck.knative.dev/addressable': 'true' }),
  description: 'Route maps a network endpoint to one or more Revisions.',
  columns: [{ name: 'URL', type: 'string', jsonPath: '.status.url' }, ...READY],
  spec: obj({ traffic: specTraffic('route') }, { description: 'RouteSpec holds the desired state of the Route.' }),
  status: duckStatus(routeStatusFields, 'The observed state of the Route.'),
  metadata: DNS1035_NAME,
});

const FQDN = '^([a-z0-9]([-a-z0-9]*[a-z0-9])?\\\\.)+[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
const domainMapping = crd({
  group: 'serving.knative.dev', version: 'v1beta1', kind: 'DomainMapping', plural: 'domainmappings', shortNames: ['dm'], categories: SERVING,
  labels: baseLabels(),
  description: 'DomainMapping maps a custom domain (its name) to an Addressable, such as a Knative Service.',
  columns: [{ name: 'URL', type: 'string', jsonPath: '.status.url' }, ...READY],
  specRequired: true,
  spec: obj(
    {
      ref: obj(
        {
          address: str('An optional address of the referent.'),
          apiVersion: str('API version of the referent.'),
          group: str('Group of the API, without the version.'),
          kind: str('Kind of the referent.', { minLength: 1 }),
          name: str('Name of the referent.', { minLength: 1 }),
          namespace: str('Namespace of the referent; must be the DomainMapping\'s own namespace.'),
        },
        { description: 'The Addressable the domain maps to.', required: ['kind', 'name'] },
      ),
      tls: obj({ secretName: str('The name of the Secret that holds the certificate.', { minLength: 1 }) }, { required: ['secretName'] }),
    },
    { description: 'DomainMappingSpec describes the DomainMapping the user wishes to exist.', required: ['ref'] },
  ),
  status: duckStatus({ address: addressable, url: str('The URL of this DomainMapping.') }, 'The observed state of the DomainMapping.'),
  metadata: {
    type: 'object',
    properties: {
      generateName: { type: 'string', 'x-kubernetes-validations': [rule("self == ''", 'must not set the field(s): metadata.generateName')] },
      name: {
        type: 'string',
        'x-kubernetes-validations': [
          rule(
            `size(self) <= 253 && self.matches('${FQDN}')`,
            'a lowercase RFC 1123 subdomain is required, and it should be a domain with at least two segments separated by dots',
          ),
          rule(
            "!(self == 'cluster.local' || self.endsWith('.cluster.local'))",
            "='invalid name \"%s\": must not be a subdomain of cluster local domain \"cluster.local\"'.format([self])",
          ),
        ],
      },
    },
  },
});

// ---------- networking.internal.knative.dev ----------
const netLabels = baseLabels({ 'app.kubernetes.io/component': 'networking' });
const NET = ['knative-internal', 'networking'];
const lbIngress = arr(
  obj({
    domain: str('Domain is set for load-balancer ingress points that are DNS based.'),
    domainInternal: str('DomainInternal is set if there is a cluster-local DNS name to access the Ingress.'),
    ip: str('IP is set for load-balancer ingress points that are IP based.'),
    meshOnly: bool('MeshOnly is set if the Ingress is only load-balanced through a Service mesh.'),
  }),
);
const lbStatus = (desc) => obj({ ingress: lbIngress }, { description: desc });
const split = obj(
  {
    appendHeaders: strmap('Headers added to requests sent to this split.'),
    percent: i32('Percent of the traffic for this split.', { minimum: 0, maximum: 100 }),
    serviceName: str('The name of the Kubernetes Service.'),
    serviceNamespace: str('The namespace of the Kubernetes Service.'),
    servicePort: ios('The port of the Kubernetes Service.'),
  },
  { required: ['serviceName', 'serviceNamespace', 'servicePort'] },
);
const ingress = crd({
  group: 'networking.internal.knative.dev', version: 'v1alpha1', kind: 'Ingress', plural: 'ingresses', shortNames: ['kingress', 'king'], categories: NET,
  labels: netLabels,
  description: 'Ingress ("KIngress") is a collection of rules that route external and cluster-local traffic to Kubernetes Services.',
  columns: READY,
  spec: obj(
    {
      httpOption: str('Whether plain HTTP is served (Enabled) or redirected to HTTPS (Redirected).', { enum: ['Enabled', 'Redirected'] }),
      rules: arr(
        obj({
          hosts: strs('Fully qualified domain names; empty means all.'),
          http: obj(
            {
              paths: arr(
                obj(
                  {
                    appendHeaders: strmap('Headers added to requests on this path.'),
                    headers: d({ type: 'object', additionalProperties: obj({ exact: str() }) }, 'Header matches (exact only).'),
                    path: str('A literal path prefix; empty means all paths.'),
                    rewriteHost: str('Rewrites the Host header of matching requests.'),
                    splits: arr(split, { description: 'Weighted backends of this path.' }),
                  },
                  { required: ['splits'] },
                ),
              ),
            },
            { required: ['paths'] },
          ),
          visibility: str('ExternalIP (default) or ClusterLocal.', { enum: ['ExternalIP', 'ClusterLocal'] }),
        }),
        { description: 'The rules of the Ingress.' },
      ),
      tls: arr(
        obj({ hosts: strs(), secretName: str(), secretNamespace: str() }),
        { description: 'TLS configuration.' },
      ),
    },
    { description: 'IngressSpec describes the Ingress the user wishes to exist.' },
  ),
  status: duckStatus(
    { privateLoadBalancer: lbStatus('The load balancer for cluster-local rules.'), publicLoadBalancer: lbStatus('The load balancer for external rules.') },
    'The observed state of the Ingress.',
  ),
});
const objectRef = obj({ apiVersion: str(), fieldPath: str(), kind: str(), name: str(), namespace: str(), resourceVersion: str(), uid: str() }, { mapType: 'atomic' });
const sks = crd({
  group: 'networking.internal.knative.dev', version: 'v1alpha1', kind: 'ServerlessService', plural: 'serverlessservices', shortNames: ['sks'], categories: NET,
  labels: netLabels,
  description: 'ServerlessService manages the public and private Kubernetes Services of a revision.',
  columns: [
    { name: 'Mode', type: 'string', jsonPath: '.spec.mode' },
    { name: 'Activators', type: 'integer', jsonPath: '.spec.numActivators' },
    { name: 'ServiceName', type: 'string', jsonPath: '.status.serviceName' },
    { name: 'PrivateServiceName', type: 'string', jsonPath: '.status.privateServiceName' },
    ...READY,
  ],
  spec: obj(
    {
      mode: str('Serve or Proxy.', { enum: ['Serve', 'Proxy'] }),
      numActivators: i32('How many activators back the revision in Proxy mode; 0 means all.', { minimum: 0 }),
      objectRef: d(objectRef, 'The object (a Deployment) whose pods the private Service selects.'),
      protocolType: str('http1 or h2c.'),
    },
    { description: 'ServerlessServiceSpec describes the ServerlessService.', required: ['objectRef', 'protocolType'] },
  ),
  status: duckStatus(
    { privateServiceName: str('The name of the private Kubernetes Service.'), serviceName: str('The name of the public Kubernetes Service.') },
    'The observed state of the ServerlessService.',
  ),
});
const cdc = crd({
  group: 'networking.internal.knative.dev', version: 'v1alpha1', kind: 'ClusterDomainClaim', plural: 'clusterdomainclaims', shortNames: ['cdc'], categories: NET, scope: 'Cluster',
  labels: netLabels,
  description: 'ClusterDomainClaim lets a namespace own a domain (the object\'s name) for DomainMappings.',
  specRequired: true,
  spec: obj({ namespace: str('The namespace that may use the domain.', { minLength: 1 }) }, { description: 'ClusterDomainClaimSpec.', required: ['namespace'] }),
  status: duckStatus({}, 'Unused; kept for symmetry with upstream.'),
});
const cert = crd({
  group: 'networking.internal.knative.dev', version: 'v1alpha1', kind: 'Certificate', plural: 'certificates', shortNames: ['kcert'], categories: NET,
  labels: netLabels,
  description: 'Certificate ("KCert") asks for a TLS certificate for a set of DNS names.',
  columns: READY,
  spec: obj(
    {
      dnsNames: strs('The DNS names the certificate covers; wildcards allowed.'),
      domain: str('The domain of the DNS names.'),
      secretName: str('The Secret the certificate is stored in.'),
    },
    { description: 'CertificateSpec.', required: ['dnsNames', 'secretName'] },
  ),
  status: duckStatus(
    {
      http01Challenges: arr(
        obj({ serviceName: str(), serviceNamespace: str(), servicePort: ios(), url: str() }),
        { description: 'HTTP01 challenges to route to the solver.' },
      ),
      notAfter: str('The expiry time of the certificate (RFC 3339).'),
    },
    'The observed state of the Certificate.',
  ),
});

// ---------- autoscaling.internal.knative.dev ----------
const AS = ['knative-internal', 'autoscaling'];
const pa = crd({
  group: 'autoscaling.internal.knative.dev', version: 'v1alpha1', kind: 'PodAutoscaler', plural: 'podautoscalers', shortNames: ['kpa', 'pa'], categories: AS,
  labels: baseLabels(),
  description: 'PodAutoscaler scales a revision\'s Deployment.',
  columns: [
    { name: 'DesiredScale', type: 'integer', jsonPath: '.status.desiredScale' },
    { name: 'ActualScale', type: 'integer', jsonPath: '.status.actualScale' },
    ...READY,
  ],
  spec: obj(
    {
      containerConcurrency: i64('Maximum in-flight requests per container; 0 means unlimited.', { minimum: 0 }),
      protocolType: str('http1 or h2c.'),
      reachability: str('Whether the scale target is routed to: "" (unknown), Reachable or Unreachable.', { enum: ['', 'Reachable', 'Unreachable'] }),
      scaleTargetRef: obj({ apiVersion: str(), kind: str(), name: str() }, { description: 'The /scale-able resource this PodAutoscaler sizes.', mapType: 'atomic' }),
    },
    { description: 'PodAutoscalerSpec.', required: ['protocolType', 'scaleTargetRef'] },
  ),
  status: duckStatus(
    {
      actualScale: i32('The actual number of replicas.'),
      desiredScale: i32('The desired number of replicas.'),
      metricsServiceName: str('The Kubernetes Service that provides the revision\'s metrics.'),
      serviceName: str('The Kubernetes Service that serves the revision.'),
    },
    'The observed state of the PodAutoscaler.',
  ),
});
const metric = crd({
  group: 'autoscaling.internal.knative.dev', version: 'v1alpha1', kind: 'Metric', plural: 'metrics', categories: AS,
  labels: baseLabels(),
  description: 'Metric configures the metric collection of a revision.',
  columns: READY,
  spec: obj(
    {
      panicWindow: i64('The panic aggregation window, in nanoseconds (a Go time.Duration).'),
      scrapeTarget: str('The Kubernetes Service that publishes the metrics; empty when not scraped.'),
      stableWindow: i64('The stable aggregation window, in nanoseconds (a Go time.Duration).'),
    },
    { description: 'MetricSpec.', required: ['panicWindow', 'scrapeTarget', 'stableWindow'] },
  ),
  status: duckStatus({}, 'The observed state of the Metric.'),
});

function write(file, header, docs) {
  const body = docs.map((doc) => YAML.stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n');
  writeFileSync(`${outDir}/${file}`, `${header.trim()}\n\n${body}`);
}
const OPEN_NOTE = (where) => `#
# x-kubernetes-preserve-unknown-fields (open structure) is used only at: ${where}.`;
write(
  '100-crd-serving.yaml',
  `# Knative Serving v1 CRDs: Service (ksvc), Configuration (config, cfg), Revision (rev), Route (rt).
# Same group, version, names, categories and printer columns as upstream knative/serving. There is no
# admission webhook in kn-ts: what upstream's webhook validates and can be expressed is in the OpenAPI
# schema and in CEL rules (x-kubernetes-validations, messages worded as upstream's); the rest (rules that
# depend on config maps, feature flags or other objects) is checked by the reconcilers.
#
# Open structure (x-kubernetes-preserve-unknown-fields) only where upstream's schema is open too:
# - spec.template.metadata: any ObjectMeta field (name, labels, annotations are typed);
# - in the revision pod spec, the feature-flagged fields. Those with a reasonable size are typed AND keep
#   unknown fields: initContainers[], securityContext, tolerations[], hostAliases[], dnsConfig,
#   volumes[].emptyDir/hostPath/image/persistentVolumeClaim, env[].valueFrom.fieldRef/resourceFieldRef;
#   fully open (no schema): affinity, topologySpreadConstraints[], volumes[].csi, volumes[].ephemeral.
# Everything else follows Knative's pod-spec field mask: fields upstream does not allow are not in the
# schema, so \`kubectl apply\` (strict field validation) rejects them.
#
# Bounds added for the CEL cost budget: at most 100 containers, init containers, ports per container,
# volume mounts per container and traffic targets.
#
# The pod-spec schema is the same in Service, Configuration and Revision: change all three together.`,
  [service, configuration, revision, route],
);
write(
  '101-crd-domainmapping.yaml',
  `# Knative Serving v1beta1 DomainMapping (dm): maps the domain in metadata.name to an Addressable.
# Validation (FQDN name, no generateName, not under cluster.local, ref kind and name required) is in
# the schema and CEL rules; the namespace of spec.ref and the ClusterDomainClaim are checked by the reconciler.
${OPEN_NOTE('nowhere')}`,
  [domainMapping],
);
write(
  '102-crd-networking.yaml',
  `# networking.internal.knative.dev/v1alpha1: Ingress (kingress, king), ServerlessService (sks),
# ClusterDomainClaim (cdc, cluster-scoped), Certificate (kcert). Internal objects written by the
# control plane; same names, categories and printer columns as upstream knative.dev/networking.
${OPEN_NOTE('nowhere')}`,
  [ingress, sks, cdc, cert],
);
write(
  '103-crd-autoscaling.yaml',
  `# autoscaling.internal.knative.dev/v1alpha1: PodAutoscaler (kpa, pa) and Metric. Internal objects
# written by the control plane; same names, categories and printer columns as upstream knative/serving.
# Metric windows are Go time.Duration values: integer nanoseconds.
${OPEN_NOTE('nowhere')}`,
  [pa, metric],
);

// ---------- eventing.knative.dev (Broker, Trigger, EventType) ----------
// Kept apart from the Serving section above. Rules that CEL cannot express (a CESQL expression
// that does not parse, nested filter dialects, the broker class annotation's immutability) are
// checked by the reconcilers and reported as a False condition.
const EVENTING = ['all', 'knative', 'eventing'];
const evLabels = (extra = {}) => ({
  'app.kubernetes.io/name': 'knative-eventing',
  'app.kubernetes.io/version': 'devel',
  'eventing.knative.dev/release': 'devel',
  'knative.dev/crd-install': 'true',
  ...extra,
});
const ISO_PERIOD = '^[-+]?P(\\\\d+([.,]\\\\d+)?Y)?(\\\\d+([.,]\\\\d+)?M)?(\\\\d+([.,]\\\\d+)?W)?(\\\\d+([.,]\\\\d+)?D)?(T(\\\\d+([.,]\\\\d+)?H)?(\\\\d+([.,]\\\\d+)?M)?(\\\\d+([.,]\\\\d+)?S)?)?$';
const isoRule = (what, nonNegative) => [
  rule(`self.matches('${ISO_PERIOD}') && self != 'P' && !self.endsWith('T')`, `='invalid value: %s: ${what}'.format([self])`),
  ...(nonNegative ? [rule("!self.startsWith('-')", `='invalid value: %s: ${what}'.format([self])`)] : []),
];
const ABS_URI = "self.matches('^[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]+')";
const kreference = (desc) =>
  obj(
    {
      address: str('Address points to a specific Address Name.', { maxLength: 253 }),
      apiVersion: str('API version of the referent.', { maxLength: 317 }),
      group: str('Group of the API, without the version of the group (feature kreference-group).', { maxLength: 253 }),
      kind: str('Kind of the referent.', { maxLength: 63 }),
      name: str('Name of the referent.', { maxLength: 253 }),
      namespace: str('Namespace of the referent; defaults to the namespace of the object.', { maxLength: 63 }),
    },
    { description: desc, required: ['kind', 'name'] },
  );
const destination = (desc) =>
  obj(
    {
      CACerts: str('PEM encoded CA certificates used to verify the destination.'),
      audience: str('OIDC audience of the destination.'),
      ref: kreference('Ref points to an Addressable.'),
      uri: str('URI is an absolute URL (alone) or a path relative to the resolved Ref.', { maxLength: 4096 }),
    },
    {
      description: desc,
      rules: [
        rule('has(self.ref) || has(self.uri)', 'expected at least one, got none: ref, uri'),
        rule(`!has(self.ref) || !has(self.uri) || !(${ABS_URI.replace(/self/g, 'self.uri')})`, 'Absolute URI is not allowed when Ref or [apiVersion, kind, name] is present: ref, uri'),
        rule(`has(self.ref) || !has(self.uri) || ${ABS_URI.replace(/self/g, 'self.uri')}`, 'URI is not absolute (both scheme and host should be non-empty): uri'),
      ],
    },
  );
const delivery = obj(
  {
    backoffDelay: str('The delay before retrying, an ISO 8601 duration (e.g. PT0.2S).', { maxLength: 64, 'x-kubernetes-validations': isoRule('backoffDelay') }),
    backoffPolicy: str('linear or exponential.', { 'x-kubernetes-validations': [rule("self in ['linear', 'exponential']", "='invalid value: %s: backoffPolicy'.format([self])")] }),
    deadLetterSink: destination('The sink receiving events that could not be delivered.'),
    format: str('Forces the content mode of deliveries: json (structured) or binary.', { enum: ['json', 'binary'] }),
    retry: i32('The minimum number of retries, in addition to the first attempt.', { 'x-kubernetes-validations': [rule('self >= 0', "='invalid value: %d: retry'.format([self])")] }),
    retryAfterMax: str('Cap on the Retry-After wait of 429/503 answers, an ISO 8601 duration (feature delivery-retryafter).', { maxLength: 64, 'x-kubernetes-validations': isoRule('retryAfterMax', true) }),
    timeout: str('Timeout of each attempt, an ISO 8601 duration (feature delivery-timeout).', {
      maxLength: 64,
      'x-kubernetes-validations': [...isoRule('timeout', true), rule("!self.matches('^[-+]?P(T)?([0.,]+[YMWDHS])*(T([0.,]+[HMS])*)?$')", "='invalid value: %s: timeout'.format([self])")],
    }),
  },
  { description: 'Delivery options.' },
);
const deliveryStatus = {
  deadLetterSinkAudience: str('OIDC audience of the dead letter sink.'),
  deadLetterSinkCACerts: str('CA certificates of the dead letter sink.'),
  deadLetterSinkUri: str('The resolved URI of the dead letter sink.'),
};
const policies = arr(obj({ apiVersion: str(), name: str() }, { required: ['apiVersion', 'name'] }), { description: 'The EventPolicies applied.' });
const broker = crd({
  group: 'eventing.knative.dev', version: 'v1', kind: 'Broker', plural: 'brokers', categories: EVENTING,
  labels: evLabels({ 'duck.knative.dev/addressable': 'true' }),
  description: 'Broker collects a pool of events that are consumable using Triggers. Brokers provide a well-known endpoint for event delivery that senders can use with minimal knowledge of the event routing strategy.',
  columns: [{ name: 'URL', type: 'string', jsonPath: '.status.address.url' }, { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }, ...READY],
  spec: obj(
    { config: kreference('Config is a KReference to the configuration of the broker class (a ConfigMap).'), delivery },
    {
      description: 'BrokerSpec.',
      // Immutable once set; setting it where it was missing is the controller filling in upstream's default.
      rules: [rule('!has(oldSelf.config) || (has(self.config) && self.config == oldSelf.config)', 'Immutable fields changed (-old +new): spec.config')],
    },
  ),
  status: duckStatus(
    { address: addressable, addresses: arr(addressable, { description: 'Addresses of the broker (transport-encryption).' }), policies, ...deliveryStatus },
    'The observed state of the Broker.',
  ),
});
const ATTR_KEYS = rule("self.all(k, k.matches('^[a-z][a-z0-9]*$'))", 'Attribute name must start with a letter and can only contain lowercase alphanumeric');
// CEL's cost budget allows the key rule on the one attributes map only (bounded); the keys of the
// filters[] dialects are checked by the reconciler (SubscriptionReady False) and by kn.
const attributesMap = (desc) => d({ type: 'object', maxProperties: 64, additionalProperties: { type: 'string' }, 'x-kubernetes-validations': [ATTR_KEYS] }, desc);
const dialectMap = (desc) => d({ type: 'object', maxProperties: 64, additionalProperties: { type: 'string' } }, desc);
// Nested all/any/not are open, as upstream's schema; their contents are checked by the reconciler.
const nestedFilters = (desc) => d({ type: 'array', items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } }, desc);
const DIALECTS = ['all', 'any', 'not', 'exact', 'prefix', 'suffix', 'cesql'];
const filterItem = obj(
  {
    all: nestedFilters('All evaluates to true if all its nested filters evaluate to true.'),
    any: nestedFilters('Any evaluates to true if at least one of its nested filters evaluates to true.'),
    cesql: str('CESQL is a CloudEvents SQL v1 expression that must evaluate to true.'),
    exact: dialectMap('Exact: every attribute equals the value.'),
    not: d({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, 'Not evaluates to true if its nested filter evaluates to false.'),
    prefix: dialectMap('Prefix: every attribute starts with the value.'),
    suffix: dialectMap('Suffix: every attribute ends with the value.'),
  },
  { rules: [rule(`[${DIALECTS.map((x) => `has(self.${x})`).join(', ')}].filter(x, x).size() <= 1`, 'multiple dialects found, filters can have only one dialect set')] },
);
const trigger = crd({
  group: 'eventing.knative.dev', version: 'v1', kind: 'Trigger', plural: 'triggers', categories: EVENTING,
  labels: evLabels(),
  description: 'Trigger represents a request to have events delivered to a subscriber from a Broker\'s event pool.',
  columns: [
    { name: 'Broker', type: 'string', jsonPath: '.spec.broker' },
    { name: 'Subscriber_URI', type: 'string', jsonPath: '.status.subscriberUri' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    ...READY,
  ],
  specRequired: true,
  spec: obj(
    {
      broker: str('Broker is the broker that this trigger receives events from.'),
      brokerRef: kreference('BrokerRef names the broker (feature cross-namespace-event-links for another namespace).'),
      delivery: d(delivery, 'Delivery options; when set they fully override the Broker\'s.'),
      filter: obj({ attributes: attributesMap('Exact match on context attributes and extensions; "" matches any value.') }, { description: 'Filter is the filter to apply against all events from the Broker.' }),
      filters: arr(filterItem, { description: 'Filters in the CloudEvents Subscriptions API dialects; a non-empty list overrides filter. At most 64 (a bound for CEL\'s cost budget).', maxItems: 64 }),
      subscriber: destination('Subscriber is the addressable that receives events from the Broker that pass the Filter.'),
    },
    {
      description: 'TriggerSpec.',
      required: ['subscriber'],
      rules: [
        rule("(has(self.broker) && self.broker != '') || has(self.brokerRef)", 'missing field(s): broker'),
        rule("!(has(self.broker) && self.broker != '' && has(self.brokerRef))", 'expected exactly one, got both: broker, brokerRef'),
        rule("!has(self.brokerRef) || !has(self.brokerRef.namespace) || self.brokerRef.namespace == ''", 'disallowed field: brokerRef.namespace (feature cross-namespace-event-links is disabled)'),
        rule("(has(self.broker) ? self.broker : '') == (has(oldSelf.broker) ? oldSelf.broker : '')", 'Immutable fields changed (-old +new): spec.broker'),
      ],
    },
  ),
  status: duckStatus(
    {
      auth: obj({ serviceAccountName: str(), serviceAccountNames: strs() }, { description: 'The OIDC identity of the Trigger.' }),
      subscriberAudience: str('OIDC audience of the subscriber.'),
      subscriberCACerts: str('CA certificates of the subscriber.'),
      subscriberUri: str('The resolved URI of the subscriber.'),
      ...deliveryStatus,
    },
    'The observed state of the Trigger.',
  ),
});
// EventType: v1beta3, v1beta2 (storage) and v1beta1 are served as upstream. kn-ts has no conversion
// webhook, so every version carries the union of the fields (v1beta1/2: type, source, schema,
// schemaData, broker; v1beta3: attributes) and nothing is pruned whichever version reads it.
const eventTypeBase = crd({
  group: 'eventing.knative.dev', version: 'v1beta2', kind: 'EventType', plural: 'eventtypes', categories: EVENTING,
  labels: evLabels(),
  description: 'EventType represents a type of event that can be consumed from a Broker or another addressable.',
  spec: obj(
    {
      attributes: arr(obj({ name: str(), required: bool(), value: str() }, { required: ['name'] }), { description: 'CloudEvent attributes of the type (v1beta3).' }),
      broker: str('Deprecated: use reference.'),
      description: str('Description is an optional field used to describe the EventType, in any meaningful way.'),
      reference: kreference('Reference is a KReference to the belonging addressable.'),
      schema: str('Schema is a URI, it represents the CloudEvents schemaurl extension attribute.'),
      schemaData: str('SchemaData allows the CloudEvents schema to be stored directly in the EventType.'),
      source: str('Source is a URI, it represents the CloudEvents source.'),
      type: str('Type represents the CloudEvents type. It is authoritative.'),
    },
    { description: 'EventTypeSpec.', rules: [rule('self == oldSelf', 'Immutable fields changed (-old +new): spec')] },
  ),
  status: duckStatus({}, 'The observed state of the EventType.'),
});
const etV2Columns = [
  { name: 'Type', type: 'string', jsonPath: '.spec.type' },
  { name: 'Source', type: 'string', jsonPath: '.spec.source' },
  { name: 'Schema', type: 'string', jsonPath: '.spec.schema' },
  { name: 'Reference Name', type: 'string', jsonPath: '.spec.reference.name' },
  { name: 'Reference Kind', type: 'string', jsonPath: '.spec.reference.kind' },
  { name: 'Description', type: 'string', jsonPath: '.spec.description' },
  ...READY,
];
const etV3Columns = [
  { name: 'Type', type: 'string', jsonPath: ".spec.attributes[?(@.name=='type')].value" },
  { name: 'Source', type: 'string', jsonPath: ".spec.attributes[?(@.name=='source')].value" },
  { name: 'Reference Name', type: 'string', jsonPath: '.spec.reference.name' },
  { name: 'Reference Kind', type: 'string', jsonPath: '.spec.reference.kind' },
  { name: 'Description', type: 'string', jsonPath: '.spec.description' },
  ...READY,
];
const etSchema = eventTypeBase.spec.versions[0].schema;
eventTypeBase.spec.versions = [
  { name: 'v1beta3', served: true, storage: false, subresources: { status: {} }, additionalPrinterColumns: etV3Columns, schema: clean(etSchema) },
  { name: 'v1beta2', served: true, storage: true, subresources: { status: {} }, additionalPrinterColumns: etV2Columns, schema: clean(etSchema) },
  { name: 'v1beta1', served: true, storage: false, subresources: { status: {} }, additionalPrinterColumns: etV2Columns, schema: clean(etSchema) },
];
write(
  '110-crd-eventing.yaml',
  `# Knative Eventing CRDs: eventing.knative.dev/v1 Broker and Trigger, EventType (v1beta3, v1beta2 =
# storage, v1beta1). Same group, versions, names, categories and printer columns as upstream
# knative/eventing. No admission webhook: what upstream's webhook validates and CEL can express is in
# CEL rules (messages worded as upstream's); the rest is checked by the reconcilers (False condition):
# CESQL syntax, the dialects of nested filters, attribute names in filters[] dialects, the broker
# class annotation's immutability.
#
# Open structure (x-kubernetes-preserve-unknown-fields) only at: trigger spec.filters[].all[],
# .any[] and .not (recursive, open in upstream's schema too).`,
  [broker, trigger, eventTypeBase],
);
// ---------- messaging.knative.dev (Channel, InMemoryChannel, Subscription), flows.knative.dev (Sequence, Parallel) ----------
// Kept apart from the sections above. What CEL cannot check: users setting a Channel's
// spec.subscribers (only the Subscription reconciler may; CEL cannot tell who writes), the
// eventing.knative.dev/scope annotation (CEL sees no annotations). A missing channelTemplate is
// filled in from default-ch-webhook by the reconcilers (the defaulting webhook's job upstream).
const MESSAGING = ['all', 'knative', 'messaging'];
const FLOWS = ['all', 'knative', 'flows'];
const URL_COLUMNS = [{ name: 'URL', type: 'string', jsonPath: '.status.address.url' }, { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }, ...READY];
const channelTemplate = obj(
  {
    apiVersion: str('APIVersion of the channel kind to create.'),
    kind: str('Kind of the channel to create (e.g. InMemoryChannel).'),
    spec: d({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, 'Spec of the channel to create (open: it depends on the channel kind).'),
  },
  { description: 'ChannelTemplate specifies which Channel CRD to use; defaulted from ConfigMap default-ch-webhook.' },
);
// Written by the Subscription reconciler from an already validated Subscription: the same fields
// without CEL (a thousand entries of regex rules would exceed the cost budget).
const plain = (schema) => {
  const out = {};
  for (const [k, v] of Object.entries(schema)) if (k !== 'x-kubernetes-validations') out[k] = v && typeof v === 'object' && !Array.isArray(v) ? plain(v) : v;
  return out;
};
const subscriberSpec = obj(
  {
    delivery: d(plain(delivery), 'The resolved delivery of the Subscription.'),
    generation: i64('Generation of the Subscription.'),
    name: str('Name of the Subscription.'),
    replyAudience: str(),
    replyCACerts: str(),
    replyUri: str('The resolved reply URI.'),
    subscriberAudience: str(),
    subscriberCACerts: str(),
    subscriberUri: str('The resolved subscriber URI.'),
    uid: str('UID of the Subscription.'),
    auth: obj({ serviceAccountName: str(), serviceAccountNames: strs() }),
  },
  { rules: [rule('has(self.subscriberUri) || has(self.replyUri)', 'expected at least one of, got none: replyURI, subscriberURI')] },
);
const subscribers = arr(subscriberSpec, { description: 'The Subscriptions of the channel, written by the Subscription reconciler. At most 1000 (a bound for CEL\'s cost budget).', maxItems: 1000 });
const subscriberStatus = arr(
  obj({ message: str(), observedGeneration: i64(), ready: str('True, False or Unknown.'), uid: str(), auth: obj({ serviceAccountName: str(), serviceAccountNames: strs() }) }),
  { description: 'The status of each subscriber.' },
);
const channelableStatus = (extra, desc) =>
  duckStatus({ address: addressable, addresses: arr(addressable, { description: 'Addresses of the channel (transport-encryption).' }), policies, subscribers: subscriberStatus, ...deliveryStatus, ...extra }, desc);
const channelLabels = evLabels({ 'messaging.knative.dev/subscribable': 'true', 'duck.knative.dev/addressable': 'true' });
const channelCrd = crd({
  group: 'messaging.knative.dev', version: 'v1', kind: 'Channel', plural: 'channels', shortNames: ['ch'], categories: [...MESSAGING, 'channel'],
  labels: channelLabels,
  description: 'Channel represents a generic Channel. It is normally used when we want a Channel, but do not care about the underlying implementation.',
  columns: URL_COLUMNS,
  spec: obj(
    { channelTemplate, delivery: d(delivery, 'Delivery options of the channel, for every subscriber without its own.'), subscribers },
    {
      description: 'ChannelSpec.',
      rules: [rule('!has(oldSelf.channelTemplate) || (has(self.channelTemplate) && self.channelTemplate == oldSelf.channelTemplate)', 'Immutable fields changed (-old +new): spec.channelTemplate')],
    },
  ),
  status: channelableStatus({ channel: kreference('The backing channel.') }, 'The observed state of the Channel.'),
});
const imcCrd = crd({
  group: 'messaging.knative.dev', version: 'v1', kind: 'InMemoryChannel', plural: 'inmemorychannels', shortNames: ['imc'], categories: [...MESSAGING, 'channel'],
  labels: channelLabels,
  description: 'InMemoryChannel is a resource representing an in memory channel.',
  columns: URL_COLUMNS,
  spec: obj({ delivery: d(delivery, 'Delivery options of the channel, for every subscriber without its own.'), subscribers }, { description: 'InMemoryChannelSpec.' }),
  status: channelableStatus({}, 'The observed state of the InMemoryChannel.'),
});
const channelRefSchema = obj(
  {
    apiVersion: str('API version of the channel.', { maxLength: 317 }),
    kind: str('Kind of the channel.', { maxLength: 63 }),
    name: str('Name of the channel.', { maxLength: 253 }),
    namespace: str('Namespace of the channel (feature cross-namespace-event-links).', { maxLength: 63 }),
    group: str(undefined, { maxLength: 253 }),
    address: str(undefined, { maxLength: 253 }),
  },
  { description: 'Reference to a channel that will be used to create the subscription.', required: ['kind', 'name'] },
);
const subscriptionCrd = crd({
  group: 'messaging.knative.dev', version: 'v1', kind: 'Subscription', plural: 'subscriptions', shortNames: ['sub'], categories: MESSAGING,
  labels: evLabels(),
  description: 'Subscription routes events received on a Channel to a DNS name and corresponds to the subscriptions.channels.knative.dev CRD.',
  columns: [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }, ...READY],
  specRequired: true,
  spec: obj(
    {
      channel: channelRefSchema,
      delivery: d(delivery, 'Delivery configuration; without it the channel\'s applies.'),
      reply: destination('Reply is where the events returned by the subscriber go.'),
      subscriber: destination('Subscriber is the addressable that receives the events of the channel.'),
    },
    {
      description: 'SubscriptionSpec.',
      rules: [
        rule('has(self.channel)', 'missing field(s): spec.channel'),
        rule('has(self.subscriber)', 'missing field(s): spec.subscriber'),
        rule('!has(oldSelf.channel) || (has(self.channel) && self.channel == oldSelf.channel)', 'Immutable fields changed (-old +new): spec'),
      ],
    },
  ),
  status: duckStatus(
    {
      auth: obj({ serviceAccountName: str(), serviceAccountNames: strs() }, { description: 'The OIDC identity of the Subscription.' }),
      physicalSubscription: obj(
        {
          deadLetterSinkAudience: str(), deadLetterSinkCACerts: str(), deadLetterSinkUri: str('The resolved dead letter sink.'),
          replyAudience: str(), replyCACerts: str(), replyUri: str('The resolved reply.'),
          subscriberAudience: str(), subscriberCACerts: str(), subscriberUri: str('The resolved subscriber.'),
        },
        { description: 'The fully resolved values of the Subscription.' },
      ),
    },
    'The observed state of the Subscription.',
  ),
});
const flowObjectRef = obj({ apiVersion: str(), fieldPath: str(), kind: str(), name: str(), namespace: str(), resourceVersion: str(), uid: str() });
const readyCond = d(condition, 'The Ready condition of the child.');
const flowChannelStatus = obj({ channel: flowObjectRef, ready: readyCond }, { required: ['channel', 'ready'] });
const flowSubscriptionStatus = obj({ subscription: flowObjectRef, ready: readyCond }, { required: ['subscription', 'ready'] });
const flowStatus = (extra, desc) => duckStatus({ address: addressable, auth: obj({ serviceAccountName: str(), serviceAccountNames: strs() }), policies, ...extra }, desc);
const stepSchema = (() => {
  const dst = destination('A step: the Destination the events of this step go to, and its delivery options.');
  return { ...dst, properties: { ...dst.properties, delivery: d(delivery, 'Delivery options of this step.') } };
})();
const sequenceCrd = crd({
  group: 'flows.knative.dev', version: 'v1', kind: 'Sequence', plural: 'sequences', categories: FLOWS,
  labels: evLabels({ 'duck.knative.dev/addressable': 'true' }),
  description: 'Sequence defines a sequence of Subscribers that will be wired in series through Channels and Subscriptions.',
  columns: URL_COLUMNS,
  spec: obj(
    {
      channelTemplate,
      reply: destination('Reply is where the results of the last step go.'),
      steps: arr(stepSchema, { description: 'Steps is the list of Destinations (processors / functions) that will be called in order. At most 100 (a bound for CEL\'s cost budget).', maxItems: 100 }),
    },
    {
      description: 'SequenceSpec.',
      rules: [rule('has(self.steps) && size(self.steps) > 0', 'missing field(s): spec.steps')],
    },
  ),
  status: flowStatus(
    {
      channelStatuses: arr(flowChannelStatus, { description: 'The status of each channel, in step order.' }),
      subscriptionStatuses: arr(flowSubscriptionStatus, { description: 'The status of each subscription, in step order.' }),
    },
    'The observed state of the Sequence.',
  ),
});
const branchSchema = obj(
  {
    delivery: d(delivery, 'Delivery options of the subscriber of this branch.'),
    filter: destination('Filter is the expression guarding the branch.'),
    reply: destination('Reply is where the results of the subscriber of this branch go (default: spec.reply).'),
    subscriber: destination('Subscriber receives the events that pass the filter.'),
  },
  { required: ['subscriber'] },
);
const parallelCrd = crd({
  group: 'flows.knative.dev', version: 'v1', kind: 'Parallel', plural: 'parallels', categories: FLOWS,
  labels: evLabels({ 'duck.knative.dev/addressable': 'true' }),
  description: 'Parallel defines conditional branches that will be wired in series through Channels and Subscriptions.',
  columns: URL_COLUMNS,
  spec: obj(
    {
      branches: arr(branchSchema, { description: 'Branches is the list of Filter/Subscribers pairs. At most 100 (a bound for CEL\'s cost budget).', maxItems: 100 }),
      channelTemplate,
      reply: destination('Reply is where the results of every branch without its own reply go.'),
    },
    { description: 'ParallelSpec.', rules: [rule('has(self.branches) && size(self.branches) > 0', 'missing field(s): spec.branches')] },
  ),
  status: flowStatus(
    {
      branchStatuses: arr(
        obj({ filterChannelStatus: flowChannelStatus, filterSubscriptionStatus: flowSubscriptionStatus, subscriberSubscriptionStatus: flowSubscriptionStatus }),
        { description: 'The status of each branch.' },
      ),
      ingressChannelStatus: flowChannelStatus,
    },
    'The observed state of the Parallel.',
  ),
});
write(
  '111-crd-messaging.yaml',
  `# Knative messaging.knative.dev/v1 Channel (ch), InMemoryChannel (imc), Subscription (sub) and
# flows.knative.dev/v1 Sequence and Parallel. Same group, version, names, short names, categories,
# labels and printer columns as upstream knative/eventing. No admission webhook: what upstream's
# webhook validates and CEL can express is in CEL rules; the channel template default
# (default-ch-webhook) is filled in by the reconcilers. Users may write a Channel's spec.subscribers
# (upstream's webhook refuses it; CEL cannot tell the writer) and the eventing.knative.dev/scope
# annotation is not checked.
#
# Open structure (x-kubernetes-preserve-unknown-fields) only at: spec.channelTemplate.spec (open
# upstream too: it depends on the channel kind).`,
  [channelCrd, imcCrd, subscriptionCrd, sequenceCrd, parallelCrd],
);

// ---------- sources.knative.dev (PingSource, ApiServerSource, ContainerSource, SinkBinding) ----------
// Labelled as upstream's duck sources (duck.knative.dev/source, eventing.knative.dev/source) with the
// registry annotation, so `kn source list` and upstream tools discover them. What upstream's webhook
// validates and CEL can express is here; the cron grammar's bounds, the timezone name, base64 and JSON
// data and the subject's namespace are checked by the reconcilers (a False condition) and by kn.
const SOURCES = ['all', 'knative', 'sources'];
const srcLabels = (extra = {}) => evLabels({ 'eventing.knative.dev/source': 'true', 'duck.knative.dev/source': 'true', ...extra });
const sourceColumns = (extra = []) => [
  { name: 'Sink', type: 'string', jsonPath: '.status.sinkUri' },
  ...extra,
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ...READY,
];
const ceOverrides = obj(
  { extensions: d({ type: 'object', maxProperties: 64, additionalProperties: { type: 'string' }, 'x-kubernetes-validations': [rule("self.all(k, k.matches('^[a-zA-Z0-9]+$'))", 'keys MUST be non-empty and alphanumeric: extensions')] }, 'Extensions specify what attribute are added or overridden on the outbound event.') },
  { description: 'CloudEventOverrides defines overrides to control the output format and modifications of the event sent to the sink.' },
);
const sourceStatus = (extra, desc) =>
  duckStatus(
    {
      auth: obj({ serviceAccountName: str(), serviceAccountNames: strs() }, { description: 'The OIDC identity of the source.' }),
      ceAttributes: arr(obj({ source: str(), type: str() }), { description: 'CloudEvent attributes the source emits.' }),
      sinkAudience: str('OIDC audience of the sink.'),
      sinkCACerts: str('CA certificates of the sink.'),
      sinkUri: str('The resolved URI of the sink.'),
      ...extra,
    },
    desc,
  );
const sink = destination('Sink is a reference to an object that will resolve to a uri to use as the sink.');
const labelSelector = obj(
  {
    matchExpressions: arr(obj({ key: str(), operator: str('', { enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'] }), values: strs() }, { required: ['key', 'operator'] })),
    matchLabels: strmap('matchLabels is a map of {key,value} pairs.'),
  },
  { description: 'A label selector.' },
);
const withRegistry = (c, types) => {
  c.metadata.annotations = { 'registry.knative.dev/eventTypes': `[\n${types.map((t) => `  { "type": "${t}" }`).join(',\n')}\n]\n` };
  return c;
};
// Five cron fields or a descriptor, optionally after CRON_TZ=<zone> (robfig/cron's ParseStandard).
const SCHEDULE = "^\\\\s*((CRON_)?TZ=\\\\S+\\\\s+)?(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|\\\\S+(\\\\s+\\\\S+){4})\\\\s*$";
const pingSource = withRegistry(
  crd({
    group: 'sources.knative.dev', version: 'v1', kind: 'PingSource', plural: 'pingsources', categories: SOURCES,
    labels: srcLabels(),
    description: 'PingSource sends events with a fixed payload on a specified cron schedule.',
    columns: sourceColumns([{ name: 'Schedule', type: 'string', jsonPath: '.spec.schedule' }]),
    specRequired: true,
    spec: obj(
      {
        ceOverrides,
        contentType: str('ContentType is the media type of Data or DataBase64. Default is empty.'),
        data: str('Data is data used as the body of the event posted to the sink. Default is empty. Mutually exclusive with DataBase64.'),
        dataBase64: str('DataBase64 is the base64-encoded string of the actual event\'s body posted to the sink. Default is empty. Mutually exclusive with Data.'),
        schedule: str('Schedule is the cron schedule. Defaults to `* * * * *`.', {
          maxLength: 256,
          'x-kubernetes-validations': [
            rule("!self.contains('@every')", 'invalid value: unsupported descriptor @every: schedule'),
            rule(`self.matches('${SCHEDULE}')`, "='invalid value: expected exactly 5 fields: %s: schedule'.format([self])"),
          ],
        }),
        sink,
        timezone: str('Timezone modifies the actual time relative to the specified timezone. Defaults to the system time zone.', { maxLength: 64, 'x-kubernetes-validations': [rule("self.matches('^[A-Za-z0-9_+\\\\-]+(/[A-Za-z0-9_+\\\\-]+)*$')", "='invalid value: provided bad location %s: timezone'.format([self])")] }),
      },
      {
        description: 'PingSourceSpec defines the desired state of the PingSource.',
        required: ['sink'],
        rules: [rule("!(has(self.data) && self.data != '' && has(self.dataBase64) && self.dataBase64 != '')", 'expected exactly one, got both: data, dataBase64')],
      },
    ),
    status: sourceStatus({}, 'PingSourceStatus defines the observed state of PingSource.'),
  }),
  ['dev.knative.sources.ping'],
);
const apiServerSource = withRegistry(
  crd({
    group: 'sources.knative.dev', version: 'v1', kind: 'ApiServerSource', plural: 'apiserversources', categories: SOURCES,
    labels: srcLabels(),
    description: 'ApiServerSource is an event source that brings Kubernetes API server events into Knative.',
    columns: sourceColumns(),
    specRequired: true,
    spec: obj(
      {
        ceOverrides,
        filters: d({ type: 'array', items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } }, 'Filters in the CloudEvents Subscriptions API dialects (feature new-apiserversource-filters).'),
        mode: str('Mode is the mode the receive adapter controller runs under: Ref or Resource. `Ref` sends only the reference to the resource. `Resource` send the full resource.', {
          'x-kubernetes-validations': [rule("self in ['Reference', 'Resource']", "='invalid value: %s: mode'.format([self])")],
        }),
        namespaceSelector: d(labelSelector, 'NamespaceSelector is a label selector to capture the namespaces that should be watched by the source.'),
        owner: obj({ apiVersion: str('APIVersion - the API version of the resource to watch.'), kind: str('Kind of the resource to watch.') }, { description: 'ResourceOwner is an additional filter to only track resources that are owned by a specific resource type.' }),
        resources: arr(
          obj(
            { apiVersion: str('APIVersion - the API version of the resource to watch.', { minLength: 1 }), kind: str('Kind of the resource to watch.', { minLength: 1 }), selector: d(labelSelector, 'LabelSelector filters this source to objects to those resources pass the label selector.') },
            { required: ['apiVersion', 'kind'] },
          ),
          { description: 'Resource are the resources this source will track and send related lifecycle events from the Kubernetes ApiServer, with an optional label selector to help filter.', minItems: 1, maxItems: 64 },
        ),
        serviceAccountName: str('ServiceAccountName is the name of the ServiceAccount to use to run this source. Defaults to default if not set.'),
        sink,
      },
      { description: 'ApiServerSourceSpec defines the desired state of ApiServerSource.', required: ['resources', 'sink'] },
    ),
    status: sourceStatus({ namespaces: strs('Namespaces show the namespaces currently watched by the ApiServerSource.') }, 'ApiServerSourceStatus defines the observed state of ApiServerSource.'),
  }),
  ['dev.knative.apiserver.resource.add', 'dev.knative.apiserver.resource.delete', 'dev.knative.apiserver.resource.update', 'dev.knative.apiserver.ref.add', 'dev.knative.apiserver.ref.delete', 'dev.knative.apiserver.ref.update'],
);
const containerSource = crd({
  group: 'sources.knative.dev', version: 'v1', kind: 'ContainerSource', plural: 'containersources', categories: SOURCES,
  labels: srcLabels(),
  description: 'ContainerSource is an event source that starts a container image which generates events under certain situations and sends messages to a sink URI.',
  columns: sourceColumns(),
  specRequired: true,
  spec: obj(
    {
      ceOverrides,
      sink,
      template: d(
        {
          type: 'object',
          'x-kubernetes-preserve-unknown-fields': true,
          properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { containers: { type: 'array', minItems: 1, items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }, required: ['containers'] } },
          required: ['spec'],
        },
        'Template describes the pods that will be created.',
      ),
    },
    { description: 'ContainerSourceSpec defines the desired state of ContainerSource.', required: ['template', 'sink'] },
  ),
  status: sourceStatus({}, 'ContainerSourceStatus defines the observed state of ContainerSource.'),
});
const sinkBinding = crd({
  group: 'sources.knative.dev', version: 'v1', kind: 'SinkBinding', plural: 'sinkbindings', categories: SOURCES,
  labels: srcLabels({ 'duck.knative.dev/binding': 'true' }),
  description: 'SinkBinding describes a Binding that is also a Source. The `sink` (from the Source duck) is resolved to a URL and then projected into the `subject` by augmenting the runtime contract of the referenced containers to have a `K_SINK` environment variable holding the endpoint to which to send cloud events.',
  columns: sourceColumns(),
  specRequired: true,
  spec: obj(
    {
      ceOverrides,
      sink,
      subject: obj(
        {
          apiVersion: str('API version of the referent.', { minLength: 1 }),
          kind: str('Kind of the referent.', { minLength: 1 }),
          name: str('Name of the referent. Mutually exclusive with Selector.'),
          namespace: str('Namespace of the referent; defaults to the namespace of the SinkBinding.'),
          selector: d(labelSelector, 'Selector of the referents. Mutually exclusive with Name.'),
        },
        {
          description: 'Subject references the resource(s) whose "runtime contract" should be augmented by Binding implementations.',
          required: ['apiVersion', 'kind'],
          rules: [
            rule("(has(self.name) && self.name != '') != has(self.selector)", 'expected exactly one, got neither or both: subject.name, subject.selector'),
          ],
        },
      ),
    },
    { description: 'SinkBindingSpec holds the desired state of the SinkBinding (from the client).', required: ['subject', 'sink'] },
  ),
  status: sourceStatus({}, 'SinkBindingStatus communicates the observed state of the SinkBinding (from the controller).'),
});
write(
  '112-crd-sources.yaml',
  `# Knative Eventing sources.knative.dev/v1: PingSource, ApiServerSource, ContainerSource, SinkBinding.
# Same group, version, names, categories, labels (duck.knative.dev/source, eventing.knative.dev/source,
# duck.knative.dev/binding on SinkBinding), registry annotations and printer columns as upstream
# knative/eventing, so \`kn source list\` finds them. No admission webhook: what CEL can express of
# upstream's validation is here (five-field schedules, data xor dataBase64, mode, extension names,
# subject name xor selector); the rest is checked by the reconcilers (a False condition).
#
# Open structure (x-kubernetes-preserve-unknown-fields) only where upstream's schema is open too:
# ContainerSource spec.template (a PodTemplateSpec) and ApiServerSource spec.filters[].`,
  [pingSource, apiServerSource, containerSource, sinkBinding],
);
console.log('ok');
