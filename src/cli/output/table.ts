// kn's list tables: a port of the *semantics* of Go's text/tabwriter (kn prints through it with
// minwidth 6, tabwidth 4, padding 3, padchar ' ', TabIndent), UPPERCASE headers, the optional
// NAMESPACE column, human ages and the CONDITIONS / READY / REASON cells.
//
// Why not cli-table3: it draws borders and boxes (or, with the border characters blanked, still
// pads both sides of every cell and the last column), while kn's format is borderless, pads only
// to the right with exactly 3 spaces, leaves the last column unpadded (so an empty REASON leaves
// trailing spaces after READY), and measures widths per column *block* as tabwriter does. A
// ~60-line tabwriter is simpler and exact, and it keeps cli-table3 off the `kn service list` path.
import type { Condition } from '../../api/meta.ts';

export interface TabwriterOptions {
  minwidth: number;
  tabwidth: number;
  padding: number;
  /** TabIndent: leading empty cells are written as tabs. */
  tabIndent?: boolean;
}

/** kn's table printer settings (pkg/printers/tabwriter.go). */
export const TABLE_TABWRITER: TabwriterOptions = { minwidth: 6, tabwidth: 4, padding: 3, tabIndent: true };
/** kn's describe writer settings (pkg/printers/prefixwriter.go). */
export const DESCRIBE_TABWRITER: TabwriterOptions = { minwidth: 0, tabwidth: 8, padding: 2 };

// Go's tabwriter counts runes: code points, so a surrogate pair is one.
const SURROGATE = /[\uD800-\uDFFF]/;
const width = (s: string): number => {
  if (!SURROGATE.test(s)) return s.length;
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/**
 * Formats text the way Go's tabwriter does when flushed once: cells are tab-terminated; a column
 * block is a run of consecutive lines that have a tab-terminated cell in that column; each block's
 * width is max(minwidth, widest cell + padding). The text after the last tab of a line is not
 * part of any column and is written as is.
 */
export function tabwrite(text: string, o: TabwriterOptions): string {
  const endsWithNewline = text.endsWith('\n');
  const rawLines = (endsWithNewline ? text.slice(0, -1) : text).split('\n');
  const lines = rawLines.map((l) => l.split('\t'));
  const out: string[] = new Array(lines.length);
  const widths: number[] = [];

  const writeLines = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      const cells = lines[i]!;
      let s = '';
      let useTabs = !!o.tabIndent;
      for (let j = 0; j < cells.length; j++) {
        const c = cells[j]!;
        const w = width(c);
        if (j < widths.length) {
          if (w === 0 && useTabs) {
            // Leading empty cells become tabs (TabIndent).
            s += '\t'.repeat(Math.ceil(widths[j]! / o.tabwidth));
            continue;
          }
          useTabs = false;
          s += c + ' '.repeat(Math.max(0, widths[j]! - w));
        } else {
          if (w) useTabs = false;
          s += c;
        }
      }
      out[i] = s;
    }
  };

  const format = (line0: number, line1: number): void => {
    const column = widths.length;
    for (let cur = line0; cur < line1; cur++) {
      if (column >= lines[cur]!.length - 1) continue;
      // A block starts here: lines before it are done at this depth.
      writeLines(line0, cur);
      line0 = cur;
      let w = o.minwidth;
      for (; cur < line1; cur++) {
        const line = lines[cur]!;
        if (column >= line.length - 1) break;
        const cw = width(line[column]!) + o.padding;
        if (cw > w) w = cw;
      }
      widths.push(w);
      format(line0, cur);
      widths.pop();
      line0 = cur;
      cur--; // the for loop's ++ re-examines the line that ended the block
    }
    writeLines(line0, line1);
  };
  format(0, lines.length);
  return out.join('\n') + (endsWithNewline ? '\n' : '');
}

export interface Column<T> {
  /** Header as declared upstream ("Name", "Url"); printed upper-cased. */
  name: string;
  cell: (o: T) => string;
}

export interface TableOptions {
  noHeaders?: boolean;
  /** Adds the NAMESPACE column first (kn: when -A made the namespace ""). */
  withNamespace?: boolean;
  /** How the NAMESPACE cell is shown (revision list cuts it to 50 characters). */
  namespaceCell?: (ns: string) => string;
}

