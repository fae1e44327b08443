// A quickstart is a list of steps. Each step knows the lines --dry-run prints for it and how to
// run it; the same list drives listr2 (its default renderer on a terminal, plain `simple` lines in
// CI logs) and the dry-run plan, so the plan shows exactly what a run does.
import type { ListrTask } from 'listr2';
import type { KubeClient } from '../kube/client.ts';
import type { ApplyResult } from './apply.ts';
import type { InstallPlan } from './manifests.ts';
import type { QuickstartOptions } from './options.ts';
import type { Runner } from './runner.ts';
import type { PortState } from './port.ts';

export interface Deps {
  runner: Runner;
  /** A client for the cluster: from kubeconfig text (kind) or a context of the kubeconfig (minikube). */
  connect(from: { kubeconfigText: string } | { context: string; kubeconfig?: string }): Promise<KubeClient>;
  checkPort(port: number): Promise<PortState>;
  /** Where listr2 and the final notes write. */
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
}

export interface Ctx {
  opts: QuickstartOptions;
  deps: Deps;
  plan: InstallPlan;
  image: string;
  client?: KubeClient;
  clusterExisted?: boolean;
  applied?: ApplyResult;
  warnings: string[];
  started: number;
}

export interface StepIO {
  /** A progress line (listr2 shows the latest under the title). */
  output(line: string): void;
  /** Replaces the step's title (e.g. "Reusing kind cluster knative"). */
  title(t: string): void;
}

export interface Step {
  title: string;
  /** What --dry-run prints under the title: commands (`$ …`) and notes. */
  plan: string[];
  /** A reason to skip the step, decided when it is reached. */
  skip?: (ctx: Ctx) => string | false;
  run?: (ctx: Ctx, io: StepIO) => Promise<void>;
  /** Sub-steps run concurrently (e.g. one wait per Deployment), built when the step is reached. */
  children?: (ctx: Ctx) => Step[];
}

/** The --dry-run text. */
export function renderPlan(header: string, steps: Step[], footer: string[]): string {
  const out = [header, ''];
  steps.forEach((s, i) => {
    out.push(`${i + 1}. ${s.title}`);
    for (const l of s.plan) out.push(...l.split('\n').map((x) => (x ? `   ${x}` : '')));
  });
  out.push('', ...footer);
  return out.join('\n') + '\n';
}

/** Runs the steps with listr2; resolves when all are done, rejects with the first failure. */
export async function runSteps(steps: Step[], ctx: Ctx): Promise<void> {
  const { Listr, ListrLogger, ListrLogLevels, LISTR_LOGGER_STDERR_LEVELS } = await import('listr2');
  // A failed step shows as "✖ <title>" only: its message is the command's one "Error: …" line, so
  // no renderer may print it a first time (the simple one as "[FAILED: …]", the default one as the title).
  class TitleOnFailure extends ListrLogger {
    override log(level: string, message: string, options?: object): void {
      super.log(level, message, level === ListrLogLevels.FAILED ? undefined : options);
    }
  }
  type T = ListrTask<Ctx>;
  const toTask = (s: Step): T => ({
    title: s.title,
    skip: s.skip ? (c: Ctx) => s.skip!(c) : undefined,
    task: async (c, task) => {
      const io: StepIO = {
        output: (l) => {
          task.output = l;
        },
        title: (t) => {
          task.title = t;
        },
      };
      if (s.run) await s.run(c, io);
      if (s.children) {
        const kids = s.children(c);
        if (kids.length) return task.newListr(kids.map(toTask), { concurrent: true, exitOnError: true });
      }
      return undefined;
    },
  });
  const tty = Boolean(ctx.deps.stdout.isTTY) && !process.env.CI;
  const simpleLogger = new TitleOnFailure({ useIcons: true, toStderr: LISTR_LOGGER_STDERR_LEVELS });
  const list = new Listr<Ctx>(steps.map(toTask), {
    ctx,
    exitOnError: true,
    concurrent: false,
    renderer: tty ? 'default' : 'simple',
    fallbackRenderer: 'simple',
    rendererOptions: tty ? { collapseSubtasks: false, showErrorMessage: false } : { logger: simpleLogger },
    fallbackRendererOptions: { logger: simpleLogger },
    registerSignalListeners: true,
  } as never);
  await list.run();
}

/** What differs between `kn quickstart kind` and `kn quickstart minikube` around the shared run. */
export interface Quickstart {
  /** "kind", "minikube": the subcommand. */
  command: string;
  /** The first line of a real run. */
  banner: string;
  /** Where Knative ends up, for the closing line: "kind cluster 'knative'". */
  where: string;
  /** The next-steps text (printed after a run and at the end of --dry-run). */
  next: string[];
}

/** Prints the --dry-run plan, or runs the steps and reports warnings, timing and next steps. */
export async function runQuickstart(q: Quickstart, steps: Step[], ctx: Ctx): Promise<void> {
  const o = ctx.opts;
  const write = (s: string) => ctx.deps.stdout.write(s);
  if (o.dryRun) {
    write(renderPlan(`kn quickstart ${q.command} --dry-run: nothing is run; a real run does these steps.`, steps, q.next));
    return;
  }
  write(`${q.banner}\n`);
  try {
    await runSteps(steps, ctx);
  } finally {
    ctx.client?.close();
  }
  for (const w of ctx.warnings) write(`Warning: ${w}\n`);
  const took = Math.round((Date.now() - ctx.started) / 1000);
  const changes = ctx.applied ? ` (${ctx.applied.changed.length} objects changed, ${ctx.applied.unchanged.length} unchanged)` : '';
  write(`\nKnative (kn-ts ${o.version}) is ready on ${q.where} in ${took}s${changes}.\n`);
  write(q.next.join('\n') + '\n');
}
