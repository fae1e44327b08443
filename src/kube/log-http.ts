// --log-http: requests and responses on stderr, with secrets redacted.
import type { Writable } from 'node:stream';

const SECRET_HEADERS = /^(authorization|proxy-authorization|cookie|set-cookie|x-auth-token)$/i;

export function redactHeaders(h: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined) continue;
    if (SECRET_HEADERS.test(k)) {
      const s = String(v);
      out[k] = /^bearer /i.test(s) ? 'Bearer <redacted>' : /^basic /i.test(s) ? 'Basic <redacted>' : '<redacted>';
    } else out[k] = v;
  }
  return out;
}

/** Removes bearer tokens, client keys and other credentials from a body before it is logged. */
export function redactBody(body: string): string {
  return body
    .replace(/(-----BEGIN [A-Z ]*PRIVATE KEY-----)[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----)/g, '$1<redacted>$2')
    .replace(/("(?:token|client-key-data|clientKeyData|password|access_token|id_token|refresh_token)"\s*:\s*")[^"]*(")/gi, '$1<redacted>$2')
    .replace(/(bearer\s+)[A-Za-z0-9._~+/=-]+/gi, '$1<redacted>');
}

export class HttpLogger {
  private readonly out: Writable;
  constructor(out: Writable) {
    this.out = out;
  }

  request(method: string, url: string, headers: Record<string, unknown>, body?: string): void {
    const lines = ['===== REQUEST =====', `${method} ${url}`];
    for (const [k, v] of Object.entries(redactHeaders(headers))) lines.push(`${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`);
    if (body) lines.push('', redactBody(body));
    this.out.write(lines.join('\n') + '\n');
  }

  response(status: number, url: string, headers: Record<string, unknown>, body: string): void {
    const lines = ['===== RESPONSE =====', `${status} ${url}`];
    for (const [k, v] of Object.entries(redactHeaders(headers))) lines.push(`${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`);
    if (body) lines.push('', redactBody(body));
    this.out.write(lines.join('\n') + '\n');
  }
}