/** Renders rows as kn does: header, then one line per row, through the tabwriter. */
export function renderTable<T extends { metadata?: { namespace?: string } }>(columns: Column<T>[], rows: T[], o: TableOptions = {}): string {
  const cols: Column<T>[] = o.withNamespace ? [{ name: 'Namespace', cell: (r) => (o.namespaceCell ?? String)(r.metadata?.namespace ?? '') }, ...columns] : columns;
  const lines: string[][] = [];
  if (!o.noHeaders) lines.push(cols.map((c) => c.name.toUpperCase()));
  for (const r of rows) lines.push(cols.map((c) => c.cell(r)));
  // Every line has the same cells, so each column is one block: the tabwriter result is the
  // plain per-column maximum. (A cell with a tab or newline, or an empty first cell, which
  // TabIndent writes as tabs, goes through the general tabwriter.)
  if (lines.some((l) => !l[0] || l.some((c) => c.includes('\t') || c.includes('\n')))) {
    return tabwrite(lines.map((l) => l.join('\t') + '\n').join(''), TABLE_TABWRITER);
  }
  const n = cols.length;
  const widths: number[] = new Array(n - 1).fill(TABLE_TABWRITER.minwidth);
  for (const l of lines) {
    for (let j = 0; j < n - 1; j++) {
      const w = width(l[j]!) + TABLE_TABWRITER.padding;
      if (w > widths[j]!) widths[j] = w;
    }
  }
  let out = '';
  for (const l of lines) {
    for (let j = 0; j < n - 1; j++) out += l[j]! + ' '.repeat(widths[j]! - width(l[j]!));
    out += l[n - 1]! + '\n';
  }
  return out;
}

// ---- cells -----------------------------------------------------------------------------------

/** `3 OK / 3`: the number of True conditions over all conditions. */
export function conditionsCell(conditions: Condition[] | undefined): string {
  const all = conditions ?? [];
  return `${all.filter((c) => c.status === 'True').length} OK / ${all.length}`;
}

/** The Ready condition's status, or `<unknown>`. */
export function readyCell(conditions: Condition[] | undefined): string {
  return conditions?.find((c) => c.type === 'Ready')?.status ?? '<unknown>';
}

/** Empty when Ready=True, `Reason : Message` (or the reason alone) otherwise, `<unknown>` without Ready. */
export function reasonCell(conditions: Condition[] | undefined): string {
  const r = conditions?.find((c) => c.type === 'Ready');
  if (!r) return '<unknown>';
  if (r.status === 'True') return '';
  return r.message ? `${r.reason ?? ''} : ${r.message}` : (r.reason ?? '');
}

/** kn's list AGE cell: HumanDuration since the timestamp, `<unknown>` without one. */
export function ageCell(timestamp: string | undefined, now = Date.now()): string {
  if (!timestamp) return '<unknown>';
  const t = Date.parse(timestamp);
  if (Number.isNaN(t)) return '<unknown>';
  return age(now - t);
}

/** Cuts a cell to 50 characters as `revision list` does: the first 46 and " ...". */
export function trunc50(s: string): string {
  return s.length <= 50 ? s : s.slice(0, 46) + ' ...';
}

// ---- durations (k8s.io/apimachinery util/duration) --------------------------------------------

/** kubectl's HumanDuration: `5s`, `2m42s`, `15m`, `3h20m`, `10h`, `3d4h`, `20d`, `2y30d`, `9y`. */
export function age(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(seconds / 3600);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const d = Math.trunc(hours / 24) % 365;
    const y = Math.trunc(hours / 24 / 365);
    return d === 0 ? `${y}y` : `${y}y${d}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/** kubectl's ShortHumanDuration (describe): `5s`, `3m`, `2h`, `4d`, `1y`. */
export function shortAge(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.trunc(seconds / 3600);
  if (hours < 24) return `${hours}h`;
  if (hours < 24 * 365) return `${Math.trunc(hours / 24)}d`;
  return `${Math.trunc(hours / 24 / 365)}y`;
}
