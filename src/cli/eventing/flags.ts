// Flags shared by the eventing commands (kn broker create|update): upstream's delivery flags and
// the offline --target.
import { int, str } from '../flags.ts';

export const deliveryFlags = {
  'dl-sink': str('The sink receiving event that could not be sent to a destination.'),
  retry: int('The minimum number of retries the sender should attempt when sending an event before moving it to the dead letter sink.', { helpValue: 'int32' }),
  timeout: str('The timeout of each single request. The value must be greater than 0.'),
  'backoff-policy': str('The retry backoff policy (linear, exponential).'),
  'backoff-delay': str('The delay before retrying.'),
  'retry-after-max': str('An optional upper bound on the duration specified in a "Retry-After" header when calculating backoff times for retrying 429 and 503 response codes. Setting the value to zero ("PT0S") can be used to opt-out of respecting "Retry-After" header values altogether. This value only takes effect if "Retry" is configured, and also depends on specific implementations (Channels, Sources, etc.) choosing to provide this capability.'),
};

export const targetFlag = { target: str('Work on local directory instead of a remote cluster (experimental)') };
