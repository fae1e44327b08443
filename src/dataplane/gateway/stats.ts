// The gateway's reports to the autoscaler (what queue-proxy and the activator report upstream):
// per revision, the time-averaged number of requests in flight (proxied plus held) and requests per
// second, over the last interval, POSTed once a second to the controller's autoscaler intake; and a
// poke, sent at once, when a revision gets its first held request.
//
// The hot path already keeps plain counters per revision (SplitStats.inFlight, .requests); this
// module samples inFlight every 100 ms (so the average is over 10 samples a second) and takes the
// difference of requests, so reporting adds no work per request. Each gateway replica reports only
// its own traffic under its own name; the autoscaler adds the replicas up.
import { http } from './node-http.ts';
import type { Activator } from './activator.ts';
import type { Split, SplitStats } from './table.ts';

/** New connections tried for one report while controller replicas that do not lead refuse it. */
export const NOT_LEADER_RETRIES = 8;

export interface StatsReporterOptions {
  /** http://host:port of the autoscaler intake (the controller's --autoscaler-port). */
  url: string;
  /** This replica's name in the reports (pod name). */
  gateway: string;
  stats: Map<string, SplitStats>;
  activator?: Activator;
  intervalMs?: number;
  sampleMs?: number;
  onError?(e: Error): void;
}

interface Acc {
  sum: number;
  samples: number;
  lastRequests: number;
}

export class StatsReporter {
  private readonly o: StatsReporterOptions;
  private readonly acc = new Map<string, Acc>();
  private sampler: NodeJS.Timeout | undefined;
  private reporter: NodeJS.Timeout | undefined;
  private lastReport = Date.now();
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
  readonly counts = { reports: 0, pokes: 0, errors: 0, redirects: 0 };

  constructor(o: StatsReporterOptions) {
    this.o = o;
  }

  /**
   * Samples every sampleMs and reports at every whole multiple of intervalMs of the clock (each
   * second on the second), not at this replica's own phase: every gateway replica then averages
   * over the same second, and their sum is the revision's concurrency over that second. At
   * different phases a client whose next request went to the other replica (a new connection)
   * is in both averages: two replicas' reports of 5 clients summed to 6.6.
   */
  start(): void {
    this.sampler = setInterval(() => this.sample(), this.o.sampleMs ?? 100);
    this.sampler.unref();
    const every = this.o.intervalMs ?? 1000;
    const next = () => {
      const now = Date.now();
      this.reporter = setTimeout(fire, every - (now % every));
      this.reporter.unref();
    };
    const fire = () => {
      if (!this.reporter) return;
      this.report();
      next();
    };
    next();
  }

  stop(): void {
    clearInterval(this.sampler);
    clearTimeout(this.reporter);
    this.reporter = undefined;
    this.agent.destroy();
  }

  /**
   * A revision's accumulator, from its first sample or report: its request counter starts at 0 with
   * its SplitStats (table.ts), so the requests it served before that are counted in the first report.
   */
  private accOf(k: string): Acc {
    let a = this.acc.get(k);
    if (!a) this.acc.set(k, (a = { sum: 0, samples: 0, lastRequests: 0 }));
    return a;
  }

  private sample(): void {
    const held = this.o.activator?.heldByRevision();
    for (const [k, s] of this.o.stats) {
      const a = this.accOf(k);
      a.sum += s.inFlight + (held?.get(k) ?? 0);
      a.samples++;
    }
  }

  /** The report of the interval since the last one (and resets it). */
  collect(now = Date.now()): { namespace: string; revision: string; concurrency: number; rps: number }[] {
    const secs = Math.max(0.001, (now - this.lastReport) / 1000);
    this.lastReport = now;
    const out: { namespace: string; revision: string; concurrency: number; rps: number }[] = [];
    for (const [k, s] of this.o.stats) {
      const a = this.accOf(k);
      const concurrency = a.samples ? a.sum / a.samples : s.inFlight;
      const rps = (s.requests - a.lastRequests) / secs;
      a.sum = 0;
      a.samples = 0;
      a.lastRequests = s.requests;
      if (concurrency > 0 || rps > 0) out.push({ namespace: s.namespace, revision: s.revision, concurrency, rps });
    }
    return out;
  }

  report(): void {
    this.send({ gateway: this.o.gateway, stats: this.collect() });
    this.counts.reports++;
  }

  /** The first request held for a revision: tell the autoscaler now. */
  poke(split: Split): void {
    this.counts.pokes++;
    const one = { namespace: split.namespace, revision: split.revision };
    this.send({ gateway: this.o.gateway, stats: [{ ...one, concurrency: 1, rps: 1 }], poke: [one] });
  }

  /**
   * POSTs one report. A controller replica that does not lead answers 503 and closes the
   * connection (stats-server.ts): the report is sent again on a new connection, which the
   * `autoscaler` Service may route to another replica, up to NOT_LEADER_RETRIES times; the
   * keep-alive connection that reaches the leader then stays with it.
   */
  private send(body: object, attempt = 0): void {
    const data = JSON.stringify(body);
    const req = http.request(`${this.o.url}/stats`, { method: 'POST', agent: this.agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) }, timeout: 3_000 }, (res) => {
      res.resume();
      if (res.statusCode === 503 && attempt < NOT_LEADER_RETRIES) {
        this.counts.redirects++;
        res.once('end', () => this.send(body, attempt + 1));
        return;
      }
      if ((res.statusCode ?? 0) >= 300) this.fail(new Error(`autoscaler answered ${res.statusCode}`));
    });
    req.on('timeout', () => req.destroy(new Error('autoscaler did not answer within 3 s')));
    req.on('error', (e) => this.fail(e));
    req.end(data);
  }

  private fail(e: Error): void {
    this.counts.errors++;
    this.o.onError?.(e);
  }
}
