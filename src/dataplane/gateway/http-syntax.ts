// Character classes and small scanners of HTTP/1.1 syntax (RFC 9110 §5.6), shared by the fast
// path's request-head and response-head parsers and the header rules. No allocation except where a
// slice is returned.

/** RFC 9110 tchar. */
const TOKEN = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~") TOKEN[c.charCodeAt(0)] = 1;
for (let c = 48; c <= 57; c++) TOKEN[c] = 1;
for (let c = 65; c <= 90; c++) TOKEN[c] = 1;
for (let c = 97; c <= 122; c++) TOKEN[c] = 1;

/** Whether the byte/char code c is a tchar. */
export function isTchar(c: number): boolean {
  return c < 128 && TOKEN[c] === 1;
}

export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 127 || TOKEN[c] === 0) return false;
  }
  return true;
}

/** A value of visible ASCII, SP, HTAB (obs-text and controls are not "plain"). */
export function plainValue(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if ((c < 0x20 && c !== 9) || c > 0x7e) return false;
  }
  return true;
}

/** s[from..to) without leading and trailing SP/HTAB, sliced once. */
export function owsTrimmed(s: string, from: number, to: number): string {
  while (from < to && (s.charCodeAt(from) === 32 || s.charCodeAt(from) === 9)) from++;
  while (to > from && (s.charCodeAt(to - 1) === 32 || s.charCodeAt(to - 1) === 9)) to--;
  return s.slice(from, to);
}

/** 1–15 ASCII digits (a Content-Length this gateway can hold in a double exactly). */
export function digitsOnly(s: string): boolean {
  if (s.length === 0 || s.length > 15) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}
