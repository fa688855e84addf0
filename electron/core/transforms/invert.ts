import type { Transform } from './types.js';

export const invert: Transform = {
  id: 'invert',
  label: 'Invert colours',
  params: [],
  workWidth: Infinity,
  create(cv) {
    return {
      apply(frame) {
        cv.bitwise_not(frame.image, frame.image);
      },
      dispose() {},
    };
  },
};
