import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from '../base/http-error.js';
import { readBody } from '../http/http-util.js';
import { MAX_SDP_BYTES } from '../session/offer-request.js';
import type { IceServer } from '../webrtc/ice-servers.js';
import { MAX_SDPFRAG_BYTES } from './sdp-frag.js';

export const SDP_TYPE = 'application/sdp';
export const SDPFRAG_TYPE = 'application/trickle-ice-sdpfrag';

/**
 * CORS for browser WHIP/WHEP clients (RFC 9725 4.6): any origin, since every request carries its
 * token in the Authorization header (no cookies), and the headers a client must read exposed.
 */
export function allowCors(res: ServerResponse): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Expose-Headers', 'Location, ETag, Link, Accept-Patch, Accept-Post');
}

/** The answer to an OPTIONS request (a CORS preflight, or a client asking what is allowed). */
export function sendOptions(res: ServerResponse, methods: string, accept: { post?: string; patch?: string }): void {
  res.writeHead(204, {
    Allow: methods,
    'Access-Control-Allow-Methods': methods,
    'Access-Control-Allow-Headers': 'Authorization, Content-Type, If-Match',
    'Access-Control-Max-Age': '86400',
    ...(accept.post && { 'Accept-Post': accept.post }),
    ...(accept.patch && { 'Accept-Patch': accept.patch }),
  });
  res.end();
}

/** The body of a request that must be of `type` (415 otherwise), as text. */
export async function readTyped(req: IncomingMessage, type: string): Promise<string> {
  const given = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (given !== type) throw new HttpError(415, `Content-Type must be ${type} (got ${given || 'none'})`, { 'Accept-Post': type });
  const limit = type === SDP_TYPE ? MAX_SDP_BYTES : MAX_SDPFRAG_BYTES;
  return (await readBody(req, limit)).toString('utf8');
}

/** An ETag for a resource's ICE session (RFC 9725 4.3.1): it changes with an ICE restart. */
export function iceEtag(ufrag: string | undefined): string {
  return `"${ufrag ?? 'none'}"`;
}

/**
 * PATCH's If-Match against the resource's ETag: true for `*`, an ICE restart (RFC 9725 4.3.2: a new
 * ETag follows); another ETag than ours is a stale client, 412.
 */
export function checkIfMatch(req: IncomingMessage, etag: string): boolean {
  const ifMatch = req.headers['if-match'];
  if (ifMatch === undefined) return false;
  if (ifMatch.trim() === '*') return true;
  if (!ifMatch.split(',').some((tag) => tag.trim() === etag))
    throw new HttpError(412, `If-Match ${ifMatch} does not match this session's ETag ${etag}`);
  return false;
}

/** RFC 9725 4.4: the ICE servers a client should use, as Link headers. */
export function iceServerLinks(servers: IceServer[]): string[] {
  const quote = (value: string) => `"${value.replace(/["\\]/g, '\\$&')}"`;
  return servers.map((server) =>
    [
      `<${server.urls}>; rel="ice-server"`,
      ...(server.username !== undefined ? [`username=${quote(server.username)}`] : []),
      ...(server.credential !== undefined ? [`credential=${quote(server.credential)}`, 'credential-type="password"'] : []),
    ].join('; '),
  );
}

/** 201 Created with the answer, where the session lives, its ETag and the ICE servers. */
export function sendCreated(
  res: ServerResponse,
  { location, sdp, etag, iceServers }: { location: string; sdp: string; etag: string; iceServers: IceServer[] },
): void {
  const links = iceServerLinks(iceServers);
  res.writeHead(201, {
    'Content-Type': SDP_TYPE,
    'Content-Length': Buffer.byteLength(sdp),
    Location: location,
    ETag: etag,
    'Accept-Patch': SDPFRAG_TYPE,
    ...(links.length > 0 && { Link: links }),
    'Cache-Control': 'no-store',
  });
  res.end(sdp);
}
