import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { HttpError } from '../base/http-error.js';
import { readJson, sendError, sendJson } from './http-util.js';
import type { AudioMode } from '../audio/session-audio.js';
import type { Logger } from '../base/log.js';
import { Recordings } from '../recording/container.js';
import { WorkerPool } from '../video/worker-pool.js';
import { tolerateRepeatedHelloVerifyRequests } from '../webrtc/werift-internals.js';
import { Session } from '../session/session.js';
import { IceServers } from '../webrtc/ice-servers.js';
import { Sessions } from '../session/sessions.js';
import { parseOffer } from '../session/offer-request.js';
import { isStaticRoute, sendStatic } from './static-files.js';
import { PluginHost } from '../plugins/plugin-host.js';
import { isLoopbackAddress } from '../base/addresses.js';
import { AccessControl } from './access.js';
import { handleControl, type ControlContext } from './control-api.js';
import { ChainError } from '../transforms/chain.js';
import { describeTransforms } from '../transforms/registry.js';
import type { Transform } from '../transforms/types.js';
import { Admission } from '../session/admission.js';
import type { OfferRequest } from '../session/offer-request.js';
import { handleWhip, type WhipContext } from './whip-routes.js';
import { handleSessionIce } from './session-ice.js';
import { sameToken } from '../base/tokens.js';
import { SettingsStore } from '../base/settings-store.js';
import { SessionFeed } from '../session/session-feed.js';
import { FrameShare } from '../session/frame-share.js';
import { CameraMemory } from '../session/camera-memory.js';
import { handleSettings, recordingsDir, type SettingsContext } from './settings-api.js';

export interface ServerOptions {
  host: string;
  port: number;
  log: Logger;
  /** STUN/TURN for our peers and for the camera page's. */
  iceServers?: IceServers;
  maxBitrate?: number;
  /** Folder of user transform plugins, watched for changes. */
  pluginsDir?: string;
  /** The interpreter for .py plugins (default python3 on PATH). */
  python?: string;
  /** PEM certificate and key: serve HTTPS. */
  tls?: { cert: string; key: string };
  audio?: AudioMode;
  recordTo?: string;
  /** Where the record button's files go unless the user chose a folder (default ~/Videos/CamLoop). */
  videosDir?: string;
  /** The config dir: settings.json (tokens, each phone camera's filter, the chosen network...) is kept there. None: nothing is kept. */
  dataDir?: string;
  /** A ceiling on live cameras; more get a 503. Default: from this machine's memory (see memoryCameraLimit). */
  maxSessions?: number;
  /** A camera that would bring every camera under this frame rate is refused (see Admission). */
  minFps?: number;
  /** Drops this percentage of packets each way (werift's network emulation): for tests of loss recovery. */
  lossPercent?: number;
  /** A session not connected this long after its answer is closed (default 30 s; shorter in tests). */
  connectTimeoutMs?: number;
  /** A connected peer with media silent this long (no packet, no ICE check) has gone: its session is closed (default 4 s). */
  departureMs?: number;
  /** The largest picture decoded, in pixels (default DEFAULT_MAX_PIXELS): a camera's larger pictures are refused. */
  maxPixels?: number;
}

export interface CamLoopServer {
  url: string;
  /** The control panel, with its token: open it on this machine only. */
  panelUrl: string;
  sessions: Sessions;
  access: AccessControl;
  settings: SettingsStore;
  close(): Promise<void>;
}

