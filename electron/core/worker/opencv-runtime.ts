import { loadOpenCV, type OpenCV } from '../transforms/opencv.js';

let loaded: OpenCV | undefined;

/** OpenCV.js in this thread: loaded on the first call (~0.5 s of CPU, 40-75 MB), by a chain that needs it. */
export async function openCv(): Promise<OpenCV> {
  loaded ??= (await loadOpenCV()).cv;
  return loaded;
}

/** The runtime openCv() loaded; a chain that needs it is set only once it is there. */
export function loadedCv(): OpenCV {
  if (!loaded) throw new Error('OpenCV.js is not loaded in this worker');
  return loaded;
}

export function cvLoaded(): boolean {
  return loaded !== undefined;
}
