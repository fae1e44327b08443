// JSON logs with pino; LOG_LEVEL (debug, info, warn, error) picks the level.
import { pino } from 'pino';
import type { Logger } from './types.ts';

export function makeLogger(o: { level?: string; name?: string; silent?: boolean } = {}): Logger & { child(b: object): Logger } {
  const level = o.silent ? 'silent' : (o.level ?? process.env.LOG_LEVEL ?? 'info');
  return pino({ level, name: o.name ?? 'controller', base: { pid: process.pid } });
}

export const silentLogger = (): Logger => makeLogger({ silent: true });
