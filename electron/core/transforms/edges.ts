import type { Transform } from './types.js';

/** Canny edge detection, shown as a grey image (the seed's cv2.Canny(img, 100, 200)). */
export const edges: Transform = {
  id: 'edges',
  label: 'Edge detection (Canny)',
  params: [
    { name: 'low', label: 'Low threshold', type: 'number', min: 0, max: 500, step: 5, default: 100 },
    { name: 'high', label: 'High threshold', type: 'number', min: 0, max: 500, step: 5, default: 200 },
  ],
  create(cv) {
    const gray = new cv.Mat();
    const lines = new cv.Mat();
    return {
      apply(frame, params) {
        cv.cvtColor(frame.rgba, gray, cv.COLOR_RGBA2GRAY);
        cv.Canny(gray, lines, Number(params.low), Number(params.high));
        cv.cvtColor(lines, frame.rgba, cv.COLOR_GRAY2RGBA);
      },
      dispose() {
        gray.delete();
        lines.delete();
      },
    };
  },
};
