// Builds the gateway's activation pieces (issue #9): the Activator that holds requests for
// revisions without ready endpoints, and the StatsReporter that feeds the autoscaler and pokes it
// when a revision gets its first held request.
import { Activator } from './activator.ts';
import { StatsReporter } from './stats.ts';
import type { SplitStats } from './table.ts';

export function wireActivation(o: { url: string; stats: Map<string, SplitStats>; gateway: string; queueDepth: number }): { activator: Activator; reporter: StatsReporter } {
  let errors = 0;
  const activator = new Activator({ queueDepth: o.queueDepth, onPoke: (s) => reporter.poke(s) });
  const reporter: StatsReporter = new StatsReporter({
    url: o.url.replace(/\/+$/, ''),
    gateway: o.gateway,
    stats: o.stats,
    activator,
    // One line for the first failure and every 60th after it: an unreachable autoscaler must not flood the log.
    onError: (e) => {
      if (errors++ % 60 === 0) process.stderr.write(`gateway: cannot report to the autoscaler at ${o.url}: ${e.message}\n`);
    },
  });
  reporter.start();
  return { activator, reporter };
}
