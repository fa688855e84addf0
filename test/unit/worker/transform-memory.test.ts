import assert from 'node:assert/strict';
import { it } from 'node:test';
import { loadOpenCV } from '../../../electron/core/transforms/opencv.js';
import { listTransforms } from '../../../electron/core/transforms/registry.js';
import { transformRunner } from '../../support/run-transform.js';
import { noisyCard } from '../../support/images.js';
import { makeVp8Clip } from '../../support/clip.js';
import { VideoProcessor } from '../../../electron/core/worker/video-processor.js';
import { DEFAULT_MAX_PIXELS } from '../../../electron/core/media/picture-size.js';

/**
 * A Mat not deleted per frame grows the WASM heap by a frame's worth each time (2.7 MB at 720p).
 * The heap never shrinks, so after a warm-up its size must stay exactly the same.
 */
it('no transform grows the OpenCV.js heap frame after frame (150 frames each at 640x480)', async () => {
  const { cv } = await loadOpenCV();
  const source = noisyCard(cv, 640, 480);
  const image = new cv.Mat();
  // A detect stage's drawing is checked in detect-stage.test.ts.
  for (const transform of listTransforms().filter((t) => t.kind !== 'detect')) {
    const runner = transformRunner(cv, transform.id);
    const frame = (i: number) => {
      source.copyTo(image);
      runner.run(image, i / 30);
    };
    for (let i = 0; i < 20; i++) frame(i);
    const heap = cv.HEAPU8.length;
    for (let i = 20; i < 170; i++) frame(i);
    assert.equal(cv.HEAPU8.length, heap, `${transform.id} grew the heap by ${cv.HEAPU8.length - heap} bytes`);
    runner.dispose();
  }
  image.delete();
  source.delete();
});

/**
 * node-av reports the memory behind each Buffer its Frame.data makes to V8 as external memory;
 * ~0.9 MB of that per frame made V8 run a full mark-compact of a worker's 32 MB heap every ~10
 * frames (~2 ms of CPU per frame across threads). What a processed frame adds must stay small.
 */
it('processing a frame reports little new external memory to V8 (grey, planes and RGBA chains)', async () => {
  const { cv } = await loadOpenCV();
  const clip = makeVp8Clip(640, 480, 40);
  for (const id of ['edges', 'rotate', 'invert']) {
    const processor = new VideoProcessor(() => cv, 'vp8', [{ id, params: {} }], DEFAULT_MAX_PIXELS);
    processor.setRate({ estimate: 2_000_000 });
    let added = 0;
    clip.frames.forEach((frame, i) => {
      const before = process.memoryUsage().external;
      processor.decode(frame, i * 3000);
      processor.requestKeyframe(); // never skipped for the budget, however fast this loop runs
      processor.encodeLatest();
      if (i >= 10) added += Math.max(0, process.memoryUsage().external - before);
    });
    processor.dispose();
    const perFrame = added / 30;
    assert.ok(perFrame < 150_000, `${id}: ${Math.round(perFrame / 1000)} KB of external memory per frame`);
  }
});
