import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { ResultEvent } from '../../../electron/core/detect/events.js';
import { parseChain } from '../../../electron/core/transforms/chain.js';
import { DETECT_PARAMS } from '../../../electron/core/transforms/detect-filter.js';
import { loadOpenCV, type Mat, type OpenCV } from '../../../electron/core/transforms/opencv.js';
import { withDefaults, type ParamValues } from '../../../electron/core/transforms/types.js';
import { DetectHost } from '../../../electron/core/worker/detect-host.js';
import { DetectStage } from '../../../electron/core/worker/detect-stage.js';
import { TransformStages } from '../../../electron/core/worker/transform-stages.js';
import { FakeRunner } from '../../support/fake-runner.js';
import { noisyCard, pixel, roughness } from '../../support/images.js';

let cv: OpenCV;
before(async () => ({ cv } = await loadOpenCV()));

const GREY = 90;
const grey = (width: number, height: number): Mat => new cv.Mat(height, width, cv.CV_8UC4, new cv.Scalar(GREY, GREY, GREY, 255));
const params = (values: ParamValues = {}) => withDefaults(DETECT_PARAMS, values);
const frame = (image: Mat, time: number) => ({ image, width: image.cols, height: image.rows, time });
const BOX = { x: 100, y: 60, width: 120, height: 100 };

function stageWith(runner = new FakeRunner()) {
  const events: ResultEvent[] = [];
  const errors: string[] = [];
  // Each look at the clock is 50 ms later: the default max rate (30/s) never holds a frame back.
  let now = 0;
  const sink = { result: (e: ResultEvent) => events.push(e), error: (m: string) => errors.push(m), boxes: () => {} };
  const stage = new DetectStage(cv, 'finder', runner, sink, () => (now += 50));
  return { stage, runner, events, errors };
}

/** The picture's region (x0..x1, y0..y1) as its own Mat, to measure (clone() shares data in this OpenCV.js). */
function region(mat: Mat, x0: number, y0: number, x1: number, y1: number): Mat {
  const roi = mat.roi(new cv.Rect(x0, y0, x1 - x0, y1 - y0));
  const out = new cv.Mat();
  roi.copyTo(out);
  roi.delete();
  return out;
}
const isGreen = ([r, g, b]: number[]) => g > 180 && r < 120 && b < 120;

