// The gateway's logs: JSON lines through pino, as the controller's (LOG_LEVEL picks the level).
// Errors go under `err` (pino's serializer keeps their type, message and stack). The access log,
// one line per request answered, is off unless --access-log or KN_TS_GATEWAY_ACCESS_LOG=1|true
// switches it on; off, it costs the hot path one property check per request.
import { type Logger, pino } from 'pino';
import type { Split } from './table.ts';

export type { Logger } from 'pino';

export function gatewayLogger(o: { level?: string | undefined; silent?: boolean } = {}): Logger {
  const level = o.silent ? 'silent' : (o.level ?? process.env.LOG_LEVEL ?? 'info');
  return pino({ level, name: 'gateway', base: { pid: process.pid } });
}

/** Whether the environment switches the access log on. */
export function accessLogFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = (env.KN_TS_GATEWAY_ACCESS_LOG ?? '').toLowerCase();
  return v === '1' || v === 'true';
}

/** One answered request, as the access log records it. */
export interface Access {
  method: string | undefined;
  host: string | undefined;
  url: string | undefined;
  status: number;
  /** Milliseconds from the request's arrival (or dispatch, on the fast path) to its end. */
  ms: number;
  split: Split | undefined;
  /** Which path served it. */
  via: 'fast' | 'node';
  /** The response did not complete (client gone, upstream reset, timeout after the head). */
  aborted?: boolean;
}

/** Writes access-log lines (info level, msg "request") to a logger. */
export class AccessLog {
  private readonly log: Logger;

  constructor(log: Logger) {
    this.log = log.child({ log: 'access' });
  }

  write(a: Access): void {
    this.log.info(
      {
        method: a.method,
        host: a.host,
        url: a.url,
        status: a.status,
        ms: a.ms,
        namespace: a.split?.namespace,
        revision: a.split?.revision,
        via: a.via,
        ...(a.aborted ? { aborted: true } : {}),
      },
      'request',
    );
  }
}
