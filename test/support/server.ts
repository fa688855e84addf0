import type { SessionInfo } from '../../electron/core/session/session-info.js';
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

/** The info of the server's first (only) camera. */
export function firstSession(server: CamLoopServer): SessionInfo {
  const [session] = server.sessions.list();
  if (!session) throw new Error('no camera on the server');
  return session.info();
}

/** PUT a filter (an id, {id, params} or a chain) on the server's first camera; 200 or the test fails. */
export async function putTransform(server: CamLoopServer, body: unknown): Promise<void> {
  const id = firstSession(server).id;
  const answer = await api(server, `/api/sessions/${id}/transform`, { method: 'PUT', body: JSON.stringify(body) });
  if (answer.status !== 200) throw new Error(`PUT transform: ${answer.status} ${await answer.text()}`);
}
