import { KnCommand } from '../../cli/base.ts';
import { namespaceFlag, str, strArray } from '../../cli/flags.ts';

export default class EventSend extends KnCommand {
  static override summary = 'Send a CloudEvent to a broker, a service or a URL';
  static override description =
    'Build a CloudEvent from flags and send it in binary mode. A broker, a Knative Service or a Kubernetes Service is reached through the API server\'s service proxy, so no port-forward is needed; a URL is posted to directly.';
  static override usage = 'event send --to SINK [--type TYPE] [--source SOURCE] [--data DATA]';
  static override examples = [
    "# Send an event to the broker 'default' of the current namespace",
    'kn event send --to broker:default --type dev.example.greeting --data \'{"msg":"hi"}\'',
    '# Send an event with an extension to a Knative Service',
    'kn event send --to ksvc:receiver --type dev.example.ping -e myext=value',
  ];
  static override flags = {
    ...namespaceFlag,
    to: str("Where to send the event: broker:NAME, ksvc:NAME, svc:NAME (each optionally :NAMESPACE), or an http(s) URL."),
    type: str('The CloudEvent type (default dev.knative.cli.plugin.event.generic).'),
    source: str('The CloudEvent source (default kn-event).'),
    id: str('The CloudEvent id (default a random UUID).'),
    subject: str('The CloudEvent subject.'),
    data: str('The event data.'),
    'data-file': str('A file whose contents are the event data.'),
    'content-type': str('The data content type (default application/json when the data is JSON, else text/plain).'),
    extension: strArray('An extension attribute NAME=VALUE; repeatable.', { char: 'e' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(EventSend);
    if (!flags.to) throw this.userError('required flag(s) "to" not set');
    const { sendEvent } = await import('../../cli/eventing/event-commands.ts');
    await sendEvent(this, { ...flags, to: flags.to });
  }
}
