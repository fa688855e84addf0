import type { Transform } from './types.js';

/** Box blur: its cost does not grow with the kernel (integral image), so large kernels stay real-time. */
export const blur: Transform = {
  id: 'blur',
  label: 'Blur',
  params: [{ name: 'size', label: 'Kernel size', type: 'number', min: 1, max: 99, step: 2, default: 15 }],
  create(cv) {
    const source = new cv.Mat();
    return {
      apply(frame, params) {
        const size = Math.max(1, Math.round(Number(params.size)));
        frame.image.copyTo(source);
        cv.blur(source, frame.image, new cv.Size(size, size));
      },
      dispose() {
        source.delete();
      },
    };
  },
};
