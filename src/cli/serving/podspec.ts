// Pure builder: the configuration-edit flags of `kn service create|update|apply` applied to a
// Service, with upstream kn's effects (ConfigurationEditFlags.Apply + PodSpecFlags.ResolvePodSpec).
// Returns a new object; the input is not touched. No I/O: the command reads --env-file and
// --containers and passes their contents in ctx.
import { createHash } from 'node:crypto';
import type { V1Container, V1EnvFromSource, V1EnvVar, V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import type { Revision, Service } from '../../api/serving/types.ts';
import { REVISION_FLAGS, type ConfigurationEditFlagValues } from './podspec-flags.ts';
import { checkKubernetesRules } from './podspec-rules.ts';
import {
  fail,
  lookupProfile,
  mapFromArray,
  minusSuffix,
  mountReadOnlyOption,
  orderedPairs,
  parseEnvFile,
  parseEnvFrom,
  parseEnvValueSource,
  parseMountValue,
  parseNodeAffinity,
  parseProbeHandler,
  parseProbeOptions,
  parsePullPolicy,
  parseResources,
  parseScale,
  parseSecurityContext,
  parseToleration,
  parsePort,
  parseVolumeSource,
  renderRevisionName,
  splitSlice,
  wrap,
  type Profile,
  type VolumeSourceInfo,
} from './flag-values.ts';
import { ANN, annotationMaps, checkAutoscalingAnnotations, validateConfigurationFlags } from './validate.ts';

export const USER_IMAGE_ANNOTATION = 'client.knative.dev/user-image';
export const UPDATE_TIMESTAMP_ANNOTATION = 'client.knative.dev/updateTimestamp';
export const VISIBILITY_LABEL = 'networking.knative.dev/visibility';

export interface ApplyContext {
  /** true for `service create` (and apply), false for update. */
  isCreate: boolean;
  /** 'apply' skips the update timestamp (keeps apply idempotent) and always pins to the digest. */
  command?: 'create' | 'update' | 'apply';
  /** Clock for client.knative.dev/updateTimestamp. */
  now?: Date;
  /** n random consonants for {{.Random n}}. */
  random?: (n: number) => string;
  /** Contents of the --env-file file. */
  envFileContents?: string;
  /** The decoded --containers file: a PodSpec-like object with `containers`. */
  containersSpec?: unknown;
  /**
   * oclif's raw tokens (`this.parse()` → raw), used to keep --env / --env-value-from /
   * --env-file in command-line order as upstream does. Without them: env, env-value-from, env-file.
   */
  raw?: readonly { type: string; flag?: string; input: string }[];
  /** The revision the update is based on (for --lock-to-digest). */
  baseRevision?: Revision;
  /** Profiles from the kn config file. */
  profiles?: Record<string, Profile>;
  /** Where the Service came from when not from flags alone (the -f file), for error messages. */
  source?: string;
}

/** What `kn service create NAME` starts from before the flags are applied (upstream constructService). */
export function newServiceSkeleton(name: string, namespace: string): Service {
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: { name, namespace },
    spec: {
      template: {
        // A placeholder, replaced or deleted as the flags are applied.
        metadata: { annotations: { [USER_IMAGE_ANNOTATION]: '' } },
        spec: { containers: [{} as V1Container] },
      },
    },
  };
}

/** Whether any flag that makes a new revision was given (upstream AnyMutation). */
export function anyMutation(flags: ConfigurationEditFlagValues): boolean {
  return REVISION_FLAGS.some((k) => flags[k] !== undefined);
}

const CONSONANTS = 'bcdfghjklmnpqrstvwxyz';
function defaultRandom(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += CONSONANTS[Math.floor(Math.random() * CONSONANTS.length)];
  return s;
}

