// Parsers of the configuration-edit flag values, each with upstream kn's error texts
// (pkg/flags/podspec*.go, pkg/util/parsing_helper.go): one value in, the parsed form out or a
// UserError. podspec.ts builds from exactly what these parsed; validate.ts runs them over the
// whole flag set. Pure: no I/O.
import { parseQuantity, QuantityError } from '../../api/quantity.ts';
import { parseGoDurationResult } from '../../api/duration.ts';
import { UserError } from '../errors.ts';

export const fail = (msg: string): never => {
  throw new UserError(msg);
};

/** Go's %q for the strings we meet (strconv.Quote). */
export const q = (s: string): string => JSON.stringify(s);
/** Go's %v of a []string. */
/** Go's math.MaxInt32. */
export const MAXI32 = 2147483647;

const goList = (a: readonly string[]): string => `[${a.join(' ')}]`;

// ---------------------------------------------------------------------------------------------
// key=value helpers (pkg/util/parsing_helper.go)

/** OrderedMapAndRemovalListFromArray: ordered NAME=value pairs plus `NAME-` removals. */
export function orderedPairs(arr: readonly string[], delim = '='): { set: Map<string, string>; remove: string[] } {
  const set = new Map<string, string>();
  const remove: string[] = [];
  for (const s of arr) {
    const i = s.indexOf(delim);
    if (i < 0) {
      if (!s.endsWith('-')) fail(`argument requires a value that contains the ${q(delim)} character; got ${q(s)}`);
      remove.push(s.slice(0, -1));
    } else set.set(s.slice(0, i), s.slice(i + delim.length));
  }
  return { set, remove };
}

/** MapFromArray / MapFromArrayAllowingSingles (a single `key` means key=""). Keeps input order. */
export function mapFromArray(arr: readonly string[] | undefined, allowSingles: boolean, delim = '='): Map<string, string> {
  const m = new Map<string, string>();
  for (const s of arr ?? []) {
    const i = s.indexOf(delim);
    if (i < 0) {
      if (!allowSingles) fail(`Argument requires a value that contains the ${q(delim)} character as delimiter; got ${q(s)}`);
      m.set(s, '');
      continue;
    }
    const k = s.slice(0, i);
    if (k === '') fail('The key is empty');
    if (m.has(k)) fail(`The key ${q(k)} has been duplicate in ${goList(arr ?? [])}`);
    m.set(k, s.slice(i + 1));
  }
  return m;
}

/** ParseMinusSuffix: takes the `key-` entries out of m and returns their keys. */
export function minusSuffix(m: Map<string, string>): string[] {
  const out: string[] = [];
  for (const k of [...m.keys()]) {
    if (k.endsWith('-')) {
      out.push(k.slice(0, -1));
      m.delete(k);
    }
  }
  return out;
}

/** pflag StringSlice: every value is a CSV record (quotes allowed); repeated flags concatenate. */
export function splitSlice(values: readonly string[] | undefined): string[] {
  const out: string[] = [];
  for (const v of values ?? []) {
    if (v === '') continue;
    let cur = '';
    let quoted = false;
    for (let i = 0; i < v.length; i++) {
      const c = v[i]!;
      if (c === '"' && (cur === '' || quoted)) {
        if (quoted && v[i + 1] === '"') {
          cur += '"';
          i++;
        } else quoted = !quoted;
      } else if (c === ',' && !quoted) {
        out.push(cur);
        cur = '';
      } else cur += c;
    }
    out.push(cur);
  }
  return out;
}

/** Wraps the message of a UserError thrown by fn with a prefix, as Go's fmt.Errorf("...: %w"). */
export function wrap<T>(prefix: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof UserError) throw new UserError(`${prefix}${e.message}`);
    throw e;
  }
}

/**
 * A decimal integer (strconv.Atoi / ParseInt(s, 10, bits)). Upstream shows Go's
 * `strconv.Atoi: parsing "x": invalid syntax`; kn-ts says what is wanted (docs/compatibility.md).
 */
