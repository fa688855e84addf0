import { request as httpRequest } from 'node:http';
import { silentLogger, createLogger } from '../../electron/core/base/log.js';
import { startServer, type CamLoopServer, type ServerOptions } from '../../electron/core/http/server.js';

/** The core in-process on a free loopback port. CAMLOOP_TEST_LOG=1 shows its log. */
export function startTestServer(options: Partial<ServerOptions> = {}): Promise<CamLoopServer> {
  const log = process.env.CAMLOOP_TEST_LOG ? createLogger(true) : silentLogger;
  return startServer({ host: '127.0.0.1', port: 0, log, ...options });
}

/** fetch() on the control API with the server's control token, as the panel does. */
export function api(server: CamLoopServer, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${server.url}${path}`, { ...init, headers: { Authorization: `Bearer ${server.access.controlToken}`, ...init.headers } });
}

/**
 * POST /offer through node:http, for what fetch() cannot set: another loopback source address
 * (127.0.0.2, ...: to the server, another machine), a foreign Host header, any content type.
 */
export function postRawOffer(
  server: CamLoopServer,
  body: object,
  options: { localAddress?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: { error?: string; id?: string } }> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const headers = { 'Content-Type': 'application/json', ...options.headers };
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: '/offer', method: 'POST', localAddress: options.localAddress, headers },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text) as { error?: string; id?: string } }),
        );
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}
