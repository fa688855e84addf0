import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { loadOpenCV, type OpenCV } from '../../../electron/core/transforms/opencv.js';
import { loadPlugins } from '../../../electron/core/plugins/js-plugins.js';
import { listTransforms, setPluginTransforms } from '../../../electron/core/transforms/registry.js';
import { facesDetector } from '../../../electron/core/transforms/faces.js';
import { runTransform, transformRunner } from '../../support/run-transform.js';
import { distinctColours, luma, noisyCard, pixel, roughness, whiteSquare } from '../../support/images.js';

let cv: OpenCV;
before(async () => ({ cv } = await loadOpenCV()));

const run = (id: string, mat: OpenCV, params = {}, time = 0) => runTransform(cv, id, mat, time, params);

describe('built-in transforms, on a 160x120 white square (side 40) or a noisy colour card', () => {
  it('grayscale leaves no colour', () => {
    const card = noisyCard(cv, 160, 120);
    run('grayscale', card);
    const [r, g, b] = pixel(card, 20, 20);
    assert.ok(r === g && g === b);
    card.delete();
  });

  it('invert turns black to white and white to black', () => {
    const m = whiteSquare(cv, 160, 120, 40);
    run('invert', m);
    assert.equal(luma(m, 80, 60), 0);
    assert.equal(luma(m, 5, 5), 255);
    m.delete();
  });

  it('mirror flips left and right', () => {
    const m = new cv.Mat(120, 160, cv.CV_8UC4, new cv.Scalar(0, 0, 0, 255));
    cv.rectangle(m, new cv.Point(0, 0), new cv.Point(19, 119), new cv.Scalar(255, 255, 255, 255), -1);
    run('mirror', m);
    assert.equal(luma(m, 5, 60), 0);
    assert.equal(luma(m, 155, 60), 255);
    m.delete();
  });

  it('blur softens the square edge and keeps the mean', () => {
    const m = whiteSquare(cv, 160, 120, 40);
    run('blur', m, { size: 9 });
    const edge = luma(m, 60, 60);
    assert.ok(edge > 60 && edge < 200, `edge pixel is in between (${edge})`);
    assert.ok(luma(m, 80, 60) > 250 && luma(m, 5, 5) < 5);
    m.delete();
  });

  it('pixelate makes blocks of one colour', () => {
    const card = noisyCard(cv, 160, 120);
    run('pixelate', card, { block: 8 });
    assert.deepEqual(pixel(card, 16, 16), pixel(card, 23, 23));
    assert.ok(distinctColours(card) <= 20 * 15);
    card.delete();
  });

  it('sepia tints grey towards brown (R > G > B)', () => {
    const m = new cv.Mat(10, 10, cv.CV_8UC4, new cv.Scalar(128, 128, 128, 255));
    run('sepia', m);
    const [r, g, b] = pixel(m, 5, 5);
    assert.ok(r > g && g > b, `${r},${g},${b}`);
    m.delete();
  });

  it('sketch gives a white page with dark pencil lines at edges', () => {
    const m = whiteSquare(cv, 160, 120, 40);
    cv.bitwise_not(m, m); // black square on white paper
    run('sketch', m);
    assert.ok(luma(m, 5, 5) > 240, 'paper stays white');
    assert.ok(luma(m, 60, 60) < 200, 'the square edge is drawn');
    m.delete();
  });

  it('motion reports nothing on a still picture and the moved area when it moves', () => {
    const motion = transformRunner(cv, 'motion');
    const still = whiteSquare(cv, 160, 120, 40);
    motion.run(still, 0);
    const again = whiteSquare(cv, 160, 120, 40);
    assert.deepEqual(motion.run(again, 0.03), { motion: 0 });
    const moved = whiteSquare(cv, 160, 120, 60);
    const result = motion.run(moved, 0.06) as { motion: number };
    assert.ok(result.motion > 0.02, `moved fraction ${result.motion}`);
    assert.deepEqual(pixel(moved, 52, 60), [255, 0, 0], 'moved pixels are painted red');
    motion.dispose();
    for (const m of [still, again, moved]) m.delete();
  });

  it('overlay prints text on the picture', () => {
    const m = new cv.Mat(240, 320, cv.CV_8UC4, new cv.Scalar(0, 0, 0, 255));
    run('overlay', m, {}, 1.5);
    let bright = 0;
    for (let x = 0; x < 320; x++) for (let y = 0; y < 40; y++) if (luma(m, x, y) > 200) bright++;
    assert.ok(bright > 50, `text pixels in the top band (${bright})`);
    m.delete();
  });

  it('faces (a detect filter: run by its detector, in a thread of its own in a call) finds nothing where there is no face', () => {
    const card = noisyCard(cv, 320, 240);
    const detector = facesDetector.create(cv);
    assert.deepEqual(detector.detect({ image: card, width: 320, height: 240 }, { neighbours: 4, minSize: 8 }), { boxes: [], count: 0 });
    detector.dispose();
    card.delete();
  });

  it('every built-in keeps the frame size and type, and param specs are sane', () => {
    // Detect filters draw what a runner found: see test/unit/worker/detect-stage.test.ts.
    for (const transform of listTransforms().filter((t) => t.kind !== 'detect')) {
      const m = noisyCard(cv, 96, 64);
      run(transform.id, m);
      assert.equal(m.cols, 96, transform.id);
      assert.equal(m.rows, 64, transform.id);
      assert.equal(m.type(), cv.CV_8UC4, transform.id);
      m.delete();
      for (const p of transform.params)
        if (p.type === 'number') assert.ok(p.min <= p.default && p.default <= p.max, `${transform.id}.${p.name}`);
    }
  });

  it('cartoon still flattens noise', () => {
    const card = noisyCard(cv, 320, 240);
    const before = roughness(card);
    run('cartoon', card);
    assert.ok(roughness(card) < before);
    card.delete();
  });
});

