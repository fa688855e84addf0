import type { IncomingMessage, ServerResponse } from 'node:http';
import { isAbsolute } from 'node:path';
import { HttpError } from '../base/http-error.js';
import type { Logger } from '../base/log.js';
import type { SettingsStore } from '../base/settings-store.js';
import type { SessionFeed } from '../session/session-feed.js';
import type { Sessions } from '../session/sessions.js';
import type { AccessControl } from './access.js';
import { serveEventStream } from './event-stream.js';
import { readJson, sendJson } from './http-util.js';

export interface SettingsContext {
  settings: SettingsStore;
  access: AccessControl;
  sessions: Sessions;
  feed: SessionFeed;
  /** Where recordings go when the user has chosen no folder. */
  defaultVideosDir: string;
  log: Logger;
}

/** GET /api/settings's body. */
export interface SettingsInfo {
  network: string | null;
  recordingsDir: string;
  defaultRecordingsDir: string;
  /** Why the settings file was set aside on start (CamLoop runs on defaults), or null. */
  problem: string | null;
}

/**
 * The panel's settings and its event stream (loopback + control token, checked by the caller):
 * `GET /api/events` (text/event-stream of the cameras and their figures, see SessionFeed),
 * `GET`/`PUT /api/settings` (the chosen network, the recordings folder), and
 * `POST /api/viewer-token/rotate` (a new viewer token: the players that came with the old one are
 * ended). Returns false for paths it does not own.
 */
export async function handleSettings(ctx: SettingsContext, req: IncomingMessage, res: ServerResponse, path: string, method: string) {
  if (path === '/api/events' && method === 'GET') {
    serveEventStream(res, ctx.feed, () => ctx.log.warn('a listener of /api/events read too slowly: dropped'));
    return true;
  }
  if (path === '/api/settings' && method === 'GET') {
    sendJson(res, 200, settingsInfo(ctx));
    return true;
  }
  if (path === '/api/settings' && method === 'PUT') {
    await ctx.settings.update(parseSettingsChange(await readJson(req)));
    sendJson(res, 200, settingsInfo(ctx));
    return true;
  }
  if (path === '/api/viewer-token/rotate' && method === 'POST') {
    ctx.access.rotateViewerToken();
    await ctx.settings.update({ viewerToken: ctx.access.viewerToken });
    const players = ctx.sessions.list().reduce((count, session) => count + session.info().viewers, 0);
    await Promise.all(ctx.sessions.list().map((session) => session.endPlayers()));
    const left = ctx.sessions.list().reduce((count, session) => count + session.info().viewers, 0);
    ctx.log.info(`new viewer token: ${players - left} player(s) of the old one ended`);
    sendJson(res, 200, { viewerToken: ctx.access.viewerToken, endedPlayers: players - left });
    return true;
  }
  return false;
}

export function recordingsDir(ctx: Pick<SettingsContext, 'settings' | 'defaultVideosDir'>): string {
  return ctx.settings.settings.recordingsDir ?? ctx.defaultVideosDir;
}

function settingsInfo(ctx: SettingsContext): SettingsInfo {
  return {
    network: ctx.settings.settings.network ?? null,
    recordingsDir: recordingsDir(ctx),
    defaultRecordingsDir: ctx.defaultVideosDir,
    problem: ctx.settings.problem ?? null,
  };
}

/** `{network?, recordingsDir?}`: a string sets it, null goes back to the default. */
function parseSettingsChange(body: unknown): { network?: string; recordingsDir?: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'body must be {network?, recordingsDir?}');
  const { network, recordingsDir, ...rest } = body as Record<string, unknown>;
  if (Object.keys(rest).length) throw new HttpError(400, `unknown settings: ${Object.keys(rest).join(', ')}`);
  const change: { network?: string; recordingsDir?: string } = {};
  if (network !== undefined) {
    if (network !== null && (typeof network !== 'string' || !/^[\w.:%-]{1,63}$/.test(network)))
      throw new HttpError(400, 'network must be an address (or null)');
    change.network = typeof network === 'string' ? network : undefined;
  }
  if (recordingsDir !== undefined) {
    if (recordingsDir !== null && (typeof recordingsDir !== 'string' || !isAbsolute(recordingsDir) || recordingsDir.length > 4000))
      throw new HttpError(400, 'recordingsDir must be an absolute path (or null)');
    change.recordingsDir = typeof recordingsDir === 'string' ? recordingsDir : undefined;
  }
  return change;
}