describe('a detect stage in the codec worker', () => {
  it('hands the runner a copy of the newest frame only when it is idle, and draws the latest results on every frame', async () => {
    const { stage, runner, events } = stageWith();
    const first = grey(640, 480);
    first.data[0] = 7;
    stage.apply(frame(first, 1), params());
    first.data[0] = 8;
    stage.apply(frame(grey(640, 480), 1.033), params());
    assert.equal(runner.calls.length, 1, 'busy: the second frame is not handed over');
    assert.equal(runner.calls[0].frame.pixels[0], 7, 'a copy, taken when it was handed over');
    assert.deepEqual([runner.calls[0].frame.width, runner.calls[0].frame.time], [640, 1]);

    await runner.answer({ results: { boxes: [{ ...BOX, label: 'thing' }], mine: 42 } });
    assert.equal(events.length, 1);
    assert.deepEqual(
      [events[0].frameTime, events[0].width, events[0].results],
      [1, 640, { boxes: [{ ...BOX, label: 'thing' }], mine: 42 }],
    );

    // Drawn at the size of the picture it is drawn on: half the size, half the coordinates.
    const small = grey(320, 240);
    stage.apply(frame(small, 1.066), params());
    assert.ok(isGreen(pixel(small, 80, 30)), `the top edge at y = 30 (${pixel(small, 80, 30)})`);
    assert.ok(isGreen(pixel(small, 50, 55)), `the left edge at x = 50 (${pixel(small, 50, 55)})`);
    assert.deepEqual(pixel(small, 80, 45), [GREY, GREY, GREY], 'inside the box: untouched');
    assert.deepEqual(pixel(small, 130, 45), [GREY, GREY, GREY], 'right of the box: untouched');
    assert.deepEqual(pixel(small, 80, 6), [GREY, GREY, GREY], 'above the box and its label: untouched');
    assert.ok(!isGreen(pixel(small, 80, 33)), 'the edge is a line, not a band');
    assert.equal(runner.calls.length, 2, 'idle again: this frame went to the runner');
    assert.equal(runner.calls[1].frame.width, 320);
    stage.dispose();
  });

  it('converts to BGR for a runner that wants it', () => {
    const { stage, runner } = stageWith(new FakeRunner('bgr'));
    const image = new cv.Mat(2, 2, cv.CV_8UC4, new cv.Scalar(10, 20, 30, 255));
    stage.apply(frame(image, 0), params());
    assert.deepEqual([...runner.calls[0].frame.pixels.subarray(0, 3)], [30, 20, 10]);
    stage.dispose();
  });

  it('results older than maxAge fade out over half a second (camera time), rather than stick', async () => {
    const { stage, runner } = stageWith();
    stage.apply(frame(grey(640, 480), 10), params());
    await runner.answer({ results: { boxes: [BOX] } });
    const at = (time: number) => {
      const image = grey(640, 480);
      stage.apply(frame(image, time), params({ maxAge: 1, maxRate: 0.5 }));
      return pixel(image, 160, 60)[1];
    };
    assert.ok(at(10.9) > 200, 'still full at 0.9 s');
    const half = at(11.25);
    assert.ok(half > GREY + 30 && half < 200, `half faded at 1.25 s (${half})`);
    assert.equal(at(11.6), GREY, 'gone at 1.6 s');
    stage.dispose();
  });

  it('a result that breaks the schema is an error, said once; nothing of it is drawn; the good one before stays', async () => {
    const { stage, runner, events, errors } = stageWith();
    stage.apply(frame(grey(640, 480), 0), params());
    await runner.answer({ results: { boxes: [BOX] } });
    for (let i = 1; i <= 2; i++) {
      stage.apply(frame(grey(640, 480), i / 10), params());
      await runner.answer({ results: { boxes: [{ x: NaN, y: 300, width: 50, height: 50 }] } });
    }
    assert.equal(events.length, 1);
    assert.deepEqual(errors, [
      '"finder": returned results CamLoop cannot draw: boxes[0].x is NaN: coordinates must be finite numbers (pixels of the picture given); nothing of them is drawn',
    ]);
    const image = grey(640, 480);
    stage.apply(frame(image, 0.3), params());
    assert.ok(isGreen(pixel(image, 160, 60)), 'the good box');
    assert.deepEqual(pixel(image, 20, 300), [GREY, GREY, GREY]);
    await runner.answer(new Error('KeyError: boom'));
    assert.equal(errors.at(-1), '"finder": KeyError: boom');
    stage.dispose();
    assert.ok(runner.disposed);
  });

  it('a blur mask blurs the background and keeps the foreground sharp', async () => {
    const { stage, runner } = stageWith();
    const width = 320;
    const height = 240;
    stage.apply(frame(noisyCard(cv, width, height), 0), params({ mask: 'blur' }));
    // The foreground is the left half; the mask is a quarter of the picture's size (it is scaled).
    const data = new Uint8Array((width / 4) * (height / 4));
    for (let y = 0; y < height / 4; y++) data.fill(255, y * (width / 4), y * (width / 4) + width / 8);
    await runner.answer({ results: {}, mask: { width: width / 4, height: height / 4, data } });
    const image = noisyCard(cv, width, height, 2);
    const before = { fore: roughness(region(image, 0, 0, 140, height)), back: roughness(region(image, 180, 0, width, height)) };
    stage.apply(frame(image, 0.1), params({ mask: 'blur' }));
    const after = { fore: roughness(region(image, 0, 0, 140, height)), back: roughness(region(image, 180, 0, width, height)) };
    assert.ok(after.back < before.back / 3, `the background's fine detail is gone (${before.back.toFixed(1)} -> ${after.back.toFixed(1)})`);
    assert.ok(Math.abs(after.fore - before.fore) < 0.5, `the foreground's is not (${before.fore.toFixed(1)} -> ${after.fore.toFixed(1)})`);
    stage.dispose();
  });

  it('each mask effect does what it says: tint the foreground, colour or checker the background, or nothing', async () => {
    const data = new Uint8Array(40 * 30);
    for (let y = 0; y < 30; y++) data.fill(255, y * 40, y * 40 + 20); // the left half is the foreground
    const seen: Record<string, [number[], number[]]> = {};
    for (const mask of ['tint', 'colour', 'cut-out', 'off']) {
      const { stage, runner } = stageWith();
      stage.apply(frame(grey(160, 120), 0), params({ mask }));
      await runner.answer({ results: {}, mask: { width: 40, height: 30, data } });
      const image = grey(160, 120);
      stage.apply(frame(image, 0.1), params({ mask }));
      seen[mask] = [pixel(image, 20, 60), pixel(image, 140, 60)];
      stage.dispose();
    }
    const g = GREY;
    assert.ok(
      isGreen([seen.tint[0][0], seen.tint[0][1] + 60, seen.tint[0][2]]) && seen.tint[0][1] > g + 40,
      `tinted foreground ${seen.tint[0]}`,
    );
    assert.deepEqual(seen.tint[1], [g, g, g], 'tint leaves the background');
    assert.deepEqual(seen.colour[0], [g, g, g], 'colour leaves the foreground');
    assert.ok(isGreen(seen.colour[1]), `a green background ${seen.colour[1]}`);
    assert.ok([150, 200].includes(seen['cut-out'][1][0]) && seen['cut-out'][0][0] === g, `a checkerboard behind ${seen['cut-out']}`);
    assert.deepEqual(seen.off, [
      [g, g, g],
      [g, g, g],
    ]);
  });

  it("a mask's image effect puts the plugins folder's background.png behind the foreground; without one, the colour, said once", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'camloop-bg-'));
    try {
      execFileSync('ffmpeg', [
        '-v',
        'error',
        '-f',
        'lavfi',
        '-i',
        'color=c=0x2040f0:s=64x48',
        '-frames:v',
        '1',
        join(dir, 'background.png'),
      ]);
      const runner = new FakeRunner();
      const errors: string[] = [];
      const host = new DetectHost(
        () => cv,
        { result: () => {}, error: (m) => errors.push(m), log: () => {}, needModels: () => {} },
        () => runner,
      );
      host.setPluginsDir(dir);
      const stage = host.detectStage('finder', { runtime: 'js', module: '', exportName: '' });
      const p = params({ mask: 'image' });
      stage.apply(frame(grey(160, 120), 0), p);
      const data = new Uint8Array(40 * 30);
      for (let y = 0; y < 30; y++) data.fill(255, y * 40, y * 40 + 20); // the left half is the foreground
      await runner.answer({ results: {}, mask: { width: 40, height: 30, data } });
      const image = grey(160, 120);
      stage.apply(frame(image, 0.1), p);
      assert.deepEqual(pixel(image, 20, 60), [GREY, GREY, GREY], 'the foreground stays');
      const [r, g, b] = pixel(image, 140, 60);
      assert.ok(Math.abs(r - 0x20) < 6 && Math.abs(g - 0x40) < 6 && Math.abs(b - 0xf0) < 6, `the picture behind (${[r, g, b]})`);
      assert.deepEqual(errors, []);
      host.setPluginsDir(join(dir, 'nothing-here'));
      for (const time of [0.2, 0.3]) stage.apply(frame(image, time), p);
      assert.equal(errors.length, 1);
      assert.match(errors[0], /no background\.jpg or background\.jpeg or background\.png in the plugins folder/);
      assert.ok(isGreen(pixel(image, 140, 60)), 'the colour instead');
      stage.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('"detect -> pixelate-boxes": the stage after a detect filter pixelates inside the boxes it drew', async () => {
    const runner = new FakeRunner();
    const host = new DetectHost(
      () => cv,
      { result: () => {}, error: () => {}, log: () => {}, needModels: () => {} },
      () => runner,
    );
    const stages = new TransformStages(cv, host);
    stages.set(
      parseChain([
        { id: 'faces', params: { draw: false } },
        { id: 'pixelate-boxes', params: { grow: 0 } },
      ]),
    );
    stages.apply(noisyCard(cv, 640, 480), 640, 480, 0);
    await runner.answer({ results: { boxes: [{ x: 64, y: 48, width: 256, height: 192 }] } });
    const image = noisyCard(cv, 320, 240, 3);
    stages.apply(image, 320, 240, 0.1);
    assert.deepEqual(stages.errors, []);
    const inside = roughness(region(image, 34, 26, 158, 118));
    const outside = roughness(region(image, 180, 130, 320, 240));
    assert.ok(
      inside < outside / 3,
      `blocks inside the box (scaled to this size), noise outside (${inside.toFixed(2)} vs ${outside.toFixed(2)})`,
    );
    stages.dispose();
    assert.ok(runner.disposed);
  });
});

it('a detect stage drawing boxes, text and a blurred background, fading, does not grow the OpenCV.js heap', async () => {
  const { stage, runner } = stageWith();
  const source = noisyCard(cv, 640, 480);
  const image = new cv.Mat();
  const mask = { width: 160, height: 120, data: new Uint8Array(160 * 120).fill(255, 0, 9600) };
  const drawn = {
    boxes: [{ ...BOX, label: 'a', score: 0.5 }],
    points: [
      { x: 5, y: 5 },
      { x: 50, y: 50 },
    ],
    edges: [[0, 1]],
    text: [{ x: 9, y: 99, text: 'hi' }],
  };
  const frameAt = (i: number) => {
    source.copyTo(image);
    stage.apply(frame(image, i / 30), params({ mask: 'blur', maxAge: 0.2 }));
  };
  frameAt(0);
  await runner.answer({ results: drawn, mask });
  for (let i = 1; i < 20; i++) frameAt(i);
  const heap = cv.HEAPU8.length;
  for (let i = 20; i < 120; i++) frameAt(i); // fades from ~0.2 s on
  assert.equal(cv.HEAPU8.length, heap);
  stage.dispose();
  image.delete();
  source.delete();
});
