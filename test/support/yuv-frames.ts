import { Frame } from 'node-av/lib';
import { AV_PIX_FMT_YUV420P, type AVPixelFormat } from 'node-av/constants';

/** A YUV 4:2:0 Frame (pts in 1/90000 s) holding `bytes`, a packed I420 picture (Y, then U, then V). */
export function yuvFrame(bytes: Uint8Array, width: number, height: number, pts = 0n, format: AVPixelFormat = AV_PIX_FMT_YUV420P): Frame {
  const frame = new Frame();
  frame.alloc();
  frame.width = width;
  frame.height = height;
  frame.format = format;
  if (frame.allocBuffer() < 0) throw new Error('cannot allocate a frame');
  // Through frame.data, plane by plane: node-av's fromBuffer() points a video frame at the JS memory instead of copying it.
  const planes = frame.data!;
  let at = 0;
  for (let p = 0; p < 3; p++) {
    const [w, h] = p ? [width >> 1, height >> 1] : [width, height];
    for (let row = 0; row < h; row++) planes[p].set(bytes.subarray(at + row * w, at + row * w + w), row * frame.linesize[p]);
    at += w * h;
  }
  frame.pts = pts;
  return frame;
}

/** A YUV 4:2:0 frame's picture as packed I420 bytes. */
export function i420Bytes(frame: Frame): Uint8Array {
  const out = new Uint8Array((frame.width * frame.height * 3) / 2);
  const planes = frame.data!;
  let at = 0;
  for (let p = 0; p < 3; p++) {
    const [w, h] = p ? [frame.width >> 1, frame.height >> 1] : [frame.width, frame.height];
    for (let row = 0; row < h; row++) out.set(planes[p].subarray(row * frame.linesize[p], row * frame.linesize[p] + w), at + row * w);
    at += w * h;
  }
  return out;
}

/** A packed I420 picture of one flat colour per plane. */
export function flatI420(width: number, height: number, y: number, u = 128, v = 128): Uint8Array {
  const out = new Uint8Array((width * height * 3) / 2);
  out.fill(y, 0, width * height);
  out.fill(u, width * height, (width * height * 5) / 4);
  out.fill(v, (width * height * 5) / 4);
  return out;
}
