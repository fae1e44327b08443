#!/usr/bin/env node
// kn: the command line of kn-ts. The compile cache makes every start after the first cheaper;
// dist/cli/main.js answers help and aliases from oclif.manifest.json and loads oclif only to
// run a command.
import module from 'node:module';

module.enableCompileCache?.();
const { main } = await import('../dist/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
