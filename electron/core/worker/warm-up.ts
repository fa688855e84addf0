import type { Mat, OpenCV } from '../transforms/opencv.js';
import { isBuiltin, listTransforms } from '../transforms/registry.js';
import { withDefaults } from '../transforms/types.js';
import { runsNative } from './chain-runner.js';
import { TransformStages } from './transform-stages.js';

const WIDTH = 320;
const HEIGHT = 240;

/**
 * Runs each built-in transform once on a small textured picture: OpenCV.js compiles its WASM
 * functions on their first call, so a spare worker that has done this serves a camera's first frame
 * sooner (see docs/decisions.md, A codec worker per camera). One transform at a time, yielding
 * between; stops once `stop()` says so (a camera arrived). Returns each one's cold ms and failures.
 */
export async function warmUp(
  cv: OpenCV,
  stop: () => boolean = () => false,
): Promise<{ spentMs: Record<string, number>; errors: string[] }> {
  const spentMs: Record<string, number> = {};
  const stages = new TransformStages(cv);
  const rgba = new cv.Mat(HEIGHT, WIDTH, cv.CV_8UC4);
  const luma = new cv.Mat(HEIGHT, WIDTH, cv.CV_8UC1);
  const chroma: [Mat, Mat] = [
    new cv.Mat(HEIGHT / 2, WIDTH / 2, cv.CV_8UC1, new cv.Scalar(110)),
    new cv.Mat(HEIGHT / 2, WIDTH / 2, cv.CV_8UC1, new cv.Scalar(150)),
  ];
  try {
    // Detect filters run beside the worker, and those that run as FFmpeg graphs have nothing to compile here.
    for (const transform of listTransforms().filter((t) => isBuiltin(t.id) && !t.identity && t.kind !== 'detect' && !runsNative(t))) {
      await new Promise((resolve) => setImmediate(resolve));
      if (stop()) break;
      const start = performance.now();
      stages.set([{ id: transform.id, params: withDefaults(transform.params) }]);
      for (const image of [rgba, luma]) texture(image);
      if (stages.input === 'rgba') stages.apply(rgba, WIDTH, HEIGHT, 0);
      else stages.apply(luma, WIDTH, HEIGHT, 0, stages.input === 'yuv' ? chroma : undefined);
      spentMs[transform.id] = performance.now() - start;
    }
    return { spentMs, errors: stages.errors };
  } finally {
    stages.dispose();
    for (const mat of [rgba, luma, ...chroma]) mat.delete();
  }
}

/** Blocks, stripes and a bright disc: enough structure for edges, contours and hysteresis to run their full paths. */
function texture(image: Mat): void {
  const channels = image.channels();
  const data: Uint8Array = image.data;
  for (let row = 0; row < image.rows; row++) {
    for (let col = 0; col < image.cols; col++) {
      const disc = (col - 200) ** 2 + (row - 120) ** 2 < 40 ** 2;
      const value = disc ? 250 : (((col >> 4) + (row >> 4)) & 1 ? 180 : 60) + ((col * 7 + row * 13) % 23);
      const at = (row * image.cols + col) * channels;
      for (let c = 0; c < channels; c++) data[at + c] = c === 3 ? 255 : value;
    }
  }
}
