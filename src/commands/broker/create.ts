import { Args } from '@oclif/core';
import { KnCommand } from '../../cli/base.ts';
import { deliveryFlags, targetFlag } from '../../cli/eventing/flags.ts';
import { namespaceFlag, str } from '../../cli/flags.ts';

export default class BrokerCreate extends KnCommand {
  static override summary = 'Create a broker';
  static override description = 'Create a broker';
  static override usage = 'broker create NAME';
  static override examples = [
    "# Create a broker 'mybroker' in the current namespace",
    'kn broker create mybroker',
    '',
    "# Create a broker 'mybroker' in the 'myproject' namespace and with a broker class of 'Kafka'",
    'kn broker create mybroker --namespace myproject --class Kafka',
    '',
    "# Create a broker 'mybroker' in the myproject namespace with config referencing a configmap in current namespace",
    'kn broker create mybroker --namespace myproject --class Kafka --broker-config cm:spec-cm',
    'OR',
    'kn broker create mybroker --namespace myproject --class Kafka --broker-config spec-cm',
    '',
    "# Create a broker 'mybroker' in the myproject namespace with config referencing secret named spec-sc in test namespace",
    'kn broker create mybroker --namespace myproject --class Kafka --broker-config sc:spec-sc:test',
    '',
    "# Create a broker 'mybroker' in the myproject namespace with config referencing RabbitmqCluster mycluster in test namespace",
    'kn broker create mybroker --namespace myproject --class Kafka --broker-config rabbitmq.com/v1beta1:RabbitmqCluster:mycluster:test',
  ];
  static override strict = false;
  static override args = { name: Args.string({ description: 'broker name' }) };
  static override flags = {
    ...namespaceFlag,
    class: str('Broker class like \'MTChannelBasedBroker\' or \'Kafka\' (if available).'),
    'broker-config': str(
      'Reference to the broker configuration For example, a pointer to a ConfigMap (cm:, configmap:), Secret(sc:, secret:), RabbitmqCluster(rmq:, rabbitmq: rabbitmqcluster:) etc. It should be used in conjunction with --class flag. The format for specifying the object is a colon separated string consisting of at most 4 slices:\n' +
        'Length 1: <object-name> (the object will be assumed to be ConfigMap with the same name)\n' +
        'Length 2: <kind>:<object-name> (the APIVersion will be determined for ConfigMap, Secret, and RabbitmqCluster types)\n' +
        'Length 3: <kind>:<object-name>:<namespace> (the APIVersion will be determined only for ConfigMap, Secret, and RabbitmqCluster types. Otherwise it will be interpreted as:\n' +
        '<apiVersion>:<kind>:<object-name>)\n' +
        'Length 4: <apiVersion>:<kind>:<object-name>:<namespace>',
    ),
    ...deliveryFlags,
    ...targetFlag,
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(BrokerCreate);
    const { brokerCreate } = await import('../../cli/eventing/commands.ts');
    await brokerCreate(this, flags, argv);
  }
}
