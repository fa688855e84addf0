import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { HttpError } from './http-error.js';
import { readJson, sendError, sendJson } from './http-util.js';
import type { AudioMode } from './cli.js';
import type { Logger } from './log.js';
import { Recordings } from './recording/container.js';
import { WorkerPool } from './pipeline/worker-pool.js';
import { Session, type IceServer } from './session.js';
import { Sessions } from './sessions.js';
import { parseOffer } from './signaling.js';
import { isStaticRoute, sendStatic } from './static-files.js';
import { PluginHost } from './plugin-host.js';
import { ChainError, parseChain } from './transforms/chain.js';
import { describeTransforms } from './transforms/registry.js';

export interface ServerOptions {
  host: string;
  port: number;
  log: Logger;
  iceServers?: IceServer[];
  maxBitrate?: number;
  /** Folder of user transform plugins, watched for changes. */
  pluginsDir?: string;
  /** PEM certificate and key: serve HTTPS. */
  tls?: { cert: string; key: string };
  audio?: AudioMode;
  recordTo?: string;
  /** Where the record button's files go (default ~/Videos/CamLoop). */
  videosDir?: string;
}

export interface CamLoopServer {
  url: string;
  sessions: Sessions;
  close(): Promise<void>;
}

/** The HTTP side of the core: pages, POST /offer (aiortc-compatible) and the JSON API. */
export async function startServer(options: ServerOptions): Promise<CamLoopServer> {
  const sessions = new Sessions();
  const pool = new WorkerPool();
  const { log } = options;
  const plugins = options.pluginsDir ? new PluginHost(options.pluginsDir, log) : undefined;
  await plugins?.start();
  const recordings = options.recordTo ? new Recordings(options.recordTo) : undefined;
  const videosDir = options.videosDir ?? join(homedir(), 'Videos', 'CamLoop');

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const method = req.method ?? 'GET';
    if (method === 'GET' && isStaticRoute(path)) return sendStatic(res, path);
    if (path === '/offer') {
      if (method !== 'POST') throw new HttpError(405, 'use POST /offer');
      const offer = parseOffer(await readJson(req));
      const { session, sdp } = await Session.answer(offer, {
        pool,
        log,
        iceServers: options.iceServers,
        maxBitrate: options.maxBitrate,
        plugins,
        audio: options.audio ?? 'loop',
        recordTo: recordings?.next(),
      });
      sessions.add(session);
      return sendJson(res, 200, { sdp, type: 'answer', id: session.id });
    }
    if (method === 'GET' && path === '/api/transforms') return sendJson(res, 200, describeTransforms());
    if (method === 'GET' && path === '/api/plugins') return sendJson(res, 200, { dir: plugins?.dir ?? null, errors: plugins?.errors ?? [] });
    if (method === 'GET' && path === '/api/sessions') return sendJson(res, 200, sessions.list().map((s) => s.info()));
    const sessionRoute = path.match(/^\/api\/sessions\/([\w-]{1,64})(\/transform|\/recording)?$/);
    if (sessionRoute) {
      const session = sessions.get(sessionRoute[1]);
      if (!session) throw new HttpError(404, 'no such session');
      if (sessionRoute[2] === '/recording' && method === 'POST') {
        await mkdir(videosDir, { recursive: true });
        const file = join(videosDir, `CamLoop-${new Date().toISOString().replace(/[:.]/g, '-')}-${session.id.slice(0, 8)}.webm`);
        return sendJson(res, 200, { recording: session.startProcessedRecording(file) });
      }
      if (sessionRoute[2] === '/recording' && method === 'DELETE') return sendJson(res, 200, { recorded: session.stopProcessedRecording() ?? null });
      if (sessionRoute[2] === '/transform' && method === 'PUT') {
        const body = (await readJson(req)) as { chain?: unknown } | null;
        session.setTransform(parseChain(body && typeof body === 'object' && 'chain' in body ? body.chain : body));
        return sendJson(res, 200, session.info());
      }
      if (!sessionRoute[2] && method === 'GET') return sendJson(res, 200, session.info());
      if (!sessionRoute[2] && method === 'DELETE') {
        await session.close();
        return sendJson(res, 200, { closed: session.id });
      }
      throw new HttpError(405, `${method} is not allowed here`);
    }
    throw new HttpError(404, `nothing at ${path}`);
  }

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    route(req, res).catch((caught: unknown) => {
      const error = caught instanceof ChainError ? new HttpError(400, caught.message) : caught;
      if (!(error instanceof HttpError)) log.warn(`${req.method} ${req.url}: ${error instanceof Error ? error.stack : String(error)}`);
      else log.debug(`${req.method} ${req.url}: ${error.status} ${error.message}`);
      if (!res.headersSent) sendError(res, error);
      else res.destroy();
    });
  };
  const server: Server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, handler) : createServer(handler);
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `${options.tls ? 'https' : 'http'}://${host}:${address.port}`,
    sessions,
    async close() {
      server.closeAllConnections();
      plugins?.close();
      await Promise.all([sessions.closeAll(), pool.close(), new Promise((resolve) => server.close(resolve))]);
    },
  };
}
