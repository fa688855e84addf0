import { Frame, Packet } from 'node-av/lib';
import { AV_PIX_FMT_YUV420P, AV_PICTURE_TYPE_I, AV_PICTURE_TYPE_NONE } from 'node-av/constants';
import { openEncoder } from '../../electron/core/pipeline/video-codec.js';

export interface Clip {
  frames: Buffer[];
  width: number;
  height: number;
}

/**
 * A pre-encoded VP8 clip for browserless peers: `count` frames of a moving bright square on a
 * gradient, the first one a keyframe, so the clip can loop cleanly.
 */
export function makeVp8Clip(width = 640, height = 480, count = 60): Clip {
  const encoder = openEncoder('vp8', { width, height, bitrate: 1_000_000 });
  const frame = new Frame();
  frame.alloc();
  frame.width = width;
  frame.height = height;
  frame.format = AV_PIX_FMT_YUV420P;
  frame.allocBuffer();
  const packet = new Packet();
  packet.alloc();
  const frames: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    frame.makeWritable();
    const [y, u, v] = frame.data!;
    const [ys, us] = frame.linesize;
    const side = height / 4;
    const x0 = Math.round(((width - side) * i) / count);
    for (let row = 0; row < height; row++) {
      for (let col = 0; col < width; col++) {
        const inSquare = col >= x0 && col < x0 + side && row >= height / 3 && row < height / 3 + side;
        y[row * ys + col] = inSquare ? 235 : 40 + Math.round((120 * col) / width);
      }
    }
    for (let row = 0; row < height / 2; row++) {
      u.fill(110, row * us, row * us + width / 2);
      v.fill(150, row * us, row * us + width / 2);
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
