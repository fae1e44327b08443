// Kubernetes resource quantities (apimachinery resource.ParseQuantity): one parser for the CLI
// flags (--request, --limit, emptyDir sizes), the controller's config maps and validation. Pure.

export interface Quantity {
  /** The canonical form the API server stores ("500m", "1Gi", "2"). */
  canonical: string;
  /** The value in units of 10^-9, rounded up as Quantity rounds. */
  nano: bigint;
}

/** A string that is not a quantity; the message is apimachinery's. */
export class QuantityError extends Error {
  override name = 'QuantityError';
}

const QUANTITY_RE = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
const ERR_FORMAT = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const DEC: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BIN: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

export const QUANTITY_FORMAT = ERR_FORMAT;

/** Parses a quantity; throws QuantityError with apimachinery's message when it is not one. */
export function parseQuantity(s: string): Quantity {
  return parse(s);
}

/** The canonical string of a quantity (throws QuantityError). */
export const canonicalQuantity = (s: string): string => parse(s).canonical;

/** Undefined for a quantity, else why it is not one. */
export function quantityError(s: string): string | undefined {
  try {
    parse(s);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

export const isQuantity = (s: string): boolean => quantityError(s) === undefined;

function parse(s: string): Quantity {
  const m = QUANTITY_RE.exec(s.trim() === s ? s : '');
  if (!m) throw new QuantityError(ERR_FORMAT);
  const num = m[1]!;
  const suf = m[2]!;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(num)) throw new QuantityError('unable to parse numeric part of quantity');
  let format: 'dec' | 'bin' | 'exp';
  // value = mant * 10^e10 * 2^e2, mant a BigInt
  let e10 = 0;
  let e2 = 0;
  if (suf in DEC) {
    format = 'dec';
    e10 = DEC[suf]!;
  } else if (suf in BIN) {
    format = 'bin';
    e2 = BIN[suf]!;
  } else if (/^[eE][-+]?\d+$/.test(suf)) {
    format = 'exp';
    e10 = Number(suf.slice(1));
  } else throw new QuantityError("unable to parse quantity's suffix");
  const neg = num.startsWith('-');
  const digits = num.replace(/^[+-]/, '');
  const [ip, fp = ''] = digits.split('.');
  let mant = BigInt((ip || '0') + fp);
  e10 -= fp.length;
  if (e2) {
    mant *= 2n ** BigInt(e2);
  }
  // round up to nano precision, as Quantity does
  if (e10 < -9) {
    const div = 10n ** BigInt(-9 - e10);
    mant = (mant + div - 1n) / div;
    e10 = -9;
  }
  const nano = (neg ? -1n : 1n) * mant * 10n ** BigInt(e10 + 9);
  const done = (canonical: string): Quantity => ({ canonical, nano });
  if (mant === 0n) return done('0');
  // BinarySI of an integer value >= 1024 keeps a binary suffix when it divides evenly.
  if (format === 'bin') {
    let v = mant;
    let ok = true;
    if (e10 < 0) {
      const d = 10n ** BigInt(-e10);
      ok = v % d === 0n;
      v /= d;
    } else v *= 10n ** BigInt(e10);
    if (ok && v >= 1024n) {
      let p = 0;
      while (p < 60 && v % 1024n === 0n) {
        v /= 1024n;
        p += 10;
      }
      const sfx = Object.entries(BIN).find(([, x]) => x === p)?.[0] ?? '';
      return done(`${neg ? '-' : ''}${v}${sfx}`);
    }
    format = 'dec';
  }
  // normalize: strip trailing zeros into the exponent
  while (mant % 10n === 0n) {
    mant /= 10n;
    e10++;
  }
  // pick exponent multiple of 3 <= e10 (mantissa stays an integer)
  let e3 = Math.floor(e10 / 3) * 3;
  if (format === 'dec') e3 = Math.min(Math.max(e3, -9), 18);
  mant *= 10n ** BigInt(e10 - e3);
  const sign = neg ? '-' : '';
  if (format === 'exp') return done(`${sign}${mant}${e3 === 0 ? '' : `e${e3}`}`);
  const sfx = Object.entries(DEC).find(([, x]) => x === e3)?.[0] ?? '';
  return done(`${sign}${mant}${sfx}`);
}