export function atoi(s: string, _fn = 'Atoi', bits = 64): number {
  if (!/^[+-]?\d+$/.test(s)) fail(`${q(s)} is not a whole number`);
  const n = Number(s);
  const lim = 2 ** (bits - 1);
  if (n >= lim || n < -lim) fail(`${q(s)} is out of range (at most ${lim - 1})`);
  return n;
}

// ---------------------------------------------------------------------------------------------
// Go durations (time.ParseDuration) in nanoseconds, and their String() form.

/** Go's time.ParseDuration in nanoseconds (src/api/duration.ts); UserError with Go's message. */
export function parseGoDuration(s: string): number {
  const r = parseGoDurationResult(s);
  return 'ns' in r ? r.ns : fail(r.error);
}

// ---------------------------------------------------------------------------------------------
// Resource quantities (k8s resource.ParseQuantity) and their canonical form.

/** Parses a quantity and returns its canonical string (what the API server stores); UserError when invalid. */
export function canonicalQuantity(s: string): string {
  try {
    return parseQuantity(s).canonical;
  } catch (e) {
    if (e instanceof QuantityError) return fail(e.message);
    throw e;
  }
}

/** --request / --limit: `name=qty` items (commas split them) and `name-` removals. */
export function parseResources(values: readonly string[] | undefined): { set: Map<string, string>; remove: string[] } {
  const items = splitSlice(values);
  if (!items.length) return { set: new Map(), remove: [] };
  const m = mapFromArray(items, true);
  const remove = minusSuffix(m);
  const set = new Map<string, string>();
  for (const [k, v] of m) set.set(k, canonicalQuantity(v));
  return { set, remove };
}

// ---------------------------------------------------------------------------------------------
// Env value sources, volumes, mounts

export type VolumeSourceType = 'config-map' | 'secret' | 'emptyDir' | 'pvc';
export interface VolumeSourceInfo {
  type: VolumeSourceType;
  name: string;
  medium?: string;
  sizeLimit?: string;
}
const typeName = (t: VolumeSourceType) => (t === 'config-map' || t === 'secret' ? t : 'unknown');

function sourceType(s: string): VolumeSourceType | undefined {
  switch (s) {
    case 'config-map':
    case 'cm':
      return 'config-map';
    case 'secret':
    case 'sc':
      return 'secret';
    case 'emptyDir':
    case 'ed':
      return 'emptyDir';
    case 'persistentVolumeClaim':
    case 'pvc':
      return 'pvc';
  }
  return undefined;
}

const UNSUPPORTED_VOLUME = (t: string) =>
  `unsupported volume type "${q(t)}"; supported volume types are "config-map or cm", "secret or sc", "volume or vo", and "emptyDir or ed"`;

function emptyDirTypeAndSize(value: string): { medium?: string; sizeLimit?: string } {
  const formatErr = 'incorrect format to specify emptyDir type';
  const parts = value.split(',');
  const first = parts[0]!;
  const rest = parts.slice(1).join(',');
  const slices = parts.length > 1 ? [first, rest] : [first];
  const out: { medium?: string; sizeLimit?: string } = {};
  for (const sl of slices) {
    const i = sl.indexOf('=');
    if (i < 0) fail(formatErr);
    const k = sl.slice(0, i).toLowerCase();
    const v = sl.slice(i + 1);
    if (k === 'type') {
      if (slices.length > 1 && out.medium !== undefined && out.medium !== '') fail('cannot repeat the key "type"');
      out.medium = v;
    } else if (k === 'size') {
      if (out.sizeLimit !== undefined) fail('cannot repeat the key "size"');
      try {
        out.sizeLimit = canonicalQuantity(v);
      } catch {
        fail(formatErr);
      }
    } else fail(formatErr);
  }
  return out;
}

