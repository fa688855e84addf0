import { FULL_RANGE_LUMA, graphExpr } from './graph-spec.js';
import type { Transform } from './types.js';

/** The classic sepia matrix, applied per pixel with cv.transform (RGBA in, RGBA out). */
const SEPIA = [
  [0.393, 0.769, 0.189, 0],
  [0.349, 0.686, 0.168, 0],
  [0.272, 0.534, 0.131, 0],
  [0, 0, 0, 1],
];

/**
 * Sepia from luma alone: the matrix's rows are 1.31, 1.17 and 0.91 times BT.601's luma weights (but
 * for blue, 0.04 off at most), so each output component is a function of Y. One lookup table per
 * plane: video-range Y -> grey RGB -> sepia RGB (clipped) -> Y', U', V' (chroma reads the Y of its
 * top-left sample).
 */
function sepiaGraph(): string {
  const grey = FULL_RANGE_LUMA;
  const [r, g, b] = [1.351, 1.203, 0.937].map((k) => `min(255,${k}*${grey})`);
  const y = `16+(65.481*${r}+128.553*${g}+24.966*${b})/255`;
  const u = `128+(-37.797*${r}-74.203*${g}+112*${b})/255`;
  const v = `128+(112*${r}-93.786*${g}-18.214*${b})/255`;
  return `pseudocolor=index=0:c0=${graphExpr(y)}:c1=${graphExpr(u)}:c2=${graphExpr(v)}`;
}

export const sepia: Transform = {
  id: 'sepia',
  label: 'Sepia',
  params: [],
  workWidth: Infinity,
  native: () => ({ graph: sepiaGraph() }),
  create(cv) {
    const kernel = cv.matFromArray(4, 4, cv.CV_32F, SEPIA.flat());
    const source = new cv.Mat();
    return {
      apply(frame) {
        frame.image.copyTo(source);
        cv.transform(source, frame.image, kernel);
      },
      dispose() {
        kernel.delete();
        source.delete();
      },
    };
  },
};
