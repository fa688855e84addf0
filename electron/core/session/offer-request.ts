import { HttpError } from '../base/http-error.js';
import { ChainError, parseChain, type TransformChain } from '../transforms/chain.js';
import { AUDIO_CODECS, VIDEO_CODECS, type AudioCodecName, type VideoCodecName } from '../media/codecs.js';

/** The body of aiortc's examples/server POST /offer, validated. */
export interface OfferRequest {
  sdp: string;
  type: 'offer';
  videoTransform: TransformChain;
  /** False when the offer named no filter: a camera the settings remember gets its last one (see CameraMemory). */
  videoTransformGiven: boolean;
  /** Which phone camera this is: the id the camera page keeps in the phone's storage, and front or back. */
  device?: CameraDevice;
  /** Video codecs we support, in the order the offer prefers them. */
  videoCodecs: VideoCodecName[];
  /** Audio codecs we support, in the offer's order (empty: no audio, or none we can answer). */
  audioCodecs: AudioCodecName[];
  /** The session this offer takes over: the camera page reconnecting after a network drop. */
  replaces?: string;
  /** The offer only sends video / audio (a=sendonly: a WHIP publisher): nothing goes back to it. */
  videoSendOnly?: boolean;
  audioSendOnly?: boolean;
}

export interface CameraDevice {
  id: string;
  facing: Facing;
}

export type Facing = 'user' | 'environment';

export const MAX_SDP_BYTES = 64 * 1024;

export function parseOffer(body: unknown): OfferRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new HttpError(400, 'body must be a JSON object {sdp, type, video_transform}');
  const { sdp, type, video_transform: videoTransform = 'none', replaces, device } = body as Record<string, unknown>;
  if (type !== 'offer') throw new HttpError(400, `type must be "offer" (got ${JSON.stringify(type) ?? 'nothing'})`);
  if (typeof sdp !== 'string' || sdp.trim() === '') throw new HttpError(400, 'sdp must be a non-empty string');
  if (Buffer.byteLength(sdp) > MAX_SDP_BYTES) throw new HttpError(413, `sdp is larger than ${MAX_SDP_BYTES} bytes`);
  if (!sdp.startsWith('v=0')) throw new HttpError(400, 'sdp is not a session description (must start with v=0)');
  const chain = parseVideoTransform(videoTransform);
  const sections = sdp.split(/\r?\nm=/);
  const videoSection = sections.find((section) => section.startsWith('video '));
  const videoCodecs = videoSection ? codecsOf(videoSection, videoCodecName) : [];
  if (videoSection && videoCodecs.length === 0)
    throw new HttpError(400, 'the offer has no video codec we support (VP8, H264 packetization-mode=1)');
  const audioSection = sections.find((section) => section.startsWith('audio '));
  const audioCodecs = audioSection ? codecsOf(audioSection, audioCodecName) : [];
  const dataChannel = sections.some(
    (section) => section.startsWith('application ') && /webrtc-datachannel/i.test(section.split(/\r?\n/)[0]),
  );
  if (!videoSection && audioCodecs.length === 0 && !dataChannel)
    throw new HttpError(400, 'the offer has nothing CamLoop answers: video (VP8, H264), audio (opus, PCMU, PCMA) or a data channel');
  if (replaces !== undefined && (typeof replaces !== 'string' || !/^[\w-]{1,64}$/.test(replaces)))
    throw new HttpError(400, 'replaces must be the id of a session');
  if (device !== undefined && !isCameraDevice(device))
    throw new HttpError(400, 'device must be {id: <letters, digits, - and _, up to 64>, facing: "user" | "environment"}');
  const sendOnly = (section: string | undefined) => section !== undefined && /^a=sendonly\s*$/m.test(section);
  return {
    sdp,
    type,
    videoTransform: chain,
    videoTransformGiven: (body as Record<string, unknown>).video_transform !== undefined,
    ...(isCameraDevice(device) && { device: { id: device.id, facing: device.facing } }),
    videoCodecs,
    audioCodecs,
    videoSendOnly: sendOnly(videoSection),
    audioSendOnly: sendOnly(audioSection),
    ...(typeof replaces === 'string' && { replaces }),
  };
}

export function isCameraDevice(value: unknown): value is CameraDevice {
  const device = value as Partial<CameraDevice> | null;
  return (
    typeof device === 'object' &&
    device !== null &&
    typeof device.id === 'string' &&
    /^[\w-]{1,64}$/.test(device.id) &&
    (device.facing === 'user' || device.facing === 'environment')
  );
}

function videoCodecName(rtpmap: string, fmtp: string): VideoCodecName | undefined {
  const codec = (Object.keys(VIDEO_CODECS) as VideoCodecName[]).find((name) => VIDEO_CODECS[name].rtpmap === rtpmap);
  return codec && VIDEO_CODECS[codec].acceptsFmtp(fmtp) ? codec : undefined;
}

function audioCodecName(rtpmap: string): AudioCodecName | undefined {
  return (Object.keys(AUDIO_CODECS) as AudioCodecName[]).find((name) => AUDIO_CODECS[name].rtpmap === rtpmap);
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

/** Supported codecs of an m-section, in the order of its payload-type list (the offerer's preference). */
function codecsOf<T extends string>(section: string, name: (rtpmap: string, fmtp: string) => T | undefined): T[] {
  const payloadTypes = section.split(/\r?\n/)[0].split(' ').slice(3);
  const found: T[] = [];
  for (const pt of payloadTypes) {
    if (!/^\d{1,3}$/.test(pt)) continue;
    const rtpmap =
      section.match(new RegExp(`a=rtpmap:${pt} ([\\w-]+)/`, 'i'))?.[1].toUpperCase() ?? (pt === '0' ? 'PCMU' : pt === '8' ? 'PCMA' : '');
    const fmtp = section.match(new RegExp(`a=fmtp:${pt} (.*)`))?.[1] ?? '';
    const codec = name(rtpmap, fmtp);
    if (codec && !found.includes(codec)) found.push(codec);
  }
  return found;
}
