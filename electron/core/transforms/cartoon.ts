import { FULL_RANGE_LUMA, graphExpr } from './graph-spec.js';
import type { Transform } from './types.js';

/**
 * The seed's cartoon: colours flattened by repeated bilateral filtering on a 1/4-size image, times
 * adaptive-threshold edges. At most `WORK_WIDTH` wide, so 720p fits a 30 fps frame budget: the
 * pipeline hands it that size (`workWidth`); a larger picture (a chain that needs the camera's size)
 * is resized here.
 */
const WORK_WIDTH = 360;

/**
 * The same in FFmpeg, at the working size: flat colours (a quarter size, bilateral passes, back up)
 * darkened where an adaptive threshold of the median-blurred full-range luma finds an outline (the
 * mask halved for chroma; black is Y 16, U = V = 128). FFmpeg's bilateral is recursive and per plane:
 * its sigmaS is a decay, and 1 (not OpenCV's 7) keeps colours from leaking along smooth ramps.
 * Two pyrDowns and pyrUps blur luma about 2.5 px either way (dark borders bleed into the colours):
 * gblur on luma around the quarter size does the same (bicubic alone was sharper than OpenCV's look).
 */
function cartoonGraph(passes: number, width: number, height: number): string {
  const workW = Math.min(width, WORK_WIDTH);
  const workH = width > WORK_WIDTH ? Math.round((height * workW) / width / 2) * 2 : height;
  const bilateral = Array.from({ length: Math.max(1, passes) }, () => 'bilateral=sigmaS=1:sigmaR=0.035:planes=7').join(',');
  const mix = (black: number) => graphExpr(`${black}+(x-${black})*y/255`);
  return [
    `scale=${workW}:${workH}:flags=bilinear,split[c][e]`,
    `[c]gblur=sigma=2.5:planes=1,scale=${Math.round(workW / 4)}:${Math.round(workH / 4)}:flags=area,${bilateral}` +
      `,scale=${workW}:${workH}:flags=bilinear,gblur=sigma=2.5:planes=1[colour]`,
    // The threshold's C (2) is in RGB2GRAY's units: full range.
    `[e]format=yuv420p,extractplanes=y,lut=c0=${graphExpr(FULL_RANGE_LUMA)},median=radius=3,split[m][mm]`,
    '[mm]boxblur=4:1[mean]',
    `[m][mean]lut2=c0=${graphExpr('if(gt(x,y-2),255,0)')},split[ml][mc]`,
    `[mc]scale=${Math.ceil(workW / 2)}:${Math.ceil(workH / 2)}:flags=area,split[mu][mv]`,
    '[ml][mu][mv]mergeplanes=map0s=0:map0p=0:map1s=1:map1p=0:map2s=2:map2p=0:format=yuv420p[mask]',
    `[colour][mask]lut2=c0=${mix(16)}:c1=${mix(128)}:c2=${mix(128)},scale=${width}:${height}:flags=bilinear`,
  ].join(';');
}

export const cartoon: Transform = {
  id: 'cartoon',
  label: 'Cartoon',
  params: [{ name: 'passes', label: 'Smoothing passes', type: 'number', min: 1, max: 10, step: 1, default: 6 }],
  workWidth: WORK_WIDTH,
  native: (params, { width, height }) => ({ graph: cartoonGraph(Number(params.passes), width, height) }),
  create(cv) {
    const small = new cv.Mat();
    const rgb = new cv.Mat();
    const half = new cv.Mat();
    const tiny = new cv.Mat();
    const tinyFiltered = new cv.Mat();
    const colour = new cv.Mat();
    const gray = new cv.Mat();
    const blurred = new cv.Mat();
    const outline = new cv.Mat();
    const outlineRgb = new cv.Mat();
    const combined = new cv.Mat();
    return {
      apply(frame, params) {
        const resized = frame.width > WORK_WIDTH;
        const scale = WORK_WIDTH / frame.width;
        // Even multiples of 4 keep pyrDown/pyrUp sizes symmetric (pyrUp is given the size to restore, so others work too).
        const workSize = resized
          ? new cv.Size(Math.max(4, Math.round((frame.width * scale) / 4) * 4), Math.max(4, Math.round((frame.height * scale) / 4) * 4))
          : new cv.Size(frame.width, frame.height);
        if (resized) cv.resize(frame.image, small, workSize, 0, 0, cv.INTER_AREA);
        cv.cvtColor(resized ? small : frame.image, rgb, cv.COLOR_RGBA2RGB);

        cv.pyrDown(rgb, half);
        cv.pyrDown(half, tiny);
        for (let i = 0; i < Number(params.passes); i++) {
          cv.bilateralFilter(tiny, tinyFiltered, 9, 9, 7);
          tinyFiltered.copyTo(tiny);
        }
        cv.pyrUp(tiny, half, new cv.Size(half.cols, half.rows));
        cv.pyrUp(half, colour, workSize);

        cv.cvtColor(rgb, gray, cv.COLOR_RGB2GRAY);
        cv.medianBlur(gray, blurred, 7);
        cv.adaptiveThreshold(blurred, outline, 255, cv.ADAPTIVE_THRESH_MEAN_C, cv.THRESH_BINARY, 9, 2);
        cv.cvtColor(outline, outlineRgb, cv.COLOR_GRAY2RGB);

        cv.bitwise_and(colour, outlineRgb, combined);
        if (!resized) {
          cv.cvtColor(combined, frame.image, cv.COLOR_RGB2RGBA);
          return;
        }
        cv.cvtColor(combined, small, cv.COLOR_RGB2RGBA);
        cv.resize(small, frame.image, new cv.Size(frame.width, frame.height), 0, 0, cv.INTER_LINEAR);
      },
      dispose() {
        for (const mat of [small, rgb, half, tiny, tinyFiltered, colour, gray, blurred, outline, outlineRgb, combined]) mat.delete();
      },
    };
  },
};
