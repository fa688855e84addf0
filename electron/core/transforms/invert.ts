import type { Transform } from './types.js';

export const invert: Transform = {
  id: 'invert',
  label: 'Invert colours',
  params: [],
  create(cv) {
    return {
      apply(frame) {
        cv.bitwise_not(frame.image, frame.image);
      },
      dispose() {},
    };
  },
};
