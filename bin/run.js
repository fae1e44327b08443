#!/usr/bin/env -S node --
// kn: the command line of kn-ts. The compile cache makes every start after the first cheaper;
// dist/kn/cli/main.js (the esbuild bundle of src/cli/main.ts) answers help and aliases from oclif.manifest.json and loads oclif only to
// run a command.
import module from 'node:module';

module.enableCompileCache?.();
const { main } = await import('../dist/kn/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
