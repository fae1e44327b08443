// A subset of Go's text/template, enough for the `-o go-template=…` one-liners people type
// (see docs/adr/0004-go-template.md): `{{.a.b}}`, `{{.}}`, `{{$}}`, `{{range PIPE}}…{{else}}…{{end}}`,
// `{{range $i, $e := PIPE}}`, `{{if}}/{{else if}}/{{else}}`, `{{with}}`, `{{$x := PIPE}}`, pipes,
// the functions index, printf, len, eq, ne, lt, le, gt, ge, and, or, not, print, println, and the
// `{{-`/`-}}` trim markers. Anything else fails with a one-line error that names jsonpath. Pure.

export class GoTemplateError extends Error {
  override name = 'GoTemplateError';
}

type Arg = { t: 'field'; base: 'dot' | string; path: string[] } | { t: 'lit'; v: unknown } | { t: 'call'; fn: string; args: Arg[] } | { t: 'pipe'; cmds: Arg[][] };
type Node =
  | { t: 'text'; s: string }
  | { t: 'out'; pipe: Arg; decl?: string[] }
  | { t: 'if' | 'with'; pipe: Arg; body: Node[]; elseBody: Node[] }
  | { t: 'range'; pipe: Arg; vars: string[]; body: Node[]; elseBody: Node[] };

const FUNCS = new Set(['index', 'printf', 'len', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'and', 'or', 'not', 'print', 'println']);

function tokenize(src: string): string[] {
  const toks: string[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"' || c === '`') {
      let j = i + 1;
      while (j < src.length && src[j] !== c) j += src[j] === '\\' && c === '"' ? 2 : 1;
      if (j >= src.length) throw new GoTemplateError('unterminated quoted string');
      toks.push(src.slice(i, j + 1));
      i = j + 1;
      continue;
    }
    if (c === '(' || c === ')' || c === '|' || c === ',') {
      toks.push(c);
      i++;
      continue;
    }
    if (src.startsWith(':=', i)) {
      toks.push(':=');
      i += 2;
      continue;
    }
    let j = i;
    while (j < src.length && !/[\s()|,"`]/.test(src[j]!) && !src.startsWith(':=', j)) j++;
    toks.push(src.slice(i, j));
    i = j;
  }
  return toks;
}

function parsePipe(toks: string[]): Arg {
  let pos = 0;
  const pipeline = (): Arg => {
    const cmds: Arg[][] = [[]];
    while (pos < toks.length && toks[pos] !== ')') {
      const tk = toks[pos]!;
      if (tk === '|') {
        cmds.push([]);
        pos++;
        continue;
      }
      cmds[cmds.length - 1]!.push(operand());
    }
    if (cmds.some((c) => !c.length)) throw new GoTemplateError('missing value for command');
    return { t: 'pipe', cmds };
  };
  const operand = (): Arg => {
    const tk = toks[pos++]!;
    if (tk === '(') {
      const p = pipeline();
      if (toks[pos++] !== ')') throw new GoTemplateError('unclosed left paren');
      return p;
    }
    if (tk.startsWith('"')) return { t: 'lit', v: JSON.parse(tk) as string };
    if (tk.startsWith('`')) return { t: 'lit', v: tk.slice(1, -1) };
    if (/^-?\d+(\.\d+)?$/.test(tk)) return { t: 'lit', v: Number(tk) };
    if (tk === 'true' || tk === 'false') return { t: 'lit', v: tk === 'true' };
    if (tk === 'nil') return { t: 'lit', v: null };
    if (tk === '.') return { t: 'field', base: 'dot', path: [] };
    if (tk.startsWith('.')) return { t: 'field', base: 'dot', path: tk.slice(1).split('.') };
    if (tk.startsWith('$')) {
      const [v, ...rest] = tk.split('.');
      return { t: 'field', base: v!, path: rest };
    }
    if (FUNCS.has(tk)) return { t: 'call', fn: tk, args: [] };
    throw new GoTemplateError(`function "${tk}" not defined`);
  };
  const p = pipeline();
  if (pos < toks.length) throw new GoTemplateError(`unexpected "${toks[pos]}" in command`);
  return p;
}

export function parseGoTemplate(src: string): Node[] {
  const root: Node[] = [];
  const stack: { nodes: Node[]; owner?: Node & { elseBody: Node[] }; inElse: boolean; chainEnds: number }[] = [{ nodes: root, inElse: false, chainEnds: 0 }];
  let i = 0;
  let pendingTrim = false;
  const top = () => stack[stack.length - 1]!;
  const push = (n: Node) => top().nodes.push(n);
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    let txt = open < 0 ? src.slice(i) : src.slice(i, open);
    if (pendingTrim) txt = txt.replace(/^\s+/, '');
    if (open < 0) {
      if (txt) push({ t: 'text', s: txt });
      break;
    }
    let inner = src.slice(open + 2);
    const close = inner.indexOf('}}');
    if (close < 0) throw new GoTemplateError('unclosed action');
    inner = inner.slice(0, close);
    if (inner.startsWith('- ') || inner === '-') txt = txt.replace(/\s+$/, '');
    if (txt) push({ t: 'text', s: txt });
    pendingTrim = / -$/.test(inner) || inner === '-';
    i = open + 2 + close + 2;
    const action = inner.replace(/^- /, '').replace(/ -$/, '').trim();
    if (action.startsWith('/*')) continue;
    const word = action.split(/\s+/)[0]!;
    const rest = action.slice(word.length).trim();
    if (word === 'end') {
      if (stack.length < 2) throw new GoTemplateError('unexpected {{end}}');
      const frame = stack.pop()!;
      for (let k = 0; k < frame.chainEnds; k++) stack.pop();
      continue;
    }
    if (word === 'else') {
      const frame = top();
      if (!frame.owner || frame.inElse) throw new GoTemplateError('unexpected {{else}}');
      frame.inElse = true;
      frame.nodes = frame.owner.elseBody;
      if (rest.startsWith('if ') || rest.startsWith('with ')) {
        // {{else if X}}: a nested if inside the else branch, closed by the same {{end}}.
        const kind = rest.startsWith('if ') ? 'if' : 'with';
        const n = { t: kind, pipe: parsePipe(tokenize(rest.slice(kind.length))), body: [] as Node[], elseBody: [] as Node[] } as Node & { elseBody: Node[] };
        frame.nodes.push(n);
        stack.push({ nodes: (n as { body: Node[] }).body, owner: n, inElse: false, chainEnds: frame.chainEnds + 1 });
        frame.chainEnds = 0;
      }
      continue;
    }
    if (word === 'if' || word === 'with') {
      const n = { t: word, pipe: parsePipe(tokenize(rest)), body: [] as Node[], elseBody: [] as Node[] } as Node & { elseBody: Node[] };
      push(n);
      stack.push({ nodes: (n as { body: Node[] }).body, owner: n, inElse: false, chainEnds: 0 });
      continue;
    }
    if (word === 'range') {
      let vars: string[] = [];
      let expr = rest;
      const m = /^(\$\w*)\s*(?:,\s*(\$\w*))?\s*:=\s*(.*)$/s.exec(rest);
      if (m) {
        vars = m[2] ? [m[1]!, m[2]] : [m[1]!];
        expr = m[3]!;
      }
      const n: Node & { elseBody: Node[] } = { t: 'range', pipe: parsePipe(tokenize(expr)), vars, body: [], elseBody: [] };
      push(n);
      stack.push({ nodes: n.body, owner: n, inElse: false, chainEnds: 0 });
      continue;
    }
    if (['define', 'template', 'block', 'break', 'continue'].includes(word)) {
      throw new GoTemplateError(`{{${word}}} is not supported by kn-ts's go-template subset; use -o jsonpath=… instead`);
    }
    const d = /^(\$\w*)\s*:?=\s*(.*)$/s.exec(action);
    if (d) push({ t: 'out', pipe: parsePipe(tokenize(d[2]!)), decl: [d[1]!] });
    else push({ t: 'out', pipe: parsePipe(tokenize(action)) });
  }
  if (stack.length > 1) throw new GoTemplateError('unexpected EOF: missing {{end}}');
  return root;
}

