import { Args } from '@oclif/core';
import { KnCommand } from '../../cli/base.ts';
import { int, namespaceFlag, str } from '../../cli/flags.ts';

export default class BrokerUpdate extends KnCommand {
  static override summary = 'Update a broker';
  static override description = 'Update a broker';
  static override usage = 'broker update NAME';
  static override examples = [
    "# Update a broker 'mybroker' in the current namespace with delivery sink svc1",
    'kn broker update mybroker --dl-sink svc1',
    "# Update a broker 'mybroker' in the 'myproject' namespace with a retry of 3",
    'kn broker update mybroker --namespace myproject --retry 3',
  ];
  static override strict = false;
  static override args = { name: Args.string({ description: 'broker name' }) };
  static override flags = {
    ...namespaceFlag,
    'dl-sink': str('The sink receiving event that could not be sent to a destination.'),
    retry: int('The minimum number of retries the sender should attempt when sending an event before moving it to the dead letter sink.', { helpValue: 'int32' }),
    timeout: str('The timeout of each single request. The value must be greater than 0.'),
    'backoff-policy': str('The retry backoff policy (linear, exponential).'),
    'backoff-delay': str('The delay before retrying.'),
    'retry-after-max': str('An optional upper bound on the duration specified in a "Retry-After" header when calculating backoff times for retrying 429 and 503 response codes. Setting the value to zero ("PT0S") can be used to opt-out of respecting "Retry-After" header values altogether. This value only takes effect if "Retry" is configured, and also depends on specific implementations (Channels, Sources, etc.) choosing to provide this capability.'),
    target: str('Work on local directory instead of a remote cluster (experimental)'),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(BrokerUpdate);
    const { brokerUpdate } = await import('../../cli/eventing/commands.ts');
    await brokerUpdate(this, flags, argv);
  }
}
