// Is a TCP port free on an address? A listen attempt tells (closed at once).
import { createServer } from 'node:net';

export type PortState = 'free' | 'busy' | 'unknown';

export function checkPort(port: number, host = '127.0.0.1'): Promise<PortState> {
  return new Promise((resolve) => {
    const s = createServer();
    s.unref();
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'EADDRINUSE' ? 'busy' : 'unknown'));
    s.listen({ port, host, exclusive: true }, () => s.close(() => resolve('free')));
  });
}
