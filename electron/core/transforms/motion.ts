import { FULL_RANGE_LUMA, graphExpr, type GraphPicture, type GraphSpec } from './graph-spec.js';
import type { Transform } from './types.js';

/**
 * The same in FFmpeg: full-range luma (RGB2GRAY's grey), gblur's approximation of the 5x5
 * Gaussian, |this - previous| (tblend: its first frame comes out one frame late, so it passes
 * through, as here), thresholded; red where it moved (video range: 81, 90, 240; the mask halved for
 * chroma). `[stats]` is the mask at 1/8 of each side, by area: its mean is the moving fraction.
 */
function motionGraph(threshold: number, width: number, height: number): GraphSpec {
  const red = (c: number) => graphExpr(`if(x,${c},y)`);
  const graph = [
    'split[a][b]',
    `[b]extractplanes=y,lut=c0=${graphExpr(FULL_RANGE_LUMA)},gblur=sigma=1.1:steps=2,tblend=all_mode=difference,` +
      `lut=c0=${graphExpr(`if(gt(val,${threshold}),255,0)`)},split=3[m][mc][ms]`,
    `[ms]scale=${Math.ceil(width / 8)}:${Math.ceil(height / 8)}:flags=area[stats]`,
    `[mc]scale=${Math.ceil(width / 2)}:${Math.ceil(height / 2)}:flags=area,split[mu][mv]`,
    '[m][mu][mv]mergeplanes=map0s=0:map0p=0:map1s=1:map1p=0:map2s=2:map2p=0:format=yuv420p[mask]',
    `[mask][a]lut2=c0=${red(81)}:c1=${red(90)}:c2=${red(240)}`,
  ].join(';');
  return { graph, aux: ['stats'], report: (aux) => ({ motion: meanOf(aux('stats')) }) };
}

/** The mean of a mask picture, 0 (none set) to 1 (all 255); 0 before the first. */
function meanOf(picture: GraphPicture | undefined): number {
  if (!picture) return 0;
  let sum = 0;
  for (let y = 0; y < picture.height; y++) for (let x = 0; x < picture.width; x++) sum += picture.data[y * picture.stride + x];
  return sum / (255 * picture.width * picture.height);
}

/** Highlights in red what changed since the previous frame; reports the moving fraction of the picture. */
export const motion: Transform = {
  id: 'motion',
  label: 'Motion highlight',
  params: [{ name: 'threshold', label: 'Sensitivity threshold', type: 'number', min: 1, max: 100, step: 1, default: 25 }],
  native: (params, { width, height }) => motionGraph(Number(params.threshold), width, height),
  create(cv) {
    const gray = new cv.Mat();
    const previous = new cv.Mat();
    const diff = new cv.Mat();
    const mask = new cv.Mat();
    const red = new cv.Scalar(255, 0, 0, 255);
    return {
      apply(frame, params) {
        cv.cvtColor(frame.image, gray, cv.COLOR_RGBA2GRAY);
        cv.GaussianBlur(gray, gray, new cv.Size(5, 5), 0);
        if (previous.rows !== gray.rows || previous.cols !== gray.cols) {
          gray.copyTo(previous);
          return { motion: 0 };
        }
        cv.absdiff(gray, previous, diff);
        gray.copyTo(previous);
        cv.threshold(diff, mask, Number(params.threshold), 255, cv.THRESH_BINARY);
        frame.image.setTo(red, mask);
        return { motion: cv.countNonZero(mask) / (frame.width * frame.height) };
      },
      dispose() {
        for (const mat of [gray, previous, diff, mask]) mat.delete();
      },
    };
  },
};
