import { graphExpr } from './graph-spec.js';
import type { Transform } from './types.js';

/**
 * RGB's 255 - x in video-range YUV: Y' = 235 + 16 - Y, C' = 240 + 16 - C (FFmpeg's negate does 255 - x on each
 * plane, which is not an RGB inversion).
 */
const INVERT = `lutyuv=y=${graphExpr('clip(251-val,0,255)')}:u=${graphExpr('clip(256-val,0,255)')}:v=${graphExpr('clip(256-val,0,255)')}`;

export const invert: Transform = {
  id: 'invert',
  label: 'Invert colours',
  params: [],
  workWidth: Infinity,
  native: () => ({ graph: INVERT }),
  create(cv) {
    return {
      apply(frame) {
        cv.bitwise_not(frame.image, frame.image);
      },
      dispose() {},
    };
  },
};
