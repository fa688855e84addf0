import type { Transform } from './types.js';

/**
 * Pixelates inside the boxes the detect filter before it in the chain drew on this frame
 * ("faces -> pixelate-boxes" hides faces). Boxes are grown a little: a detect result is a few
 * frames old, and a face moves.
 */
export const pixelateBoxes: Transform = {
  id: 'pixelate-boxes',
  label: 'Pixelate detected boxes',
  params: [
    { name: 'block', label: 'Block size (px)', type: 'number', min: 2, max: 64, step: 1, default: 16 },
    { name: 'grow', label: 'Grow boxes by (%)', type: 'number', min: 0, max: 100, step: 5, default: 20 },
  ],
  create(cv, host) {
    const small = new cv.Mat();
    return {
      apply(frame, params) {
        const boxes = host?.boxes(frame.width, frame.height) ?? [];
        const block = Math.max(2, Math.round(Number(params.block)));
        const grow = Number(params.grow) / 100;
        for (const box of boxes) {
          const x = Math.max(0, Math.floor(box.x - (box.width * grow) / 2));
          const y = Math.max(0, Math.floor(box.y - (box.height * grow) / 2));
          const width = Math.min(frame.width, Math.ceil(box.x + box.width * (1 + grow / 2))) - x;
          const height = Math.min(frame.height, Math.ceil(box.y + box.height * (1 + grow / 2))) - y;
          if (width < 1 || height < 1) continue;
          const region = frame.image.roi(new cv.Rect(x, y, width, height));
          cv.resize(
            region,
            small,
            new cv.Size(Math.max(1, Math.round(width / block)), Math.max(1, Math.round(height / block))),
            0,
            0,
            cv.INTER_AREA,
          );
          cv.resize(small, region, new cv.Size(width, height), 0, 0, cv.INTER_NEAREST);
          region.delete();
        }
        return { boxes: boxes.length };
      },
      dispose() {
        small.delete();
      },
    };
  },
};
