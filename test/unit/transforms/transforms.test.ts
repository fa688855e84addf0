import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadOpenCV, type OpenCV } from '../../../electron/core/transforms/opencv.js';
import { describeTransforms, findTransform } from '../../../electron/core/transforms/registry.js';
import { runTransform } from '../../support/run-transform.js';
import { brightFraction, distinctColours, luma, noisyCard, roughness, whiteSquare } from '../../support/images.js';

let cv: OpenCV;
before(async () => ({ cv } = await loadOpenCV()));

/** Runs a transform the way the pipeline does (see runTransform); returns the Mat. */
function run(id: string, mat: OpenCV, time = 0, params = {}) {
  runTransform(cv, id, mat, time, params);
  return mat;
}

describe('transform registry', () => {
  it('lists the seed transforms with serialisable params', () => {
    const ids = describeTransforms().map((t) => t.id);
    assert.deepEqual(ids.slice(0, 4), ['none', 'edges', 'cartoon', 'rotate']);
    assert.doesNotThrow(() => JSON.parse(JSON.stringify(describeTransforms())));
  });
  it('has no entry for unknown names', () => assert.equal(findTransform('sharpen-all-the-things'), undefined));
});

describe('transforms on a white square (160x120, side 40)', () => {
  const mats: OpenCV[] = [];
  const square = () => {
    const m = whiteSquare(cv, 160, 120, 40);
    mats.push(m);
    return m;
  };
  after(() => mats.forEach((m) => m.delete()));

  it('none leaves every pixel alone', () => {
    const out = run('none', square());
    assert.equal(luma(out, 80, 60), 255);
    assert.equal(luma(out, 5, 5), 0);
  });

  it('edges keeps only the outline', () => {
    const out = run('edges', square());
    // square spans x 60..99, y 40..79
    assert.ok(luma(out, 60, 60) > 200 || luma(out, 59, 60) > 200, 'left edge is bright');
    assert.ok(luma(out, 80, 40) > 200 || luma(out, 80, 39) > 200, 'top edge is bright');
    assert.equal(luma(out, 80, 60), 0, 'interior is dark');
    assert.equal(luma(out, 10, 10), 0, 'background is dark');
    const fraction = brightFraction(out);
    assert.ok(fraction > 0.005 && fraction < 0.03, `only a thin outline is bright (${fraction})`);
  });

  it('edges honours its thresholds: above the step height nothing is found', () => {
    const out = run('edges', square(), 0, { low: 2000, high: 4000 });
    assert.equal(brightFraction(out), 0);
  });

  it('rotate turns the square by 45 degrees after one second', () => {
    const out = run('rotate', square(), 1);
    assert.ok(luma(out, 97, 77) < 60, 'the old corner is now outside the square');
    assert.ok(luma(out, 80 + 26, 60) > 200, 'a rotated corner now points along the x axis');
    assert.ok(luma(out, 80, 60) > 200, 'the centre stays white');
  });

  it('rotate at time 0 is the identity', () => {
    const out = run('rotate', square(), 0);
    assert.ok(luma(out, 97, 77) > 200);
  });
});

describe('cartoon', () => {
  for (const [width, height] of [
    [320, 240],
    [360, 270],
    [1280, 720],
  ]) {
    it(`flattens the colours of a noisy ${width}x${height} picture and keeps its size`, () => {
      const card = noisyCard(cv, width, height);
      const [coloursBefore, roughBefore] = [distinctColours(card), roughness(card)];
      run('cartoon', card);
      const [coloursAfter, roughAfter] = [distinctColours(card), roughness(card)];
      assert.equal(card.cols, width);
      assert.equal(card.rows, height);
      assert.ok(coloursAfter < coloursBefore / 2, `${coloursBefore} colours -> ${coloursAfter}`);
      assert.ok(roughAfter < roughBefore * 0.7, `noise ${roughBefore.toFixed(1)} -> ${roughAfter.toFixed(1)}`);
      card.delete();
    });
  }
});
