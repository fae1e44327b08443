// The shared reader of the knative-serving ConfigMaps (config.ts and its per-group files): Go's
// value syntaxes (strconv bools/ints/floats, durations, quantities) and a Reader that falls back
// to the default with a warning on a bad value. Pure.
import { parseGoDurationMs } from '../duration.ts';
import { isQuantity as isQuantityStrict } from '../quantity.ts';

export const S = 1000;
export const M = 60 * S;
export const HOUR = 60 * M;

/** Go's strconv.ParseBool. */
export function parseBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(s)) return false;
  return undefined;
}

export function parseIntStrict(s: string): number | undefined {
  return /^[+-]?\d+$/.test(s.trim()) ? Number(s.trim()) : undefined;
}

export function parseFloatStrict(s: string): number | undefined {
  const t = s.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return undefined;
  return Number(t);
}

/** A Kubernetes resource quantity ("400m", "100M", "1Gi", "0.5")? (config maps allow surrounding blanks) */
export function isQuantity(s: string): boolean {
  return isQuantityStrict(s.trim());
}

// ---------------------------------------------------------------- the reader

/** Reads typed keys of one ConfigMap, collecting a warning per bad value. */
export class Reader {
  readonly data: Record<string, string>;
  readonly map: string;
  readonly warnings: string[];
  constructor(map: string, data: Record<string, string> | undefined, warnings: string[]) {
    this.map = map;
    this.data = data ?? {};
    this.warnings = warnings;
  }

  /** The raw value of the first present key (new key first, then legacy ones). */
  raw(...keys: string[]): { key: string; value: string } | undefined {
    for (const key of keys) {
      const v = this.data[key];
      if (v !== undefined) return { key, value: v.trim() };
    }
    return undefined;
  }

  warn(key: string, value: string, why: string): void {
    this.warnings.push(`${this.map}: invalid value "${value}" for ${key}: ${why}; using the default`);
  }

  /** Runs parse on the value; undefined result or a false check keeps the default. */
  get<T>(def: T, keys: string | string[], parse: (v: string) => T | undefined, check?: (v: T) => string | undefined): T {
    const r = this.raw(...(Array.isArray(keys) ? keys : [keys]));
    if (!r) return def;
    const v = parse(r.value);
    if (v === undefined) {
      this.warn(r.key, r.value, 'cannot be parsed');
      return def;
    }
    const problem = check?.(v);
    if (problem) {
      this.warn(r.key, r.value, problem);
      return def;
    }
    return v;
  }

  str(def: string, keys: string | string[], check?: (v: string) => string | undefined): string {
    return this.get(def, keys, (v) => v, check);
  }
  bool(def: boolean, keys: string | string[]): boolean {
    return this.get(def, keys, parseBool);
  }
  int(def: number, keys: string | string[], check?: (v: number) => string | undefined): number {
    return this.get(def, keys, parseIntStrict, check);
  }
  float(def: number, keys: string | string[], check?: (v: number) => string | undefined): number {
    return this.get(def, keys, parseFloatStrict, check);
  }
  duration(def: number, keys: string | string[], check?: (v: number) => string | undefined): number {
    return this.get(def, keys, parseGoDurationMs, check);
  }
  oneOf<T extends string>(def: T, keys: string | string[], values: readonly T[], caseInsensitive = false): T {
    return this.get<T>(def, keys, (v) => {
      const hit = values.find((x) => (caseInsensitive ? x.toLowerCase() === v.toLowerCase() : x === v));
      return hit;
    });
  }
  quantity(def: string | undefined, key: string): string | undefined {
    const r = this.raw(key);
    if (!r || r.value === '') return def;
    if (!isQuantity(r.value)) {
      this.warn(key, r.value, 'not a resource quantity');
      return def;
    }
    return r.value;
  }
  list(def: string[], key: string): string[] {
    const r = this.raw(key);
    if (!r) return [...def];
    return r.value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  }
}

export const atLeast = (min: number) => (v: number) => (v >= min ? undefined : `must be at least ${min}`);
export const above = (min: number) => (v: number) => (v > min ? undefined : `must be greater than ${min}`);
export const between = (min: number, max: number) => (v: number) => (v >= min && v <= max ? undefined : `must be between ${min} and ${max}`);
export const wholeSeconds = (v: number) => (v % S === 0 ? undefined : 'must be a whole number of seconds');
export const all =
  <T>(...checks: ((v: T) => string | undefined)[]) =>
  (v: T) => {
    for (const c of checks) {
      const p = c(v);
      if (p) return p;
    }
    return undefined;
  };