/** util.GenerateVolumeName: the path sanitised, plus 8 hex digits of its SHA-1. */
export function generateVolumeName(path: string): string {
  let b = '';
  let first = true;
  for (const r of path) {
    if (/[\p{Ll}\p{Nd}-]/u.test(r)) b += r;
    else if (/\p{Lu}/u.test(r)) b += r.toLowerCase();
    else if (r === '/') {
      if (!first) b += '-';
    } else b += '-';
    first = false;
  }
  let name = `${b}-${createHash('sha1').update(path).digest('hex').slice(0, 8)}`;
  if (!/^[A-Za-z0-9]/.test(name)) name = `k-${name}`;
  if (name.length > 63) name = `${name.slice(0, 61)}-n`;
  return name;
}

const isEmpty = (o: object | undefined) => !o || Object.keys(o).length === 0;

export function applyConfigurationFlags(service: Service, flags: ConfigurationEditFlagValues, ctx: ApplyContext): Service {
  validateConfigurationFlags(flags, { envFileContents: ctx.envFileContents, profiles: ctx.profiles });
  const f = flags;
  const svc = structuredClone(service) as Service;
  svc.metadata ??= {};
  svc.spec ??= { template: { spec: { containers: [] } } };
  svc.spec.template ??= { spec: { containers: [] } };
  const template = svc.spec.template;
  template.spec ??= { containers: [] };
  template.metadata ??= {};
  const spec = template.spec;
  spec.containers ??= [];
  const container = (): V1Container => {
    if (!spec.containers.length) spec.containers.push({} as V1Container);
    return spec.containers[0]!;
  };
  const mutation = anyMutation(f);
  const command = ctx.command ?? (ctx.isCreate ? 'create' : 'update');

  // ---------------- pod spec ----------------
  if (f.env !== undefined || f['env-value-from'] !== undefined || f['env-file'] !== undefined) {
    const env = orderedPairs(f.env ?? []);
    const evf = orderedPairs(f['env-value-from'] ?? []);
    const file = f['env-file'] ? parseEnvFile(ctx.envFileContents ?? '') : undefined;
    const toSet = new Map<string, V1EnvVar>();
    const envItems = [...env.set];
    const evfItems = [...evf.set];
    const put = (kind: string) => {
      if (kind === 'env') {
        const next = envItems.shift();
        if (next) toSet.set(next[0], { name: next[0], value: next[1] });
      } else if (kind === 'env-value-from') {
        const next = evfItems.shift();
        if (next) {
          const src = parseEnvValueSource(next[1]);
          const ref = { name: src.name, key: src.key };
          toSet.set(next[0], { name: next[0], valueFrom: src.kind === 'ConfigMap' ? { configMapKeyRef: ref } : { secretKeyRef: ref } });
        }
      } else if (kind === 'env-file' && file) {
        for (const [k, v] of file.set) toSet.set(k, { name: k, value: v });
      }
    };
    const order = ctx.raw?.filter((t) => t.type === 'flag' && ['env', 'env-value-from', 'env-file'].includes(t.flag ?? '')).map((t) => t.flag!);
    if (order?.length) {
      // Removals (NAME-) take a token but set nothing.
      const envAll = [...(f.env ?? [])];
      const evfAll = [...(f['env-value-from'] ?? [])];
      for (const kind of order) {
        const src = kind === 'env' ? envAll.shift() : kind === 'env-value-from' ? evfAll.shift() : undefined;
        if (src !== undefined && !src.includes('=')) continue;
        put(kind);
      }
    }
    while (envItems.length) put('env');
    while (evfItems.length) put('env-value-from');
    if (file && !order?.includes('env-file')) put('env-file');
    const c = container();
    let list = [...(c.env ?? [])];
    const done = new Set<string>();
    list = list.map((e) => {
      const u = toSet.get(e.name);
      if (!u) return e;
      done.add(e.name);
      return u;
    });
    for (const [name, e] of toSet) if (!done.has(name)) list.push(e);
    for (const name of [...env.remove, ...evf.remove]) {
      const i = list.findIndex((e) => e.name === name);
      if (i >= 0) list.splice(i, 1);
    }
    if (list.length) c.env = list;
    else delete c.env;
  }

  if (f['env-from'] !== undefined) {
    const { add, remove } = parseEnvFrom(f['env-from']);
    const c = container();
    const list: V1EnvFromSource[] = [...(c.envFrom ?? [])];
    const canon = (s: V1EnvFromSource) => (s.configMapRef ? `config-map:${s.configMapRef.name}` : s.secretRef ? `secret:${s.secretRef.name}` : undefined);
    const have = new Set(list.map(canon).filter(Boolean));
    for (const a of add) {
      if (have.has(`${a.type}:${a.name}`)) continue;
      list.push(a.type === 'config-map' ? { configMapRef: { name: a.name } } : { secretRef: { name: a.name } });
    }
    for (const r of remove) {
      const i = list.findIndex((s) => canon(s) === `${r.type}:${r.name}`);
      if (i >= 0) list.splice(i, 1);
    }
    if (list.length) c.envFrom = list;
    else delete c.envFrom;
  }

  if (f.mount !== undefined || f.volume !== undefined) applyMountsAndVolumes(spec, container(), f);

  if (f.image !== undefined) container().image = f.image;
  if (f['pull-policy'] !== undefined) container().imagePullPolicy = parsePullPolicy(f['pull-policy']);

  {
    // Upstream always runs this, so a container and its `resources: {}` always exist.
    const req = parseResources(f.request);
    const lim = parseResources(f.limit);
    const c = container();
    const r = (c.resources ??= {});
    const requests: Record<string, string> = { ...(r.requests as Record<string, string> | undefined) };
    const limits: Record<string, string> = { ...(r.limits as Record<string, string> | undefined) };
    for (const [k, v] of req.set) requests[k] = v;
    for (const k of req.remove) delete requests[k];
    for (const [k, v] of lim.set) limits[k] = v;
    for (const k of lim.remove) delete limits[k];
    if (isEmpty(requests)) delete r.requests;
    else r.requests = requests;
    if (isEmpty(limits)) delete r.limits;
    else r.limits = limits;
  }

  if (f.cmd !== undefined) container().command = [...f.cmd];
  if (f.arg !== undefined) container().args = [...f.arg];
  if (f.port !== undefined) container().ports = [parsePort(f.port)];
  if (f['service-account'] !== undefined) {
    const sa = f['service-account'].trim();
    if (sa) spec.serviceAccountName = sa;
    else delete spec.serviceAccountName;
  }
  if (f['pull-secret'] !== undefined) {
    const ps = f['pull-secret'].trim();
    if (ps) spec.imagePullSecrets = [{ name: ps }];
    else delete spec.imagePullSecrets;
  }
  const extra = f.containers ?? f['extra-containers'];
  if (extra !== undefined) {
    const decoded = (ctx.containersSpec ?? {}) as { containers?: V1Container[] };
    const incoming = decoded.containers ?? [];
    if (spec.containers.length === 1) spec.containers.push(...structuredClone(incoming));
    else {
      const matched = new Set<string>();
      spec.containers = spec.containers.map((c) => {
        const m = incoming.find((x) => x.name === c.name);
        if (!m) return c;
        matched.add((m.name ?? '').toLowerCase());
        return structuredClone(m);
      });
      for (const x of incoming) if (!matched.has((x.name ?? '').toLowerCase())) spec.containers.push(structuredClone(x));
    }
  }
  const probe = (which: 'livenessProbe' | 'readinessProbe', handler?: string, opts?: string) => {
    if (handler !== undefined) {
      const h = parseProbeHandler(handler);
      const c = container();
      const p = { ...(c[which] ?? {}) } as Record<string, unknown>;
      for (const k of ['httpGet', 'exec', 'tcpSocket', 'grpc']) delete p[k];
      c[which] = { ...p, ...h };
    }
    if (opts !== undefined) {
      const o = parseProbeOptions(opts);
      const c = container();
      const p = { ...(c[which] ?? {}) } as Record<string, unknown>;
      for (const [k, v] of Object.entries(o)) {
        if (v === 0) delete p[k];
        else p[k] = v;
      }
      c[which] = p;
    }
  };
  probe('livenessProbe', f['probe-liveness'], f['probe-liveness-opts']);
  probe('readinessProbe', f['probe-readiness'], f['probe-readiness-opts']);
  if (f['security-context'] !== undefined) {
    if (parseSecurityContext(f['security-context']) === 'none') delete container().securityContext;
    else {
      container().securityContext = {
        allowPrivilegeEscalation: false,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      };
    }
  }
  if (f['node-selector'] !== undefined) {
    const m = wrap('Invalid --node-selector: ', () => mapFromArray(f['node-selector'], true));
    const remove = minusSuffix(m);
    const ns: Record<string, string> = { ...(spec.nodeSelector ?? {}) };
    for (const [k, v] of m) ns[k] = v;
    for (const k of remove) delete ns[k];
    spec.nodeSelector = ns;
  }
  if (f.toleration !== undefined) {
    const t = wrap('Invalid --toleration: ', () => parseToleration(splitSlice(f.toleration)));
    spec.tolerations = [...(spec.tolerations ?? []), t];
  }
  if (f['node-affinity'] !== undefined) {
    const a = wrap('Invalid --node-affinity: ', () => parseNodeAffinity(splitSlice(f['node-affinity'])));
    const term = { matchExpressions: [a.expression as { key: string; operator: string; values?: string[] }] };
    const na = spec.affinity?.nodeAffinity;
    if (a.type === 'Required') {
      const existing = na?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
      if (existing?.length) na!.requiredDuringSchedulingIgnoredDuringExecution!.nodeSelectorTerms = [...existing, term];
      else spec.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term] } } };
    } else {
      const pref = { weight: a.weight, preference: term };
      const existing = na?.preferredDuringSchedulingIgnoredDuringExecution;
      if (existing?.length) na!.preferredDuringSchedulingIgnoredDuringExecution = [...existing, pref];
      else spec.affinity = { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [pref] } };
    }
  }
  if (f.user !== undefined) {
    const c = container();
    c.securityContext = { ...(c.securityContext ?? {}), runAsUser: f.user };
  }

  // ---------------- the rest of Apply ----------------
  const tAnn = (): Record<string, string> => (template.metadata!.annotations ??= {});
  const setTemplateAnnotation = (k: string, v: string) => {
    checkAutoscalingAnnotations({ [k]: v });
    tAnn()[k] = v;
  };

  if (f['revision-name']) {
    const generation = (svc.metadata.generation ?? 0) + 1;
    let name = renderRevisionName(f['revision-name'], svc.metadata.name ?? '', generation, ctx.random ?? defaultRandom);
    if (name) {
      const prefix = `${svc.metadata.name ?? ''}-`;
      if (!name.startsWith(prefix)) name = prefix + name;
    }
    if (mutation) {
      if (name) template.metadata.name = name;
      else delete template.metadata.name;
    }
  }

  if (mutation && command !== 'apply') {
    tAnn()[UPDATE_TIMESTAMP_ANNOTATION] = (ctx.now ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  const lock = f['lock-to-digest'] ?? true;
  const userImagePresent = template.metadata.annotations !== undefined && USER_IMAGE_ANNOTATION in template.metadata.annotations;
  if ((userImagePresent || f['lock-to-digest'] === true) && lock && mutation) {
    const c = spec.containers[0];
    if (c) {
      let image = c.image ?? '';
      if (image.includes('@')) {
        const stored = template.metadata.annotations?.[USER_IMAGE_ANNOTATION];
        if (stored !== undefined) image = stored;
      }
      tAnn()[USER_IMAGE_ANNOTATION] = image;
    }
    if (f.image === undefined || command === 'apply') pinToDigest(template, ctx.baseRevision);
  }
  if (!lock && template.metadata.annotations) delete template.metadata.annotations[USER_IMAGE_ANNOTATION];

  if (f['scale-min'] !== undefined) setTemplateAnnotation(ANN.minScale, String(f['scale-min']));
  if (f['scale-max'] !== undefined) setTemplateAnnotation(ANN.maxScale, String(f['scale-max']));
  if (f.scale !== undefined) {
    if (f['scale-max'] !== undefined) fail('only --scale or --scale-max can be specified');
    if (f['scale-min'] !== undefined) fail('only --scale or --scale-min can be specified');
    const s = parseScale(f.scale);
    if (s.min !== undefined && !f.scale.includes('..')) {
      setTemplateAnnotation(ANN.maxScale, String(s.max));
      setTemplateAnnotation(ANN.minScale, String(s.min));
    } else {
      if (s.min !== undefined) setTemplateAnnotation(ANN.minScale, String(s.min));
      if (s.max !== undefined) setTemplateAnnotation(ANN.maxScale, String(s.max));
    }
  }
  const window = f['scale-window'] ?? f['autoscale-window'];
  if (window !== undefined) setTemplateAnnotation(ANN.window, window);
  const target = f['scale-target'] ?? f['concurrency-target'];
  if (target !== undefined) setTemplateAnnotation(ANN.target, String(target));
  if (f['scale-metric'] !== undefined) tAnn()[ANN.metric] = f['scale-metric'];
  // Upstream ignores an invalid --scale-activation (silently not set); kn-ts refuses it (validateConfigurationFlags).
  if (f['scale-activation'] !== undefined) setTemplateAnnotation(ANN.activationScale, String(f['scale-activation']));
  if (f['concurrency-limit'] !== undefined) spec.containerConcurrency = f['concurrency-limit'];
  const util = f['scale-utilization'] ?? f['concurrency-utilization'];
  if (util !== undefined) setTemplateAnnotation(ANN.utilization, String(util));

  if (f['cluster-local'] !== undefined) {
    const labels = (svc.metadata.labels ??= {});
    if (f['cluster-local']) labels[VISIBILITY_LABEL] = 'cluster-local';
    else delete labels[VISIBILITY_LABEL];
  }

  if (f.label !== undefined || f['label-service'] !== undefined || f['label-revision'] !== undefined) {
    const all = wrap('Invalid --label: ', () => mapFromArray(f.label, true));
    const apply = (meta: { labels?: Record<string, string> }, extraFlag: string[] | undefined, name: string) => {
      const own = wrap(`Invalid --${name}: Unable to parse label flags: `, () => mapFromArray(extraFlag, true));
      const merged = new Map([...all, ...own]);
      const remove = minusSuffix(merged);
      const labels: Record<string, string> = { ...(meta.labels ?? {}) };
      for (const [k, v] of merged) labels[k] = v;
      for (const k of remove) delete labels[k];
      meta.labels = labels;
    };
    apply(svc.metadata, f['label-service'], 'label-service');
    apply(template.metadata, f['label-revision'], 'label-revision');
  }

  if (f.annotation !== undefined || f['annotation-service'] !== undefined || f['annotation-revision'] !== undefined) {
    const a = annotationMaps(f);
    const t = tAnn();
    for (const [k, v] of a.revision) t[k] = v;
    for (const k of [...a.removeBoth, ...a.removeRevision]) delete t[k];
    if (svc.metadata.annotations || a.service.size) {
      const s = (svc.metadata.annotations ??= {});
      for (const [k, v] of a.service) s[k] = v;
      for (const k of [...a.removeBoth, ...a.removeService]) delete s[k];
    }
  }

  if (f['scale-init'] !== undefined) {
    if (f.annotation?.some((x) => x.includes(ANN.initialScale))) {
      fail(`only one of the --scale-init or --annotation ${ANN.initialScale} can be specified`);
    }
    setTemplateAnnotation(ANN.initialScale, String(f['scale-init']));
  }

  if (f.timeout !== undefined) spec.timeoutSeconds = f.timeout;

  if (f.profile !== undefined) {
    const { remove, profile } = lookupProfile(f.profile, ctx.profiles);
    const t = tAnn();
    const labels = (svc.metadata.labels ??= {});
    if (remove) {
      for (const a of profile.annotations ?? []) delete t[a.name];
      for (const l of profile.labels ?? []) delete labels[l.name];
    } else {
      const anns = Object.fromEntries((profile.annotations ?? []).map((a) => [a.name, a.value]));
      checkAutoscalingAnnotations(anns);
      Object.assign(t, anns);
      for (const l of profile.labels ?? []) labels[l.name] = l.value;
    }
  }

  checkServingRules(svc);
  checkKubernetesRules(svc, f, ctx.source);
  // The autoscaling annotations as a whole (min <= max, activation within them), wherever they came from.
  checkAutoscalingAnnotations(template.metadata.annotations ?? {});
  return svc;
}

/** PinImageToDigest: use the base revision's resolved digest for the (unchanged) image. */
function pinToDigest(template: Service['spec']['template'], base: Revision | undefined): void {
  if (!base) return;
  const cur = template.spec.containers[0];
  if (!cur) fail(`can not pin image to digest: no container given in current revision ${template.metadata?.name ?? ''}`);
  const baseC = base.spec.containers[0];
  if (!baseC) fail(`can not pin image to digest: no container found in base revision ${base.metadata.name}`);
  if (cur!.image !== baseC!.image) {
    fail(
      `can not pin image to digest: current revision ${template.metadata?.name ?? ''} contains unexpected image (${cur!.image}) that does not fit to the base revision's ${base.metadata.name} image (${baseC!.image})`,
    );
  }
  const digest = base.status?.containerStatuses?.[0]?.imageDigest;
  if (digest) cur!.image = digest;
}

function applyMountsAndVolumes(spec: Service['spec']['template']['spec'], c: V1Container, f: ConfigurationEditFlagValues): void {
  const mounts = wrap('Invalid --mount: ', () => orderedPairs(f.mount ?? []));
  const vols = wrap('Invalid --volume: ', () => orderedPairs(f.volume ?? []));
  const volumeInfo = new Map<string, VolumeSourceInfo>();
  const mountInfo = new Map<string, ReturnType<typeof parseMountValue>['mount']>();
  for (const [path, value] of mounts.set) {
    const m = parseMountValue(path, value);
    if (m.volume) {
      const gen = generateVolumeName(path);
      volumeInfo.set(gen, m.volume.type === 'emptyDir' ? { type: 'emptyDir', name: m.volume.name } : m.volume);
      mountInfo.set(path, { ...m.mount, volumeName: gen });
    } else mountInfo.set(path, m.mount);
  }
  for (const [name, value] of vols.set) volumeInfo.set(name, parseVolumeSource(value));

  const toVolume = (v: V1Volume, info: VolumeSourceInfo): V1Volume => {
    const out: V1Volume = { ...v };
    switch (info.type) {
      case 'config-map':
        delete out.secret;
        out.configMap = { name: info.name };
        break;
      case 'secret':
        delete out.configMap;
        out.secret = { secretName: info.name };
        break;
      case 'emptyDir': {
        const ed: { medium?: string; sizeLimit?: string } = {};
        if (info.medium) ed.medium = info.medium;
        if (info.sizeLimit) ed.sizeLimit = info.sizeLimit;
        out.emptyDir = ed;
        break;
      }
      case 'pvc':
        out.persistentVolumeClaim = { claimName: info.name };
        break;
    }
    return out;
  };
  const volumes: V1Volume[] = (spec.volumes ?? []).map((v) => (volumeInfo.has(v.name) ? toVolume(v, volumeInfo.get(v.name)!) : v));
  for (const [name, info] of volumeInfo) if (!volumes.some((v) => v.name === name)) volumes.push(toVolume({ name }, info));

  const readOnly = (name: string, options?: string): boolean => {
    const opt = mountReadOnlyOption(options);
    if (opt !== undefined) return opt;
    const v = volumes.find((x) => x.name === name);
    if (v) return !(v.emptyDir || v.persistentVolumeClaim);
    return true;
  };
  const mountOf = (path: string, name: string, ro: boolean, subPath?: string): V1VolumeMount => {
    const vm: V1VolumeMount = { name, mountPath: path };
    if (ro) vm.readOnly = true;
    if (subPath) vm.subPath = subPath;
    return vm;
  };
  const oldMounts = c.volumeMounts ?? [];
  const volumeMounts: V1VolumeMount[] = oldMounts.map((vm) => {
    const mi = mountInfo.get(vm.mountPath);
    if (!mi) return vm;
    if (!volumes.some((v) => v.name === mi.volumeName)) fail(`There is no volume matched with ${JSON.stringify(mi.volumeName)}`);
    return mountOf(vm.mountPath, mi.volumeName, readOnly(mi.volumeName, mi.options), mi.subPath);
  });
  for (const [path, mi] of mountInfo) {
    const ro = readOnly(mi.volumeName, mi.options);
    if (!oldMounts.some((vm) => vm.mountPath === path)) volumeMounts.push(mountOf(path, mi.volumeName, ro, mi.subPath));
  }
  const volumesToRemove = [...vols.remove];
  for (const p of mounts.remove) {
    for (const vm of oldMounts) if (vm.mountPath === p && vm.name === generateVolumeName(p)) volumesToRemove.push(vm.name);
  }
  for (const p of mounts.remove) {
    const i = volumeMounts.findIndex((vm) => vm.mountPath === p);
    if (i >= 0) volumeMounts.splice(i, 1);
  }
  for (const name of volumesToRemove) {
    const i = volumes.findIndex((v) => v.name === name);
    if (i < 0) continue;
    if (volumeMounts.some((vm) => vm.name === name)) fail(`The volume ${JSON.stringify(name)} cannot be removed because it is mounted`);
    volumes.splice(i, 1);
  }
  if (volumeMounts.length) c.volumeMounts = volumeMounts;
  else delete c.volumeMounts;
  if (volumes.length) spec.volumes = volumes;
  else delete spec.volumes;
}

/**
 * Checks Serving's admission webhook makes on what the flags produce, which kn-ts's API server
 * (no webhook) would otherwise store: reserved and empty env names, mounts without a volume.
 * The texts are the webhook's.
 */
export function checkServingRules(svc: Service): void {
  const containers = svc.spec.template.spec.containers ?? [];
  containers.forEach((c, ci) => {
    const reserved = ci === 0 || containers.length === 1 ? ['PORT', 'K_SERVICE', 'K_CONFIGURATION', 'K_REVISION'] : ['K_SERVICE', 'K_CONFIGURATION', 'K_REVISION'];
    (c.env ?? []).forEach((e, i) => {
      const path = `spec.template.spec.containers[${ci}].env[${i}].name`;
      if (!e.name) fail(`missing field(s): ${path}`);
      if (reserved.includes(e.name)) fail(`"${e.name}" is a reserved environment variable: ${path}`);
    });
    (c.volumeMounts ?? []).forEach((vm, i) => {
      if (!(svc.spec.template.spec.volumes ?? []).some((v) => v.name === vm.name)) {
        fail(`volumeMount has no matching volume: spec.template.spec.containers[${ci}].volumeMounts[${i}].name`);
      }
    });
  });
}
