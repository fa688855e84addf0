import type { Transform } from './types.js';

/**
 * cv.blur's box of `size` on RGBA as FFmpeg's boxblur: the same box on luma, half of it on the
 * half-size chroma planes (boxblur refuses a radius over half a plane's side: clamped, as the picture is then one blur anyway).
 */
function boxblur(size: number, width: number, height: number): string {
  const radius = Math.min(Math.max(0, Math.round((size - 1) / 2)), Math.floor(Math.min(width, height) / 2));
  if (radius === 0) return 'null';
  const chroma = Math.min(Math.round(radius / 2), Math.floor(Math.min(width, height) / 4));
  return `boxblur=luma_radius=${radius}:luma_power=1:chroma_radius=${chroma}:chroma_power=${chroma ? 1 : 0}`;
}

/** Box blur: its cost does not grow with the kernel (integral image), so large kernels stay real-time. */
export const blur: Transform = {
  id: 'blur',
  label: 'Blur',
  params: [{ name: 'size', label: 'Kernel size', type: 'number', min: 1, max: 99, step: 2, default: 15 }],
  native: (params, { width, height }) => ({ graph: boxblur(Math.round(Number(params.size)), width, height) }),
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
