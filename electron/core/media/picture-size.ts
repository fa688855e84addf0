import type { VideoCodecName } from './codecs.js';
import { spsPictureSize } from './h264-sps.js';

/**
 * The largest picture decoded or encoded unless configured otherwise (--max-pixels): 1080p in
 * either orientation, as H.264 codes it (1088 lines). Beyond it a frame is refused, not decoded.
 */
export const DEFAULT_MAX_PIXELS = 1920 * 1088;

export interface PictureSize {
  width: number;
  height: number;
}

const NAL_SPS = 7;

/**
 * The picture size a keyframe declares, read from its headers before anything decodes it (a VP8
 * keyframe's header; the largest SPS of an H.264 access unit in Annex B), or undefined when it
 * declares none we can read. A decoder allocates for this size, so a limit is checked here first.
 */
export function declaredPictureSize(codec: VideoCodecName, frame: Uint8Array): PictureSize | undefined {
  return codec === 'vp8' ? vp8KeyframeSize(frame) : h264SpsSize(frame);
}

/** VP8 (RFC 6386 9.1): a 3-byte frame tag (bit 0 clear: keyframe), the start code 9d 01 2a, 14-bit width and height. */
function vp8KeyframeSize(frame: Uint8Array): PictureSize | undefined {
  if (frame.length < 10 || frame[0]! & 1 || frame[3] !== 0x9d || frame[4] !== 0x01 || frame[5] !== 0x2a) return undefined;
  return { width: (frame[6]! | (frame[7]! << 8)) & 0x3fff, height: (frame[8]! | (frame[9]! << 8)) & 0x3fff };
}

function h264SpsSize(frame: Uint8Array): PictureSize | undefined {
  let largest: PictureSize | undefined;
  const starts: number[] = [];
  for (let i = 0; i + 2 < frame.length; i++) if (frame[i] === 0 && frame[i + 1] === 0 && frame[i + 2] === 1) starts.push((i += 2) + 1);
  for (const [n, start] of starts.entries()) {
    if ((frame[start]! & 0x1f) !== NAL_SPS) continue;
    const size = spsPictureSize(frame.subarray(start, n + 1 < starts.length ? starts[n + 1]! - 3 : frame.length));
    if (size && (!largest || size.width * size.height > largest.width * largest.height)) largest = size;
  }
  return largest;
}
