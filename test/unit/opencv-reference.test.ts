import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadOpenCV, type OpenCV } from '../../electron/core/transforms/opencv.js';
import { findTransform } from '../../electron/core/transforms/registry.js';
import { withDefaults } from '../../electron/core/transforms/types.js';
import { noisyCard, whiteSquare } from '../support/images.js';
import { opencvPython } from '../support/opencv-python.js';

let cv: OpenCV;
before(async () => ({ cv } = await loadOpenCV()));

/** Our transform (as the pipeline runs it) vs the same operation in Python OpenCV, per output channel. */
function compare(id: string, python: string, source: OpenCV, tolerance: { meanAbs: number; maxMismatched: number }) {
  const transform = findTransform(id)!;
  const input = new Uint8Array(source.data);
  const reference = opencvPython(python, input, source.cols, source.rows);
  const gray = transform.input === 'gray';
  const image = gray ? new cv.Mat() : source;
  if (gray) cv.cvtColor(source, image, cv.COLOR_RGBA2GRAY);
  const instance = transform.create(cv);
  instance.apply({ image, width: source.cols, height: source.rows, time: 0 }, withDefaults(transform.params));
  instance.dispose();
  const ours: Uint8Array = image.data;
  assert.equal(ours.length, reference.length, `${id}: same output size`);
  let sum = 0;
  let mismatched = 0;
  for (let i = 0; i < ours.length; i++) {
    const d = Math.abs(ours[i] - reference[i]);
    sum += d;
    if (d > 2) mismatched++;
  }
  if (gray) image.delete();
  const meanAbs = sum / ours.length;
  assert.ok(meanAbs <= tolerance.meanAbs, `${id}: mean |difference| ${meanAbs.toFixed(3)} <= ${tolerance.meanAbs}`);
  assert.ok(mismatched / ours.length <= tolerance.maxMismatched, `${id}: ${((100 * mismatched) / ours.length).toFixed(2)} % of values differ by more than 2`);
}

describe('transforms match Python OpenCV (python3-opencv) on the same input', () => {
  // Tolerances: exact operations must match exactly; Canny may differ on a few tie-break pixels
  // because we feed it luma from libswscale/cvtColor rounding rather than cv2's BGR2GRAY.
  it('edges = cv2.Canny(gray, 100, 200), within 0.5 % of pixels', () =>
    compare('edges', 'out = cv2.Canny(cv2.cvtColor(img, cv2.COLOR_RGBA2GRAY), 100, 200)', noisyCard(cv, 160, 120), { meanAbs: 1.5, maxMismatched: 0.005 }));
  it('blur = cv2.blur(img, (15, 15)), exactly', () => compare('blur', 'out = cv2.blur(img, (15, 15))', noisyCard(cv, 160, 120), { meanAbs: 0, maxMismatched: 0 }));
  it('invert = cv2.bitwise_not, exactly', () => compare('invert', 'out = cv2.bitwise_not(img)', noisyCard(cv, 160, 120), { meanAbs: 0, maxMismatched: 0 }));
  it('mirror = cv2.flip(img, 1), exactly', () => compare('mirror', 'out = cv2.flip(img, 1)', noisyCard(cv, 160, 120), { meanAbs: 0, maxMismatched: 0 }));
  it('pixelate = INTER_AREA down, INTER_NEAREST up, exactly', () =>
    compare('pixelate', 'out = cv2.resize(cv2.resize(img, (10, 8), interpolation=cv2.INTER_AREA), (160, 120), interpolation=cv2.INTER_NEAREST)', noisyCard(cv, 160, 120), { meanAbs: 0, maxMismatched: 0 }));
  it('rotate (45 deg/s at t=0 is the identity) = input', () => compare('rotate', 'out = img', whiteSquare(cv, 160, 120, 40), { meanAbs: 0, maxMismatched: 0 }));
});
