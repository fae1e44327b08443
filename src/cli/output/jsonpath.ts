// kubectl's JSONPath template dialect (k8s.io/client-go/util/jsonpath), as `-o jsonpath=…` uses it:
// literal text with `{…}` actions; paths (`.a.b`, `$`, `@`, `..name`, `[*]`, `[0]`, `[-1]`, `[1:3:1]`,
// `['key']`, `['a','b']`, `[0,2]`, `[?(@.x=="y")]`, `\.` in field names), `{range PATH}…{end}`,
// string literals (`{"\n"}`), several paths in one action separated by spaces or commas. Results of one
// action are joined by a space; maps and lists print as compact JSON. Pure: no I/O.

export class JsonPathError extends Error {
  override name = 'JsonPathError';
}

type Seg =
  | { t: 'root' }
  | { t: 'current' }
  | { t: 'field'; name: string } // '*' = wildcard
  | { t: 'recursive' }
  | { t: 'keys'; names: string[] }
  | { t: 'index'; items: (number | Slice)[] } // '[*]' = one full slice
  | { t: 'filter'; left: Seg[]; op?: string; right?: Seg[] | { lit: unknown } };

interface Slice {
  start?: number;
  end?: number;
  step?: number;
}

type Node = { t: 'text'; text: string } | { t: 'paths'; paths: (Seg[] | { lit: string })[] } | { t: 'range'; path: Seg[]; body: Node[] };

/** Parses a template; throws JsonPathError with kubectl-like wording. */
export function parseJsonPath(template: string): Node[] {
  const stack: Node[][] = [[]];
  const ranges: Node[] = [];
  let i = 0;
  let text = '';
  const flushText = () => {
    if (text) stack[stack.length - 1]!.push({ t: 'text', text });
    text = '';
  };
  while (i < template.length) {
    const ch = template[i]!;
    if (ch !== '{') {
      text += ch;
      i++;
      continue;
    }
    flushText();
    // Find the matching '}' outside quotes.
    let j = i + 1;
    let quote = '';
    for (; j < template.length; j++) {
      const c = template[j]!;
      if (quote) {
        if (c === '\\') j++;
        else if (c === quote) quote = '';
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '}') break;
    }
    if (j >= template.length) throw new JsonPathError('unclosed action');
    const action = template.slice(i + 1, j).trim();
    i = j + 1;
    const top = stack[stack.length - 1]!;
    if (action === 'end') {
      if (!ranges.length) throw new JsonPathError('not in range, nothing to end');
      ranges.pop();
      stack.pop();
      continue;
    }
    const rm = /^range\s+(.*)$/s.exec(action);
    if (rm) {
      const node: Node = { t: 'range', path: parsePath(rm[1]!.trim()), body: [] };
      top.push(node);
      ranges.push(node);
      stack.push(node.body);
      continue;
    }
    top.push({ t: 'paths', paths: splitPaths(action).map((p) => (p.startsWith('"') ? { lit: unquote(p) } : parsePath(p))) });
  }
  flushText();
  if (ranges.length) throw new JsonPathError('unclosed range, missing {end}');
  return stack[0]!;
}

