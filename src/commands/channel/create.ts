import { Args } from '@oclif/core';
import { KnCommand } from '../../cli/base.ts';
import { namespaceFlag, str } from '../../cli/flags.ts';

export default class ChannelCreate extends KnCommand {
  static override summary = 'Create an event channel';
  static override description = 'Create an event channel';
  static override usage = 'channel create NAME';
  static override examples = [
    "# Create a channel 'pipe' with default setting for channel configuration",
    'kn channel create pipe',
    "# Create a channel 'imc1' of type InMemoryChannel using inbuilt alias 'imc'",
    'kn channel create imc1 --type imc',
    '# same as above without using inbuilt alias but providing explicit GVK',
    'kn channel create imc1 --type messaging.knative.dev:v1:InMemoryChannel',
    "# Create a channel 'k1' of type KafkaChannel",
    'kn channel create k1 --type messaging.knative.dev:v1beta1:KafkaChannel',
  ];
  static override strict = false;
  static override args = { name: Args.string({ description: 'channel name' }) };
  static override flags = {
    ...namespaceFlag,
    type: str(
      "Override channel type to create, in the format '--type Group:Version:Kind'. If flag is not specified, it uses default messaging layer settings for channel type, cluster wide or specific namespace. You can configure aliases for channel types in kn config and refer the aliases with this flag. You can also refer inbuilt channel type InMemoryChannel using an alias 'imc' like '--type imc'. Examples: '--type messaging.knative.dev:v1beta1:KafkaChannel' for specifying explicit Group:Version:Kind.",
    ),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(ChannelCreate);
    const { channelCreate } = await import('../../cli/messaging/commands.ts');
    await channelCreate(this, flags, argv);
  }
}
