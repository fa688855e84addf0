import { HttpError } from './http-error.js';
import { ChainError, parseChain, type TransformChain } from './transforms/chain.js';
import type { VideoCodecName } from './pipeline/worker-protocol.js';

/** The body of aiortc's examples/server POST /offer, validated. */
export interface OfferRequest {
  sdp: string;
  type: 'offer';
  videoTransform: TransformChain;
  /** Video codecs we support, in the order the offer prefers them. */
  videoCodecs: VideoCodecName[];
}

export const MAX_SDP_BYTES = 64 * 1024;

export function parseOffer(body: unknown): OfferRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'body must be a JSON object {sdp, type, video_transform}');
  const { sdp, type, video_transform: videoTransform = 'none' } = body as Record<string, unknown>;
  if (type !== 'offer') throw new HttpError(400, `type must be "offer" (got ${JSON.stringify(type) ?? 'nothing'})`);
  if (typeof sdp !== 'string' || sdp.trim() === '') throw new HttpError(400, 'sdp must be a non-empty string');
  if (Buffer.byteLength(sdp) > MAX_SDP_BYTES) throw new HttpError(413, `sdp is larger than ${MAX_SDP_BYTES} bytes`);
  if (!sdp.startsWith('v=0')) throw new HttpError(400, 'sdp is not a session description (must start with v=0)');
  const chain = parseVideoTransform(videoTransform);
  const videoSection = sdp.split(/\r?\nm=/).find((section) => section.startsWith('video '));
  if (!videoSection) throw new HttpError(400, 'the offer has no video section (m=video)');
  const videoCodecs = videoCodecsOf(videoSection);
  if (videoCodecs.length === 0) throw new HttpError(400, 'the offer has no video codec we support (VP8, H264 packetization-mode=1)');
  return { sdp, type, videoTransform: chain, videoCodecs };
}

/** aiortc sends a transform name; CamLoop's own page may send a chain ([{id, params}, ...]). */
function parseVideoTransform(value: unknown): TransformChain {
  try {
    return parseChain(value === '' ? 'none' : value);
  } catch (error) {
    if (error instanceof ChainError) throw new HttpError(400, `invalid video_transform: ${error.message}`);
    throw error;
  }
}

/** Supported codecs of a video m-section, in the order of its payload-type list (the offerer's preference). */
function videoCodecsOf(section: string): VideoCodecName[] {
  const payloadTypes = section.split(/\r?\n/)[0].split(' ').slice(3);
  const found: VideoCodecName[] = [];
  for (const pt of payloadTypes) {
    const rtpmap = section.match(new RegExp(`a=rtpmap:${pt} ([\\w-]+)/`, 'i'))?.[1].toUpperCase();
    const fmtp = section.match(new RegExp(`a=fmtp:${pt} (.*)`))?.[1] ?? '';
    const codec = rtpmap === 'VP8' ? 'vp8' : rtpmap === 'H264' && /packetization-mode=1/.test(fmtp) ? 'h264' : undefined;
    if (codec && !found.includes(codec)) found.push(codec);
  }
  return found;
}
