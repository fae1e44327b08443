// Go's time.ParseDuration and time.Duration.String(): the one duration grammar of kn-ts (config
// ConfigMaps, annotations, kn flags). Pure.
//
// Grammar: [+-] ( "0" | ( digits [ "." digits ] | "." digits ) unit )+ with unit one of
// ns, us, µs (U+00B5), μs (U+03BC), ms, s, m, h. No whitespace; a bare number other than "0" has no
// unit and is invalid; the total must fit an int64 of nanoseconds.

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
const MAX_NS = 2n ** 63n;

const quote = (s: string): string => JSON.stringify(s);

/** Parses a Go duration into nanoseconds, or Go's error message (`time: invalid duration "x"`). */
export function parseGoDurationResult(s: string): { ns: number } | { error: string } {
  const invalid = { error: `time: invalid duration ${quote(s)}` };
  let rest = s;
  let neg = false;
  if (rest[0] === '-' || rest[0] === '+') {
    neg = rest[0] === '-';
    rest = rest.slice(1);
  }
  if (rest === '0') return { ns: 0 };
  if (rest === '') return invalid;
  let total = 0n;
  while (rest !== '') {
    const m = /^(\d*)(?:\.(\d*))?/.exec(rest) as RegExpExecArray;
    const int = m[1] ?? '';
    const frac = m[2] ?? '';
    if (int === '' && frac === '') return invalid; // "", ".", or a non-digit where a number must be
    rest = rest.slice(m[0].length);
    const unit = /^[^\d.]+/.exec(rest)?.[0];
    if (unit === undefined) return { error: `time: missing unit in duration ${quote(s)}` };
    const mult = UNIT_NS[unit];
    if (mult === undefined) return { error: `time: unknown unit ${quote(unit)} in duration ${quote(s)}` };
    rest = rest.slice(unit.length);
    const u = BigInt(mult);
    let v = BigInt(int || '0') * u;
    // The fraction, truncated to whole nanoseconds as Go does.
    if (frac !== '') v += (BigInt(frac) * u) / 10n ** BigInt(frac.length);
    total += v;
    if (total > MAX_NS) return invalid;
  }
  if (!neg && total === MAX_NS) return invalid;
  return { ns: Number(neg ? -total : total) };
}

/** Go duration → nanoseconds; undefined when absent or invalid. */
export function parseGoDurationNs(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const r = parseGoDurationResult(s);
  return 'ns' in r ? r.ns : undefined;
}

/** Go duration → milliseconds; undefined when absent or invalid. */
export function parseGoDurationMs(s: string | undefined): number | undefined {
  const ns = parseGoDurationNs(s);
  return ns === undefined ? undefined : ns / 1e6;
}

/** Go duration → seconds; undefined when absent or invalid. */
export function parseGoDurationSeconds(s: string | undefined): number | undefined {
  const ns = parseGoDurationNs(s);
  return ns === undefined ? undefined : ns / 1e9;
}

/** Nanoseconds as Go's time.Duration.String() prints them ("1h0m0s", "1.5s", "250ms", "0s"). */
export function formatGoDuration(ns: number): string {
  if (ns === 0) return '0s';
  const neg = ns < 0;
  let n = Math.abs(ns);
  if (n < 1e9) {
    const [u, d] = n < 1e3 ? ['ns', 1] : n < 1e6 ? ['µs', 1e3] : ['ms', 1e6];
    return `${neg ? '-' : ''}${+(n / (d as number)).toFixed(9)}${u}`;
  }
  const h = Math.floor(n / 3600e9);
  n -= h * 3600e9;
  const m = Math.floor(n / 60e9);
  n -= m * 60e9;
  const sec = +(n / 1e9).toFixed(9);
  return `${neg ? '-' : ''}${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${sec}s`;
}

/** Milliseconds as Go prints the duration. */
export const formatGoDurationMs = (ms: number): string => formatGoDuration(ms * 1e6);
