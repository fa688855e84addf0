import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Frame } from 'node-av/lib';
import { AV_PIX_FMT_YUV420P } from 'node-av/constants';
import { FrameConverter } from '../../../electron/core/worker/frame-converter.js';
import { FrameScaler } from '../../../electron/core/worker/frame-scaler.js';
import { TransformStages } from '../../../electron/core/worker/transform-stages.js';
import { workSize } from '../../../electron/core/worker/chain-planes.js';
import { parseChain } from '../../../electron/core/transforms/chain.js';
import { loadOpenCV, type Mat, type OpenCV } from '../../../electron/core/transforms/opencv.js';
import { pixel } from '../../support/images.js';

let cv: OpenCV;
before(async () => ({ cv } = await loadOpenCV()));

describe('the size a chain works at', () => {
  it("is the size sent for transforms that mean the same at any size, at most their own width; else the camera's", () => {
    const camera = { width: 640, height: 480 };
    assert.deepEqual(workSize(camera, camera, Infinity), camera);
    assert.deepEqual(workSize(camera, { width: 480, height: 360 }, Infinity), { width: 480, height: 360 });
    assert.deepEqual(workSize(camera, { width: 480, height: 360 }, undefined), camera, 'a stage that needs the camera size gets it');
    assert.deepEqual(workSize(camera, camera, 360), { width: 360, height: 270 });
    assert.deepEqual(
      workSize({ width: 1280, height: 720 }, { width: 1280, height: 720 }, 360),
      { width: 360, height: 202 },
      'even, for 4:2:0',
    );
    assert.deepEqual(workSize(camera, { width: 320, height: 240 }, 360), { width: 320, height: 240 });
  });

  it("a chain's width is its smallest stage's, and none when one stage needs the camera's size", () => {
    const stages = new TransformStages(cv);
    const cases: [string[], number | undefined][] = [
      [['edges'], Infinity],
      [['rotate', 'sepia'], Infinity],
      [['cartoon'], 360],
      [['edges', 'cartoon'], 360],
      [['edges', 'blur'], undefined],
      [['faces'], undefined],
      [['none'], undefined],
    ];
    for (const [ids, width] of cases) {
      stages.set(parseChain(ids.map((id) => ({ id, params: {} }))));
      assert.equal(stages.workWidth, width, ids.join(' + '));
    }
    stages.dispose();
  });
});

describe('FrameConverter at a smaller work size', () => {
  /** A 640x480 decoded-like frame: luma 50 on the left half, 200 on the right; U 100, V 160. */
  function halves(): Frame {
    const frame = new Frame();
    frame.alloc();
    frame.width = 640;
    frame.height = 480;
    frame.format = AV_PIX_FMT_YUV420P;
    frame.allocBuffer();
    const [y, u, v] = frame.data!;
    const [ys, us, vs] = frame.linesize;
    for (let row = 0; row < 480; row++) for (let col = 0; col < 640; col++) y[row * ys + col] = col < 320 ? 50 : 200;
    for (let row = 0; row < 240; row++) {
      u.fill(100, row * us, row * us + 320);
      v.fill(160, row * vs, row * vs + 320);
    }
    return frame;
  }
  const at = (mat: Mat, x: number, y: number) => mat.data[y * mat.cols + x];

  it("scales the decoded picture into the chain's Mats (grey, planes, RGBA) and the result back up to the size sent", () => {
    const decoded = halves();
    const converter = new FrameConverter(640, 480, 320, 240);
    const [luma, u, v] = [new cv.Mat(240, 320, cv.CV_8UC1), new cv.Mat(120, 160, cv.CV_8UC1), new cv.Mat(120, 160, cv.CV_8UC1)];
    converter.decodedToGray(decoded, luma, [u, v]);
    assert.deepEqual([at(luma, 80, 120), at(luma, 240, 120)], [50, 200], 'luma halves at the work size');
    converter.decodedToPlanes(decoded, [luma, u, v]);
    assert.deepEqual([at(u, 40, 60), at(v, 120, 60)], [100, 160]);
    const rgba = new cv.Mat(240, 320, cv.CV_8UC4);
    converter.decodedToRgba(decoded, rgba);
    assert.ok(pixel(rgba, 80, 120)[0] < pixel(rgba, 240, 120)[0] - 100, 'RGBA keeps the halves');

    // The chain's grey result, sent at 640x480: scaled back up.
    const yuv = converter.grayToYuv(luma);
    assert.deepEqual([yuv.width, yuv.height], [320, 240]);
    const scaler = new FrameScaler();
    const sent = scaler.scale(yuv, 640, 480);
    assert.deepEqual([sent.width, sent.height], [640, 480]);
    const [sy] = sent.data!;
    assert.deepEqual([sy[240 * sent.linesize[0] + 100], sy[240 * sent.linesize[0] + 540]], [50, 200]);
    assert.equal(scaler.scale(yuv, 320, 240), yuv, 'at the work size: no copy');
    scaler.dispose();
    for (const mat of [luma, u, v, rgba]) mat.delete();
    converter.dispose();
    decoded.free();
  });
});