function unquote(s: string): string {
  if (s.length < 2 || s[s.length - 1] !== s[0]) throw new JsonPathError(`unterminated quoted string ${s}`);
  return s.slice(1, -1).replace(/\\(.)/gs, (_, c: string) => ({ n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'" })[c] ?? c);
}

/** Splits an action into paths at top-level spaces and commas. */
function splitPaths(action: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  let quote = '';
  for (let k = 0; k < action.length; k++) {
    const c = action[k]!;
    if (quote) {
      cur += c;
      if (c === '\\') cur += action[++k] ?? '';
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    if (c === '[' || c === '(') depth++;
    if (c === ']' || c === ')') depth--;
    if (depth === 0 && (c === ' ' || c === ',')) {
      if (cur) out.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  if (cur) out.push(cur);
  if (!out.length) throw new JsonPathError('empty action');
  return out;
}

/** Parses one path (`$.a[0].b`, `.items[*]`, `@.x`, `..name`). */
export function parsePath(src: string): Seg[] {
  const segs: Seg[] = [];
  let i = 0;
  if (src[0] === '$') {
    segs.push({ t: 'root' });
    i = 1;
  } else if (src[0] === '@') {
    segs.push({ t: 'current' });
    i = 1;
  } else if (src[0] !== '.' && src[0] !== '[') {
    throw new JsonPathError(`unrecognized identifier ${src.split(/[.[]/)[0]}`);
  }
  while (i < src.length) {
    const c = src[i]!;
    if (c === '.') {
      if (src[i + 1] === '.') {
        segs.push({ t: 'recursive' });
        i += 2;
        if (src[i] === '[') continue;
      } else i++;
      let name = '';
      while (i < src.length && src[i] !== '.' && src[i] !== '[') {
        if (src[i] === '\\' && i + 1 < src.length) {
          name += src[i + 1];
          i += 2;
        } else name += src[i++];
      }
      if (!/^[^\s()"'=<>!]*$/.test(name)) throw new JsonPathError(`unrecognized character in action: ${JSON.stringify(name)}`);
      if (name) segs.push({ t: 'field', name });
      continue;
    }
    if (c === '[') {
      // Find the matching ']'.
      let j = i + 1;
      let depth = 1;
      let quote = '';
      for (; j < src.length; j++) {
        const d = src[j]!;
        if (quote) {
          if (d === '\\') j++;
          else if (d === quote) quote = '';
        } else if (d === '"' || d === "'") quote = d;
        else if (d === '[') depth++;
        else if (d === ']' && --depth === 0) break;
      }
      if (j >= src.length) throw new JsonPathError('unclosed array expect ]');
      segs.push(parseBracket(src.slice(i + 1, j).trim()));
      i = j + 1;
      continue;
    }
    throw new JsonPathError(`unrecognized character in action: ${JSON.stringify(c)}`);
  }
  return segs;
}

function parseBracket(inner: string): Seg {
  if (inner === '*') return { t: 'index', items: [{}] };
  if (inner.startsWith('?')) {
    const m = /^\?\s*\((.*)\)$/s.exec(inner);
    if (!m) throw new JsonPathError(`invalid filter ${inner}`);
    return parseFilter(m[1]!.trim());
  }
  if (inner.startsWith("'") || inner.startsWith('"')) return { t: 'keys', names: splitPaths(inner).map(unquote) };
  if (!inner) throw new JsonPathError('empty array index');
  const items = inner.split(',').map((part): number | Slice => {
    const p = part.trim();
    if (/^-?\d+$/.test(p)) return Number(p);
    const m = /^(-?\d+)?\s*:\s*(-?\d+)?\s*(?::\s*(-?\d+)?)?$/.exec(p);
    if (!m) throw new JsonPathError(`invalid array index ${p}`);
    const n = (s: string | undefined) => (s === undefined ? undefined : Number(s));
    const step = n(m[3]);
    if (step === 0) throw new JsonPathError('step must be > 0');
    return { start: n(m[1]), end: n(m[2]), step };
  });
  return { t: 'index', items };
}

function parseFilter(expr: string): Seg {
  const m = /^(.+?)\s*(==|!=|<=|>=|<|>|=~)\s*(.+)$/s.exec(expr);
  const operand = (s: string): Seg[] | { lit: unknown } => {
    s = s.trim();
    if (s.startsWith('@') || s.startsWith('$')) return parsePath(s);
    if (s.startsWith("'") || s.startsWith('"')) return { lit: unquote(s) };
    if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(s)) return { lit: Number(s) };
    if (s === 'true' || s === 'false') return { lit: s === 'true' };
    if (s === 'nil' || s === 'null') return { lit: null };
    throw new JsonPathError(`unrecognized filter operand ${s}`);
  };
  if (!m) {
    const left = operand(expr);
    if (!Array.isArray(left)) throw new JsonPathError(`invalid filter ${expr}`);
    return { t: 'filter', left };
  }
  const left = operand(m[1]!);
  if (!Array.isArray(left)) throw new JsonPathError(`invalid filter ${expr}`);
  if (m[2] === '=~') throw new JsonPathError('regular expression filters are not supported');
  return { t: 'filter', left, op: m[2], right: operand(m[3]!) };
}

// ---- evaluation ------------------------------------------------------------------------------

export interface JsonPathOptions {
  /** kubectl's --allow-missing-template-keys (default true): a missing key prints nothing. */
  allowMissingKeys?: boolean;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function evalPath(path: Seg[], root: unknown, current: unknown, o: JsonPathOptions): unknown[] {
  let vals: unknown[] = [current];
  for (const s of path) {
    const next: unknown[] = [];
    switch (s.t) {
      case 'root':
        next.push(root);
        break;
      case 'current':
        next.push(...vals);
        break;
      case 'recursive':
        for (const v of vals) walk(v, next);
        break;
      case 'field': {
        for (const v of vals) {
          if (s.name === '*') {
            if (isObj(v)) next.push(...Object.values(v));
            else if (Array.isArray(v)) next.push(...v);
          } else if (isObj(v) && Object.hasOwn(v, s.name)) next.push(v[s.name]);
        }
        if (!next.length && s.name !== '*' && !o.allowMissingKeys && vals.length) throw new JsonPathError(`${s.name} is not found`);
        break;
      }
      case 'keys':
        for (const v of vals) for (const k of s.names) if (isObj(v) && Object.hasOwn(v, k)) next.push(v[k]);
        if (!next.length && !o.allowMissingKeys && vals.length) throw new JsonPathError(`${s.names.join(',')} is not found`);
        break;
      case 'index':
        for (const v of vals) {
          if (!Array.isArray(v)) {
            if (isObj(v) && s.items.length === 1 && typeof s.items[0] === 'object' && !s.items[0].start && !s.items[0].end) next.push(...Object.values(v));
            continue;
          }
          for (const it of s.items) {
            if (typeof it === 'number') {
              const idx = it < 0 ? v.length + it : it;
              if (idx < 0 || idx >= v.length) {
                if (!o.allowMissingKeys) throw new JsonPathError(`array index out of bounds: index ${it}, length ${v.length}`);
                continue;
              }
              next.push(v[idx]);
            } else {
              const len = v.length;
              const norm = (x: number | undefined, d: number) => (x === undefined ? d : x < 0 ? Math.max(0, len + x) : Math.min(x, len));
              const start = norm(it.start, 0);
              const end = norm(it.end, len);
              for (let k = start; k < end; k += it.step ?? 1) next.push(v[k]);
            }
          }
        }
        break;
      case 'filter':
        for (const v of vals) {
          const items = Array.isArray(v) ? v : isObj(v) ? Object.values(v) : [];
          for (const item of items) if (filterMatches(s, root, item)) next.push(item);
        }
        break;
    }
    vals = next;
  }
  return vals;
}

function walk(v: unknown, out: unknown[]): void {
  out.push(v);
  if (Array.isArray(v)) for (const x of v) walk(x, out);
  else if (isObj(v)) for (const x of Object.values(v)) walk(x, out);
}

function filterMatches(f: Extract<Seg, { t: 'filter' }>, root: unknown, item: unknown): boolean {
  const lefts = evalPath(f.left, root, item, { allowMissingKeys: true });
  if (!f.op) return lefts.length > 0 && lefts[0] !== undefined;
  if (!lefts.length) return false;
  const rights = f.right && Array.isArray(f.right) ? evalPath(f.right, root, item, { allowMissingKeys: true }) : [(f.right as { lit: unknown }).lit];
  if (!rights.length) return false;
  const a = lefts[0];
  const b = rights[0];
  switch (f.op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    default: {
      if (typeof a !== typeof b || (typeof a !== 'number' && typeof a !== 'string')) return false;
      const x = a as number | string;
      const y = b as number | string;
      return f.op === '<' ? x < y : f.op === '>' ? x > y : f.op === '<=' ? x <= y : x >= y;
    }
  }
}

/** Go's encoding/json escaping of <, > and & (kubectl prints through it). */
export function goJsonEscape(s: string): string {
  return s.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return goJsonEscape(JSON.stringify(v));
  return String(v);
}

/** Executes a parsed template against data, as `kubectl -o jsonpath=…` prints it. */
export function executeJsonPath(nodes: Node[], data: unknown, o: JsonPathOptions = { allowMissingKeys: true }): string {
  const run = (ns: Node[], current: unknown): string => {
    let out = '';
    for (const n of ns) {
      if (n.t === 'text') out += n.text;
      else if (n.t === 'range') {
        for (const item of evalPath(n.path, data, current, o)) out += run(n.body, item);
      } else {
        const results: string[] = [];
        for (const p of n.paths) {
          if ('lit' in p) results.push(p.lit);
          else results.push(...evalPath(p, data, current, o).map(text));
        }
        out += results.join(' ');
      }
    }
    return out;
  };
  return run(nodes, data);
}

/** `-o jsonpath-as-json=…`: every result of every action, as one indented JSON array. */
export function executeJsonPathAsJson(nodes: Node[], data: unknown, o: JsonPathOptions = { allowMissingKeys: true }): string {
  const results: unknown[] = [];
  const run = (ns: Node[], current: unknown): void => {
    for (const n of ns) {
      if (n.t === 'range') for (const item of evalPath(n.path, data, current, o)) run(n.body, item);
      else if (n.t === 'paths') for (const p of n.paths) if (!('lit' in p)) results.push(...evalPath(p, data, current, o));
    }
  };
  run(nodes, data);
  return goJsonEscape(JSON.stringify(results, null, 4)) + '\n';
}

/** Parse and execute in one call. */
export function jsonpath(template: string, data: unknown, o?: JsonPathOptions): string {
  return executeJsonPath(parseJsonPath(template), data, o);
}
