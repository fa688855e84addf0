import type { Transform } from './types.js';

export const pixelate: Transform = {
  id: 'pixelate',
  label: 'Pixelate',
  params: [{ name: 'block', label: 'Block size (px)', type: 'number', min: 2, max: 64, step: 1, default: 16 }],
  // Exact block means where the block divides the size; elsewhere the grid starts at the corner and the last block is partial.
  native: (params) => {
    const block = Math.max(2, Math.round(Number(params.block)));
    return { graph: `pixelize=w=${block}:h=${block}:m=avg` };
  },
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