/** newVolumeSourceInfoWithSpecString: `cm:name`, `secret:name`, `ed:name[:type=..,size=..]`, `pvc:name`. */
export function parseVolumeSource(spec: string): VolumeSourceInfo {
  const parts = spec.split(':');
  const slices = parts.length > 3 ? [parts[0]!, parts[1]!, parts.slice(2).join(':')] : parts;
  if (slices.length < 2) fail(`argument requires a value that contains the : character; got ${q(spec)}, ${goList(slices.map(q))}`);
  const t = slices[0]!.trim();
  if (slices.length === 2) {
    const type = sourceType(t);
    if (!type) {
      fail(`unsupported volume source type "${q(slices[0]!)}"; supported volume source types are "config-map" and "secret"`);
    }
    const name = slices[1]!.trim();
    if (!name) fail(`the name of ${typeName(type!)} cannot be an empty string`);
    return { type: type!, name };
  }
  const type = sourceType(t);
  if (type === 'emptyDir') return { type, name: slices[1]!, ...emptyDirTypeAndSize(slices[2]!) };
  if (type) fail(`incorrect mount details for type ${q(t)}`);
  return fail(UNSUPPORTED_VOLUME(slices[0]!));
}

/** createEnvVarSource: `cm:name:key` / `secret:name:key`. */
export function parseEnvValueSource(spec: string): { kind: 'ConfigMap' | 'Secret'; name: string; key: string } {
  const parts = spec.split(':');
  if (parts.length < 3) {
    fail(
      `argument requires a value in form "resourceType:name:key" where "resourceType" can be one of "config-map" ("cm") or "secret" ("sc"); got ${q(spec)}`,
    );
  }
  const t = parts[0]!.trim();
  const name = parts[1]!.trim();
  const key = parts.slice(2).join(':').trim();
  let kind: 'ConfigMap' | 'Secret';
  if (t === 'config-map' || t === 'cm') kind = 'ConfigMap';
  else if (t === 'secret' || t === 'sc') kind = 'Secret';
  else return fail(`unsupported env source type "${q(parts[0]!)}"; supported source types are "config-map" ("cm") and "secret" ("sc")`);
  if (!name) fail(`the name of ${kind} cannot be an empty string`);
  if (!key) fail(`the key referenced by resource ${kind} "${name}" cannot be an empty string`);
  return { kind, name, key };
}

/** `--env-from` entries: additions and `-` removals, each a config-map or secret reference. */
export function parseEnvFrom(values: readonly string[]): { add: VolumeSourceInfo[]; remove: VolumeSourceInfo[] } {
  const add: VolumeSourceInfo[] = [];
  const remove: VolumeSourceInfo[] = [];
  for (const v of values) {
    if (v === '-') fail('"-" is not a valid value for "--env-from"');
    const removal = v.endsWith('-');
    const info = parseVolumeSource(removal ? v.slice(0, -1) : v);
    if (info.type !== 'config-map' && info.type !== 'secret') {
      // Upstream crashes here; refuse cleanly instead.
      fail(`unsupported env source type "${q(v.split(':')[0]!)}"; supported source types are "config-map" ("cm") and "secret" ("sc")`);
    }
    (removal ? remove : add).push(info);
  }
  return { add, remove };
}

export interface MountInfo {
  volumeName: string;
  subPath?: string;
  options?: string;
}

/** `name[/sub/path][:readOnly=true]` */
export function mountInfo(s: string): MountInfo {
  const c = s.indexOf(':');
  const head = c < 0 ? s : s.slice(0, c);
  const options = c < 0 ? undefined : s.slice(c + 1);
  const slash = head.indexOf('/');
  const info: MountInfo = { volumeName: slash < 0 ? head : head.slice(0, slash) };
  const sub = slash < 0 ? '' : head.slice(slash + 1);
  if (sub) info.subPath = sub;
  if (options !== undefined) info.options = options;
  return info;
}

/** The readOnly option of a mount, if given (parseMountOptions + strconv.ParseBool). */
export function mountReadOnlyOption(options: string | undefined): boolean | undefined {
  if (!options) return undefined;
  let ro: string | undefined;
  for (const part of options.split(',')) {
    const i = part.indexOf('=');
    const k = i < 0 ? part : part.slice(0, i);
    if (k.toLowerCase() !== 'readonly' || i < 0) fail(`unknown mount option ${q(k)}`);
    ro = part.slice(i + 1);
  }
  if (!ro) return undefined;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(ro)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(ro)) return false;
  return fail(`strconv.ParseBool: parsing ${q(ro)}: invalid syntax`);
}

