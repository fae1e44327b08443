// Trigger filters with upstream's semantics (pkg/eventfilter/attributes, pkg/eventfilter/
// subscriptionsapi): the legacy exact-match `filter.attributes`, and the `filters` dialects exact,
// prefix, suffix, all, any, not and cesql. A filter is compiled once per Trigger generation and
// then run on every event's attributes (context attributes and extensions, flat). Pure.
import { CesqlError, compileCesql, parseCesql, type Value } from './cesql.ts';
import type { SubscriptionsAPIFilter, Trigger } from './types.ts';

/** The attributes of an event: context attributes and extensions by name (no data). */
export type Attributes = Readonly<Record<string, unknown>>;
export type Matcher = (a: Attributes) => boolean;

type Result = 'pass' | 'fail' | 'none';
type Filter = (a: Attributes) => Result;

/** Legacy filter.attributes: every key must be present; "" matches any non-empty value; otherwise equal strings. */
export function attributesFilter(attrs: Record<string, string> | undefined): Matcher {
  const entries = Object.entries(attrs ?? {});
  if (!entries.length) return () => true;
  return (a) => {
    for (const [k, want] of entries) {
      const v = a[k];
      if (v === undefined || v === null) return false;
      if (want === '') {
        if (v === '') return false;
        continue;
      }
      // Upstream compares a string with the attribute's value as it is: a non-string never equals.
      if (v !== want) return false;
    }
    return true;
  };
}

const str = (v: unknown): string => (typeof v === 'string' ? v : v instanceof Date ? v.toISOString() : String(v));

function mapFilter(m: Record<string, string> | undefined, test: (v: string, want: string) => boolean): Filter | undefined {
  const entries = Object.entries(m ?? {});
  if (!entries.length || entries.some(([k, v]) => !k || !v)) return undefined;
  return (a) => {
    for (const [k, want] of entries) {
      const v = a[k];
      if (v === undefined || v === null) return 'fail';
      if (!test(str(v), want)) return 'fail';
    }
    return 'pass';
  };
}

function compileOne(f: SubscriptionsAPIFilter): Filter | undefined {
  if (f.exact !== undefined) return mapFilter(f.exact, (v, w) => v === w);
  if (f.prefix !== undefined) return mapFilter(f.prefix, (v, w) => v.startsWith(w));
  if (f.suffix !== undefined) return mapFilter(f.suffix, (v, w) => v.endsWith(w));
  if (f.all !== undefined) return allOf(f.all);
  if (f.any !== undefined) {
    const kids = f.any.map(compileOne).filter((x): x is Filter => !!x);
    if (!kids.length) return undefined;
    return (a) => {
      for (const k of kids) if (k(a) !== 'fail') return 'pass';
      return 'fail';
    };
  }
  if (f.not !== undefined) {
    const k = compileOne(f.not);
    if (!k) return undefined;
    return (a) => {
      const r = k(a);
      return r === 'pass' ? 'fail' : r === 'fail' ? 'pass' : 'none';
    };
  }
  if (f.cesql !== undefined && f.cesql !== '') {
    let m: ReturnType<typeof compileCesql>;
    try {
      m = compileCesql(f.cesql);
    } catch {
      return () => 'fail';
    }
    return (a) => (m((n) => cesqlValue(a[n])) ? 'pass' : 'fail');
  }
  return undefined;
}

function cesqlValue(v: unknown): Value | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? v : String(v);
  return str(v);
}

function allOf(list: SubscriptionsAPIFilter[]): Filter | undefined {
  const kids = list.map(compileOne).filter((x): x is Filter => !!x);
  if (!kids.length) return undefined;
  return (a) => {
    for (const k of kids) if (k(a) === 'fail') return 'fail';
    return 'pass';
  };
}

/** The filters dialects: the list is an implicit `all`; an empty or all-invalid list passes everything. */
export function subscriptionsFilter(filters: SubscriptionsAPIFilter[]): Matcher {
  const f = allOf(filters);
  return f ? (a) => f(a) !== 'fail' : () => true;
}

/** A Trigger's matcher: a non-empty `filters` overrides `filter.attributes`. */
export function triggerMatcher(t: Pick<Trigger, 'spec'>): Matcher {
  const filters = t.spec?.filters;
  if (filters && filters.length) return subscriptionsFilter(filters);
  return attributesFilter(t.spec?.filter?.attributes);
}

const ATTR_NAME = /^[a-z][a-z0-9]*$/;
export const ATTR_NAME_MESSAGE = 'Attribute name must start with a letter and can only contain lowercase alphanumeric';

/** Validation of a Trigger's filters as upstream's webhook (trigger_validation.go): path → message. */
export function filterErrors(t: Pick<Trigger, 'spec'>): string[] {
  const errs: string[] = [];
  for (const k of Object.keys(t.spec?.filter?.attributes ?? {})) if (!ATTR_NAME.test(k)) errs.push(`${ATTR_NAME_MESSAGE}: spec.filter.attributes.${k}`);
  const walk = (f: SubscriptionsAPIFilter, path: string) => {
    const dialects = (['exact', 'prefix', 'suffix', 'all', 'any', 'not', 'cesql'] as const).filter((d) => f[d] !== undefined);
    if (dialects.length > 1) errs.push(`multiple dialects found, filters can have only one dialect set: ${path}`);
    for (const d of ['exact', 'prefix', 'suffix'] as const) {
      for (const k of Object.keys(f[d] ?? {})) if (!ATTR_NAME.test(k)) errs.push(`${ATTR_NAME_MESSAGE}: ${path}.${d}.${k}`);
    }
    f.all?.forEach((x, i) => walk(x, `${path}.all[${i}]`));
    f.any?.forEach((x, i) => walk(x, `${path}.any[${i}]`));
    if (f.not) walk(f.not, `${path}.not`);
    if (f.cesql !== undefined) {
      try {
        parseCesql(f.cesql);
      } catch (e) {
        if (e instanceof CesqlError) errs.push(`invalid value: ${f.cesql}: ${path}.cesql: ${e.message}`);
        else throw e;
      }
    }
  };
  t.spec?.filters?.forEach((f, i) => walk(f, `spec.filters[${i}]`));
  return errs;
}
