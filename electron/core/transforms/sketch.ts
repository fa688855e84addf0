import type { Transform } from './types.js';

/**
 * Pencil sketch: "colour dodge" of the luma by its blurred negative. The wide blur runs at a
 * quarter of the size (it is smooth anyway), which keeps 720p well inside the frame budget.
 */
const SHRINK = 4;
export const sketch: Transform = {
  id: 'sketch',
  label: 'Pencil sketch',
  params: [{ name: 'softness', label: 'Softness', type: 'number', min: 3, max: 51, step: 2, default: 21 }],
  input: 'gray',
  create(cv) {
    const negative = new cv.Mat();
    const small = new cv.Mat();
    const blurred = new cv.Mat();
    return {
      apply(frame, params) {
        const size = Math.max(3, Math.round(Number(params.softness) / SHRINK) | 1);
        cv.bitwise_not(frame.image, negative);
        cv.resize(negative, small, new cv.Size(Math.ceil(frame.width / SHRINK), Math.ceil(frame.height / SHRINK)), 0, 0, cv.INTER_AREA);
        cv.GaussianBlur(small, small, new cv.Size(size, size), 0);
        cv.resize(small, blurred, new cv.Size(frame.width, frame.height), 0, 0, cv.INTER_LINEAR);
        cv.bitwise_not(blurred, blurred);
        cv.divide(frame.image, blurred, frame.image, 256);
      },
      dispose() {
        negative.delete();
        small.delete();
        blurred.delete();
      },
    };
  },
};
