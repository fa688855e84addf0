import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { JsThreadRunner } from '../../../electron/core/detect/js-runner.js';
import { PythonRunner } from '../../../electron/core/detect/python-runner.js';
import type { DetectRunner } from '../../../electron/core/detect/runner.js';
import { PYTHON, pyDetect, pythonPluginDir } from '../../support/python-plugins.js';

const PY = {
  'found.py': pyDetect(
    'found',
    "assert not image.flags.writeable\nm = numpy.full((int(params['k']), 2 * int(params['k'])), 200, numpy.uint8)\nx, y = numpy.int32(image[0, 0, 0]), 5\nreturn {'boxes': [{'x': x, 'y': y, 'width': 4, 'height': 3}], 'mine': 'kept', 'mask': m}",
    'import numpy',
  ),
  'raises.py': pyDetect('raises', "raise KeyError('no such landmark')"),
  'hangs.py': pyDetect('hangs', 'time.sleep(600)'),
  'nan.py': pyDetect('nan', "return {'boxes': [{'x': float('nan'), 'y': 0, 'width': 1, 'height': 1}]}"),
  'huge.py': pyDetect('huge', "return {'mask': numpy.zeros((2160, 3840), numpy.uint8)}", 'import numpy'),
  'floaty.py': pyDetect('floaty', "return {'mask': numpy.zeros((4, 4), numpy.float32)}", 'import numpy'),
  'wordy.py': pyDetect('wordy', "return {'words': 'x' * (1 << 21)}"),
};

const JS = {
  'found.mjs': `export default { create(cv) { return { detect(frame, params) {
      const mask = new cv.Mat(2, 3, cv.CV_8UC1, new cv.Scalar(9));
      return { boxes: [{ x: frame.image.data[0], y: frame.time, width: frame.width, height: params.k }], mask };
    }, dispose() {} }; } };`,
  'throws.mjs': `export default { create() { return { detect() { throw new RangeError('out of range'); } }; } };`,
  'nan.mjs': `export default { create() { return { detect() { return { score: 0 / 0 }; } }; } };`,
  'spins.mjs': `export default { create() { return { detect() { for (const end = Date.now() + 60000; Date.now() < end; ); } }; } };`,
  'broken.mjs': `export default { create() { throw new Error('no model file'); } };`,
};

let dir: string;
before(async () => {
  dir = await pythonPluginDir(PY);
  for (const [name, source] of Object.entries(JS)) await writeFile(join(dir, name), source);
});
after(() => rm(dir, { recursive: true, force: true }));

const runners: DetectRunner[] = [];
after(() => runners.forEach((r) => r.dispose()));

const python = (name: string, hangMs?: number) => keep(new PythonRunner(PYTHON, join(dir, name), { onOutput: () => {}, hangMs }));
const js = (name: string, hangMs?: number) =>
  keep(new JsThreadRunner({ module: pathToFileURL(join(dir, name)).href, exportName: 'default' }, { hangMs }));
function keep<T extends DetectRunner>(runner: T): T {
  runners.push(runner);
  return runner;
}

