import type { IncomingMessage, ServerResponse } from 'node:http';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import QRCode from 'qrcode';
import type { AccessControl } from './access.js';
import { HttpError } from '../base/http-error.js';
import { readJson, sendJson } from './http-util.js';
import { lanAddresses, phoneUrl, whipUrl } from './lan.js';
import type { SettingsStore } from '../base/settings-store.js';
import type { PluginHost } from '../plugins/plugin-host.js';
import type { Admission } from '../session/admission.js';
import type { Sessions } from '../session/sessions.js';
import { parseChain } from '../transforms/chain.js';
import { serveResults } from './results-stream.js';

export interface ControlContext {
  sessions: Sessions;
  access: AccessControl;
  plugins?: PluginHost;
  admission?: Admission;
  settings: SettingsStore;
  /** Where the Record button writes (the folder chosen in the settings, or the default). */
  videosDir: () => string;
  scheme: 'http' | 'https';
  port: () => number;
  /** False when the server listens on loopback only: phones cannot reach the pairing URLs. */
  reachable: boolean;
  /** Codec worker threads alive (each camera's, and the spare). */
  workers: () => number;
}

/** GET /api/process: what the app holds, for a user (or a soak) watching it over a day. */
export interface ProcessInfo {
  uptimeS: number;
  rssBytes: number;
  sessions: number;
  workers: number;
}

/**
 * The panel's API (loopback + control token, checked by the caller): cameras, their filters,
 * recording and hang-up, plugins, and the pairing QR code. Returns false for paths it does not own.
 */
export async function handleControl(
  ctx: ControlContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  method: string,
): Promise<boolean> {
  const { sessions, access } = ctx;
  if (path === '/api/process' && method === 'GET') {
    const info: ProcessInfo = {
      uptimeS: process.uptime(),
      rssBytes: process.memoryUsage.rss(),
      sessions: sessions.list().length,
      workers: ctx.workers(),
    };
    sendJson(res, 200, info);
    return true;
  }
  if (path === '/api/plugins' && method === 'GET') {
    sendJson(res, 200, { dir: ctx.plugins?.dir ?? null, errors: ctx.plugins?.errors ?? [] });
    return true;
  }
  if (path === '/api/admission' && method === 'GET') {
    sendJson(res, 200, ctx.admission?.info ?? null);
    return true;
  }
  if (path === '/api/pairing' && method === 'GET') {
    sendJson(res, 200, await pairing(ctx));
    return true;
  }
  if (path === '/api/pairing/rotate' && method === 'POST') {
    access.rotatePairingToken();
    await ctx.settings.update({ pairingToken: access.pairingToken });
    sendJson(res, 200, await pairing(ctx));
    return true;
  }
  if (path === '/api/sessions' && method === 'GET') {
    sendJson(
      res,
      200,
      sessions.list().map((s) => s.info()),
    );
    return true;
  }
  const match = path.match(/^\/api\/sessions\/([\w-]{1,64})(\/transform|\/recording|\/preview|\/max-bitrate|\/results)?$/);
  if (!match) return false;
  const session = sessions.get(match[1]);
  if (!session) throw new HttpError(404, 'no such session');
  const sub = match[2];
  if (sub === '/transform' && method === 'PUT') {
    const body = (await readJson(req)) as { chain?: unknown } | null;
    session.setTransform(parseChain(body && typeof body === 'object' && 'chain' in body ? body.chain : body));
    sendJson(res, 200, session.info());
  } else if (sub === '/max-bitrate' && method === 'PUT') {
    session.setMaxBitrate(parseMaxBitrate(await readJson(req)));
    sendJson(res, 200, session.info());
  } else if (sub === '/preview' && method === 'POST') {
    const offer = (await readJson(req)) as { sdp?: unknown; type?: unknown } | null;
    if (offer?.type !== 'offer' || typeof offer.sdp !== 'string' || !offer.sdp.startsWith('v=0'))
      throw new HttpError(400, 'body must be {sdp, type: "offer"}');
    const { sdp } = await session.addViewer(offer.sdp, {
      localAddress: req.socket.localAddress,
      remoteAddress: req.socket.remoteAddress,
      kind: 'preview',
    });
    sendJson(res, 200, { type: 'answer', sdp });
  } else if (sub === '/recording' && method === 'POST') {
    const dir = ctx.videosDir();
    await mkdir(dir, { recursive: true });
    const file = join(dir, `CamLoop-${new Date().toISOString().replace(/[:.]/g, '-')}-${session.id.slice(0, 8)}.webm`);
    sendJson(res, 200, { recording: session.startProcessedRecording(file) });
  } else if (sub === '/recording' && method === 'DELETE') {
    sendJson(res, 200, { recorded: session.stopProcessedRecording() ?? null });
  } else if (sub === '/results' && method === 'GET') {
    serveResults(session, req, res);
  } else if (!sub && method === 'GET') {
    sendJson(res, 200, session.info());
  } else if (!sub && method === 'DELETE') {
    // The host hangs up: the camera page is told, and does not call back.
    await session.close('host');
    sendJson(res, 200, { closed: session.id });
  } else throw new HttpError(405, `${method} is not allowed here`);
  return true;
}

const MAX_BITRATE_RANGE = { min: 100_000, max: 50_000_000 };

/** `{"maxBitrate": <bits/s> | null}`: null lifts the cap. */
function parseMaxBitrate(body: unknown): number | undefined {
  const value = body && typeof body === 'object' ? (body as { maxBitrate?: unknown }).maxBitrate : undefined;
  if (value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < MAX_BITRATE_RANGE.min || value > MAX_BITRATE_RANGE.max) {
    throw new HttpError(
      400,
      `body must be {"maxBitrate": null or an integer from ${MAX_BITRATE_RANGE.min} to ${MAX_BITRATE_RANGE.max} (bits/s)}`,
    );
  }
  return value;
}

/** GET /api/pairing's body. */
export type PairingInfo = Awaited<ReturnType<typeof pairing>>;

/**
 * One phone URL (with the pairing token) and its QR code per LAN address, with the WHIP URL there
 * (its Bearer token is the pairing token), and the viewer token for WHEP players and /view pages.
 */
async function pairing(ctx: ControlContext) {
  const token = ctx.access.pairingToken;
  const urls = await Promise.all(
    lanAddresses().map(async (lan) => {
      const url = phoneUrl(ctx.scheme, lan.address, ctx.port(), token);
      return {
        ...lan,
        url,
        whipUrl: whipUrl(ctx.scheme, lan.address, ctx.port()),
        qrSvg: await QRCode.toString(url, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }),
      };
    }),
  );
  // Listening on loopback only, a publisher on this machine is the only one that can reach us.
  const whip = ctx.reachable && urls[0] ? urls[0].whipUrl : whipUrl(ctx.scheme, '127.0.0.1', ctx.port());
  const network = ctx.settings.settings.network ?? null;
  return { token, scheme: ctx.scheme, reachable: ctx.reachable, urls, whipUrl: whip, viewerToken: ctx.access.viewerToken, network };
}
