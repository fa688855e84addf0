import { Frame, SoftwareScaleContext } from 'node-av/lib';
import { AV_PIX_FMT_BGR24, AV_PIX_FMT_RGBA, AV_PIX_FMT_YUV420P, SWS_BILINEAR } from 'node-av/constants';
import type { Mat } from '../transforms/opencv.js';
import { allocYuv } from './frame-scaler.js';

/**
 * YUV420P <-> RGBA with libswscale (contexts made once per size), reading and writing an OpenCV Mat's
 * WASM memory directly, so a frame is never copied through JS; scaling to the work size (see
 * Transform.workWidth) happens in the same native pass. Decoded frames are copied natively into
 * `staging`, whose Buffers are made once: new ones per frame made V8 collect the worker's heap
 * (see docs/decisions.md, node-av).
 */
export class FrameConverter {
  private toRgba = new SoftwareScaleContext();
  private toYuv = new SoftwareScaleContext();
  /** YUV420P <-> BGR24 for Python filters, made on first use. */
  private bgr?: { to: SoftwareScaleContext; from: SoftwareScaleContext };
  readonly yuv = new Frame();
  /** Each decoded frame is copied here (av_frame_copy) so that its planes are read through Buffers made once. */
  private readonly staging = new Frame();
  private readonly stagingPlanes: Buffer[];
  /** Size of the U and V planes (YUV 4:2:0). */
  readonly chromaWidth: number;
  readonly chromaHeight: number;

  /** Decoded YUV -> YUV planes at the work size, written straight into the chain's Mats; only when the work size is smaller. */
  private readonly toPlanes?: SoftwareScaleContext;

  constructor(
    readonly width: number,
    readonly height: number,
    readonly workWidth = width,
    readonly workHeight = height,
  ) {
    this.chromaWidth = (workWidth + 1) >> 1;
    this.chromaHeight = (workHeight + 1) >> 1;
    this.toRgba.getContext(width, height, AV_PIX_FMT_YUV420P, workWidth, workHeight, AV_PIX_FMT_RGBA, SWS_BILINEAR);
    this.toYuv.getContext(workWidth, workHeight, AV_PIX_FMT_RGBA, workWidth, workHeight, AV_PIX_FMT_YUV420P, SWS_BILINEAR);
    if (workWidth !== width || workHeight !== height) {
      this.toPlanes = new SoftwareScaleContext();
      this.toPlanes.getContext(width, height, AV_PIX_FMT_YUV420P, workWidth, workHeight, AV_PIX_FMT_YUV420P, SWS_BILINEAR);
    }
    allocYuv(this.yuv, workWidth, workHeight);
    allocYuv(this.staging, width, height);
    this.stagingPlanes = this.staging.data!;
  }

  /** The decoded frame's planes and strides, read through `staging`. */
  private decodedPlanes(decoded: Frame): { planes: Buffer[]; linesize: number[] } {
    if (this.staging.copy(decoded) >= 0) return { planes: this.stagingPlanes, linesize: this.staging.linesize };
    // Another 4:2:0 layout (yuvj420p from a full-range H.264 stream): read it directly.
    const planes = decoded.data;
    if (!planes) throw new Error('decoded frame has no data');
    return { planes, linesize: decoded.linesize };
  }

  /** `frame` ready to be written; a no-op (no new buffer, no new Buffers) when nobody else holds it. */
  private static writable(frame: Frame): Frame {
    if (!frame.isWritable) frame.makeWritable();
    return frame;
  }

  /** Decoded frame -> RGBA Mat (which must be workHeight x workWidth CV_8UC4). */
  decodedToRgba(decoded: Frame, mat: Mat): void {
    const { planes, linesize } = this.decodedPlanes(decoded);
    this.toRgba.scaleSync(planes, linesize, 0, this.height, [matView(mat)], [this.workWidth * 4]);
  }

  /** Decoded frame -> BGR Mat (workHeight x workWidth CV_8UC3), cv2's layout, for Python filters. */
  decodedToBgr(decoded: Frame, mat: Mat): void {
    const { planes, linesize } = this.decodedPlanes(decoded);
    this.bgrScalers().to.scaleSync(planes, linesize, 0, this.height, [matView(mat)], [this.workWidth * 3]);
  }

