import { graphExpr } from './graph-spec.js';
import type { Transform } from './types.js';

/**
 * Pencil sketch: "colour dodge" of the luma by its blurred negative. The wide blur runs at a
 * quarter of the size (it is smooth anyway), which keeps 720p well inside the frame budget.
 */
const SHRINK = 4;

/** The same on the Y plane in FFmpeg: OpenCV's sigma for the kernel, and lut2 as cv.divide (0 for a zero divisor). */
function sketchGraph(softness: number, width: number, height: number): string {
  const size = Math.max(3, Math.round(softness / SHRINK) | 1);
  const sigma = 0.3 * ((size - 1) * 0.5 - 1) + 0.8;
  const small = `${Math.ceil(width / SHRINK)}:${Math.ceil(height / SHRINK)}`;
  const dodge = graphExpr('if(gte(y,255),0,min(255,floor(x*256/(255-y)+0.5)))');
  return [
    'split[a][b]',
    `[b]lutyuv=y=255-val,scale=${small}:flags=area,gblur=sigma=${sigma.toFixed(3)}:steps=2:planes=1,scale=${width}:${height}:flags=bilinear[n]`,
    `[a][n]lut2=c0=${dodge}:c1=128:c2=128`,
  ].join(';');
}

export const sketch: Transform = {
  id: 'sketch',
  label: 'Pencil sketch',
  params: [{ name: 'softness', label: 'Softness', type: 'number', min: 3, max: 51, step: 2, default: 21 }],
  input: 'gray',
  native: (params, { width, height }) => ({ graph: sketchGraph(Number(params.softness), width, height) }),
  create(cv) {
    const negative = new cv.Mat();
    const small = new cv.Mat();
    const blurred = new cv.Mat();
    return {
      apply(frame, params) {
        const size = Math.max(3, Math.round(Number(params.softness) / SHRINK) | 1);
        cv.bitwise_not(frame.image, negative);
        cv.resize(negative, small, new cv.Size(Math.ceil(frame.width / SHRINK), Math.ceil(frame.height / SHRINK)), 0, 0, cv.INTER_AREA);
        cv.GaussianBlur(small, small, new cv.Size(size, size), 0);
        cv.resize(small, blurred, new cv.Size(frame.width, frame.height), 0, 0, cv.INTER_LINEAR);
        cv.bitwise_not(blurred, blurred);
        cv.divide(frame.image, blurred, frame.image, 256);
      },
      dispose() {
        negative.delete();
        small.delete();
        blurred.delete();
      },
    };
  },
};
