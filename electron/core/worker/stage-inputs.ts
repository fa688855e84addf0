import type { Mat, OpenCV } from '../transforms/opencv.js';
import type { Frame, ParamValues, TransformInput, TransformInstance, TransformResult } from '../transforms/types.js';

interface Planes {
  i420: Mat;
  y: Mat;
  u: Mat;
  v: Mat;
}

/**
 * A stage inside a chain whose form (RGBA, grey, planes, BGR: see TransformStages.input) is not the
 * one it wants gets a converted copy, written back when it is done. Scratch Mats are kept per size.
 */
export class StageInputs {
  private scratchGray?: Mat;
  private scratchBgr?: Mat;
  /** For 'yuv' stages in an RGBA chain. */
  private planes?: Planes;

  constructor(private readonly cv: OpenCV) {}

  /** Runs `instance` on `frame`, converted to the form it `wants` and back (in place) if the chain's differs. */
  apply(
    instance: TransformInstance,
    wants: TransformInput,
    frame: Frame,
    params: ParamValues,
  ): TransformResult | void | Promise<TransformResult | void> {
    const { cv } = this;
    const has: TransformInput = frame.chroma ? 'yuv' : CHANNELS_TO_INPUT[frame.image.channels()];
    if (wants === has || (wants === 'gray' && has === 'yuv')) {
      return then(instance.apply(wants === 'gray' ? { ...frame, chroma: undefined } : frame, params), () => {
        // A luma-only stage leaves grey: the chroma planes go neutral.
        if (wants === 'gray' && frame.chroma) for (const plane of frame.chroma) plane.setTo(new cv.Scalar(128));
      });
    }
    if (wants === 'gray') {
      const gray = (this.scratchGray ??= new cv.Mat());
      cv.cvtColor(frame.image, gray, cv.COLOR_RGBA2GRAY);
      return then(instance.apply({ ...frame, image: gray }, params), () => cv.cvtColor(gray, frame.image, cv.COLOR_GRAY2RGBA));
    }
    if (wants === 'bgr' && has === 'rgba') {
      // A Python filter inside a chain of RGBA built-ins: a channel shuffle each way.
      const bgr = (this.scratchBgr ??= new cv.Mat());
      cv.cvtColor(frame.image, bgr, cv.COLOR_RGBA2BGR);
      return then(instance.apply({ ...frame, image: bgr }, params), () => cv.cvtColor(bgr, frame.image, cv.COLOR_BGR2RGBA));
    }
    if (wants === 'yuv' && has === 'rgba') {
      const planes = this.rgbaToPlanes(frame.image);
      return then(instance.apply({ ...frame, image: planes.y, chroma: [planes.u, planes.v] }, params), () =>
        this.planesToRgba(planes, frame.image),
      );
    }
    // Only the pipeline decides the form (from `input`), so this is a bug, not bad input.
    throw new Error(`cannot hand a ${has} frame to a stage that wants ${wants}`);
  }

  /** RGBA -> I420 (OpenCV, video range) -> three plane Mats, for a 'yuv' stage inside an RGBA chain. */
  private rgbaToPlanes(rgba: Mat): Planes {
    const { cv } = this;
    const width = rgba.cols;
    const height = rgba.rows;
    if (width % 2 || height % 2) throw new Error(`needs an even picture size (got ${width}x${height})`);
    let planes = this.planes;
    if (!planes || planes.y.cols !== width || planes.y.rows !== height) {
      this.freePlanes();
      planes = this.planes = {
        i420: new cv.Mat(),
        y: new cv.Mat(height, width, cv.CV_8UC1),
        u: new cv.Mat(height / 2, width / 2, cv.CV_8UC1),
        v: new cv.Mat(height / 2, width / 2, cv.CV_8UC1),
      };
    }
    cv.cvtColor(rgba, planes.i420, cv.COLOR_RGBA2YUV_I420);
    const all: Uint8Array = planes.i420.data;
    const lumaBytes = width * height;
    const chromaBytes = lumaBytes / 4;
    planes.y.data.set(all.subarray(0, lumaBytes));
    planes.u.data.set(all.subarray(lumaBytes, lumaBytes + chromaBytes));
    planes.v.data.set(all.subarray(lumaBytes + chromaBytes, lumaBytes + 2 * chromaBytes));
    return planes;
  }

  private planesToRgba(planes: Planes, rgba: Mat): void {
    const all: Uint8Array = planes.i420.data;
    const lumaBytes = planes.y.rows * planes.y.cols;
    all.set(planes.y.data, 0);
    all.set(planes.u.data, lumaBytes);
    all.set(planes.v.data, lumaBytes + lumaBytes / 4);
    this.cv.cvtColor(planes.i420, rgba, this.cv.COLOR_YUV2RGBA_I420);
  }

  dispose(): void {
    this.scratchGray?.delete();
    this.scratchBgr?.delete();
    this.freePlanes();
  }

  private freePlanes(): void {
    for (const mat of Object.values(this.planes ?? {})) mat.delete();
    this.planes = undefined;
  }
}

/** Runs `after` once `outcome` is there (at once, or when its promise fulfils); passes the outcome on. */
function then<T>(outcome: T | Promise<T>, after: () => void): T | Promise<T> {
  if (!(outcome instanceof Promise)) {
    after();
    return outcome;
  }
  return outcome.then((value) => {
    after();
    return value;
  });
}

const CHANNELS_TO_INPUT: Record<number, TransformInput> = { 1: 'gray', 3: 'bgr', 4: 'rgba' };