export interface MountSpec {
  path: string;
  mount: MountInfo;
  /** A volume kn generates for this mount (cm:, secret:, ed:, pvc: forms). */
  volume?: VolumeSourceInfo;
}

/** One `--mount PATH=VALUE` value, without the volume name generation. */
export function parseMountValue(path: string, value: string): MountSpec {
  const c = value.indexOf(':');
  if (c < 0) return { path, mount: mountInfo(value) };
  const t = value.slice(0, c);
  const rest = value.slice(c + 1);
  const type = sourceType(t);
  if (!type) return fail(UNSUPPORTED_VOLUME(t));
  const mi = mountInfo(rest);
  mountReadOnlyOption(mi.options);
  if (type === 'emptyDir') return { path, mount: mi, volume: { type, name: rest } };
  return { path, mount: mi, volume: { type, name: mi.volumeName } };
}

// ---------------------------------------------------------------------------------------------
// Ports, probes, pull policy, security context

const PORT_FORMAT = (p: string) =>
  `the port specification '${p}' is not valid. Please provide in the format 'NAME:PORT', where 'NAME' is optional. Examples: '--port h2c:8080' , '--port 8080'.`;

export function parsePort(port: string): { name?: string; containerPort: number } {
  const i = port.indexOf(':');
  const name = i < 0 ? '' : port.slice(0, i);
  const num = i < 0 ? port : port.slice(i + 1);
  if (!/^[+-]?\d+$/.test(num) || Math.abs(Number(num)) > MAXI32) fail(PORT_FORMAT(port));
  const containerPort = Number(num);
  return name ? { name, containerPort } : { containerPort };
}

export type ProbeHandler =
  | { httpGet: { host?: string; port: number | string; path?: string; scheme?: string } }
  | { exec: { command: string[] } }
  | { tcpSocket: { host?: string; port: number | string } };

/** intstr.Parse */
const intOrString = (s: string): number | string => (/^[+-]?\d+$/.test(s) && Math.abs(Number(s)) <= MAXI32 ? Number(s) : s);

export function parseProbeHandler(s: string): ProbeHandler {
  if (!s) fail('no probe parameters detected');
  const p = s.split(':');
  if (p.length > 4) fail('too many probe parameters provided, please check the format');
  switch (p[0]) {
    case 'http':
    case 'https': {
      if (p.length !== 4) fail("unexpected probe format, please use 'http:host:port:path'");
      const h: { host?: string; port: number | string; path?: string; scheme?: string } = { port: p[2] ? intOrString(p[2]) : 0 };
      if (p[0] === 'https') h.scheme = 'HTTPS';
      if (p[1]) h.host = p[1];
      if (p[3]) h.path = p[3];
      return { httpGet: h };
    }
    case 'exec':
      if (p.length !== 2) fail("unexpected probe format, please use 'exec:<exec_command>[,<exec_command>,...]'");
      if (!p[1]) fail('at least one command parameter is required for Exec probe');
      return { exec: { command: p[1]!.split(',') } };
    case 'tcp': {
      if (p.length !== 3) fail("unexpected probe format, please use 'tcp:host:port");
      const t: { host?: string; port: number | string } = { port: intOrString(p[2]!) };
      if (p[1]) t.host = p[1];
      return { tcpSocket: t };
    }
  }
  return fail(`unsupported probe type '${p[0]}'; supported types: http, https, exec, tcp`);
}

const PROBE_OPTS: Record<string, string> = {
  initialdelayseconds: 'initialDelaySeconds',
  timeoutseconds: 'timeoutSeconds',
  periodseconds: 'periodSeconds',
  successthreshold: 'successThreshold',
  failurethreshold: 'failureThreshold',
};

