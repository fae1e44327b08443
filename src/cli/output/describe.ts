// kn's describe layout: `Label:<TAB>value` lines through a tabwriter (minwidth 0, tabwidth 8,
// padding 2), nested attributes indented by 2 spaces, nested columns by a tab, explicit flushes
// between sections (so each section aligns on its own), the metadata block, and the conditions
// table with its OK markers. Pure: renders to a string.
import type { Condition, ObjectMeta } from '../../api/meta.ts';
import { DESCRIBE_TABWRITER, shortAge, tabwrite } from './table.ts';

/** Values longer than this are cut with " ..." (kn's TruncateAt). */
export const TRUNCATE_AT = 100;

class Sink {
  pending = '';
  done = '';
  flush(): void {
    this.done += tabwrite(this.pending, DESCRIBE_TABWRITER);
    this.pending = '';
  }
}

/** A writer at one indentation level; nested writers prefix their parent's output. */
export class PrefixWriter {
  private readonly sink: Sink;
  private readonly parent: PrefixWriter | undefined;
  private readonly prefix: string;

  constructor(sink?: Sink, parent?: PrefixWriter, colIndent = 0, spaceIndent = 0) {
    this.sink = sink ?? new Sink();
    this.parent = parent;
    this.prefix = '  '.repeat(spaceIndent) + '\t'.repeat(colIndent);
  }

  /** Writes raw text (may contain tabs and newlines) with this level's prefix. */
  write(s: string): void {
    if (this.parent) this.parent.write(this.prefix + s);
    else this.sink.pending += this.prefix + s;
  }

  /** Cells joined by tabs, no newline; returns a writer nested one column deeper. */
  writeCols(...cols: string[]): PrefixWriter {
    this.write(cols.join('\t'));
    return new PrefixWriter(this.sink, this, 1, 0);
  }

  writeColsLn(...cols: string[]): PrefixWriter {
    const nested = this.writeCols(...cols);
    this.writeLine();
    return nested;
  }

  /** A newline (or a whole line) without any prefix. */
  writeLine(s = ''): void {
    this.sink.pending += s + '\n';
  }

  /** `Label:<TAB>value`; returns a writer indented by 2 spaces for nested attributes. */
  writeAttribute(label: string, value: string): PrefixWriter {
    this.writeColsLn(`${label}:`, value);
    return new PrefixWriter(this.sink, this, 0, 1);
  }

  flush(): void {
    this.sink.flush();
  }

  /** Flushes and returns everything written. */
  toString(): string {
    this.sink.flush();
    return this.sink.done;
  }
}

const BORING_DOMAINS = new Set(['serving.knative.dev', 'client.knative.dev', 'kubectl.kubernetes.io']);

function boring(key: string): boolean {
  const parts = key.split('/');
  return parts.length > 1 && BORING_DOMAINS.has(parts[0]!);
}

function joinAndTruncate(keys: string[], m: Record<string, string>, width: number): string {
  let ret = '';
  for (const k of keys) {
    ret += `${k}=${m[k]}, `;
    if (ret.length > width) break;
  }
  ret = ret.replace(/[, ]+$/, '');
  return ret.length <= width ? ret : ret.slice(0, width - 4) + ' ...';
}

/** Labels / Annotations: one `k=v` per line with -v; otherwise non-kn keys joined and cut. */
export function writeMapDesc(dw: PrefixWriter, m: Record<string, string> | undefined, label: string, details: boolean): void {
  if (!m) return;
  const keys = Object.keys(m)
    .filter((k) => details || !boring(k))
    .sort();
  if (!keys.length) return;
  if (details) {
    keys.forEach((k, i) => dw.writeColsLn(i === 0 ? `${label}:` : '', `${k}=${m[k]}`));
    return;
  }
  dw.writeColsLn(`${label}:`, joinAndTruncate(keys, m, TRUNCATE_AT - label.length - 2));
}

/** A list of values: one per line with -v, else joined with ", " and cut at 100 characters. */
export function writeSliceDesc(dw: PrefixWriter, s: string[], label: string, details: boolean): void {
  if (!s.length) return;
  if (details) {
    s.forEach((v, i) => dw.writeColsLn(i === 0 ? `${label}:` : '', v));
    return;
  }
  let joined = s.join(', ');
  if (joined.length > TRUNCATE_AT) joined = joined.slice(0, TRUNCATE_AT - 4) + ' ...';
  dw.writeAttribute(label, joined);
}

/** Describe's age: ShortHumanDuration, empty without a timestamp. */
export function describeAge(ts: string | undefined, now = Date.now()): string {
  if (!ts) return '';
  const t = Date.parse(ts);
  return Number.isNaN(t) ? '' : shortAge(now - t);
}

export function writeMetadata(dw: PrefixWriter, m: ObjectMeta, details: boolean, now = Date.now()): void {
  dw.writeAttribute('Name', m.name ?? '');
  dw.writeAttribute('Namespace', m.namespace ?? '');
  writeMapDesc(dw, m.labels, 'Labels', details);
  writeMapDesc(dw, m.annotations, 'Annotations', details);
  dw.writeAttribute('Age', describeAge(m.creationTimestamp, now));
}

/** `++` True; `!!` False (error); ` W` / ` I` False with severity Warning / Info; `??` Unknown. */
export function conditionMarker(c: Condition): string {
  if (c.status === 'True') return '++';
  if (c.status === 'False') {
    const sev = c.severity ?? '';
    return sev === '' || sev === ('Error' as string) ? '!!' : sev === 'Warning' ? ' W' : sev === 'Info' ? ' I' : ' !';
  }
  return '??';
}

/** Ready first, then errors, warnings, infos, then by type. */
export function sortConditions(conditions: Condition[]): Condition[] {
  const rank = (c: Condition) => ((c.severity ?? '') === '' ? 0 : c.severity === 'Warning' ? 1 : c.severity === 'Info' ? 2 : 3);
  return [...conditions].sort((a, b) => {
    if (a.type === 'Ready') return b.type === 'Ready' ? 0 : -1;
    if (b.type === 'Ready') return 1;
    if ((a.severity ?? '') === (b.severity ?? '')) return a.type < b.type ? -1 : a.type > b.type ? 1 : 0;
    return rank(a) - rank(b);
  });
}

export function writeConditions(dw: PrefixWriter, conditions: Condition[] | undefined, details: boolean, now = Date.now()): void {
  const section = dw.writeAttribute('Conditions', '');
  const sorted = sortConditions(conditions ?? []);
  const max = sorted.reduce((n, c) => Math.max(n, c.type.length), 0);
  const row = (ok: string, type: string, age: string, reason: string) => `${ok.padEnd(2)} ${type.padEnd(max)} ${age.padStart(6)} ${reason}\n`;
  section.write(row('OK', 'TYPE', 'AGE', 'REASON'));
  for (const c of sorted) {
    let reason = c.reason ?? '';
    if (details && reason) reason = `${reason} (${c.message ?? ''})`;
    section.write(row(conditionMarker(c), c.type, describeAge(c.lastTransitionTime, now), reason));
  }
}
