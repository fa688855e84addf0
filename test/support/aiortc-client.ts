import { existsSync, readFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** aiortc's own example client, as Debian's python3-aiortc ships it. */
export const AIORTC_CLIENT_DIR = '/usr/share/doc/python3-aiortc/examples/server';

/**
 * Serves aiortc's index.html and client.js unmodified, and forwards everything else (POST /offer)
 * to `target`: the client fetches '/offer' relative to its own origin.
 */
export async function serveAiortcClient(target: string): Promise<{ url: string; close: () => Promise<void> }> {
  if (!existsSync(`${AIORTC_CLIENT_DIR}/client.js`))
    throw new Error(`aiortc's example client is missing from ${AIORTC_CLIENT_DIR}: apt-get install -y python3-aiortc`);
  const files: Record<string, [string, string]> = {
    '/': ['index.html', 'text/html'],
    '/client.js': ['client.js', 'text/javascript'],
  };
  const server: Server = createServer((req, res) => {
    const file = files[req.url ?? ''];
    if (file && req.method === 'GET') {
      res.writeHead(200, { 'Content-Type': file[1] });
      res.end(readFileSync(`${AIORTC_CLIENT_DIR}/${file[0]}`));
      return;
    }
    const upstream = request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
