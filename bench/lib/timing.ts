// Shared by the benchmarks: run a command N times and report the median and spread.
import { spawnSync } from 'node:child_process';

export interface Timing {
  name: string;
  median: number;
  p90: number;
  min: number;
  runs: number;
}

export function timeCommand(name: string, cmd: string, args: string[], o: { runs?: number; warmup?: number; env?: NodeJS.ProcessEnv } = {}): Timing {
  const runs = o.runs ?? 15;
  const samples: number[] = [];
  for (let i = 0; i < (o.warmup ?? 3) + runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { env: o.env ?? process.env, encoding: 'utf8' });
    const dt = performance.now() - t0;
    if (r.status !== 0) throw new Error(`${name}: exit ${r.status}: ${r.stderr.slice(0, 400)}`);
    if (i >= (o.warmup ?? 3)) samples.push(dt);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
  return { name, median: at(0.5), p90: at(0.9), min: samples[0]!, runs };
}

export function table(rows: string[][]): string {
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('   ')).join('\n');
}

export const ms = (x: number) => `${x.toFixed(1)} ms`;
