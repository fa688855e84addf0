import { graphExpr } from './graph-spec.js';
import type { Mat } from './opencv.js';
import type { Transform } from './types.js';

/** Black in video-range YUV: luma 16, neutral chroma. */
const BLACK = { luma: 16, chroma: 128 };

/**
 * Rotates the picture about its centre by `speed` degrees per second of stream time (the seed's 45).
 * Each decoded plane is rotated as it is ('yuv'): a third of the pixels an RGBA rotation moves, and
 * no colour conversion.
 */
export const rotate: Transform = {
  id: 'rotate',
  label: 'Rotate',
  params: [{ name: 'speed', label: 'Degrees per second', type: 'number', min: -360, max: 360, step: 5, default: 45 }],
  input: 'yuv',
  workWidth: Infinity,
  // FFmpeg turns clockwise for a positive angle (OpenCV counter-clockwise), about the true centre ((w-1)/2, (h-1)/2),
  // half a pixel from getRotationMatrix2D's (w/2, h/2); `t` is the frame's stream time, as frame.time.
  native: (params) => ({ graph: `rotate=a=${graphExpr(`-(${Number(params.speed)})*PI/180*t`)}:c=black:bilinear=1` }),
  create(cv) {
    const source = new cv.Mat();
    const turn = (plane: Mat, angle: number, fill: number) => {
      const matrix = cv.getRotationMatrix2D(new cv.Point(plane.cols / 2, plane.rows / 2), angle, 1);
      plane.copyTo(source);
      cv.warpAffine(source, plane, matrix, new cv.Size(plane.cols, plane.rows), cv.INTER_LINEAR, cv.BORDER_CONSTANT, new cv.Scalar(fill));
      matrix.delete();
    };
    return {
      apply(frame, params) {
        const angle = (frame.time * Number(params.speed)) % 360;
        turn(frame.image, angle, BLACK.luma);
        for (const plane of frame.chroma!) turn(plane, angle, BLACK.chroma);
      },
      dispose() {
        source.delete();
      },
    };
  },
};
