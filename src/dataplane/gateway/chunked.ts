// The fast path's scanner of chunked response bodies (RFC 9112 §7.1). The gateway relays a chunked
// body unchanged; the scanner finds where it ends (so the upstream connection can be reused) and
// refuses (502, connection dropped) any framing that a reader might take differently: it accepts
// only what node's parser accepts too (bench/gateway-fuzz checks that), namely chunk sizes of hex
// digits (at most 2^40) with nothing but extensions after them, extensions `;name` or
// `;name=value` of tokens (no spaces, no quoted strings), trailer lines `token ":" value` without
// controls (not Content-Length, Transfer-Encoding, Connection, Proxy-Connection or Upgrade), and
// CRLF everywhere (no bare CR or LF).
// One state machine, fed buffer by buffer, no allocation.
import { isTchar } from './http-syntax.ts';

// Scanner states.
const SIZE_FIRST = 0; // before the first hex digit of a chunk size
const SIZE = 1;
const EXT_NAME_FIRST = 2; // after `;`
const EXT_NAME = 3;
const EXT_VALUE_FIRST = 4; // after `=`
const EXT_VALUE = 5;
const SIZE_LF = 6;
const DATA = 7;
const DATA_CR = 8;
const DATA_LF = 9;
const TRAILER_START = 10; // at the start of a trailer line (or of the final CRLF)
const TRAILER_NAME = 11;
const TRAILER_VALUE = 12;
const TRAILER_LF = 13;
const END_LF = 14;
const DONE = 15;
const ERROR = 16;

/**
 * Trailer names a reader may act on as if they were headers (framing, the connection's fate: node
 * refuses the first two and closes the connection on `Connection: close`): refused.
 */
const REFUSED_TRAILERS = ['content-length', 'transfer-encoding', 'connection', 'proxy-connection', 'upgrade'];
const ALL_REFUSED = (1 << REFUSED_TRAILERS.length) - 1;

/** ChunkedScanner.feed(): the body goes on past these bytes. */
export const CHUNKED_MORE = -1;
/** ChunkedScanner.feed(): the framing is invalid. */
export const CHUNKED_ERROR = -2;

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

export class ChunkedScanner {
  private state = SIZE_FIRST;
  private size = 0;
  /** In a trailer name: its length so far, and whether it can still be Content-Length / Transfer-Encoding. */
  private nameLen = 0;
  /** Bit i: the name so far is still a prefix of REFUSED_TRAILERS[i]. */
  private maybe = 0;

  reset(): void {
    this.state = SIZE_FIRST;
    this.size = 0;
  }

  /**
   * Scans d[at..]: returns the offset just after the body's end (its last CRLF) when the body ends
   * within these bytes, CHUNKED_MORE when it goes on, CHUNKED_ERROR when the framing is invalid.
   */
  feed(d: Uint8Array, at: number): number {
    let i = at;
    const len = d.length;
    let st = this.state;
    while (i < len) {
      if (st === DATA) {
        const take = Math.min(this.size, len - i);
        this.size -= take;
        i += take;
        if (this.size === 0) st = DATA_CR;
        continue;
      }
      const c = d[i++]!;
      switch (st) {
        case SIZE_FIRST:
        case SIZE: {
          const h = hexValue(c);
          if (h >= 0) {
            this.size = this.size * 16 + h;
            st = this.size > 2 ** 40 ? ERROR : SIZE;
          } else if (st === SIZE_FIRST) st = ERROR;
          else if (c === 59 /* ; */) st = EXT_NAME_FIRST;
          else if (c === 13) st = SIZE_LF;
          else st = ERROR;
          break;
        }
        case EXT_NAME_FIRST:
          st = isTchar(c) ? EXT_NAME : ERROR;
          break;
        case EXT_NAME:
          if (c === 13) st = SIZE_LF;
          else if (c === 59) st = EXT_NAME_FIRST;
          else if (c === 61 /* = */) st = EXT_VALUE_FIRST;
          else if (!isTchar(c)) st = ERROR;
          break;
        case EXT_VALUE_FIRST:
          st = isTchar(c) ? EXT_VALUE : ERROR;
          break;
        case EXT_VALUE:
          if (c === 13) st = SIZE_LF;
          else if (c === 59) st = EXT_NAME_FIRST;
          else if (!isTchar(c)) st = ERROR;
          break;
        case SIZE_LF:
          if (c !== 10) st = ERROR;
          else st = this.size === 0 ? TRAILER_START : DATA;
          break;
        case DATA_CR:
          st = c === 13 ? DATA_LF : ERROR;
          break;
        case DATA_LF:
          if (c === 10) {
            st = SIZE_FIRST;
            this.size = 0;
          } else st = ERROR;
          break;
        case TRAILER_START:
          if (c === 13) st = END_LF;
          else if (isTchar(c)) {
            st = TRAILER_NAME;
            this.nameLen = 0;
            this.maybe = ALL_REFUSED;
            this.trailerNameChar(c);
          } else st = ERROR;
          break;
        case TRAILER_NAME:
          if (c === 58 /* : */) {
            st = this.refusedName() ? ERROR : TRAILER_VALUE;
          } else if (isTchar(c)) this.trailerNameChar(c);
          else st = ERROR;
          break;
        case TRAILER_VALUE:
          if (c === 13) st = TRAILER_LF;
          else if ((c < 0x20 && c !== 9) || c === 0x7f) st = ERROR;
          break;
        case TRAILER_LF:
          st = c === 10 ? TRAILER_START : ERROR;
          break;
        case END_LF:
          st = c === 10 ? DONE : ERROR;
          break;
        default:
      }
      if (st === ERROR) {
        this.state = ERROR;
        return CHUNKED_ERROR;
      }
      if (st === DONE) {
        this.state = DONE;
        return i;
      }
    }
    this.state = st;
    return CHUNKED_MORE;
  }

  /** Follows a trailer name byte by byte against the names refused. */
  private trailerNameChar(c: number): void {
    const lower = c >= 65 && c <= 90 ? c + 32 : c;
    const i = this.nameLen++;
    for (let k = 0; k < REFUSED_TRAILERS.length; k++) {
      const bit = 1 << k;
      if ((this.maybe & bit) === 0) continue;
      const name = REFUSED_TRAILERS[k]!;
      if (i >= name.length || name.charCodeAt(i) !== lower) this.maybe &= ~bit;
    }
  }

  /** At the colon: whether the whole name is one of those refused. */
  private refusedName(): boolean {
    for (let k = 0; k < REFUSED_TRAILERS.length; k++) if ((this.maybe & (1 << k)) !== 0 && REFUSED_TRAILERS[k]!.length === this.nameLen) return true;
    return false;
  }
}
