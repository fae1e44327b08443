import { Args } from '@oclif/core';
import { KnCommand } from '../cli/base.ts';
import { script, SHELLS } from '../cli/completion.ts';

export default class Completion extends KnCommand {
  static override summary = 'Output shell completion code';
  static override description =
    'Output shell completion code for bash, zsh or fish.\n\nThe code completes commands, sub-commands, flags and plugins from kn itself.';
  static override usage = 'completion SHELL [options]';
  static override examples = [
    '# Generate completion code for bash and load it in the current shell',
    'source <(kn completion bash)',
    '',
    '# Generate completion code for zsh',
    'source <(kn completion zsh)',
    '',
    '# Generate completion code for fish',
    'kn completion fish | source',
  ];
  static override strict = false;
  static override args = { shell: Args.string({ description: 'bash, zsh or fish' }) };

  async run(): Promise<void> {
    const { argv } = await this.parse(Completion);
    if (argv.length !== 1) {
      throw this.userError(
        argv.length === 0
          ? "accepts one argument, either 'bash', 'zsh' or 'fish'"
          : "Only one argument can be provided, either 'bash', 'zsh' or 'fish'",
      );
    }
    const shell = argv[0] as (typeof SHELLS)[number];
    if (!SHELLS.includes(shell)) throw this.userError("'bash', 'zsh' or 'fish' shell completion is supported");
    process.stdout.write(script(shell));
  }
}
