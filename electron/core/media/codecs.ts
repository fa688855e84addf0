import {
  AV_CODEC_ID_H264,
  AV_CODEC_ID_OPUS,
  AV_CODEC_ID_PCM_ALAW,
  AV_CODEC_ID_PCM_MULAW,
  AV_CODEC_ID_VP8,
  FF_ENCODER_LIBOPUS,
  FF_ENCODER_LIBVPX_VP8,
  FF_ENCODER_LIBX264,
  FF_ENCODER_PCM_ALAW,
  FF_ENCODER_PCM_MULAW,
} from 'node-av/constants';
import { h264 } from './h264.js';
import { vp8 } from './vp8.js';

/**
 * The one codec table: each codec CamLoop speaks, by the name the rest of the code uses, with its
 * names in SDP (rtpmap), in WebRTC (mimeType) and in FFmpeg, and what we know of its RTP payloads
 * and encoder (vp8.ts, h264.ts). Shared by signaling, the peers, the
 * codec worker and the recorder; it imports nothing of theirs.
 */
export const VIDEO_CODECS = {
  vp8: { rtpmap: 'VP8', mimeType: 'video/VP8', clockRate: 90_000, avCodecId: AV_CODEC_ID_VP8, encoder: FF_ENCODER_LIBVPX_VP8, ...vp8 },
  h264: { rtpmap: 'H264', mimeType: 'video/H264', clockRate: 90_000, avCodecId: AV_CODEC_ID_H264, encoder: FF_ENCODER_LIBX264, ...h264 },
} as const;

export type VideoCodecName = keyof typeof VIDEO_CODECS;

export const AUDIO_CODECS = {
  opus: { rtpmap: 'OPUS', mimeType: 'audio/opus', clockRate: 48_000, avCodecId: AV_CODEC_ID_OPUS, encoder: FF_ENCODER_LIBOPUS },
  pcmu: { rtpmap: 'PCMU', mimeType: 'audio/PCMU', clockRate: 8000, avCodecId: AV_CODEC_ID_PCM_MULAW, encoder: FF_ENCODER_PCM_MULAW },
  pcma: { rtpmap: 'PCMA', mimeType: 'audio/PCMA', clockRate: 8000, avCodecId: AV_CODEC_ID_PCM_ALAW, encoder: FF_ENCODER_PCM_ALAW },
} as const;

export type AudioCodecName = keyof typeof AUDIO_CODECS;

function byMimeType<T extends string>(table: Record<T, { mimeType: string }>, mimeType: string): T | undefined {
  return (Object.keys(table) as T[]).find((name) => table[name].mimeType.toLowerCase() === mimeType.toLowerCase());
}

/** A negotiated codec's mimeType (werift's, e.g. video/H264) to our name. */
export const videoCodecOf = (mimeType: string): VideoCodecName | undefined => byMimeType(VIDEO_CODECS, mimeType);
export const audioCodecOf = (mimeType: string): AudioCodecName | undefined => byMimeType(AUDIO_CODECS, mimeType);
