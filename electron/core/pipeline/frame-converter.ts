import { Frame, SoftwareScaleContext } from 'node-av/lib';
import { AV_PIX_FMT_RGBA, AV_PIX_FMT_YUV420P, SWS_BILINEAR } from 'node-av/constants';
import type { Mat } from '../transforms/opencv.js';

/**
 * YUV420P <-> RGBA with libswscale, reading from and writing into an OpenCV Mat's WASM memory
 * directly (a Buffer view over the heap), so a frame is never copied through JS.
 * Contexts are made once per size.
 */
export class FrameConverter {
  private toRgba = new SoftwareScaleContext();
  private toYuv = new SoftwareScaleContext();
  readonly yuv = new Frame();
  /** `yuv` scaled down for the encoder, when the link cannot carry the full size (see OutputScale). */
  private smaller?: { frame: Frame; scaler: SoftwareScaleContext };
  /** Size of the U and V planes (YUV 4:2:0). */
  readonly chromaWidth: number;
  readonly chromaHeight: number;

  constructor(readonly width: number, readonly height: number) {
    this.chromaWidth = (width + 1) >> 1;
    this.chromaHeight = (height + 1) >> 1;
    this.toRgba.getContext(width, height, AV_PIX_FMT_YUV420P, width, height, AV_PIX_FMT_RGBA, SWS_BILINEAR);
    this.toYuv.getContext(width, height, AV_PIX_FMT_RGBA, width, height, AV_PIX_FMT_YUV420P, SWS_BILINEAR);
    this.yuv.alloc();
    this.yuv.width = width;
    this.yuv.height = height;
    this.yuv.format = AV_PIX_FMT_YUV420P;
    if (this.yuv.allocBuffer() < 0) throw new Error('cannot allocate a YUV frame');
  }

  /** Decoded frame -> RGBA Mat (which must be height x width CV_8UC4). */
  decodedToMat(decoded: Frame, mat: Mat): void {
    const data = decoded.data;
    if (!data) throw new Error('decoded frame has no data');
    this.toRgba.scaleSync(data, decoded.linesize, 0, this.height, [matView(mat)], [this.width * 4]);
  }

  /** Decoded frame's luma plane -> grey Mat (height x width CV_8UC1): a row copy, no conversion. */
  decodedToGray(decoded: Frame, mat: Mat): void {
    this.planeToMat(decoded, 0, mat);
  }

  /** Decoded frame -> its Y, U and V planes as they are (Mats of width x height and the chroma size). */
  decodedToPlanes(decoded: Frame, planes: [Mat, Mat, Mat]): void {
    planes.forEach((plane, i) => this.planeToMat(decoded, i, plane));
  }

  /** Y, U and V plane Mats -> this.yuv, ready for the encoder. */
  planesToYuv(planes: [Mat, Mat, Mat]): Frame {
    this.yuv.makeWritable();
    planes.forEach((plane, i) => this.matToPlane(plane, i));
    return this.yuv;
  }

  /** Grey Mat -> this.yuv with neutral chroma, ready for the encoder. */
  grayToYuv(mat: Mat): Frame {
    this.yuv.makeWritable();
    this.matToPlane(mat, 0);
    const [, u, v] = this.yuv.data!;
    u.fill(128);
    v.fill(128);
    return this.yuv;
  }

  /** RGBA Mat -> this.yuv, ready for the encoder. */
  matToYuv(mat: Mat): Frame {
    this.yuv.makeWritable();
    this.toYuv.scaleSync([matView(mat)], [this.width * 4], 0, this.height, this.yuv.data!, this.yuv.linesize);
    return this.yuv;
  }

  /** `this.yuv` at `width` x `height` for the encoder: itself at its own size, else a scaled copy. */
  scaledYuv(width: number, height: number): Frame {
    if (width === this.width && height === this.height) return this.yuv;
    if (this.smaller?.frame.width !== width || this.smaller.frame.height !== height) {
      this.freeSmaller();
      const frame = new Frame();
      frame.alloc();
      frame.width = width;
      frame.height = height;
      frame.format = AV_PIX_FMT_YUV420P;
      if (frame.allocBuffer() < 0) throw new Error('cannot allocate a scaled YUV frame');
      const scaler = new SoftwareScaleContext();
      scaler.getContext(this.width, this.height, AV_PIX_FMT_YUV420P, width, height, AV_PIX_FMT_YUV420P, SWS_BILINEAR);
      this.smaller = { frame, scaler };
    }
    const { frame, scaler } = this.smaller;
    frame.makeWritable();
    scaler.scaleFrameSync(frame, this.yuv);
    frame.pts = this.yuv.pts;
    return frame;
  }

  /** Width and height of plane `i` (0: Y, 1: U, 2: V). */
  private planeSize(i: number): [number, number] {
    return i === 0 ? [this.width, this.height] : [this.chromaWidth, this.chromaHeight];
  }

  private planeToMat(decoded: Frame, i: number, mat: Mat): void {
    const plane = decoded.data?.[i];
    if (!plane) throw new Error('decoded frame has no data');
    const [width, height] = this.planeSize(i);
    copyPlane(plane, decoded.linesize[i], matView(mat), width, width, height);
  }

  private matToPlane(mat: Mat, i: number): void {
    const [width, height] = this.planeSize(i);
    copyPlane(matView(mat), width, this.yuv.data![i], this.yuv.linesize[i], width, height);
  }

  private freeSmaller(): void {
    this.smaller?.scaler.freeContext();
    this.smaller?.frame.free();
    this.smaller = undefined;
  }

  dispose(): void {
    this.freeSmaller();
    this.toRgba.freeContext();
    this.toYuv.freeContext();
    this.yuv.free();
  }
}

function copyPlane(from: Buffer, fromStride: number, to: Buffer, toStride: number, width: number, height: number): void {
  if (fromStride === width && toStride === width) {
    from.copy(to, 0, 0, width * height);
    return;
  }
  for (let row = 0; row < height; row++) from.copy(to, row * toStride, row * fromStride, row * fromStride + width);
}

/** A Buffer over the Mat's pixels in the WASM heap; made per call since heap growth detaches old views. */
function matView(mat: Mat): Buffer {
  const bytes: Uint8Array = mat.data;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