/** Go's strconv.ParseInt(s, 0, 32): base prefixes 0x, 0o, 0b, leading 0 = octal, underscores. */
function parseIntBase0(s: string): number | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F_]+|0[oO]?[0-7_]+|0[bB][01_]+|[1-9][0-9_]*|0)$/.exec(s);
  if (!m) return undefined;
  const body = m[2]!.replace(/_/g, '');
  let n: number;
  if (/^0[xX]/.test(body)) n = parseInt(body.slice(2), 16);
  else if (/^0[bB]/.test(body)) n = parseInt(body.slice(2), 2);
  else if (/^0[oO]/.test(body)) n = parseInt(body.slice(2), 8);
  else if (body.length > 1 && body.startsWith('0')) n = parseInt(body.slice(1), 8);
  else n = parseInt(body, 10);
  n = m[1] === '-' ? -n : n;
  return n > MAXI32 || n < -MAXI32 - 1 || Number.isNaN(n) ? undefined : n;
}

export function parseProbeOptions(s: string): Record<string, number> {
  const m = mapFromArray(s.split(','), false);
  const out: Record<string, number> = {};
  for (const [k, v] of m) {
    const n = parseIntBase0(v.trim());
    if (n === undefined) fail(`not a nummeric value for parameter '${k}'`);
    const field = PROBE_OPTS[k.trim().toLowerCase()];
    if (!field) fail(`not a valid probe parameter name '${k}'`);
    out[field!] = n!;
  }
  return out;
}

export function parsePullPolicy(p: string): 'Always' | 'Never' | 'IfNotPresent' {
  switch (p.toLowerCase()) {
    case 'always':
      return 'Always';
    case 'never':
      return 'Never';
    case 'ifnotpresent':
      return 'IfNotPresent';
  }
  return fail(`invalid --pull-policy ${p}. Valid arguments (case insensitive): Always | Never | IfNotPresent`);
}

export function parseSecurityContext(s: string): 'none' | 'strict' {
  const l = s.toLowerCase();
  if (l === 'none' || l === 'strict') return l;
  return fail(`invalid --security-context ${s}. Valid arguments: strict | none`);
}

// ---------------------------------------------------------------------------------------------
// Tolerations and node affinity (one item per flag use: all values merge into one, as upstream)

export function parseToleration(items: readonly string[]): Record<string, string> {
  const m = mapFromArray(items, false);
  const t: Record<string, string> = {};
  for (const [k, v] of m) {
    switch (k.toLowerCase()) {
      case 'key':
        t.key = v;
        break;
      case 'value':
        t.value = v;
        break;
      case 'effect':
        // Upstream drops an unknown effect or operator silently; kn-ts refuses it (docs/compatibility.md).
        if (v && !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(v)) fail(`unknown Effect ${q(v)}; use NoSchedule, PreferNoSchedule or NoExecute`);
        t.effect = v;
        break;
      case 'operator':
        if (v && v !== 'Exists' && v !== 'Equal') fail(`unknown Operator ${q(v)}; use Exists or Equal`);
        t.operator = v;
        break;
      default:
        fail(`unknown field ${q(k)}; use Key, Operator, Value and Effect (e.g. Key=k1,Operator=Equal,Value=v1,Effect=NoSchedule)`);
    }
  }
  for (const k of Object.keys(t)) if (t[k] === '') delete t[k];
  return t;
}

export interface NodeAffinityItem {
  type: 'Required' | 'Preferred';
  expression: { key?: string; operator?: string; values?: string[] };
  weight: number;
}

export function parseNodeAffinity(items: readonly string[]): NodeAffinityItem {
  const m = mapFromArray(items, false);
  let type: 'Required' | 'Preferred' | undefined;
  for (const [k, v] of m) {
    if (k.toLowerCase() !== 'type') continue;
    if (v === 'Required' || v === 'Preferred') type = v;
    else fail('Invalid type defined for node affinity, Valid arguments: Required | Preferred');
  }
  const expression: NodeAffinityItem['expression'] = {};
  let weight = 0;
  for (const [k, v] of m) {
    switch (k.toLowerCase()) {
      case 'key':
        if (v) expression.key = v;
        break;
      case 'values':
        expression.values = v.split(' ');
        break;
      case 'operator':
        if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(v)) fail(`unknown Operator ${q(v)}; use In, NotIn, Exists or DoesNotExist`);
        expression.operator = v;
        break;
      case 'weight':
        weight = wrap('error in setting preference weight in node affinity: ', () => atoi(v, 'ParseInt', 32));
        break;
      case 'type':
        break;
      default:
        fail(`unknown field ${q(k)}; use Type, Key, Operator, Values and Weight`);
    }
  }
  // Upstream dereferences a nil affinity (a crash) when Type is missing; refuse cleanly instead.
  if (!type) fail('Invalid type defined for node affinity, Valid arguments: Required | Preferred');
  return { type: type!, expression, weight };
}

