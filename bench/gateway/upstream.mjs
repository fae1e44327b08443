// A minimal HTTP/1.1 upstream for the gateway benchmark: 200 with a short body, keep-alive.
import { Buffer } from 'node:buffer';
import http from 'node:http';

const port = Number(process.argv[2] ?? 0);
const body = Buffer.from('hello from the upstream\n');
const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  req.resume();
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
  res.end(body);
});
server.listen(port, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.on('SIGTERM', () => process.exit(0));
