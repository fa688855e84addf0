import { Frame, SoftwareScaleContext } from 'node-av/lib';
import { AV_PIX_FMT_YUV420P, SWS_BILINEAR, type AVPixelFormat } from 'node-av/constants';

/**
 * Frames to YUV420P at a given size with libswscale: the frame itself when it is that already, else
 * a converted copy in a frame of our own (made once per size). Full-range yuvj420p (H.264 from some
 * phones) comes out in video range, which the filters and encoders expect. Frame to frame, so no
 * Buffer is ever made over a plane (see FrameConverter on why that matters).
 */
export class FrameScaler {
  private target?: { frame: Frame; scaler: SoftwareScaleContext; from: string };

  /** `frame` as YUV420P at `width` x `height`; the copy is valid until the next call. Keeps pts. */
  scale(frame: Frame, width: number, height: number): Frame {
    if (frame.format === AV_PIX_FMT_YUV420P && frame.width === width && frame.height === height) return frame;
    const from = `${frame.width}x${frame.height}/${frame.format}`;
    let target = this.target;
    if (!target || target.from !== from || target.frame.width !== width || target.frame.height !== height) {
      this.dispose();
      const out = new Frame();
      allocYuv(out, width, height);
      const scaler = new SoftwareScaleContext();
      scaler.getContext(frame.width, frame.height, frame.format as AVPixelFormat, width, height, AV_PIX_FMT_YUV420P, SWS_BILINEAR);
      target = this.target = { frame: out, scaler, from };
    }
    if (!target.frame.isWritable) target.frame.makeWritable();
    if (target.scaler.scaleFrameSync(target.frame, frame) < 0) throw new Error(`cannot scale a ${from} frame to ${width}x${height}`);
    target.frame.pts = frame.pts;
    return target.frame;
  }

  dispose(): void {
    this.target?.scaler.freeContext();
    this.target?.frame.free();
    this.target = undefined;
  }
}

export function allocYuv(frame: Frame, width: number, height: number): void {
  frame.alloc();
  frame.width = width;
  frame.height = height;
  frame.format = AV_PIX_FMT_YUV420P;
  if (frame.allocBuffer() < 0) throw new Error(`cannot allocate a ${width}x${height} YUV frame`);
}
