import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from '../base/http-error.js';
import { sameToken } from '../base/tokens.js';
import { MAX_SDP_BYTES } from '../session/offer-request.js';
import type { Session } from '../session/session.js';
import type { AccessControl } from './access.js';
import { readJson, sendJson } from './http-util.js';

/** What the restart route needs of the server. */
export interface SessionIceContext {
  access: AccessControl;
  sessions: { get(id: string): Session | undefined; wasEnded(id: string): boolean };
}

const SESSION_ICE = /^\/api\/sessions\/([\w-]{1,64})\/ice$/;

/**
 * `POST /api/sessions/<id>/ice` `{sdp, type: 'offer', secret}`: the camera page's ICE-restart offer
 * for its running call (it changed networks); answers `{sdp, type: 'answer', id}` on the same session.
 * The pairing token as for offers, then the session's own secret: 404 unknown, 403 wrong secret, 400
 * not a restart (the call goes on). Returns false for other paths.
 */
export async function handleSessionIce(ctx: SessionIceContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const match = url.pathname.match(SESSION_ICE);
  if (!match) return false;
  if (req.method !== 'POST') throw new HttpError(405, 'use POST with {sdp, type: "offer", secret}', { Allow: 'POST' });
  const body = (await readJson(req, 2 * MAX_SDP_BYTES)) as Record<string, unknown> | null;
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new HttpError(400, 'body must be {sdp, type: "offer", secret}');
  ctx.access.checkOffer(req, url.searchParams.get('t') ?? (typeof body.token === 'string' ? body.token : undefined));
  const id = match[1]!;
  const session = ctx.sessions.get(id);
  if (!session && ctx.sessions.wasEnded(id)) throw new HttpError(410, 'CamLoop ended this call: start it again');
  if (!session) throw new HttpError(404, 'no such call: call again');
  if (!sameToken(typeof body.secret === 'string' ? body.secret : undefined, session.secret))
    throw new HttpError(403, 'missing or wrong secret for this call');
  if (body.type !== 'offer' || typeof body.sdp !== 'string') throw new HttpError(400, 'type must be "offer" and sdp a string');
  if (Buffer.byteLength(body.sdp) > MAX_SDP_BYTES) throw new HttpError(413, `sdp is larger than ${MAX_SDP_BYTES} bytes`);
  const sdp = await session.restartIce(body.sdp, req.socket.remoteAddress ?? '');
  sendJson(res, 200, { sdp, type: 'answer', id });
  return true;
}
