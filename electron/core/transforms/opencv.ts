import { createRequire } from 'node:module';

// OpenCV.js ships no precise types for what we use; keep the surface we rely on explicit.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type OpenCV = any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Mat = any;

let loading: Promise<{ cv: OpenCV }> | undefined;

/**
 * Loads the OpenCV.js WASM runtime once per thread (~0.5 s).
 * The module object is a thenable: resolving a promise with it spins forever,
 * so we resolve with a wrapper and callers destructure `{ cv }`.
 */
export function loadOpenCV(): Promise<{ cv: OpenCV }> {
  loading ??= new Promise((resolve) => {
    const cv = createRequire(import.meta.url)('@techstark/opencv-js');
    if (cv.Mat) resolve({ cv });
    else cv.onRuntimeInitialized = () => resolve({ cv });
  });
  return loading;
}
