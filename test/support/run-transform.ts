import { TransformStages } from '../../electron/core/worker/transform-stages.js';
import type { OpenCV, Mat } from '../../electron/core/transforms/opencv.js';
import { findTransform } from '../../electron/core/transforms/registry.js';
import { withDefaults, type ParamValues, type TransformResult } from '../../electron/core/transforms/types.js';

/**
 * One transform as a one-stage chain on an RGBA Mat, in place, through the pipeline's own
 * TransformStages (which hands grey and 'yuv' transforms the form they ask for). Reuse the
 * returned runner across frames; dispose it at the end.
 */
export function transformRunner(cv: OpenCV, id: string, params: ParamValues = {}) {
  const transform = findTransform(id);
  if (!transform) throw new Error(`no transform ${id}`);
  const stages = new TransformStages(cv);
  stages.set([{ id, params: withDefaults(transform.params, params) }]);
  return {
    run(rgba: Mat, time = 0): TransformResult | undefined {
      const results = stages.apply(rgba, rgba.cols, rgba.rows, time);
      // Built-ins and JS plugins answer at once; only Python filters answer with a promise.
      if (results instanceof Promise) throw new Error(`${id} answered asynchronously`);
      const errors = stages.errors.splice(0);
      if (errors.length) throw new Error(errors.join('; '));
      return results[id];
    },
    dispose: () => stages.dispose(),
  };
}

/** Runs transform `id` once on `rgba` in place; returns what it reported. */
export function runTransform(cv: OpenCV, id: string, rgba: Mat, time = 0, params: ParamValues = {}): TransformResult | undefined {
  const runner = transformRunner(cv, id, params);
  try {
    return runner.run(rgba, time);
  } finally {
    runner.dispose();
  }
}
