import { createRequire } from 'node:module';

// OpenCV.js ships no precise types for what we use; keep the surface we rely on explicit.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type OpenCV = any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Mat = any;

let loading: Promise<{ cv: OpenCV }> | undefined;

/**
 * Loads the OpenCV.js WASM runtime once per thread (~0.5 s). 4.11's module is a Promise of the
 * runtime; 4.12's is the runtime, ready at onRuntimeInitialized. Resolved as `{ cv }`, since
 * resolving a promise with the thenable runtime itself spins forever.
 */
export function loadOpenCV(): Promise<{ cv: OpenCV }> {
  loading ??= new Promise((resolve, reject) => {
    const loaded = createRequire(import.meta.url)('@techstark/opencv-js');
    if (loaded instanceof Promise) loaded.then((cv: OpenCV) => resolve({ cv }), reject);
    else if (loaded.Mat) resolve({ cv: loaded });
    else loaded.onRuntimeInitialized = () => resolve({ cv: loaded });
  });
  return loading;
}
