import type { Frame } from 'node-av/lib';
import type { Mat, OpenCV } from '../transforms/opencv.js';
import type { TransformInput } from '../transforms/types.js';
import { evenSide } from '../rate/scale-steps.js';
import { FrameConverter } from './frame-converter.js';

/**
 * The pictures a chain works on, for one camera size and work size: the converter (libswscale)
 * and the Mats it writes into, in the form the chain asks for (see TransformStages.input): RGBA,
 * the Y plane alone ('gray'), the three planes ('yuv') or BGR (Python). Made again when a size moves.
 */
export class ChainPlanes {
  readonly converter: FrameConverter;
  private readonly rgba: Mat;
  /** The Y plane (grey and 'yuv' chains) and the chroma planes ('yuv' chains). */
  private readonly luma: Mat;
  private readonly u: Mat;
  private readonly v: Mat;
  /** BGR24 for chains of Python filters, made on first use. */
  private bgr?: Mat;

  constructor(
    private readonly cv: OpenCV,
    width: number,
    height: number,
    workWidth: number,
    workHeight: number,
  ) {
    this.converter = new FrameConverter(width, height, workWidth, workHeight);
    this.rgba = new cv.Mat(workHeight, workWidth, cv.CV_8UC4);
    this.luma = new cv.Mat(workHeight, workWidth, cv.CV_8UC1);
    this.u = new cv.Mat(this.converter.chromaHeight, this.converter.chromaWidth, cv.CV_8UC1);
    this.v = new cv.Mat(this.converter.chromaHeight, this.converter.chromaWidth, cv.CV_8UC1);
  }

  /** The Mat a chain taking `input` runs on (the Y plane for 'gray' and 'yuv', with `chroma` beside it for 'yuv'). */
  imageFor(input: TransformInput): Mat {
    if (input === 'gray' || input === 'yuv') return this.luma;
    if (input === 'bgr') return (this.bgr ??= new this.cv.Mat(this.converter.workHeight, this.converter.workWidth, this.cv.CV_8UC3));
    return this.rgba;
  }

  get chroma(): [Mat, Mat] {
    return [this.u, this.v];
  }

  /** The decoded picture into the planes the chain works on. */
  fill(decoded: Frame, input: TransformInput): void {
    const converter = this.converter;
    if (input === 'gray') converter.decodedToGray(decoded, this.luma, this.chroma);
    else if (input === 'yuv') converter.decodedToPlanes(decoded, [this.luma, this.u, this.v]);
    else if (input === 'bgr') converter.decodedToBgr(decoded, this.imageFor('bgr'));
    else converter.decodedToRgba(decoded, this.rgba);
  }

  /** What the chain made, as a YUV frame at the work size (the converter's own), ready to be scaled and encoded. */
  toYuv(input: TransformInput): Frame {
    const converter = this.converter;
    if (input === 'gray') return converter.grayToYuv(this.luma);
    if (input === 'yuv') return converter.planesToYuv([this.luma, this.u, this.v]);
    if (input === 'bgr') return converter.bgrToYuv(this.imageFor('bgr'));
    return converter.rgbaToYuv(this.rgba);
  }

  dispose(): void {
    for (const mat of [this.rgba, this.luma, this.u, this.v, this.bgr]) mat?.delete();
    this.converter.dispose();
  }
}

/**
 * The size a chain works at: the camera's, or for a chain that means the same at any size (see
 * Transform.workWidth) the size encoded, at most `workWidth` wide (even, as 4:2:0 needs).
 */
export function workSize(camera: Size, sent: Size, workWidth: number | undefined): Size {
  if (workWidth === undefined) return camera;
  const width = Math.min(sent.width, workWidth);
  if (width === sent.width) return sent;
  return { width: evenSide(width), height: evenSide((sent.height * width) / sent.width) };
}

interface Size {
  width: number;
  height: number;
}
