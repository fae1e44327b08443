// The fast path's scanner of chunked response bodies (RFC 9112 §7.1). The gateway relays a chunked
// body unchanged; the scanner only finds where it ends (so the upstream connection can be reused)
// and refuses framing it cannot read. One state machine, fed buffer by buffer, no allocation.

// Scanner states.
const SIZE = 0;
const EXT = 1;
const SIZE_LF = 2;
const DATA = 3;
const DATA_CR = 4;
const DATA_LF = 5;
const TRAILER_START = 6;
const TRAILER = 7;
const TRAILER_LF = 8;
const END_LF = 9;
const DONE = 10;
const ERROR = 11;

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
  private state = SIZE;
  private size = 0;

  reset(): void {
    this.state = SIZE;
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
        case SIZE: {
          const h = hexValue(c);
          if (h >= 0) {
            this.size = this.size * 16 + h;
            if (this.size > 2 ** 40) st = ERROR;
          } else if (c === 59 /* ; */ || c === 32 || c === 9) st = EXT;
          else if (c === 13) st = SIZE_LF;
          else st = ERROR;
          break;
        }
        case EXT:
          if (c === 13) st = SIZE_LF;
          break;
        case SIZE_LF:
          if (c !== 10) st = ERROR;
          else st = this.size === 0 ? TRAILER_START : DATA;
          break;
        case DATA_CR:
          st = c === 13 ? DATA_LF : ERROR;
          break;
        case DATA_LF:
          st = c === 10 ? SIZE : ERROR;
          break;
        case TRAILER_START:
          st = c === 13 ? END_LF : TRAILER;
          break;
        case TRAILER:
          if (c === 13) st = TRAILER_LF;
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
}
