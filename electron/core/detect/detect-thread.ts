import { parentPort, workerData } from 'node:worker_threads';
import { MAX_MASK_PIXELS, MAX_RESULT_JSON_BYTES } from '../transforms/detect-filter.js';
import { loadOpenCV, type Mat, type OpenCV } from '../transforms/opencv.js';
import type { ParamValues } from '../transforms/types.js';
import type { Mask } from './schema.js';

/** What the thread loads: a module whose export `exportName` is {create(cv) -> {detect(frame, params), dispose()}}. */
export interface DetectThreadData {
  module: string;
  exportName: string;
}

export type ToDetectThread = { type: 'frame'; pixels: Uint8Array; width: number; height: number; time: number; params: ParamValues };
export type FromDetectThread =
  | { type: 'ready' }
  | { type: 'result'; json: string; mask?: Mask }
  | { type: 'error'; message: string }
  /** It cannot run at all (the module, create() or OpenCV.js failed). */
  | { type: 'fatal'; message: string };

interface Detector {
  detect(frame: { image: Mat; width: number; height: number; time: number }, params: ParamValues): unknown;
  dispose?(): void;
}

/**
 * A JS detect() in a thread of its own (see JsThreadRunner): OpenCV.js loaded here, the module
 * imported, one frame at a time (RGBA, rows packed). Results leave as JSON text, refused here when
 * they are too large or hold a NaN; a mask leaves as its bytes.
 */
async function main(): Promise<void> {
  const port = parentPort!;
  const { module, exportName } = workerData as DetectThreadData;
  let cv: OpenCV;
  let detector: Detector;
  try {
    ({ cv } = await loadOpenCV());
    const exported = ((await import(module)) as Record<string, { create?: (cv: OpenCV) => Detector } | undefined>)[exportName];
    if (typeof exported?.create !== 'function') throw new Error(`its ${exportName} export has no create(cv)`);
    detector = exported.create(cv);
    if (typeof detector?.detect !== 'function') throw new Error('create(cv) returned no detect(frame, params)');
  } catch (error) {
    port.postMessage({ type: 'fatal', message: describe(error) } satisfies FromDetectThread);
    return;
  }
  let image: Mat | undefined;
  port.on('message', async ({ pixels, width, height, time, params }: ToDetectThread) => {
    try {
      if (image?.cols !== width || image?.rows !== height) {
        image?.delete();
        image = new cv.Mat(height, width, cv.CV_8UC4);
      }
      image.data.set(pixels);
      const { json, mask } = serialise(await detector.detect({ image, width, height, time }, params), cv);
      port.postMessage({ type: 'result', json, mask } satisfies FromDetectThread, mask ? [mask.data.buffer as ArrayBuffer] : []);
    } catch (error) {
      port.postMessage({ type: 'error', message: describe(error) } satisfies FromDetectThread);
    }
  });
  port.postMessage({ type: 'ready' } satisfies FromDetectThread);
}

/** detect()'s answer -> JSON text (the mask taken out) and the mask's bytes, a copy. Throws what is wrong. */
function serialise(returned: unknown, cv: OpenCV): { json: string; mask?: Mask } {
  let rest = returned ?? {};
  let mask: Mask | undefined;
  if (typeof rest === 'object' && !Array.isArray(rest) && 'mask' in rest) {
    const { mask: given, ...others } = rest as { mask: unknown };
    rest = others;
    mask = given === undefined || given === null ? undefined : toMask(given, cv);
  }
  const json = JSON.stringify(rest, (key, value: unknown) => {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`results hold ${value} at "${key}": numbers must be finite`);
    return value;
  });
  if (json.length > MAX_RESULT_JSON_BYTES)
    throw new Error(`results are ${(json.length / (1 << 20)).toFixed(1)} MB of JSON: at most ${MAX_RESULT_JSON_BYTES >> 20} MB`);
  return { json, mask };
}

/** A CV_8UC1 cv.Mat, or {width, height, data: Uint8Array}. */
function toMask(given: unknown, cv: OpenCV): Mask {
  const isMat = given instanceof cv.Mat;
  const { width, height, data } = isMat
    ? { width: (given as Mat).cols, height: (given as Mat).rows, data: (given as Mat).data }
    : (given as { width?: unknown; height?: unknown; data?: unknown });
  if (isMat && (given as Mat).type() !== cv.CV_8UC1) throw new Error('the mask must be a CV_8UC1 Mat (one byte a pixel, 0-255)');
  if (typeof width !== 'number' || typeof height !== 'number' || !(data instanceof Uint8Array))
    throw new Error('the mask must be a CV_8UC1 cv.Mat or {width, height, data: Uint8Array}');
  if (width * height > MAX_MASK_PIXELS)
    throw new Error(`a mask of ${width}x${height}: at most ${MAX_MASK_PIXELS} pixels (scale it down: it is scaled to the picture anyway)`);
  return { width, height, data: new Uint8Array(data) };
}

/** An exception for a user: its message, and where in their code it was thrown. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const own = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line) && !line.includes('/detect-thread.js'));
  return [`${error.name}: ${error.message}`, ...own.slice(0, 3).map((line) => line.trim())].join('\n');
}

await main();