// ---------------------------------------------------------------------------------------------
// Env file

/** GetEnvsFromFile: non-empty lines, each NAME=value (or NAME- which upstream parses and ignores). */
export function parseEnvFile(contents: string): { set: Map<string, string>; remove: string[] } {
  const lines = contents.split(/\r?\n/).filter((l) => l.length > 0);
  return wrap('Invalid --env: ', () => orderedPairs(lines));
}

// ---------------------------------------------------------------------------------------------
// Scale

export function parseScale(scale: string): { min?: number; max?: number } {
  if (scale.includes('..')) {
    const parts = scale.split('..');
    const out: { min?: number; max?: number } = {};
    const hint = '; use --scale MIN..MAX, MIN.., ..MAX or N';
    if (parts.length > 2) fail(`invalid --scale ${scale}: too many '..'${hint}`);
    if (parts[0]) out.min = wrap(`invalid --scale ${scale}: `, () => atoi(parts[0]!));
    if (parts[1]) out.max = wrap(`invalid --scale ${scale}: `, () => atoi(parts[1]!));
    if (out.min === undefined && out.max === undefined) fail(`invalid --scale ${scale}: no bound given${hint}`);
    return out;
  }
  if (/^[+-]?\d+$/.test(scale)) return { min: Number(scale), max: Number(scale) };
  return fail('Scale must be of the format x..y or x');
}

// ---------------------------------------------------------------------------------------------
// Revision name template ({{.Service}}, {{.Generation}}, {{.Random n}})

export function renderRevisionName(templ: string, service: string, generation: number, random: (n: number) => string): string {
  let out = '';
  let rest = templ;
  while (rest) {
    const open = rest.indexOf('{{');
    if (open < 0) {
      out += rest;
      break;
    }
    out += rest.slice(0, open);
    const close = rest.indexOf('}}', open + 2);
    if (close < 0) fail(`template: revisionName:1: unclosed action`);
    const action = rest.slice(open + 2, close).replace(/^-\s*|\s*-$/g, '').trim();
    rest = rest.slice(close + 2);
    let m: RegExpExecArray | null;
    if (action === '.Service') out += service;
    else if (action === '.Generation') out += String(generation);
    else if ((m = /^\.Random\s+(\d+)$/.exec(action))) out += random(Number(m[1]));
    else if (/^\.[A-Za-z_]\w*/.test(action)) {
      const field = /^\.([A-Za-z_]\w*)/.exec(action)![1];
      fail(`template: revisionName:1:${open + 3}: executing "revisionName" at <.${field}>: can't evaluate field ${field} in type *serving.revisionTemplContext`);
    } else fail(`template: revisionName:1: function ${q(action.split(/\s+/)[0] ?? '')} not defined`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Profiles

export interface Profile {
  annotations?: { name: string; value: string }[];
  labels?: { name: string; value: string }[];
}

export const BUILTIN_PROFILES: Record<string, Profile> = {
  istio: {
    annotations: [
      { name: 'sidecar.istio.io/rewriteAppHTTPProbers', value: 'true' },
      { name: 'serving.knative.openshift.io/enablePassthrough', value: 'true' },
    ],
    labels: [{ name: 'sidecar.istio.io/inject', value: 'true' }],
  },
};

export function lookupProfile(flag: string, profiles: Record<string, Profile> = {}): { name: string; remove: boolean; profile: Profile } {
  const remove = flag.endsWith('-');
  const name = remove ? flag.slice(0, -1) : flag;
  const profile = { ...BUILTIN_PROFILES, ...profiles }[name];
  if (!profile || (!profile.annotations?.length && !profile.labels?.length)) fail(`profile ${name} doesn't exist`);
  return { name, remove, profile: profile! };
}
