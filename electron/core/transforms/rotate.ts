import type { Transform } from './types.js';

/** Rotates the picture about its centre by `speed` degrees per second of stream time (the seed's 45). */
export const rotate: Transform = {
  id: 'rotate',
  label: 'Rotate',
  params: [{ name: 'speed', label: 'Degrees per second', type: 'number', min: -360, max: 360, step: 5, default: 45 }],
  create(cv) {
    const source = new cv.Mat();
    return {
      apply(frame, params) {
        const { width, height, image } = frame;
        const angle = (frame.time * Number(params.speed)) % 360;
        const matrix = cv.getRotationMatrix2D(new cv.Point(width / 2, height / 2), angle, 1);
        image.copyTo(source);
        cv.warpAffine(source, image, matrix, new cv.Size(width, height), cv.INTER_LINEAR, cv.BORDER_CONSTANT, new cv.Scalar(0, 0, 0, 255));
        matrix.delete();
      },
      dispose() {
        source.delete();
      },
    };
  },
};
