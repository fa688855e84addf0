import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AV_PIX_FMT_YUVJ420P } from 'node-av/constants';
import type { TransformChain } from '../../../electron/core/transforms/chain.js';
import { loadOpenCV, type OpenCV } from '../../../electron/core/transforms/opencv.js';
import { setPluginTransforms } from '../../../electron/core/transforms/registry.js';
import { detectTransform } from '../../../electron/core/transforms/detect-filter.js';
import type { DetectorSpec, StageHost, Transform } from '../../../electron/core/transforms/types.js';
import { ChainRunner, needsOpenCV } from '../../../electron/core/worker/chain-runner.js';
import { chainOnI420 } from '../../support/run-chain.js';
import { flatI420, i420Bytes, yuvFrame } from '../../support/yuv-frames.js';

let cv: OpenCV;
before(async () => ({ cv } = await loadOpenCV()));
after(() => setPluginTransforms([]));

const W = 64;
const H = 48;
const SIZE = { width: W, height: H };
/** Luma 40 on the left half, 200 on the right; neutral chroma. */
const halves = () => {
  const bytes = flatI420(W, H, 0);
  for (let y = 0; y < H; y++) bytes.fill(40, y * W, y * W + W / 2).fill(200, y * W + W / 2, (y + 1) * W);
  return bytes;
};
const noOpenCV = () => {
  throw new Error('OpenCV.js was asked for');
};

/** A plugin-like transform with only a native form. */
const graphOnly = (id: string, graph: string): Transform => ({
  id,
  label: id,
  params: [],
  native: () => ({ graph }),
  create: () => {
    throw new Error('a filter graph');
  },
});

describe('ChainRunner', () => {
  it('runs a chain of native stages as FFmpeg graphs, without OpenCV.js', () => {
    const chain: TransformChain = [
      { id: 'mirror', params: { axis: 'horizontal' } },
      { id: 'invert', params: {} },
    ];
    assert.equal(needsOpenCV(chain), false);
    const runner = new ChainRunner(noOpenCV);
    runner.set(chain);
    const frame = yuvFrame(halves(), W, H);
    const out = runner.run(frame, 0, SIZE, SIZE);
    assert.ok(!(out instanceof Promise));
    const y = i420Bytes(out.frame);
    // mirrored (200 on the left), then inverted in video range (251 - Y)
    assert.deepEqual([y[0], y[W - 1]], [51, 211]);
    assert.deepEqual(runner.takeErrors(), []);
    frame.free();
    runner.dispose();
  });

  it('runs OpenCV.js stages between native ones, on the YUV the graphs made', () => {
    const chain: TransformChain = [
      { id: 'mirror', params: { axis: 'horizontal' } },
      { id: 'edges', params: { low: 100, high: 200 } },
      { id: 'invert', params: {} },
    ];
    assert.equal(needsOpenCV(chain), true);
    const runner = chainOnI420(chain, W, H, cv);
    const { picture } = runner.run(halves());
    // edges: a line (Y 255) where the halves meet, 0 elsewhere; inverted (251 - Y, clipped): a white page and a black line
    assert.equal(picture[10 * W + 5], 251);
    assert.ok(
      [W / 2 - 1, W / 2].some((x) => picture[10 * W + x] === 0),
      'the edge line',
    );
    assert.deepEqual(runner.takeErrors(), []);
    runner.dispose();
  });

  it('turns full-range (yuvj420p) frames into video range before the chain', () => {
    const runner = new ChainRunner(noOpenCV);
    runner.set([{ id: 'grayscale', params: {} }]);
    const bytes = flatI420(W, H, 255);
    bytes.fill(0, 0, W * 4);
    const frame = yuvFrame(bytes, W, H, 0n, AV_PIX_FMT_YUVJ420P);
    const out = runner.run(frame, 0, SIZE, SIZE);
    assert.ok(!(out instanceof Promise));
    const y = i420Bytes(out.frame);
    assert.deepEqual([y[0], y[W * 10]], [16, 235], 'full black and white in video range');
    frame.free();
    runner.dispose();
  });

  it('works at the work size and hands back the size asked for', () => {
    const runner = new ChainRunner(noOpenCV);
    runner.set([{ id: 'cartoon', params: { passes: 1 } }]);
    assert.equal(runner.workWidth, 360);
    const frame = yuvFrame(flatI420(640, 480, 100), 640, 480);
    const out = runner.run(frame, 0, { width: 360, height: 270 }, { width: 320, height: 240 });
    assert.ok(!(out instanceof Promise));
    assert.deepEqual([out.frame.width, out.frame.height], [320, 240]);
    frame.free();
    runner.dispose();
  });

  it('lets frames through a graph that cannot be built, and says why once', () => {
    setPluginTransforms([graphOnly('broken', 'nosuchfilter')]);
    const runner = chainOnI420([{ id: 'broken', params: {} }], W, H);
    for (let i = 0; i < 3; i++) assert.deepEqual(runner.run(halves()).picture, halves());
    const errors = runner.takeErrors();
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.match(errors[0], /"broken" failed to start at 64x48: .*frames pass through it/);
    runner.dispose();
  });

  it('lets a frame the graph rejects at run time through, says why once while it repeats, and carries on after', () => {
    // Frames at 1 s and later are refused (width NaN): one error however many frames repeat it.
    setPluginTransforms([graphOnly('late', "scale=w='if(gte(t\\,1)\\,0/0\\,iw)':h=ih:eval=frame,negate")]);
    const runner = chainOnI420([{ id: 'late', params: {} }], W, H);
    assert.equal(runner.run(halves(), 0).picture[0], 255 - 40, 'negated while it works');
    for (const t of [1, 1.1, 1.2]) assert.deepEqual(runner.run(halves(), t).picture, halves(), 'passed through');
    const errors = runner.takeErrors();
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.match(errors[0], /"late" rejected a frame: .*frames pass through it/);
    runner.dispose();
  });

  it("makes a detect filter's stage through the camera's StageHost, in OpenCV.js between native stages", () => {
    const detector: DetectorSpec = { runtime: 'js', module: 'finder.mjs', exportName: 'finder' };
    setPluginTransforms([detectTransform({ id: 'finder', label: 'Finder', params: [], detector })]);
    const made: { id: string; detector: DetectorSpec }[] = [];
    const seen: string[] = [];
    const host: StageHost = {
      detectStage: (id, spec) => {
        made.push({ id, detector: spec });
        // Draws as a detect stage does: here, the whole picture black.
        return { apply: (frame) => (seen.push(`${frame.width}x${frame.height}`), void frame.image.data.fill(0)), dispose() {} };
      },
      boxes: () => [],
    };
    const chain: TransformChain = [
      { id: 'mirror', params: { axis: 'horizontal' } },
      { id: 'finder', params: {} },
      { id: 'invert', params: {} },
    ];
    assert.equal(needsOpenCV(chain), true, 'a detect stage draws with OpenCV.js');
    const runner = new ChainRunner(() => cv, host);
    runner.set(chain);
    const frame = yuvFrame(halves(), W, H);
    const out = runner.run(frame, 0, SIZE, SIZE);
    assert.ok(!(out instanceof Promise));
    assert.deepEqual(runner.takeErrors(), []);
    assert.deepEqual(made, [{ id: 'finder', detector }]);
    assert.deepEqual(seen, [`${W}x${H}`]);
    // black (Y 16), then inverted in video range: 251 - 16
    assert.ok(Math.abs(i420Bytes(out.frame)[W * 10 + 5]! - 235) <= 2, 'drawn by the stage, then inverted');
    frame.free();
    runner.dispose();
  });
});