  /** BGR Mat -> this.yuv, ready for the encoder. */
  bgrToYuv(mat: Mat): Frame {
    FrameConverter.writable(this.yuv);
    this.bgrScalers().from.scaleSync([matView(mat)], [this.workWidth * 3], 0, this.workHeight, this.yuv.data!, this.yuv.linesize);
    return this.yuv;
  }

  private bgrScalers(): { to: SoftwareScaleContext; from: SoftwareScaleContext } {
    if (!this.bgr) {
      const to = new SoftwareScaleContext();
      const from = new SoftwareScaleContext();
      to.getContext(this.width, this.height, AV_PIX_FMT_YUV420P, this.workWidth, this.workHeight, AV_PIX_FMT_BGR24, SWS_BILINEAR);
      from.getContext(this.workWidth, this.workHeight, AV_PIX_FMT_BGR24, this.workWidth, this.workHeight, AV_PIX_FMT_YUV420P, SWS_BILINEAR);
      this.bgr = { to, from };
    }
    return this.bgr;
  }

  /**
   * Decoded frame's luma plane -> grey Mat (workHeight x workWidth CV_8UC1): a row copy when the work
   * size is the camera's, else all three planes scaled in one pass (the chroma into `chroma`, unused).
   */
  decodedToGray(decoded: Frame, mat: Mat, chroma: [Mat, Mat]): void {
    if (this.toPlanes) this.decodedToPlanes(decoded, [mat, ...chroma]);
    else this.planeToMat(this.decodedPlanes(decoded), 0, mat);
  }

  /** Decoded frame -> its Y, U and V planes (Mats of the work size and its chroma size): copied, or scaled into them. */
  decodedToPlanes(decoded: Frame, planes: [Mat, Mat, Mat]): void {
    const source = this.decodedPlanes(decoded);
    if (this.toPlanes) {
      this.toPlanes.scaleSync(source.planes, source.linesize, 0, this.height, planes.map(matView), [
        this.workWidth,
        this.chromaWidth,
        this.chromaWidth,
      ]);
      return;
    }
    planes.forEach((plane, i) => this.planeToMat(source, i, plane));
  }

  /** Y, U and V plane Mats -> this.yuv, ready for the encoder. */
  planesToYuv(planes: [Mat, Mat, Mat]): Frame {
    FrameConverter.writable(this.yuv);
    planes.forEach((plane, i) => this.matToPlane(plane, i));
    return this.yuv;
  }

  /** Grey Mat -> this.yuv with neutral chroma, ready for the encoder. */
  grayToYuv(mat: Mat): Frame {
    FrameConverter.writable(this.yuv);
    this.matToPlane(mat, 0);
    const [, u, v] = this.yuv.data!;
    u.fill(128);
    v.fill(128);
    return this.yuv;
  }

  /** RGBA Mat -> this.yuv, ready for the encoder. */
  rgbaToYuv(mat: Mat): Frame {
    FrameConverter.writable(this.yuv);
    this.toYuv.scaleSync([matView(mat)], [this.workWidth * 4], 0, this.workHeight, this.yuv.data!, this.yuv.linesize);
    return this.yuv;
  }

  /** Width and height of plane `i` (0: Y, 1: U, 2: V) at the work size. */
  private planeSize(i: number): [number, number] {
    return i === 0 ? [this.workWidth, this.workHeight] : [this.chromaWidth, this.chromaHeight];
  }

  /** A decoded plane into a Mat of the same size (the work size is the camera's). */
  private planeToMat(source: { planes: Buffer[]; linesize: number[] }, i: number, mat: Mat): void {
    const [width, height] = this.planeSize(i);
    copyPlane(source.planes[i], source.linesize[i], matView(mat), width, width, height);
  }

  private matToPlane(mat: Mat, i: number): void {
    const [width, height] = this.planeSize(i);
    copyPlane(matView(mat), width, this.yuv.data![i], this.yuv.linesize[i], width, height);
  }

  dispose(): void {
    this.bgr?.to.freeContext();
    this.bgr?.from.freeContext();
    this.toRgba.freeContext();
    this.toYuv.freeContext();
    this.toPlanes?.freeContext();
    this.yuv.free();
    this.staging.free();
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
