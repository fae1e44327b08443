// CloudEvents on the wire, through the `cloudevents` SDK: parse a request (binary or structured
// mode) into an event, and encode an event for delivery (binary by default, structured when a
// Trigger asks for json). The broker keeps the data as the bytes it received, so what a subscriber
// gets is what the producer sent.
import { createRequire } from 'node:module';
import type * as CE from 'cloudevents';
import type { CloudEvent } from 'cloudevents';
import { isToken } from '../gateway/http-syntax.ts';

/** An event inside the broker: its attributes (context attributes and extensions) and its data bytes. */
export interface BrokerEvent {
  attrs: Record<string, unknown>;
  data: Buffer | undefined;
  /** Pass-through request headers (x-request-id, knative-*, x-b3-*, traceparent, tracestate). */
  headers: Record<string, string>;
  /** Bytes held (for the memory bound). */
  size: number;
}

export class BadEvent extends Error {}

const CE_JSON = 'application/cloudevents+json';

/**
 * The SDK, loaded on first use: plain binary-mode events never need it, and it costs the broker
 * about 8 MiB of memory and 250 ms to load (docs/adr/0020-broker-hot-path.md).
 */
let sdkModule: typeof CE | undefined;
const sdk = () => (sdkModule ??= createRequire(import.meta.url)('cloudevents') as typeof CE);
const PASS_EXACT = new Set(['x-request-id', 'traceparent', 'tracestate']);

export function passThrough(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in h) {
    const v = h[k];
    if (v === undefined) continue;
    const l = k.toLowerCase();
    if (PASS_EXACT.has(l) || l.startsWith('knative-') || l.startsWith('x-b3-')) out[l] = Array.isArray(v) ? v.join(',') : v;
  }
  return out;
}

const isJson = (ct: string | undefined) => !ct || /^application\/(.+\+)?json\b/i.test(ct) || /^text\/json\b/i.test(ct);

/**
 * Parses an HTTP message into an event; BadEvent for anything upstream answers 400 to (no or an
 * unknown specversion, a batch, a missing id/source/type, a bad attribute).
 */
export function parseEvent(headers: Record<string, string | string[] | undefined>, body: Buffer): BrokerEvent {
  const fast = parseBinaryFast(headers, body);
  if (fast) return fast;
  return parseWithSdk(headers, body);
}

const EXT_NAME = /^[a-z0-9]{1,}$/;
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i;
/**
 * Binary mode without the SDK's per-event costs (about 100 µs for its header sanitising, parsers
 * and frozen CloudEvent): the ce-* headers of a plain 1.0 event, percent-decoded, checked against
 * the same rules (required id, source, type; RFC 3339 time; lower-case alphanumeric names). Anything
 * unusual (0.3, a bad attribute, an odd header) returns undefined and goes through the SDK, which
 * also words the error.
 */
function parseBinaryFast(headers: Record<string, string | string[] | undefined>, body: Buffer): BrokerEvent | undefined {
  if (headers['ce-specversion'] !== '1.0') return undefined;
  const attrs: Record<string, unknown> = {};
  for (const k in headers) {
    if (k.length < 4 || k.charCodeAt(0) !== 99 || k.charCodeAt(1) !== 101 || k.charCodeAt(2) !== 45) continue; // "ce-"
    const v = headers[k];
    if (typeof v !== 'string') return undefined;
    const name = k.slice(3);
    if (!EXT_NAME.test(name) || name === 'datacontenttype') return undefined;
    let val = v;
    if (v.includes('%') || v.includes('"')) {
      try {
        val = decodeURIComponent(v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v);
      } catch {
        return undefined;
      }
    }
    attrs[name] = val;
  }
  if (!attrs.id || !attrs.source || !attrs.type) return undefined;
  if (attrs.time !== undefined && !RFC3339.test(attrs.time as string)) return undefined;
  if (attrs.dataschema !== undefined && !/^[a-z][a-z0-9+.-]*:/i.test(attrs.dataschema as string)) return undefined;
  const ct = headers['content-type'];
  if (typeof ct === 'string' && ct) {
    if (ct.toLowerCase().startsWith('application/cloudevents')) return undefined;
    attrs.datacontenttype = ct;
  }
  const data = body.length ? body : undefined;
  return { attrs, data, headers: passThrough(headers), size: (data?.length ?? 0) + 512 };
}

