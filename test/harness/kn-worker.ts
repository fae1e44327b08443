// A long-lived kn for the bad-input suites: runs the built CLI (dist/kn/cli/main.js, the same
// bundle bin/run.js loads) in this process, one invocation at a time, and answers each request
// of the parent (over the IPC channel) with the exit code and what the invocation wrote. Only
// this process's stdout/stderr are captured, so the parent's test reporter is never touched.
// A command that reads stdin gets an empty stdin here; cases that need input use runKn.
import { REPO } from './env.ts';

interface Request {
  id: number;
  args: string[];
  env?: Record<string, string>;
}

// KN_TS_KN_ROOT runs another build of kn (say, of main) through the same suites.
const { main, runState } = (await import(`${process.env.KN_TS_KN_ROOT ?? REPO}/dist/kn/cli/main.js`)) as {
  main: (argv: string[]) => Promise<number>;
  runState: { direct: boolean };
};

const out = process.stdout.write.bind(process.stdout);
const err = process.stderr.write.bind(process.stderr);

async function run(req: Request): Promise<{ id: number; code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.env ?? {})) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  const capture = (append: (s: string) => void) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      (rest.find((x) => typeof x === 'function') as (() => void) | undefined)?.();
      return true;
    }) as typeof process.stdout.write;
  process.stdout.write = capture((x) => (stdout += x));
  process.stderr.write = capture((x) => (stderr += x));
  let code: number;
  try {
    process.exitCode = undefined;
    runState.direct = false;
    code = await main(req.args);
  } catch (e) {
    // main() never throws for bad input; if it does, the suite sees it as a crash.
    stderr += `UNCAUGHT: ${(e as Error)?.stack ?? String(e)}\n`;
    code = 99;
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    process.exitCode = undefined;
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  return { id: req.id, code, stdout, stderr };
}

// One at a time: the captured streams are process-wide.
let chain = Promise.resolve();
process.on('message', (req: Request) => {
  chain = chain.then(async () => {
    process.send!(await run(req));
  });
});
process.send!({ ready: true });