/** The HTTP side of the core: pages, POST /offer (aiortc-compatible) and the JSON API. */
export async function startServer(options: ServerOptions): Promise<CamLoopServer> {
  tolerateRepeatedHelloVerifyRequests();
  const sessions = new Sessions();
  const admission = new Admission(sessions, { maxLive: options.maxSessions, minFps: options.minFps });
  const pool = new WorkerPool();
  const { log } = options;
  void pool.models.checkFiles().then((troubles) => troubles.forEach((why) => log.warn(`a model filter cannot run: ${why}`)));
  const plugins = options.pluginsDir ? new PluginHost(options.pluginsDir, log, options.python) : undefined;
  await plugins?.start();
  const recordings = options.recordTo ? new Recordings(options.recordTo) : undefined;
  const defaultVideosDir = options.videosDir ?? join(homedir(), 'Videos', 'CamLoop');
  const settings = await SettingsStore.open(options.dataDir && join(options.dataDir, 'settings.json'), log);
  if (settings.problem) log.warn(settings.problem);
  // Links handed out (the QR code, viewer links) keep working across restarts.
  const access = new AccessControl(settings.settings);
  await settings.update({ pairingToken: access.pairingToken, viewerToken: access.viewerToken });
  const feed = new SessionFeed(sessions, new FrameShare(() => admission.reading));
  const memory = new CameraMemory(settings);
  const modelTrouble = ({ detector }: Transform) => (detector?.runtime === 'model' ? pool.models.troubles.get(detector.task) : undefined);
  const iceServers = options.iceServers ?? new IceServers();
  const scheme = options.tls ? 'https' : 'http';
  let port = options.port;
  const reachable = !isLoopbackAddress(options.host) && options.host !== 'localhost';
  const settingsApi: SettingsContext = { settings, access, sessions, feed, defaultVideosDir, log };
  const videosDir = () => recordingsDir(settingsApi);
  const workers = () => pool.live;
  const control: ControlContext = {
    sessions,
    access,
    plugins,
    admission,
    settings,
    videosDir,
    scheme,
    reachable,
    workers,
    port: () => port,
  };

  /** A camera from the camera page's offer or a WHIP publisher's: admitted, answered, listed. */
  async function openCamera(
    offer: OfferRequest,
    req: IncomingMessage,
    source: 'offer' | 'whip',
  ): Promise<{ session: Session; sdp: string }> {
    const remoteAddress = req.socket.remoteAddress ?? '';
    // A page reconnecting after a drop: its old session goes now (before it is counted against
    // the camera limit), not when its departure is noticed, so the panel never shows the camera twice.
    if (offer.replaces && sessions.wasEnded(offer.replaces)) throw new HttpError(410, 'CamLoop ended this call: start it again');
    // Only the page that has the replaced call's secret may end it so (not anyone with the pairing token).
    const replaced = offer.replaces ? sessions.get(offer.replaces) : undefined;
    if (replaced && !sameToken(offer.secret, replaced.secret)) throw new HttpError(403, 'missing or wrong secret for the call it replaces');
    await replaced?.close();
    admission.admit(remoteAddress);
    const answered = await Session.answer(memory.restore(offer), {
      pool,
      log,
      iceServers: iceServers.forServer(),
      maxBitrate: options.maxBitrate,
      plugins,
      audio: options.audio ?? 'loop',
      recordTo: recordings?.next(),
      lossPercent: options.lossPercent,
      connectTimeoutMs: options.connectTimeoutMs,
      departureMs: options.departureMs,
      maxPixels: options.maxPixels,
      localAddress: req.socket.localAddress,
      remoteAddress,
      source,
    });
    sessions.add(answered.session);
    memory.follow(answered.session);
    return answered;
  }
  const whip: WhipContext = { sessions, access, iceServers, openCamera: (offer, req) => openCamera(offer, req, 'whip') };

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (method === 'GET' && isStaticRoute(path)) return sendStatic(res, path);
    if (method === 'GET' && path === '/camloop-cert.pem' && options.tls) {
      // The certificate is public (every TLS handshake sends it): offered so users can trust it.
      res.writeHead(200, { 'Content-Type': 'application/x-pem-file', 'Content-Disposition': 'attachment; filename="camloop-cert.pem"' });
      return void res.end(options.tls.cert);
    }
    if (path === '/offer') {
      if (method !== 'POST') throw new HttpError(405, 'use POST /offer');
      const body = await readJson(req);
      const bodyToken = (body as { token?: unknown } | null)?.token;
      access.checkOffer(req, url.searchParams.get('t') ?? (typeof bodyToken === 'string' ? bodyToken : undefined));
      const { session, sdp } = await openCamera(parseOffer(body), req, 'offer');
      // With the filter it got (a remembered one, say): the camera page shows it at once.
      // The secret lets this page restart ICE on this call, or replace it, later (and nobody else).
      return sendJson(res, 200, { sdp, type: 'answer', id: session.id, secret: session.secret, transform: session.info().transform });
    }
    if (path === '/ice-servers') {
      // TURN credentials are for paired phones only, as offers are: a relay is worth stealing.
      if (method !== 'GET') throw new HttpError(405, 'use GET /ice-servers');
      access.checkOffer(req, url.searchParams.get('t') ?? undefined);
      return sendJson(res, 200, { iceServers: iceServers.forPhone() });
    }
    if (await handleWhip(whip, req, res, url)) return;
    if (await handleSessionIce({ access, sessions }, req, res, url)) return;
    // The camera page needs the filter list; everything else under /api is the panel's.
    if (method === 'GET' && path === '/api/transforms') return sendJson(res, 200, describeTransforms(modelTrouble));
    if (path.startsWith('/api/')) {
      access.checkControl(req);
      if ((await handleSettings(settingsApi, req, res, path, method)) || (await handleControl(control, req, res, path, method))) return;
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
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => resolve());
    });
  } catch (error) {
    feed.close();
    plugins?.close();
    admission.close();
    await pool.close();
    throw error;
  }
  const address = server.address() as AddressInfo;
  port = address.port;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `${scheme}://${host}:${address.port}`,
    panelUrl: `${scheme}://${isLoopbackAddress(address.address) ? host : '127.0.0.1'}:${address.port}/panel#token=${access.controlToken}`,
    sessions,
    access,
    settings,
    async close() {
      feed.close();
      server.closeAllConnections();
      plugins?.close();
      admission.close();
      // CamLoop quits: the pages are told the call is over (and do not call back).
      await Promise.all([sessions.closeAll('host'), pool.close(), new Promise((resolve) => server.close(resolve)), settings.save()]);
    },
  };
}
