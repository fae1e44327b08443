#!/usr/bin/env -S node --
// kn: the command line of kn-ts. The compile cache makes every start after the first cheaper;
// dist/kn/cli/main.js (the esbuild bundle of src/cli/main.ts) answers help and aliases from oclif.manifest.json and loads oclif only to
// run a command.
import module from 'node:module';

module.enableCompileCache?.();
const { main, runState } = await import('../dist/kn/cli/main.js');
const code = await main(process.argv.slice(2));
process.exitCode = code;
if (runState?.direct) {
  // A list command that ran without oclif has nothing left to do once its output is written:
  // leave as kubectl does, instead of letting the event loop wind down (closing sockets, and a
  // full garbage collection of the parsed list: ~15 ms for `kn revision list` over 500 objects).
  const written = (s) => new Promise((resolve) => (s.writableLength ? s.write('', resolve) : resolve()));
  await written(process.stdout);
  await written(process.stderr);
  process.exit(code);
}
