// What the gateway's activator probes before it releases held requests (issue #9, ADR 0017):
// upstream's activator asks queue-proxy, which runs the user's readiness probe against the user
// container (an HTTP GET of the probe's path, 200–399 is ready; a TCP connect by default, for
// tcpSocket and for exec probes). kn-ts has no queue-proxy, so the revision's Kubernetes Service
// carries the probe as a label (EndpointSlices copy their Service's labels, the gateway reads
// those) and the gateway runs it against the pod directly. Pure.
//
// Label value (label values are ≤ 63 of [A-Za-z0-9-_.], alphanumeric at both ends):
//   "http.<hex of path>"   an httpGet probe (scheme HTTP) on the serving port
//   absent                 a TCP connect of the serving port (tcpSocket, exec, grpc, no probe)
// A path longer than fits (29 bytes) is not labelled; the gateway then connects over TCP and the
// kubelet's readiness (the EndpointSlice turning ready) still releases the requests.
import type { V1Probe } from '@kubernetes/client-node';

export const READINESS_PROBE_LABEL = 'networking.kn-ts.dev/readiness-probe';

/** How the activator probes a pod: an HTTP GET of path on the serving port, or a TCP connect. */
export type ReadinessCheck = { kind: 'tcp' } | { kind: 'http'; path: string };

export const TCP_CHECK: ReadinessCheck = { kind: 'tcp' };

const MAX_LABEL = 63;

/** The label value for a serving container's readiness probe; undefined: a TCP connect (no label). */
export function readinessLabel(p: V1Probe | undefined): string | undefined {
  const g = p?.httpGet;
  if (!g || (g.scheme && g.scheme.toUpperCase() !== 'HTTP')) return undefined;
  let path = g.path || '/';
  if (!path.startsWith('/')) path = `/${path}`;
  const v = `http.${Buffer.from(path, 'utf8').toString('hex')}`;
  return v.length <= MAX_LABEL ? v : undefined;
}

/** The check a label value names (anything unreadable: a TCP connect). */
export function parseReadinessLabel(v: string | undefined): ReadinessCheck {
  const m = v ? /^http\.((?:[0-9a-f]{2})+)$/.exec(v) : null;
  if (!m) return TCP_CHECK;
  const path = Buffer.from(m[1]!, 'hex').toString('utf8');
  return path.startsWith('/') ? { kind: 'http', path } : TCP_CHECK;
}
