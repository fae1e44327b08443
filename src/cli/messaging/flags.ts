// The flags of `kn subscription create|update` (upstream's pkg/flags/channel_types.go ChannelRef and
// pkg/commands/flags/sink.go with the names sink, sink-reply, sink-dead-letter).
import { SINK_USAGE } from '../../api/eventing/sink.ts';
import { str } from '../flags.ts';

const usage = (name: string) => SINK_USAGE.replaceAll("'--sink ", `'--${name} `);

export const channelRefFlag = {
  channel: str(
    "Specify the channel to subscribe to. For the default channel, just use the name (e.g. 'mychannel'). A mapped channel type like 'imc' can be used as a prefix (e.g. 'imc:mychannel'). Finally you can specify the full coordinates to the referenced channel with Group:Version:Kind:Name (e.g. 'messaging.knative.dev:v1beta1:KafkaChannel:mychannel').",
  ),
};

export const sinkFlags = {
  sink: str(usage('sink'), { char: 's' }),
  'sink-reply': str(usage('sink-reply')),
  'sink-dead-letter': str(usage('sink-dead-letter')),
};
