import type { Transform } from './types.js';

/** Highlights in red what changed since the previous frame; reports the moving fraction of the picture. */
export const motion: Transform = {
  id: 'motion',
  label: 'Motion highlight',
  params: [{ name: 'threshold', label: 'Sensitivity threshold', type: 'number', min: 1, max: 100, step: 1, default: 25 }],
  create(cv) {
    const gray = new cv.Mat();
    const previous = new cv.Mat();
    const diff = new cv.Mat();
    const mask = new cv.Mat();
    const red = new cv.Scalar(255, 0, 0, 255);
    return {
      apply(frame, params) {
        cv.cvtColor(frame.image, gray, cv.COLOR_RGBA2GRAY);
        cv.GaussianBlur(gray, gray, new cv.Size(5, 5), 0);
        if (previous.rows !== gray.rows || previous.cols !== gray.cols) {
          gray.copyTo(previous);
          return { motion: 0 };
        }
        cv.absdiff(gray, previous, diff);
        gray.copyTo(previous);
        cv.threshold(diff, mask, Number(params.threshold), 255, cv.THRESH_BINARY);
        frame.image.setTo(red, mask);
        return { motion: cv.countNonZero(mask) / (frame.width * frame.height) };
      },
      dispose() {
        for (const mat of [gray, previous, diff, mask]) mat.delete();
      },
    };
  },
};
