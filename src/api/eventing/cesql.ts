// CloudEvents SQL (CESQL) v1: parser and evaluator for trigger `cesql` filters. No maintained npm
// library implements it, so it is written here after the spec (cloudevents/spec cesql/spec.md):
// Boolean, Integer (32-bit) and String values; identifiers name context attributes or extensions;
// AND/OR/XOR share one precedence level, left-associative, below comparisons, below + -, below * / %;
// NOT and unary minus bind tightest; LIKE with % and _ (\ escapes); IN (...); EXISTS attr; the
// built-in functions. Evaluation of a missing attribute or a failed cast is an error, and a filter
// whose expression errors does not match. Pure.

export type Value = boolean | number | string;
type Node =
  | { k: 'lit'; v: Value }
  | { k: 'id'; name: string }
  | { k: 'exists'; name: string }
  | { k: 'not' | 'neg'; e: Node }
  | { k: 'bin'; op: string; l: Node; r: Node }
  | { k: 'like'; e: Node; pattern: RegExp; not: boolean }
  | { k: 'in'; e: Node; set: Node[]; not: boolean }
  | { k: 'call'; fn: string; args: Node[] };

export class CesqlError extends Error {}

interface Tok {
  t: 'num' | 'str' | 'id' | 'op' | 'kw' | 'eof';
  v: string;
  pos: number;
}
const KEYWORDS = new Set(['AND', 'OR', 'XOR', 'NOT', 'LIKE', 'IN', 'EXISTS', 'TRUE', 'FALSE']);

function lex(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      let s = '';
      let j = i + 1;
      for (;;) {
        if (j >= src.length) throw new CesqlError(`unterminated string at ${i}`);
        const d = src[j]!;
        if (d === '\\' && j + 1 < src.length) {
          // \' \" and \\ escape; any other backslash stays (LIKE patterns use \% and \_).
          const e = src[j + 1]!;
          s += e === c || e === '\\' ? e : `\\${e}`;
          j += 2;
        } else if (d === c) {
          if (src[j + 1] === c) {
            s += c;
            j += 2;
          } else break;
        } else {
          s += d;
          j++;
        }
      }
      out.push({ t: 'str', v: s, pos: i });
      i = j + 1;
      continue;
    }
    const num = /^\d+/.exec(src.slice(i));
    if (num) {
      out.push({ t: 'num', v: num[0], pos: i });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (id) {
      const up = id[0].toUpperCase();
      out.push(KEYWORDS.has(up) ? { t: 'kw', v: up, pos: i } : { t: 'id', v: id[0], pos: i });
      i += id[0].length;
      continue;
    }
    const op = /^(<>|!=|<=|>=|[=<>+\-*/%(),])/.exec(src.slice(i));
    if (op) {
      out.push({ t: 'op', v: op[0], pos: i });
      i += op[0].length;
      continue;
    }
    throw new CesqlError(`unexpected character ${JSON.stringify(c)} at ${i}`);
  }
  out.push({ t: 'eof', v: '', pos: src.length });
  return out;
}

const MAX_INT = 2 ** 31 - 1;
const MIN_INT = -(2 ** 31);

