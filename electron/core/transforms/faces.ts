import { readFileSync } from 'node:fs';
import { packagePath } from '../base/paths.js';
import { detectTransform } from './detect-filter.js';
import type { Mat, OpenCV } from './opencv.js';
import type { ParamValues } from './types.js';

const CASCADE_FILE = 'haarcascade_frontalface_default.xml';
/** Detection runs on a copy this wide: Haar cascades are slow, and faces stay findable at this size. */
const DETECT_WIDTH = 320;

const runtimesWithCascade = new WeakSet<object>();

/** Puts the cascade into the OpenCV.js runtime's virtual file system, once per runtime. */
function ensureCascadeFile(cv: OpenCV): void {
  if (runtimesWithCascade.has(cv)) return;
  cv.FS_createDataFile('/', CASCADE_FILE, readFileSync(packagePath(`assets/haarcascades/${CASCADE_FILE}`)), true, false, false);
  runtimesWithCascade.add(cv);
}

/**
 * Frontal faces with OpenCV's Haar cascade (~20 ms a 640x480 frame in OpenCV.js): a detect
 * filter, so it runs in a thread of its own and the boxes are drawn on every frame (docs/detect.md).
 */
export const facesDetector = {
  create(cv: OpenCV) {
    ensureCascadeFile(cv);
    const classifier = new cv.CascadeClassifier();
    if (!classifier.load(CASCADE_FILE)) throw new Error('cannot load the face cascade');
    const gray = new cv.Mat();
    const small = new cv.Mat();
    const found = new cv.RectVector();
    return {
      detect(frame: { image: Mat; width: number; height: number }, params: ParamValues) {
        const scale = Math.min(1, DETECT_WIDTH / frame.width);
        cv.cvtColor(frame.image, gray, cv.COLOR_RGBA2GRAY);
        cv.resize(gray, small, new cv.Size(Math.round(frame.width * scale), Math.round(frame.height * scale)), 0, 0, cv.INTER_AREA);
        cv.equalizeHist(small, small);
        const minSide = Math.max(12, Math.round((small.rows * Number(params.minSize)) / 100));
        classifier.detectMultiScale(small, found, 1.15, Number(params.neighbours), 0, new cv.Size(minSide, minSide));
        const boxes: { x: number; y: number; width: number; height: number; label: string }[] = [];
        for (let i = 0; i < found.size(); i++) {
          const r = found.get(i);
          const [x, y, width, height] = [r.x, r.y, r.width, r.height].map((v) => Math.round(v / scale));
          boxes.push({ x, y, width, height, label: 'face' });
        }
        return { boxes, count: boxes.length };
      },
      dispose() {
        classifier.delete();
        gray.delete();
        small.delete();
        found.delete();
      },
    };
  },
};

export const faces = detectTransform({
  id: 'faces',
  label: 'Face detection',
  params: [
    { name: 'neighbours', label: 'Min neighbours', type: 'number', min: 1, max: 10, step: 1, default: 4 },
    { name: 'minSize', label: 'Min face size (% of height)', type: 'number', min: 2, max: 80, step: 1, default: 8 },
  ],
  detector: { runtime: 'js', module: import.meta.url, exportName: 'facesDetector' },
});