async function idle(runner: DetectRunner, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!runner.idle) {
    if (Date.now() > deadline) throw new Error(`not idle: ${runner.trouble}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const frame = (bytesPerPixel: number, first = 7) => {
  const pixels = new Uint8Array(8 * 6 * bytesPerPixel).fill(1);
  pixels[0] = first;
  return { pixels, width: 8, height: 6, time: 2.5 };
};

describe('a Python detect runner', { timeout: 60_000 }, () => {
  it('gets a read-only BGR picture and params; results come back as JSON (numpy numbers too), the mask as bytes', async () => {
    const runner = python('found.py');
    await idle(runner);
    const raw = await runner.run(frame(3), { k: 3 });
    assert.deepEqual(raw.results, { boxes: [{ x: 7, y: 5, width: 4, height: 3 }], mine: 'kept' });
    assert.deepEqual([raw.mask?.width, raw.mask?.height, raw.mask?.data.length, raw.mask?.data[0]], [6, 3, 18, 200]);
    assert.ok(runner.idle, 'idle again');
  });

  it('says what is wrong: an exception with its traceback, a NaN, a mask of floats, a 4K mask, 2 MB of JSON', async () => {
    const cases: [string, RegExp][] = [
      ['raises.py', /KeyError: 'no such landmark'[\s\S]*raises\.py", line \d+, in detect/],
      ['nan.py', /results hold a NaN or an infinity/],
      ['floaty.py', /mask is float32: expected uint8/],
      ['huge.py', /mask of 3840x2160: at most 2500000 pixels/],
      ['wordy.py', /results are 2\.0 MB of JSON: at most 1 MB/],
    ];
    for (const [file, message] of cases) {
      const runner = python(file);
      await idle(runner);
      await assert.rejects(runner.run(frame(3), { k: 1 }), message, file);
      await idle(runner, 2000); // the same process goes on
    }
  });

  it('a hang is killed and the process comes back', async () => {
    const runner = python('hangs.py', 400);
    await idle(runner);
    await assert.rejects(runner.run(frame(3), {}), /detect\(\) took more than 0.4 s on one frame; restarting in 0.5 s/);
    assert.equal(runner.idle, false);
    assert.match(runner.trouble ?? '', /restarting/);
    await idle(runner);
  });
});

describe('the example find_colour.py', { timeout: 60_000 }, () => {
  it('boxes a red square where it is, and its mask covers it', async () => {
    const runner = keep(
      new PythonRunner(PYTHON, new URL('../../../../plugins/examples/find_colour.py', import.meta.url).pathname, { onOutput: () => {} }),
    );
    await idle(runner);
    const [width, height] = [160, 120];
    const pixels = new Uint8Array(width * height * 3).fill(90);
    for (let y = 40; y < 70; y++) for (let x = 100; x < 140; x++) pixels.set([20, 20, 230], (y * width + x) * 3); // BGR red
    const raw = await runner.run({ pixels, width, height, time: 0 }, { hue: 'red', minArea: 0.5 });
    assert.deepEqual(raw.results, { boxes: [{ x: 100, y: 40, width: 40, height: 30, label: 'red' }], count: 1 });
    assert.equal(raw.mask?.data[55 * width + 120], 255, 'inside the square');
    assert.equal(raw.mask?.data[10 * width + 10], 0, 'outside');
  });
});

describe('a JS detect runner (a thread of its own)', { timeout: 60_000 }, () => {
  it('gets an RGBA cv.Mat, the frame time and params; a CV_8UC1 Mat comes back as the mask', async () => {
    const runner = js('found.mjs');
    await idle(runner);
    const sent = frame(4);
    const raw = await runner.run(sent, { k: 9 });
    assert.deepEqual(raw.results, { boxes: [{ x: 7, y: 2.5, width: 8, height: 9 }] });
    assert.deepEqual([raw.mask?.width, raw.mask?.height, [...(raw.mask?.data ?? [])]], [3, 2, [9, 9, 9, 9, 9, 9]]);
    assert.equal(sent.pixels.byteLength, 0, 'the frame was transferred, not copied');
  });

  it('an exception, a NaN, a hang and a broken module are errors; the runner comes back after each', async () => {
    const throws = js('throws.mjs');
    await idle(throws);
    await assert.rejects(throws.run(frame(4), {}), /RangeError: out of range\n.*throws\.mjs/);
    const nan = js('nan.mjs');
    await idle(nan);
    await assert.rejects(nan.run(frame(4), {}), /results hold NaN at "score"/);
    const spins = js('spins.mjs', 500);
    await idle(spins);
    await assert.rejects(spins.run(frame(4), {}), /took more than 0.5 s on one frame; restarting in 0.5 s/);
    await idle(spins);
    const broken = js('broken.mjs');
    for (let i = 0; i < 200 && !broken.trouble; i++) await new Promise((r) => setTimeout(r, 25));
    assert.match(broken.trouble ?? '', /no model file[\s\S]*restarting in/);
    assert.equal(broken.idle, false);
  });
});