function likeRegExp(p: string): RegExp {
  let re = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '\\' && i + 1 < p.length) re += p[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (c === '%') re += '[\\s\\S]*';
    else if (c === '_') re += '[\\s\\S]';
    else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

class Parser {
  private i = 0;
  private readonly toks: Tok[];
  constructor(src: string) {
    this.toks = lex(src);
  }
  private peek(): Tok {
    return this.toks[this.i]!;
  }
  private next(): Tok {
    return this.toks[this.i++]!;
  }
  private isKw(v: string): boolean {
    const t = this.peek();
    return t.t === 'kw' && t.v === v;
  }
  private isOp(...v: string[]): boolean {
    const t = this.peek();
    return t.t === 'op' && v.includes(t.v);
  }
  private expectOp(v: string): void {
    if (!this.isOp(v)) throw new CesqlError(`expected "${v}" at ${this.peek().pos}`);
    this.next();
  }
  parse(): Node {
    const e = this.logic();
    if (this.peek().t !== 'eof') throw new CesqlError(`unexpected "${this.peek().v}" at ${this.peek().pos}`);
    return e;
  }
  private logic(): Node {
    let l = this.comparison();
    while (this.isKw('AND') || this.isKw('OR') || this.isKw('XOR')) {
      const op = this.next().v;
      l = { k: 'bin', op, l, r: this.comparison() };
    }
    return l;
  }
  private comparison(): Node {
    let l = this.additive();
    while (this.isOp('=', '!=', '<>', '<', '<=', '>', '>=')) {
      const op = this.next().v;
      l = { k: 'bin', op: op === '<>' ? '!=' : op, l, r: this.additive() };
    }
    return l;
  }
  private additive(): Node {
    let l = this.multiplicative();
    while (this.isOp('+', '-')) {
      const op = this.next().v;
      l = { k: 'bin', op, l, r: this.multiplicative() };
    }
    return l;
  }
  private multiplicative(): Node {
    let l = this.postfix();
    while (this.isOp('*', '/', '%')) {
      const op = this.next().v;
      l = { k: 'bin', op, l, r: this.postfix() };
    }
    return l;
  }
  /** LIKE and IN bind tighter than the arithmetic operators. */
  private postfix(): Node {
    let e = this.unary();
    for (;;) {
      const save = this.i;
      const not = this.isKw('NOT');
      if (not) this.next();
      if (this.isKw('LIKE')) {
        this.next();
        const p = this.next();
        if (p.t !== 'str') throw new CesqlError(`LIKE needs a string literal at ${p.pos}`);
        e = { k: 'like', e, pattern: likeRegExp(p.v), not };
      } else if (this.isKw('IN')) {
        this.next();
        this.expectOp('(');
        const set: Node[] = [this.logic()];
        while (this.isOp(',')) {
          this.next();
          set.push(this.logic());
        }
        this.expectOp(')');
        e = { k: 'in', e, set, not };
      } else {
        this.i = save;
        return e;
      }
    }
  }
  private unary(): Node {
    if (this.isKw('NOT')) {
      this.next();
      return { k: 'not', e: this.unary() };
    }
    if (this.isOp('-')) {
      this.next();
      const t = this.peek();
      if (t.t === 'num') {
        this.next();
        return { k: 'lit', v: this.int(`-${t.v}`, t.pos) };
      }
      return { k: 'neg', e: this.unary() };
    }
    return this.atom();
  }
  private int(s: string, pos: number): number {
    const n = Number(s);
    if (n > MAX_INT || n < MIN_INT) throw new CesqlError(`integer literal ${s} out of range at ${pos}`);
    return n;
  }
  private atom(): Node {
    const t = this.next();
    if (t.t === 'num') return { k: 'lit', v: this.int(t.v, t.pos) };
    if (t.t === 'str') return { k: 'lit', v: t.v };
    if (t.t === 'kw' && (t.v === 'TRUE' || t.v === 'FALSE')) return { k: 'lit', v: t.v === 'TRUE' };
    if (t.t === 'kw' && t.v === 'EXISTS') {
      const id = this.next();
      if (id.t !== 'id') throw new CesqlError(`EXISTS needs an attribute name at ${id.pos}`);
      return { k: 'exists', name: id.v.toLowerCase() };
    }
    if (t.t === 'op' && t.v === '(') {
      const e = this.logic();
      this.expectOp(')');
      return e;
    }
    if (t.t === 'id') {
      if (this.isOp('(')) {
        this.next();
        const args: Node[] = [];
        if (!this.isOp(')')) {
          args.push(this.logic());
          while (this.isOp(',')) {
            this.next();
            args.push(this.logic());
          }
        }
        this.expectOp(')');
        const fn = t.v.toUpperCase();
        checkArity(fn, args.length, t.pos);
        return { k: 'call', fn, args };
      }
      if (!/^[a-z0-9]+$/i.test(t.v)) throw new CesqlError(`invalid attribute name ${JSON.stringify(t.v)} at ${t.pos}`);
      return { k: 'id', name: t.v.toLowerCase() };
    }
    throw new CesqlError(t.t === 'eof' ? 'unexpected end of expression' : `unexpected "${t.v}" at ${t.pos}`);
  }
}

const ARITY: Record<string, [number, number]> = {
  LENGTH: [1, 1],
  CONCAT: [0, Infinity],
  CONCAT_WS: [1, Infinity],
  LOWER: [1, 1],
  UPPER: [1, 1],
  TRIM: [1, 1],
  LEFT: [2, 2],
  RIGHT: [2, 2],
  SUBSTRING: [2, 3],
  ABS: [1, 1],
  INT: [1, 1],
  BOOL: [1, 1],
  STRING: [1, 1],
  IS_BOOL: [1, 1],
  IS_INT: [1, 1],
};
function checkArity(fn: string, n: number, pos: number): void {
  const a = ARITY[fn];
  if (!a) throw new CesqlError(`unknown function ${fn} at ${pos}`);
  if (n < a[0] || n > a[1]) throw new CesqlError(`function ${fn} takes ${a[0] === a[1] ? a[0] : `${a[0]}..${a[1]}`} arguments, got ${n}`);
}

/** Parses an expression; throws CesqlError with a one-line message when it is not CESQL v1. */
export function parseCesql(src: string): Node {
  return new Parser(src).parse();
}

type Typ = 'boolean' | 'number' | 'string';
const typeOf = (v: Value): Typ => typeof v as Typ;

export function cast(v: Value, to: Typ): Value {
  if (typeOf(v) === to) return v;
  if (to === 'string') return typeof v === 'boolean' ? (v ? 'true' : 'false') : String(v);
  if (to === 'number') {
    if (typeof v === 'boolean') throw new CesqlError('cannot cast boolean to integer');
    if (typeof v !== 'string' || !/^[+-]?\d+$/.test(v)) throw new CesqlError(`cannot cast ${JSON.stringify(v)} to integer`);
    const n = Number(v);
    if (n > MAX_INT || n < MIN_INT) throw new CesqlError(`${v} is out of the integer range`);
    return n;
  }
  if (typeof v !== 'string') throw new CesqlError('cannot cast integer to boolean');
  const l = v.toLowerCase();
  if (l === 'true') return true;
  if (l === 'false') return false;
  throw new CesqlError(`cannot cast ${JSON.stringify(v)} to boolean`);
}

const int32 = (n: number): number => {
  if (!Number.isFinite(n) || n > MAX_INT || n < MIN_INT) throw new CesqlError('integer overflow');
  return n;
};

function evaluate(n: Node, attr: (name: string) => Value | undefined): Value {
  const ev = (x: Node) => evaluate(x, attr);
  switch (n.k) {
    case 'lit':
      return n.v;
    case 'id': {
      const v = attr(n.name);
      if (v === undefined) throw new CesqlError(`missing attribute ${n.name}`);
      return v;
    }
    case 'exists':
      return attr(n.name) !== undefined;
    case 'not':
      return !cast(ev(n.e), 'boolean');
    case 'neg':
      return int32(-(cast(ev(n.e), 'number') as number));
    case 'like': {
      const m = n.pattern.test(cast(ev(n.e), 'string') as string);
      return n.not ? !m : m;
    }
    case 'in': {
      const v = ev(n.e);
      const found = n.set.some((x) => {
        const s = ev(x);
        return cast(s, typeOf(v)) === v;
      });
      return n.not ? !found : found;
    }
    case 'call':
      return call(n.fn, n.args.map(ev));
    case 'bin': {
      if (n.op === 'AND' || n.op === 'OR' || n.op === 'XOR') {
        const l = cast(ev(n.l), 'boolean');
        if (n.op === 'AND' && !l) return false;
        if (n.op === 'OR' && l) return true;
        const r = cast(ev(n.r), 'boolean');
        return n.op === 'XOR' ? l !== r : r;
      }
      const lv = ev(n.l);
      const rv = ev(n.r);
      if ('+-*/%'.includes(n.op)) {
        const a = cast(lv, 'number') as number;
        const b = cast(rv, 'number') as number;
        if (n.op === '+') return int32(a + b);
        if (n.op === '-') return int32(a - b);
        if (n.op === '*') return int32(a * b);
        if (b === 0) throw new CesqlError('division by zero');
        return n.op === '/' ? int32(Math.trunc(a / b)) : int32(a % b);
      }
      // Comparison: a string operand is cast to the other operand's type.
      let a = lv;
      let b = rv;
      if (typeOf(a) !== typeOf(b)) {
        if (typeof a === 'string') a = cast(a, typeOf(b));
        else b = cast(b, typeOf(a));
      }
      if (n.op === '=') return a === b;
      if (n.op === '!=') return a !== b;
      if (typeof a === 'boolean') throw new CesqlError(`operator ${n.op} does not take booleans`);
      if (n.op === '<') return a < b;
      if (n.op === '<=') return a <= b;
      if (n.op === '>') return a > b;
      return a >= b;
    }
  }
}

function call(fn: string, a: Value[]): Value {
  const s = (i: number) => cast(a[i]!, 'string') as string;
  const i = (k: number) => cast(a[k]!, 'number') as number;
  switch (fn) {
    case 'LENGTH':
      return [...s(0)].length;
    case 'CONCAT':
      return a.map((_, k) => s(k)).join('');
    case 'CONCAT_WS':
      return a
        .slice(1)
        .map((_, k) => s(k + 1))
        .join(s(0));
    case 'LOWER':
      return s(0).toLowerCase();
    case 'UPPER':
      return s(0).toUpperCase();
    case 'TRIM':
      return s(0).trim();
    case 'LEFT': {
      const n = i(1);
      if (n < 0) throw new CesqlError('LEFT needs a non-negative length');
      return [...s(0)].slice(0, n).join('');
    }
    case 'RIGHT': {
      const n = i(1);
      if (n < 0) throw new CesqlError('RIGHT needs a non-negative length');
      const cs = [...s(0)];
      return cs.slice(Math.max(0, cs.length - n)).join('');
    }
    case 'SUBSTRING': {
      const cs = [...s(0)];
      const pos = i(1);
      // 1-based; negative counts from the end; 0 is an error.
      if (pos === 0 || Math.abs(pos) > cs.length + (pos > 0 ? 1 : 0)) throw new CesqlError('SUBSTRING position out of range');
      const start = pos > 0 ? pos - 1 : cs.length + pos;
      const len = a.length > 2 ? i(2) : cs.length;
      if (len < 0) throw new CesqlError('SUBSTRING needs a non-negative length');
      return cs.slice(start, start + len).join('');
    }
    case 'ABS':
      return int32(Math.abs(i(0)));
    case 'INT':
      return i(0);
    case 'BOOL':
      return cast(a[0]!, 'boolean');
    case 'STRING':
      return s(0);
    case 'IS_BOOL':
      try {
        cast(a[0]!, 'boolean');
        return true;
      } catch {
        return false;
      }
    case 'IS_INT':
      try {
        cast(a[0]!, 'number');
        return true;
      } catch {
        return false;
      }
  }
  throw new CesqlError(`unknown function ${fn}`);
}

/** A compiled filter: true when the expression evaluates to boolean TRUE; errors are false. */
export function compileCesql(src: string): (attr: (name: string) => Value | undefined) => boolean {
  const ast = parseCesql(src);
  return (attr) => {
    try {
      return cast(evaluate(ast, attr), 'boolean') === true;
    } catch {
      return false;
    }
  };
}

/** Evaluates an expression to its value (tests, `kn broker tail --filter`); throws on errors. */
export function evalCesql(src: string, attr: (name: string) => Value | undefined): Value {
  return evaluate(parseCesql(src), attr);
}
