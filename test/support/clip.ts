import { Frame, Packet } from 'node-av/lib';
import { AV_PIX_FMT_YUV420P, AV_PICTURE_TYPE_I, AV_PICTURE_TYPE_NONE } from 'node-av/constants';
import { openEncoder } from '../../electron/core/worker/video-codec.js';

export type ClipCodec = 'vp8' | 'h264';

export interface Clip {
  frames: Buffer[];
  width: number;
  height: number;
}

/** A pre-encoded VP8 clip: see makeClip. */
export function makeVp8Clip(width = 640, height = 480, count = 60, bitrate = 1_500_000): Clip {
  return makeClip('vp8', width, height, count, bitrate);
}

/**
 * A pre-encoded clip for browserless peers (H.264: Annex B, parameter sets before the keyframe), the
 * first frame a keyframe so the clip loops cleanly.
 * Content like a hand-held phone camera's, which is what the server's decoder, filters and encoder
 * face in use: a textured scene panning slowly, a moving object and sensor noise, encoded at
 * `bitrate` (Chrome sends 640x480 at ~1.5 Mbps on a good link).
 */
export function makeClip(codec: ClipCodec, width: number, height: number, count: number, bitrate: number): Clip {
  const encoder = openEncoder(codec, { width, height, bitrate });
  const frame = new Frame();
  frame.alloc();
  frame.width = width;
  frame.height = height;
  frame.format = AV_PIX_FMT_YUV420P;
  frame.allocBuffer();
  const packet = new Packet();
  packet.alloc();
  // A scene larger than the picture, so the camera can pan across it.
  const sceneW = width + count * 2;
  const scene = new Uint8Array(sceneW * height);
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < sceneW; col++) {
      const texture =
        45 * Math.sin(col / 17) * Math.cos(row / 23) + 25 * Math.sin((col + 2 * row) / 9) + 20 * Math.sin(col / 57 + row / 43);
      scene[row * sceneW + col] = Math.max(16, Math.min(235, Math.round(120 + texture + (80 * col) / sceneW)));
    }
  }
  let seed = 7;
  const noise = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 13) - 6;
  const frames: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    frame.makeWritable();
    const [y, u, v] = frame.data!;
    const [ys, us] = frame.linesize;
    const pan = i * 2;
    const cx = width * (0.25 + (0.5 * i) / count);
    const cy = height / 2;
    const r = height / 6;
    for (let row = 0; row < height; row++) {
      for (let col = 0; col < width; col++) {
        const inDisc = (col - cx) ** 2 + (row - cy) ** 2 < r * r;
        const base = inDisc ? (((col >> 3) + (row >> 3)) & 1 ? 220 : 30) : scene[row * sceneW + col + pan];
        y[row * ys + col] = Math.max(16, Math.min(235, base + noise()));
      }
    }
    for (let row = 0; row < height / 2; row++) {
      for (let col = 0; col < width / 2; col++) {
        u[row * us + col] = 118 + ((col + pan / 2) % 40 < 20 ? 8 : -8);
        v[row * us + col] = 136 + (row % 30 < 15 ? 6 : -6);
      }
    }
    frame.pts = BigInt(i * 3000);
    frame.pictType = i === 0 ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE;
    encoder.sendFrameSync(frame);
    while (encoder.receivePacketSync(packet) >= 0) {
      frames.push(Buffer.from(packet.data!));
      packet.unref();
    }
  }
  encoder.freeContext();
  frame.free();
  packet.free();
  return { frames, width, height };
}
