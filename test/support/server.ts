import { silentLogger, createLogger } from '../../electron/core/log.js';
import { startServer, type CamLoopServer, type ServerOptions } from '../../electron/core/server.js';

/** The core in-process on a free loopback port. CAMLOOP_TEST_LOG=1 shows its log. */
export function startTestServer(options: Partial<ServerOptions> = {}): Promise<CamLoopServer> {
  const log = process.env.CAMLOOP_TEST_LOG ? createLogger(true) : silentLogger;
  return startServer({ host: '127.0.0.1', port: 0, log, ...options });
}

/** fetch() on the control API with the server's control token, as the panel does. */
export function api(server: CamLoopServer, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${server.url}${path}`, { ...init, headers: { Authorization: `Bearer ${server.access.controlToken}`, ...init.headers } });
}