const MISSING = Symbol('missing');

/** Go's fmt %v for JSON-ish values: maps as map[k:v] with sorted keys, slices as [a b]. */
export function goFormat(v: unknown): string {
  if (v === MISSING || v === undefined) return '<no value>';
  if (v === null) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goFormat).join(' ')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `map[${Object.keys(o)
      .sort()
      .map((k) => `${k}:${goFormat(o[k])}`)
      .join(' ')}]`;
  }
  return String(v);
}

function truthy(v: unknown): boolean {
  if (v === MISSING || v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v as object).length > 0;
  return true;
}

function sprintf(fmt: string, args: unknown[]): string {
  let k = 0;
  return fmt.replace(/%([-+ 0#]*)(\d+)?(?:\.(\d+))?([vsdqfgtx%])/g, (_m, flags: string, w: string | undefined, prec: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    const a = args[k++];
    let s: string;
    if (a === undefined) s = `%!${verb}(MISSING)`;
    else if (verb === 'q') s = JSON.stringify(String(a));
    else if (verb === 'd') s = typeof a === 'number' ? String(Math.trunc(a)) : `%!d(${typeof a}=${goFormat(a)})`;
    else if (verb === 'f') s = typeof a === 'number' ? a.toFixed(prec ? Number(prec) : 6) : `%!f(${typeof a}=${goFormat(a)})`;
    else if (verb === 'x') s = typeof a === 'number' ? a.toString(16) : Buffer.from(String(a)).toString('hex');
    else s = goFormat(a);
    if (w) s = flags.includes('-') ? s.padEnd(Number(w)) : s.padStart(Number(w), flags.includes('0') && verb !== 's' ? '0' : ' ');
    return s;
  });
}

export interface GoTemplateOptions {
  /** --allow-missing-template-keys (default true): a missing key prints `<no value>`. */
  allowMissingKeys?: boolean;
}

export function executeGoTemplate(nodes: Node[], data: unknown, o: GoTemplateOptions = { allowMissingKeys: true }): string {
  const vars = new Map<string, unknown>([['$', data]]);
  const field = (base: unknown, path: string[]): unknown => {
    let v = base;
    for (const p of path) {
      if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.hasOwn(v, p)) v = (v as Record<string, unknown>)[p];
      else if (v === MISSING || v === null || v === undefined || (typeof v === 'object' && !Array.isArray(v))) {
        if (!o.allowMissingKeys) throw new GoTemplateError(`map has no entry for key "${p}"`);
        return MISSING;
      } else throw new GoTemplateError(`can't evaluate field ${p} in type ${Array.isArray(v) ? '[]interface {}' : typeof v}`);
    }
    return v;
  };
  const evalArg = (a: Arg, dot: unknown, piped: unknown[]): unknown => {
    switch (a.t) {
      case 'lit':
        return a.v;
      case 'field':
        if (a.base === 'dot') return field(dot, a.path);
        if (!vars.has(a.base)) throw new GoTemplateError(`undefined variable "${a.base}"`);
        return field(vars.get(a.base), a.path);
      case 'pipe': {
        let prev: unknown[] = [];
        let val: unknown;
        for (const cmd of a.cmds) {
          const head = cmd[0]!;
          if (head.t === 'call') {
            const args = [...cmd.slice(1).map((x) => evalArg(x, dot, [])), ...prev];
            val = call(head.fn, args);
          } else {
            if (cmd.length > 1 || prev.length) throw new GoTemplateError(`can't give argument to non-function`);
            val = evalArg(head, dot, []);
          }
          prev = [val];
        }
        return val;
      }
      case 'call':
        return call(a.fn, piped);
    }
  };
  const call = (fn: string, args: unknown[]): unknown => {
    const a = args.map((x) => (x === MISSING ? undefined : x));
    switch (fn) {
      case 'index': {
        let v = a[0];
        for (const k of a.slice(1)) {
          if (Array.isArray(v) && typeof k === 'number') {
            if (k < 0 || k >= v.length) throw new GoTemplateError(`error calling index: index out of range: ${k}`);
            v = v[k];
          } else if (v && typeof v === 'object' && typeof k === 'string') v = Object.hasOwn(v, k) ? (v as Record<string, unknown>)[k] : undefined;
          else if (v === undefined || v === null) return undefined;
          else throw new GoTemplateError(`error calling index: cannot index ${goFormat(v)} with ${goFormat(k)}`);
        }
        return v;
      }
      case 'printf':
        return sprintf(String(a[0] ?? ''), a.slice(1));
      case 'print':
        return a.map(goFormat).join('');
      case 'println':
        return a.map(goFormat).join(' ') + '\n';
      case 'len': {
        const v = a[0];
        if (typeof v === 'string' || Array.isArray(v)) return v.length;
        if (v && typeof v === 'object') return Object.keys(v).length;
        throw new GoTemplateError(`error calling len: len of ${goFormat(v)}`);
      }
      case 'eq':
        return a.slice(1).some((b) => b === a[0]);
      case 'ne':
        return a[0] !== a[1];
      case 'lt':
        return (a[0] as number) < (a[1] as number);
      case 'le':
        return (a[0] as number) <= (a[1] as number);
      case 'gt':
        return (a[0] as number) > (a[1] as number);
      case 'ge':
        return (a[0] as number) >= (a[1] as number);
      case 'and':
        return a.find((x) => !truthy(x)) ?? a[a.length - 1];
      case 'or':
        return a.find((x) => truthy(x)) ?? a[a.length - 1];
      case 'not':
        return !truthy(a[0]);
    }
    throw new GoTemplateError(`function "${fn}" not defined`);
  };
  const run = (ns: Node[], dot: unknown): string => {
    let out = '';
    for (const n of ns) {
      switch (n.t) {
        case 'text':
          out += n.s;
          break;
        case 'out': {
          const v = evalArg(n.pipe, dot, []);
          if (n.decl) vars.set(n.decl[0]!, v);
          else out += goFormat(v);
          break;
        }
        case 'if':
        case 'with': {
          const v = evalArg(n.pipe, dot, []);
          if (truthy(v)) out += run(n.body, n.t === 'with' ? v : dot);
          else out += run(n.elseBody, dot);
          break;
        }
        case 'range': {
          const v = evalArg(n.pipe, dot, []);
          const entries: [unknown, unknown][] = Array.isArray(v)
            ? v.map((x, k) => [k, x])
            : v && typeof v === 'object'
              ? Object.keys(v)
                  .sort()
                  .map((k) => [k, (v as Record<string, unknown>)[k]])
              : [];
          if (!entries.length) out += run(n.elseBody, dot);
          for (const [k, x] of entries) {
            if (n.vars.length === 1) vars.set(n.vars[0]!, x);
            if (n.vars.length === 2) {
              vars.set(n.vars[0]!, k);
              vars.set(n.vars[1]!, x);
            }
            out += run(n.body, x);
          }
          break;
        }
      }
    }
    return out;
  };
  return run(nodes, data);
}

export function goTemplate(src: string, data: unknown, o?: GoTemplateOptions): string {
  return executeGoTemplate(parseGoTemplate(src), data, o);
}
