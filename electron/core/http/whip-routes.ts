import type { IncomingMessage, ServerResponse } from 'node:http';
import { bearerToken, type AccessControl } from '../http/access.js';
import { HttpError } from '../base/http-error.js';
import type { Session } from '../session/session.js';
import type { Sessions } from '../session/sessions.js';
import { parseOffer, type OfferRequest } from '../session/offer-request.js';
import type { IceServers } from '../webrtc/ice-servers.js';
import type { PeerIce } from '../webrtc/ice-config.js';
import type { Viewer } from '../webrtc/viewer.js';
import { parseSdpFragment } from './sdp-frag.js';
import { allowCors, checkIfMatch, iceEtag, readTyped, SDP_TYPE, SDPFRAG_TYPE, sendCreated, sendOptions } from './whip-http.js';

export interface WhipContext {
  sessions: Sessions;
  access: AccessControl;
  iceServers: IceServers;
  /** Answers a publisher's offer as a camera, admitted and listed like a phone's. */
  openCamera(offer: OfferRequest, req: IncomingMessage): Promise<{ session: Session; sdp: string }>;
}

const ID = '([\\w-]{1,64})';
const WHIP_RESOURCE = new RegExp(`^/whip/${ID}$`);
const WHEP_ENDPOINT = new RegExp(`^/whep/${ID}$`);
const WHEP_RESOURCE = new RegExp(`^/whep/${ID}/${ID}$`);

/** What a resource (a WHIP session or a WHEP viewer) must offer to PATCH and DELETE. */
interface IceResource {
  ice: PeerIce;
  close(): Promise<void>;
}

/**
 * WHIP (RFC 9725) in: `POST /whip` makes a camera of a publisher (OBS, FFmpeg, GStreamer), its
 * filter from `?transform=`; `PATCH`/`DELETE /whip/<session id>`. WHEP out: `POST /whep/<camera
 * id>` adds a player of that camera's processed video; `PATCH`/`DELETE /whep/<camera>/<viewer>`.
 * Returns false for other paths.
 */
export async function handleWhip(ctx: WhipContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const path = url.pathname;
  const method = req.method ?? 'GET';
  if (path === '/whip') {
    allowCors(res);
    if (method === 'OPTIONS') return options(res, 'OPTIONS, POST', { post: SDP_TYPE });
    if (method !== 'POST') throw new HttpError(405, 'use POST /whip with an SDP offer', { Allow: 'OPTIONS, POST' });
    // The pairing token, as offers from the LAN need it; this machine's own clients may omit it.
    ctx.access.checkOffer(req, bearerToken(req));
    const sdp = await readTyped(req, SDP_TYPE);
    const offer = parseOffer({ sdp, type: 'offer', video_transform: transformParam(url) });
    if (offer.videoCodecs.length === 0) throw new HttpError(400, 'a WHIP publisher must send video (H.264 or VP8): CamLoop filters video');
    const { session, sdp: answer } = await ctx.openCamera(offer, req);
    sendCreated(res, {
      location: `/whip/${session.id}`,
      sdp: answer,
      etag: iceEtag(session.ice.ufrag),
      iceServers: ctx.iceServers.forPhone(),
    });
    return true;
  }
  const whip = path.match(WHIP_RESOURCE);
  if (whip) {
    allowCors(res);
    if (method === 'OPTIONS') return options(res, 'OPTIONS, PATCH, DELETE', { patch: SDPFRAG_TYPE });
    ctx.access.checkOffer(req, bearerToken(req));
    const session = ctx.sessions.get(whip[1]);
    if (!session || session.source !== 'whip') throw new HttpError(404, 'no such WHIP session');
    return resource(req, res, method, session);
  }
  const endpoint = path.match(WHEP_ENDPOINT);
  if (endpoint) {
    allowCors(res);
    if (method === 'OPTIONS') return options(res, 'OPTIONS, POST', { post: SDP_TYPE });
    if (method !== 'POST') throw new HttpError(405, 'use POST /whep/<camera id> with an SDP offer', { Allow: 'OPTIONS, POST' });
    ctx.access.checkViewer(req);
    const session = ctx.sessions.find(endpoint[1]);
    if (!session && ctx.sessions.wasEnded(endpoint[1])) throw new HttpError(410, 'CamLoop ended this camera’s call');
    if (!session) throw new HttpError(404, 'no such camera');
    const sdp = await readTyped(req, SDP_TYPE);
    if (!sdp.startsWith('v=0')) throw new HttpError(400, 'the body is not a session description (must start with v=0)');
    const { viewer, sdp: answer } = await session.addViewer(sdp, {
      localAddress: req.socket.localAddress,
      remoteAddress: req.socket.remoteAddress,
    });
    sendCreated(res, {
      location: `/whep/${session.id}/${viewer.id}`,
      sdp: answer,
      etag: iceEtag(viewer.ice.ufrag),
      iceServers: ctx.iceServers.forPhone(),
    });
    return true;
  }
  const whep = path.match(WHEP_RESOURCE);
  if (whep) {
    allowCors(res);
    if (method === 'OPTIONS') return options(res, 'OPTIONS, PATCH, DELETE', { patch: SDPFRAG_TYPE });
    ctx.access.checkViewer(req);
    const viewer: Viewer | undefined = ctx.sessions.get(whep[1])?.viewer(whep[2]);
    if (!viewer) throw new HttpError(404, 'no such WHEP session');
    return resource(req, res, method, viewer);
  }
  return false;
}

function options(res: ServerResponse, methods: string, accept: { post?: string; patch?: string }): true {
  sendOptions(res, methods, accept);
  return true;
}

/** PATCH (trickled candidates) and DELETE (the end) of a WHIP or WHEP session. */
async function resource(req: IncomingMessage, res: ServerResponse, method: string, target: IceResource): Promise<true> {
  if (method === 'DELETE') {
    await target.close();
    res.writeHead(200, { 'Content-Length': 0 });
    res.end();
    return true;
  }
  if (method !== 'PATCH')
    throw new HttpError(405, `${method} is not allowed here: PATCH (trickle ICE) or DELETE`, { Allow: 'OPTIONS, PATCH, DELETE' });
  const etag = iceEtag(target.ice.ufrag);
  checkIfMatch(req, etag);
  const fragment = parseSdpFragment(await readTyped(req, SDPFRAG_TYPE));
  // New credentials are an ICE restart (RFC 9725 4.3.2), which werift cannot do on a live session.
  if (fragment.iceUfrag !== undefined && fragment.iceUfrag !== target.ice.remoteUfrag) {
    throw new HttpError(422, 'ICE restarts are not supported: end this session (DELETE) and publish again');
  }
  for (const candidate of fragment.candidates) {
    await target.ice.add(candidate).catch((error: unknown) => {
      throw new HttpError(400, `cannot use candidate ${candidate.candidate}: ${error instanceof Error ? error.message : String(error)}`);
    });
  }
  res.writeHead(204, { ETag: etag });
  res.end();
  return true;
}

/** `?transform=edges`, or a JSON chain `?transform=[{"id":"blur","params":{"size":9}}]`. */
function transformParam(url: URL): unknown {
  const value = url.searchParams.get('transform');
  if (value === null || value === '') return 'none';
  if (!value.startsWith('[') && !value.startsWith('{')) return value;
  try {
    return JSON.parse(value);
  } catch {
    throw new HttpError(400, 'transform must be a transform id or a JSON chain');
  }
}
