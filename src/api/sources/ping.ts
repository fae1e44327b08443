// PingSource semantics (pkg/apis/sources/v1/ping_validation.go, pkg/adapter/mtping/runner.go):
// schedule validation as robfig/cron's ParseStandard (five fields or a descriptor, `CRON_TZ=`
// allowed, `@every` refused), the timezone check, data/dataBase64/contentType rules, and the event
// each tick sends. Pure: the caller hands the schedule to croner and supplies id and time.
import { PING_EVENT_TYPE, type PingSource, type PingSourceSpec, pingSourceSource } from './types.ts';

export const DEFAULT_SCHEDULE = '* * * * *';
const DESCRIPTORS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

/** Whether tz is an IANA zone name the runtime knows. */
export function validTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export interface CronSpec {
  /** The five-field pattern or descriptor croner runs (`@midnight` mapped to `@daily`). */
  pattern: string;
  /** The IANA zone (spec.timezone, else a CRON_TZ=/TZ= prefix), undefined for the local zone. */
  timezone?: string;
}

/**
 * Parses a schedule as upstream validates it; returns the pattern or throws Error with upstream's
 * field error text (`invalid value: …: spec.schedule` / `spec.timezone`).
 */
export function parseSchedule(schedule: string | undefined, timezone?: string): CronSpec {
  let s = (schedule ?? '').trim() || DEFAULT_SCHEDULE;
  if (s.includes('@every')) throw new Error('invalid value: unsupported descriptor @every: spec.schedule');
  let tz = timezone || undefined;
  const m = /^(?:CRON_TZ|TZ)=(\S+)\s+(.*)$/.exec(s);
  if (m) {
    tz = timezone || m[1];
    s = m[2]!.trim();
  }
  if (tz && !validTimezone(tz)) throw new Error(`invalid value: provided bad location ${tz}: unknown time zone ${tz}: spec.timezone`);
  if (s.startsWith('@')) {
    if (!DESCRIPTORS.has(s)) throw new Error(`invalid value: unrecognized descriptor: ${s}: spec.schedule`);
    return { pattern: s === '@midnight' ? '@daily' : s === '@annually' ? '@yearly' : s, ...(tz ? { timezone: tz } : {}) };
  }
  const fields = s.split(/\s+/);
  if (fields.length !== 5) throw new Error(`invalid value: expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]: spec.schedule`);
  const bounds: [number, number, string][] = [
    [0, 59, 'minute'],
    [0, 23, 'hour'],
    [1, 31, 'day of month'],
    [1, 12, 'month'],
    [0, 6, 'day of week'],
  ];
  const names: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12, sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
  fields.forEach((f, i) => {
    const [lo, hi] = bounds[i]!;
    for (const part of f.split(',')) {
      const [range, step] = part.split('/') as [string, string | undefined];
      if (step !== undefined && !/^\d+$/.test(step)) throw new Error(`invalid value: failed to parse int from ${step}: spec.schedule`);
      if (range === '*' || (range === '?' && (i === 2 || i === 4))) continue;
      for (const v of range.split('-')) {
        const n = /^\d+$/.test(v) ? Number(v) : names[v.toLowerCase()];
        if (n === undefined) throw new Error(`invalid value: failed to parse int from ${v}: strconv.Atoi: parsing "${v}": invalid syntax: spec.schedule`);
        if (n < lo) throw new Error(`invalid value: beginning of range (${n}) below minimum (${lo}): ${part}: spec.schedule`);
        if (n > hi) throw new Error(`invalid value: end of range (${n}) above maximum (${hi}): ${part}: spec.schedule`);
      }
    }
  });
  return { pattern: fields.join(' '), ...(tz ? { timezone: tz } : {}) };
}

const isJsonObject = (s: string): boolean => {
  try {
    const v: unknown = JSON.parse(s);
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
};

/** Upstream's validation of the data fields; [] when fine. */
export function pingDataErrors(spec: PingSourceSpec | undefined, dataMaxSize = -1): string[] {
  const errs: string[] = [];
  const { data = '', dataBase64 = '', contentType = '' } = spec ?? {};
  if (data && dataBase64) return ['expected exactly one, got both: spec.data, spec.dataBase64'];
  if (dataBase64) {
    if (dataMaxSize > -1 && dataBase64.length > dataMaxSize) errs.push(`invalid value: the dataBase64 length of ${dataBase64.length} bytes exceeds limit set at ${dataMaxSize}.: spec.dataBase64`);
    if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(dataBase64)) errs.push('invalid value: illegal base64 data: spec.dataBase64');
    else if (contentType === 'application/json' && !isJsonObject(Buffer.from(dataBase64, 'base64').toString('utf8'))) errs.push('invalid value: the decoded data is not a JSON object: spec.dataBase64');
  } else if (data) {
    if (dataMaxSize > -1 && data.length > dataMaxSize) errs.push(`invalid value: the data length of ${data.length} bytes exceeds limit set at ${dataMaxSize}.: spec.data`);
    if (contentType === 'application/json' && !isJsonObject(data)) errs.push('invalid value: data is not a JSON object: spec.data');
  }
  return errs;
}

/** The attributes (without id and time) and data of the event a PingSource sends each tick. */
export interface PingEvent {
  attrs: Record<string, string>;
  data: Buffer | undefined;
}

export function pingEvent(src: PingSource): PingEvent {
  const ns = src.metadata.namespace ?? '';
  const name = src.metadata.name ?? '';
  const spec = src.spec ?? {};
  const attrs: Record<string, string> = { specversion: '1.0', type: PING_EVENT_TYPE, source: pingSourceSource(ns, name) };
  for (const [k, v] of Object.entries(spec.ceOverrides?.extensions ?? {})) attrs[k] = v;
  let data: Buffer | undefined;
  if (spec.dataBase64) data = Buffer.from(spec.dataBase64, 'base64');
  else if (spec.data) {
    if (spec.contentType === 'application/json' && isJsonObject(spec.data)) {
      // The adapter re-marshals a JSON object: compact, top-level keys sorted (Go's map encoding).
      const o = JSON.parse(spec.data) as Record<string, unknown>;
      data = Buffer.from(`{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${JSON.stringify(o[k])}`).join(',')}}`);
    } else data = Buffer.from(spec.data);
  }
  if (data !== undefined && spec.contentType) attrs.datacontenttype = spec.contentType;
  return { attrs, data };
}