function parseWithSdk(headers: Record<string, string | string[] | undefined>, body: Buffer): BrokerEvent {
  const ct = String(headers['content-type'] ?? '');
  const structured = ct.toLowerCase().startsWith('application/cloudevents');
  if (ct.toLowerCase().startsWith('application/cloudevents-batch')) throw new BadEvent('batched events are not supported');
  if (!structured) {
    const sv = headers['ce-specversion'];
    if (sv !== '1.0' && sv !== '0.3') throw new BadEvent(sv ? `unknown specversion ${String(sv)}` : 'no CloudEvent: missing ce-specversion');
  } else if (!ct.toLowerCase().startsWith(CE_JSON)) throw new BadEvent(`unsupported event format ${ct}`);
  let ev: CloudEvent;
  try {
    const h: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers)) if (v !== undefined) h[k] = Array.isArray(v) ? v.join(',') : v;
    // Binary mode: the SDK only reads the attributes; the data stays the bytes received.
    const r = sdk().HTTP.toEvent({ headers: h, body: structured ? body.toString('utf8') : undefined });
    if (Array.isArray(r)) throw new BadEvent('batched events are not supported');
    ev = r as CloudEvent;
    ev.validate();
  } catch (e) {
    if (e instanceof BadEvent) throw e;
    const msg = (e as { errors?: unknown[]; message?: string }).errors ? `invalid event: ${JSON.stringify((e as { errors: unknown[] }).errors)}` : `invalid event: ${(e as Error).message}`;
    throw new BadEvent(msg);
  }
  if (ev.specversion !== '1.0' && ev.specversion !== '0.3') throw new BadEvent(`unknown specversion ${ev.specversion}`);
  const attrs: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(ev)) if (k !== 'data' && k !== 'data_base64' && v !== undefined) attrs[k] = v;
  // The SDK stamps a time on events that have none; the broker adds no time (as upstream).
  const hadTime = structured ? (JSON.parse(body.toString('utf8')) as { time?: unknown }).time !== undefined : headers['ce-time'] !== undefined;
  if (!hadTime) delete attrs.time;
  let data: Buffer | undefined;
  if (!structured) data = body.length ? body : undefined;
  else if (ev.data_base64) data = Buffer.from(ev.data_base64, 'base64');
  else if (ev.data !== undefined) {
    const d = ev.data as unknown;
    if (Buffer.isBuffer(d)) data = d;
    else if (d instanceof Uint32Array) data = Buffer.from(d);
    else data = Buffer.from(typeof d === 'string' && !isJson(ev.datacontenttype) ? d : JSON.stringify(d));
  }
  return { attrs, data, headers: passThrough(headers), size: (data?.length ?? 0) + 512 };
}

/** Header value of an attribute: CE canonical string, percent-encoding what HTTP headers cannot carry. */
function headerValue(v: unknown): string {
  const s = typeof v === 'string' ? v : v instanceof Date ? v.toISOString() : String(v);
  return /^[\x21-\x7e][\x20-\x7e]*$/.test(s) && !/[%"]/.test(s) ? s : s.replace(/[^\x21-\x24\x26-\x7e]/gu, (c) => encodeURIComponent(c));
}

/** Binary mode: ce-* headers and the data bytes. */
export function encodeBinary(attrs: Record<string, unknown>, data: Buffer | undefined): { headers: Record<string, string>; body: Buffer | undefined } {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'datacontenttype') headers['content-type'] = String(v);
    else headers[`ce-${k}`] = headerValue(v);
  }
  return { headers, body: data };
}

export class BadHeader extends Error {}

/**
 * Binary mode as HTTP header lines ("name: value\r\n", what the delivery client writes): the
 * attributes as ce-* (but `skip`, then `extra`), content-type from datacontenttype. The same
 * encoding as encodeBinary; throws BadHeader for what cannot go into a header (a name that is not a
 * token, a content type with controls), which HTTP clients refuse too.
 */
export function binaryHeadLines(attrs: Record<string, unknown>, skip?: string, extra?: Record<string, string | number>): string {
  let out = '';
  for (const k in attrs) {
    if (k === skip) continue;
    const v = attrs[k];
    if (v === undefined || (extra && k in extra)) continue;
    out += attrLine(k, v);
  }
  if (extra) for (const k in extra) out += attrLine(k, extra[k]);
  return out;
}

/** A header value an HTTP client writes as it is: HTAB, SP, visible ASCII, obs-text (no CR, LF, NUL or other controls). */
function fieldSafe(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if ((c < 0x20 && c !== 9) || c === 0x7f || c > 0xff) return false;
  }
  return true;
}

function attrLine(k: string, v: unknown): string {
  if (k === 'datacontenttype') {
    const ct = String(v);
    if (!fieldSafe(ct)) throw new BadHeader(`invalid content type ${JSON.stringify(ct)}`);
    return `content-type: ${ct}\r\n`;
  }
  if (!isToken(k)) throw new BadHeader(`invalid attribute name ${JSON.stringify(k)}`);
  return `ce-${k}: ${headerValue(v)}\r\n`;
}

/** Other header lines (pass-through and the broker's own), checked as binaryHeadLines does. */
export function headLines(h: Record<string, string>): string {
  let out = '';
  for (const k in h) {
    const v = h[k]!;
    if (!isToken(k) || !fieldSafe(v)) throw new BadHeader(`invalid header ${k}`);
    out += `${k}: ${v}\r\n`;
  }
  return out;
}

/** Structured mode (application/cloudevents+json) through the SDK. */
export function encodeStructured(attrs: Record<string, unknown>, data: Buffer | undefined): { headers: Record<string, string>; body: string } {
  const ct = attrs.datacontenttype as string | undefined;
  let d: unknown;
  let b64: string | undefined;
  if (data !== undefined) {
    if (isJson(ct)) {
      try {
        d = JSON.parse(data.toString('utf8'));
      } catch {
        b64 = data.toString('base64');
      }
    } else if (/^text\//i.test(ct ?? '')) d = data.toString('utf8');
    else b64 = data.toString('base64');
  }
  const { CloudEvent, HTTP } = sdk();
  const ev = new CloudEvent({ ...attrs, ...(d !== undefined ? { data: d } : {}), ...(b64 ? { data_base64: b64 } : {}) } as ConstructorParameters<typeof CloudEvent>[0], false);
  const m = HTTP.structured(ev);
  return { headers: { 'content-type': CE_JSON }, body: m.body as string };
}

/** The event as one JSON object (structured form), for `kn broker tail`. */
export function toJSON(ev: BrokerEvent): string {
  return encodeStructured(ev.attrs, ev.data).body;
}

/** Whether a response carries an event (binary ce-specversion, or a structured content type). */
export function responseHasEvent(headers: Record<string, string | string[] | undefined>): boolean {
  return headers['ce-specversion'] !== undefined || String(headers['content-type'] ?? '').toLowerCase().startsWith('application/cloudevents');
}
