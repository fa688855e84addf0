import type { Transform } from './types.js';

/** Flips the picture; each decoded plane is flipped as it is ('yuv'), no colour conversion. */
export const mirror: Transform = {
  id: 'mirror',
  label: 'Mirror',
  params: [{ name: 'axis', label: 'Flip', type: 'choice', choices: ['horizontal', 'vertical', 'both'], default: 'horizontal' }],
  input: 'yuv',
  workWidth: Infinity,
  native: (params) => ({ graph: { horizontal: 'hflip', vertical: 'vflip', both: 'hflip,vflip' }[String(params.axis)] ?? 'hflip' }),
  create(cv) {
    const source = new cv.Mat();
    const codes: Record<string, number> = { horizontal: 1, vertical: 0, both: -1 };
    return {
      apply(frame, params) {
        for (const plane of [frame.image, ...frame.chroma!]) {
          plane.copyTo(source);
          cv.flip(source, plane, codes[String(params.axis)] ?? 1);
        }
      },
      dispose() {
        source.delete();
      },
    };
  },
};
