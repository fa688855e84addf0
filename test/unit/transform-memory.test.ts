import assert from 'node:assert/strict';
import { it } from 'node:test';
import { loadOpenCV } from '../../electron/core/transforms/opencv.js';
import { listTransforms } from '../../electron/core/transforms/registry.js';
import { transformRunner } from '../support/run-transform.js';
import { noisyCard } from '../support/images.js';

/**
 * A Mat not deleted per frame grows the WASM heap by a frame's worth each time (2.7 MB at 720p).
 * The heap never shrinks, so after a warm-up its size must stay exactly the same.
 */
it('no transform grows the OpenCV.js heap frame after frame (150 frames each at 640x480)', async () => {
  const { cv } = await loadOpenCV();
  const source = noisyCard(cv, 640, 480);
  const image = new cv.Mat();
  for (const transform of listTransforms()) {
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
