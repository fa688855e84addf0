import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadOpenCV, type OpenCV } from '../../../electron/core/transforms/opencv.js';
import { noisyCard } from '../../support/images.js';
import { opencvPython } from '../../support/opencv-python.js';
import { runTransform } from '../../support/run-transform.js';

let cv: OpenCV;
before(async () => ({ cv } = await loadOpenCV()));

/** Our transform (as the pipeline runs it, on RGBA) vs the same operation in Python OpenCV, per value. */
function compare(id: string, python: string, source: OpenCV, tolerance: { meanAbs: number; maxMismatched: number }, time = 0) {
  const reference = opencvPython(python, new Uint8Array(source.data), source.cols, source.rows);
  runTransform(cv, id, source, time);
  const ours: Uint8Array = source.data;
  assert.equal(ours.length, reference.length, `${id}: same output size`);
  let sum = 0;
  let mismatched = 0;
  for (let i = 0; i < ours.length; i++) {
    const d = Math.abs(ours[i] - reference[i]);
    sum += d;
    if (d > 2) mismatched++;
  }
  const meanAbs = sum / ours.length;
  assert.ok(meanAbs <= tolerance.meanAbs, `${id}: mean |difference| ${meanAbs.toFixed(3)} <= ${tolerance.meanAbs}`);
  assert.ok(
    mismatched / ours.length <= tolerance.maxMismatched,
    `${id}: ${((100 * mismatched) / ours.length).toFixed(2)} % of values differ by more than 2`,
  );
}

/** Python for a 'yuv' transform in an RGBA chain: RGBA -> I420 planes, `perPlane(p, fill)` on each, back to RGBA. */
const onPlanes = (perPlane: string) => `
h, w = img.shape[:2]
yuv = cv2.cvtColor(img, cv2.COLOR_RGBA2YUV_I420)
planes = [yuv[:h], yuv[h:h + h // 4].reshape(h // 2, w // 2), yuv[h + h // 4:].reshape(h // 2, w // 2)]
def op(p, fill):
${perPlane}
done = [op(p, f) for p, f in zip(planes, [16, 128, 128])]
out = cv2.cvtColor(np.concatenate([d.ravel() for d in done]).reshape(h * 3 // 2, w), cv2.COLOR_YUV2RGBA_I420)`;

describe('transforms match Python OpenCV (python3-opencv) on the same input', () => {
  // Tolerances: exact operations must match exactly; Canny may differ on a few tie-break pixels
  // because we feed it luma from libswscale/cvtColor rounding rather than cv2's BGR2GRAY.
  it('edges = cv2.Canny(gray, 100, 200), within 0.5 % of pixels', () =>
    compare(
      'edges',
      'out = cv2.cvtColor(cv2.Canny(cv2.cvtColor(img, cv2.COLOR_RGBA2GRAY), 100, 200), cv2.COLOR_GRAY2RGBA)',
      noisyCard(cv, 160, 120),
      { meanAbs: 1.5, maxMismatched: 0.005 },
    ));
  it('blur = cv2.blur(img, (15, 15)), exactly', () =>
    compare('blur', 'out = cv2.blur(img, (15, 15))', noisyCard(cv, 160, 120), { meanAbs: 0, maxMismatched: 0 }));
  it('invert = cv2.bitwise_not, exactly', () =>
    compare('invert', 'out = cv2.bitwise_not(img)', noisyCard(cv, 160, 120), { meanAbs: 0, maxMismatched: 0 }));
  it('mirror = cv2.flip(p, 1) on each YUV plane, exactly', () =>
    compare('mirror', onPlanes('    return cv2.flip(p, 1)'), noisyCard(cv, 160, 120), { meanAbs: 0, maxMismatched: 0 }));
  it('pixelate = INTER_AREA down, INTER_NEAREST up, exactly', () =>
    compare(
      'pixelate',
      'out = cv2.resize(cv2.resize(img, (10, 8), interpolation=cv2.INTER_AREA), (160, 120), interpolation=cv2.INTER_NEAREST)',
      noisyCard(cv, 160, 120),
      { meanAbs: 0, maxMismatched: 0 },
    ));
  it('rotate = cv2.warpAffine about the centre on each YUV plane, within rounding', () =>
    compare(
      'rotate',
      onPlanes(
        '    M = cv2.getRotationMatrix2D((p.shape[1] / 2, p.shape[0] / 2), 45, 1)\n    return cv2.warpAffine(p, M, (p.shape[1], p.shape[0]), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=fill)',
      ),
      noisyCard(cv, 160, 120),
      { meanAbs: 0.5, maxMismatched: 0.005 },
      1,
    ));
});