describe('the example plugins', () => {
  it('load without errors and do what they say', async () => {
    const { transforms, errors } = await loadPlugins(new URL('../../../../plugins/examples', import.meta.url).pathname);
    assert.deepEqual(errors, []);
    assert.deepEqual(transforms.map((t) => [t.id, t.kind ?? 'apply']).sort(), [
      ['bright-spots', 'apply'],
      ['moving-things', 'detect'],
      ['vignette', 'apply'],
    ]);
    setPluginTransforms(transforms);
    const m = new cv.Mat(120, 160, cv.CV_8UC4, new cv.Scalar(200, 200, 200, 255));
    run('vignette', m);
    assert.ok(luma(m, 2, 2) < luma(m, 80, 60) - 50, 'corners darker than the centre');
    m.delete();
    const square = whiteSquare(cv, 160, 120, 40);
    const result = run('bright-spots', square) as { count: number };
    assert.equal(result.count, 1);
    square.delete();
    setPluginTransforms([]);
  });

  it('moving-things (a JS detect) boxes the square that moved between two calls', async () => {
    const { default: plugin } = await import(new URL('../../../../plugins/examples/moving-things.mjs', import.meta.url).href);
    const detector = plugin.create(cv);
    const params = { threshold: 25, minArea: 0.2 };
    const still = whiteSquare(cv, 160, 120, 30);
    assert.deepEqual(detector.detect({ image: still, width: 160, height: 120 }, params), { boxes: [], moving: 0 });
    const moved = new cv.Mat(120, 160, cv.CV_8UC4, new cv.Scalar(0, 0, 0, 255));
    cv.rectangle(moved, new cv.Point(10, 10), new cv.Point(39, 39), new cv.Scalar(255, 255, 255, 255), -1);
    const { boxes } = detector.detect({ image: moved, width: 160, height: 120 }, params);
    assert.equal(boxes.length, 2, 'where it went, and where it was');
    assert.ok(
      boxes.some((b: { x: number; y: number }) => b.x <= 10 && b.y <= 10),
      JSON.stringify(boxes),
    );
    detector.dispose();
    still.delete();
    moved.delete();
  });
});

describe("a plugin's shape", () => {
  it("keeps 'yuv' input and workWidth, and refuses a workWidth that is not a size", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'camloop-plugins-'));
    try {
      const plugin = (id: string, extra: string) =>
        `export default { id: '${id}', label: '${id}', params: [], ${extra} create() { return { apply() {}, dispose() {} }; } };\n`;
      writeFileSync(join(dir, 'flip.mjs'), plugin('flip', "input: 'yuv', workWidth: Infinity,"));
      writeFileSync(join(dir, 'wide.mjs'), plugin('wide', "workWidth: 'big',"));
      const { transforms, errors } = await loadPlugins(dir);
      assert.deepEqual(
        transforms.map((t) => [t.id, t.input, t.workWidth]),
        [['flip', 'yuv', Infinity]],
      );
      assert.deepEqual(
        errors.map((e) => e.file),
        ['wide.mjs'],
      );
      assert.match(errors[0]!.message, /workWidth must be a number of pixels/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
