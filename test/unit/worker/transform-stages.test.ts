import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { TransformStages } from '../../../electron/core/worker/transform-stages.js';
import { parseChain, type TransformChain } from '../../../electron/core/transforms/chain.js';
import { loadOpenCV, type OpenCV } from '../../../electron/core/transforms/opencv.js';
import { noisyCard } from '../../support/images.js';

let cv: OpenCV;
before(async () => ({ cv } = await loadOpenCV()));

const chain = (...ids: string[]): TransformChain => parseChain(ids.map((id) => ({ id, params: id === 'rotate' ? { speed: 90 } : {} })));

describe('TransformStages hands each chain the cheapest form it can work on', () => {
  it('grey for luma-only chains, the three planes for luma + geometry, RGBA as soon as one stage needs colour', () => {
    const stages = new TransformStages(cv);
    const cases: [string[], string][] = [
      [['edges'], 'gray'],
      [['rotate'], 'yuv'],
      [['edges', 'rotate'], 'yuv'],
      [['rotate', 'sepia'], 'rgba'],
      [['none', 'rotate'], 'yuv'],
      [['sepia'], 'rgba'],
    ];
    for (const [ids, input] of cases) {
      stages.set(chain(...ids));
      assert.equal(stages.input, input, ids.join(' + '));
    }
    stages.dispose();
  });

  it('on planes, a luma-only stage leaves the chroma neutral and geometry moves all three planes', () => {
    const stages = new TransformStages(cv);
    stages.set(chain('edges', 'rotate'));
    const y = new cv.Mat(120, 160, cv.CV_8UC1, new cv.Scalar(0));
    cv.rectangle(y, new cv.Point(40, 50), new cv.Point(120, 70), new cv.Scalar(255), -1);
    const u = new cv.Mat(60, 80, cv.CV_8UC1, new cv.Scalar(90));
    const v = new cv.Mat(60, 80, cv.CV_8UC1, new cv.Scalar(170));
    stages.apply(y, 160, 120, 1, [u, v]);
    // Edges of a horizontal bar, turned 90 degrees: the lines now run vertically through the centre.
    assert.ok(
      y.ucharPtr(20, 70)[0] > 0 || y.ucharPtr(20, 69)[0] > 0 || y.ucharPtr(20, 90)[0] > 0 || y.ucharPtr(20, 89)[0] > 0,
      'a vertical edge line above the centre',
    );
    assert.equal(y.ucharPtr(60, 30)[0], 0, 'nothing left where the horizontal bar was');
    assert.equal(u.ucharPtr(30, 40)[0], 128, 'chroma neutral after a grey stage');
    assert.equal(v.ucharPtr(30, 40)[0], 128);
    for (const m of [y, u, v]) m.delete();
    stages.dispose();
  });

  it('a geometry stage inside an RGBA chain gets planes converted from and back to RGBA', () => {
    const stages = new TransformStages(cv);
    stages.set(chain('rotate', 'invert'));
    const card = noisyCard(cv, 160, 120);
    const before = new Uint8Array(card.data);
    stages.apply(card, 160, 120, 0);
    assert.deepEqual(stages.errors, []);
    // rotate at t=0 is the identity (up to the I420 round trip), then invert.
    let diff = 0;
    const after: Uint8Array = card.data;
    for (let i = 0; i < after.length; i += 4) diff += Math.abs(255 - after[i] - before[i]);
    assert.ok(diff / (after.length / 4) < 12, `mean difference ${(diff / (after.length / 4)).toFixed(1)} after the round trip`);
    card.delete();
    stages.dispose();
  });
});
