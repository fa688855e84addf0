import type { Transform } from './types.js';

/** The classic sepia matrix, applied per pixel with cv.transform (RGBA in, RGBA out). */
const SEPIA = [
  [0.393, 0.769, 0.189, 0],
  [0.349, 0.686, 0.168, 0],
  [0.272, 0.534, 0.131, 0],
  [0, 0, 0, 1],
];

export const sepia: Transform = {
  id: 'sepia',
  label: 'Sepia',
  params: [],
  workWidth: Infinity,
  create(cv) {
    const kernel = cv.matFromArray(4, 4, cv.CV_32F, SEPIA.flat());
    const source = new cv.Mat();
    return {
      apply(frame) {
        frame.image.copyTo(source);
        cv.transform(source, frame.image, kernel);
      },
      dispose() {
        kernel.delete();
        source.delete();
      },
    };
  },
};
