import type { Transform } from './types.js';

/** Pencil sketch: "colour dodge" of the luma by its blurred negative. */
export const sketch: Transform = {
  id: 'sketch',
  label: 'Pencil sketch',
  params: [{ name: 'softness', label: 'Softness', type: 'number', min: 3, max: 51, step: 2, default: 21 }],
  input: 'gray',
  create(cv) {
    const negative = new cv.Mat();
    const blurred = new cv.Mat();
    return {
      apply(frame, params) {
        const size = Math.max(3, Math.round(Number(params.softness)) | 1);
        cv.bitwise_not(frame.image, negative);
        cv.GaussianBlur(negative, blurred, new cv.Size(size, size), 0);
        cv.bitwise_not(blurred, blurred);
        cv.divide(frame.image, blurred, frame.image, 256);
      },
      dispose() {
        negative.delete();
        blurred.delete();
      },
    };
  },
};
