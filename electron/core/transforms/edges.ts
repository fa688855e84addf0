import type { Transform } from './types.js';

/** Canny edge detection, shown as a grey image (the seed's cv2.Canny(img, 100, 200)). */
export const edges: Transform = {
  id: 'edges',
  label: 'Edge detection (Canny)',
  params: [
    { name: 'low', label: 'Low threshold', type: 'number', min: 0, max: 500, step: 5, default: 100 },
    { name: 'high', label: 'High threshold', type: 'number', min: 0, max: 500, step: 5, default: 200 },
  ],
  input: 'gray',
  workWidth: Infinity,
  create(cv) {
    const lines = new cv.Mat();
    return {
      apply(frame, params) {
        cv.Canny(frame.image, lines, Number(params.low), Number(params.high));
        lines.copyTo(frame.image);
      },
      dispose() {
        lines.delete();
      },
    };
  },
};
