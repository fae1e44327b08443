// A process's memory and CPU as /proc shows them (the broker benchmarks read the broker's this way).
import { readFileSync } from 'node:fs';

/** VmRSS and its anonymous and file-backed parts, in MiB. */
export function procMemory(pid: number): { rss: number; anon: number; file: number } {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const k = (n: string) => Number(new RegExp(`${n}:\\s+(\\d+)`).exec(s)?.[1] ?? NaN) / 1024;
  return { rss: k('VmRSS'), anon: k('RssAnon'), file: k('RssFile') };
}

/** User plus system CPU time so far, in seconds. */
export function procCpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** The 1, 5 and 15 minute load averages. */
export const loadAverage = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
