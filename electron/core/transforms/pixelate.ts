import type { Transform } from './types.js';

export const pixelate: Transform = {
  id: 'pixelate',
  label: 'Pixelate',
  params: [{ name: 'block', label: 'Block size (px)', type: 'number', min: 2, max: 64, step: 1, default: 16 }],
  create(cv) {
    const small = new cv.Mat();
    return {
      apply(frame, params) {
        const block = Math.max(2, Math.round(Number(params.block)));
        const size = new cv.Size(Math.max(1, Math.round(frame.width / block)), Math.max(1, Math.round(frame.height / block)));
        cv.resize(frame.image, small, size, 0, 0, cv.INTER_AREA);
        cv.resize(small, frame.image, new cv.Size(frame.width, frame.height), 0, 0, cv.INTER_NEAREST);
      },
      dispose() {
        small.delete();
      },
    };
  },
};
