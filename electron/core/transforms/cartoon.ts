import type { Transform } from './types.js';

/**
 * The seed's cartoon: colours flattened by repeated bilateral filtering on a 1/4-size image, times
 * adaptive-threshold edges. At most `WORK_WIDTH` wide, so 720p fits a 30 fps frame budget: the
 * pipeline hands it that size (`workWidth`); a larger picture (a chain that needs the camera's size)
 * is resized here.
 */
const WORK_WIDTH = 360;

export const cartoon: Transform = {
  id: 'cartoon',
  label: 'Cartoon',
  params: [{ name: 'passes', label: 'Smoothing passes', type: 'number', min: 1, max: 10, step: 1, default: 6 }],
  workWidth: WORK_WIDTH,
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
