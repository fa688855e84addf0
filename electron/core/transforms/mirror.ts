import type { Transform } from './types.js';

export const mirror: Transform = {
  id: 'mirror',
  label: 'Mirror',
  params: [{ name: 'axis', label: 'Flip', type: 'choice', choices: ['horizontal', 'vertical', 'both'], default: 'horizontal' }],
  create(cv) {
    const source = new cv.Mat();
    const codes: Record<string, number> = { horizontal: 1, vertical: 0, both: -1 };
    return {
      apply(frame, params) {
        frame.image.copyTo(source);
        cv.flip(source, frame.image, codes[String(params.axis)] ?? 1);
      },
      dispose() {
        source.delete();
      },
    };
  },
};
