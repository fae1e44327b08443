import { Args } from '@oclif/core';
import { KnCommand } from '../../cli/base.ts';
import { bool, namespaceFlag, str } from '../../cli/flags.ts';

export default class BrokerTail extends KnCommand {
  static override summary = 'Stream the events a broker receives';
  static override description =
    "Print the events a broker accepts, live, as they arrive (through the API server's service proxy to the broker's admin port; no port-forward). Stop with Ctrl-C.";
  static override usage = 'broker tail NAME [--filter CESQL] [-o json]';
  static override examples = [
    "# Follow the events of the broker 'default'",
    'kn broker tail default',
    '# Only events whose type starts with dev.example, one JSON object per line',
    "kn broker tail default --filter \"type LIKE 'dev.example.%'\" -o json",
  ];
  static override strict = false;
  static override args = { name: Args.string({ description: 'broker name' }) };
  static override flags = {
    ...namespaceFlag,
    filter: str('A CloudEvents SQL expression; only events for which it is true are shown.'),
    output: str('Output format: pretty (default) or json (one event per line).', { char: 'o' }),
    'max-events': str('Stop after this many events.'),
    'timestamps': bool('Prefix each event with the time it was received.'),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(BrokerTail);
    const { tailBroker } = await import('../../cli/eventing/event-commands.ts');
    await tailBroker(this, flags, argv);
  }
}
